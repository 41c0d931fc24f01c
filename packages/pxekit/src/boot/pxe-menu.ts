/**
 * The proxyDHCP PXE boot menu (`dhcp.pxeMenu`) compiled to @pxekit/dhcp's `PxeMenu`.
 *
 * A pxekit item names a profile (its loaders, one per PXE firmware class), the local disk, or a file.
 * A profile item becomes one @pxekit/dhcp item per firmware class the profile covers, all with the same
 * boot server type, so the ROM shows one line and asks for the file of its own architecture (dnsmasq:
 * one `pxe-service` line per CSA with the same description). The menu is the same for every client: the
 * item picks the loader, and what that loader loads next (its menu, the kickstart) still follows the
 * host's own profile, as without a menu.
 */
import type { PxeMenu, PxeMenuItem } from '@pxekit/dhcp';
import type { BootProfile, PxeMenuArch, PxeMenuConfig } from '../config/model.js';
import { loaderFiles } from '../loaders/discover.js';

/** Option 93 codes of each PXE firmware class (as the boot rules match them). */
export const PXE_MENU_ARCH_CODES: Readonly<Record<PxeMenuArch, readonly number[]>> = {
  bios: [0],
  uefiX64: [7, 9],
  arm64: [11],
};

export const PXE_MENU_ARCHES: readonly PxeMenuArch[] = ['bios', 'uefiX64', 'arm64'];

/** Boot server type of the pxekit item at `index` (PXE 2.1 table 2-2: 32768 up is vendor use). */
const itemType = (index: number): number => 0x8000 + index;

/**
 * The firmware classes a profile item is shown to, and the boot file of each: the item's `arch`, else
 * every class the profile has a loader for.
 */
export function profileItemFiles(
  profile: BootProfile,
  arch: readonly PxeMenuArch[] | undefined,
): { arch: PxeMenuArch; bootFile: string | undefined }[] {
  const classes = arch ?? PXE_MENU_ARCHES.filter((a) => profile[a] !== undefined);
  return classes.map((a) => {
    const choice = profile[a];
    const files = choice === undefined ? undefined : loaderFiles(choice, a, profile.menu !== undefined);
    return { arch: a, bootFile: files?.bootFile };
  });
}

/**
 * `dhcp.pxeMenu` as @pxekit/dhcp's `PxeMenu`. Expects a config `loadConfig` accepted (every profile
 * named exists and covers the classes its item is shown to); the engine checks sizes and text again.
 *
 * @example
 * const menu = compilePxeMenu(config.dhcp.pxeMenu, config.profiles);
 */
export function compilePxeMenu(menu: PxeMenuConfig, profiles: ReadonlyMap<string, BootProfile>): PxeMenu {
  const items: PxeMenuItem[] = [];
  menu.items.forEach((item, index) => {
    const codes = (arch: readonly PxeMenuArch[] | undefined) =>
      arch === undefined ? {} : { arch: arch.flatMap((a) => PXE_MENU_ARCH_CODES[a]) };
    switch (item.kind) {
      case 'local':
        items.push({ description: item.label, type: 0, ...codes(item.arch) });
        break;
      case 'file':
        items.push({
          description: item.label,
          type: itemType(index),
          bootFile: item.file,
          ...codes(item.arch),
          ...(item.server === undefined ? {} : { server: item.server }),
        });
        break;
      case 'profile': {
        const profile = profiles.get(item.profile);
        if (profile === undefined) throw new TypeError(`compilePxeMenu: no profile ${item.profile}`);
        for (const { arch, bootFile } of profileItemFiles(profile, item.arch)) {
          if (bootFile === undefined)
            throw new TypeError(`compilePxeMenu: profile ${item.profile} has no ${arch} loader`);
          items.push({
            description: item.label,
            type: itemType(index),
            bootFile,
            arch: PXE_MENU_ARCH_CODES[arch],
          });
        }
        break;
      }
    }
  });
  return {
    items,
    ...(menu.prompt === undefined ? {} : { prompt: menu.prompt }),
    ...(menu.timeout === undefined ? {} : { timeout: menu.timeout }),
  };
}

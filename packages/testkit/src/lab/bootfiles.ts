import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LabError, LabErrorCode } from './errors.js';

/** Where Debian 12 installs each boot file, and which package ships it. */
const LOCATIONS = {
  pxelinux: { path: '/usr/lib/PXELINUX/pxelinux.0', pkg: 'pxelinux' },
  lpxelinux: { path: '/usr/lib/PXELINUX/lpxelinux.0', pkg: 'pxelinux' },
  ldlinux: { path: '/usr/lib/syslinux/modules/bios/ldlinux.c32', pkg: 'syslinux-common' },
  menu: { path: '/usr/lib/syslinux/modules/bios/menu.c32', pkg: 'syslinux-common' },
  libutil: { path: '/usr/lib/syslinux/modules/bios/libutil.c32', pkg: 'syslinux-common' },
  libcom32: { path: '/usr/lib/syslinux/modules/bios/libcom32.c32', pkg: 'syslinux-common' },
  syslinuxEfi: { path: '/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi', pkg: 'syslinux-efi' },
  ldlinuxE64: { path: '/usr/lib/syslinux/modules/efi64/ldlinux.e64', pkg: 'syslinux-efi' },
  menuE64: { path: '/usr/lib/syslinux/modules/efi64/menu.c32', pkg: 'syslinux-efi' },
  libutilE64: { path: '/usr/lib/syslinux/modules/efi64/libutil.c32', pkg: 'syslinux-efi' },
  libcom32E64: { path: '/usr/lib/syslinux/modules/efi64/libcom32.c32', pkg: 'syslinux-efi' },
  undionly: { path: '/usr/lib/ipxe/undionly.kpxe', pkg: 'ipxe' },
  ipxeEfi: { path: '/usr/lib/ipxe/ipxe.efi', pkg: 'ipxe' },
  ovmfCode: { path: '/usr/share/OVMF/OVMF_CODE_4M.fd', pkg: 'ovmf' },
  ovmfVars: { path: '/usr/share/OVMF/OVMF_VARS_4M.fd', pkg: 'ovmf' },
  busybox: { path: '/bin/busybox', pkg: 'busybox-static' },
} as const;

export type BootFileName = keyof typeof LOCATIONS | 'kernel';

/** The Debian packages that provide every boot file {@link bootFile} knows. */
export const BOOT_FILE_PACKAGES: readonly string[] = [
  ...new Set([...Object.values(LOCATIONS).map((l) => l.pkg), 'linux-image-amd64']),
];

/** Newest `/boot/vmlinuz-*` that has a matching `/lib/modules/<release>`. */
export function findKernel(): { kernel: string; release: string; modules: string } {
  const boot = existsSync('/boot') ? readdirSync('/boot') : [];
  const releases = boot
    .filter((f) => f.startsWith('vmlinuz-'))
    .map((f) => f.slice('vmlinuz-'.length))
    .filter((r) => existsSync(join('/lib/modules', r, 'modules.dep')))
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  const release = releases[0];
  if (release === undefined) {
    throw new LabError(
      LabErrorCode.MISSING_FILE,
      'no /boot/vmlinuz-* with its /lib/modules/<release>: install linux-image-amd64',
    );
  }
  return { kernel: `/boot/vmlinuz-${release}`, release, modules: join('/lib/modules', release) };
}

/**
 * Path of a boot loader, firmware or kernel file installed by a Debian package. Throws
 * `LAB_ERR_MISSING_FILE` naming the package when it is absent.
 *
 * @example
 * copyFileSync(bootFile('pxelinux'), join(tftpRoot, 'pxelinux.0'));
 */
export function bootFile(name: BootFileName): string {
  if (name === 'kernel') return findKernel().kernel;
  const loc = LOCATIONS[name];
  if (!existsSync(loc.path)) {
    throw new LabError(
      LabErrorCode.MISSING_FILE,
      `${loc.path} not found: install the Debian package ${loc.pkg}`,
    );
  }
  return loc.path;
}

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BootProfile, LoaderChoice, PxekitConfig } from '../config/model.js';
import { baseName, DISTRO_FAMILIES, type DistroFamily, LOADER_CATALOG } from './catalog.js';

/** Firmware classes a profile can name a loader for. */
export type LoaderArch = 'bios' | 'uefiX64' | 'arm64';

/** Loader kinds each firmware class can run. */
export const LOADERS_FOR_ARCH: Readonly<Record<LoaderArch, readonly LoaderChoice['kind'][]>> = {
  bios: ['pxelinux', 'lpxelinux', 'undionly', 'file'],
  uefiX64: ['syslinux-efi', 'ipxe-efi', 'grub', 'shim', 'file'],
  arm64: ['ipxe-efi', 'grub', 'shim', 'file'],
};

const BIOS_MENU = ['menu.c32', 'libutil.c32', 'libcom32.c32'];

/**
 * The boot file a client of `arch` is handed for `choice` (what goes into the DHCP `file` field) and every
 * file that loader then fetches from the boot file space. Returns undefined for a kind the arch cannot run.
 */
export function loaderFiles(
  choice: LoaderChoice,
  arch: LoaderArch,
  withMenu: boolean,
): { bootFile: string; needs: string[] } | undefined {
  if (!LOADERS_FOR_ARCH[arch].includes(choice.kind)) return undefined;
  switch (choice.kind) {
    case 'pxelinux':
    case 'lpxelinux': {
      const bootFile = `${choice.kind}.0`;
      return { bootFile, needs: [bootFile, 'ldlinux.c32', ...(withMenu ? BIOS_MENU : [])] };
    }
    case 'undionly':
      return { bootFile: 'undionly.kpxe', needs: ['undionly.kpxe'] };
    case 'syslinux-efi':
      return {
        bootFile: 'efi64/syslinux.efi',
        needs: [
          'efi64/syslinux.efi',
          'efi64/ldlinux.e64',
          ...(withMenu ? BIOS_MENU.map((m) => `efi64/${m}`) : []),
        ],
      };
    case 'ipxe-efi': {
      const f = arch === 'arm64' ? 'arm64/ipxe.efi' : 'ipxe.efi';
      return { bootFile: f, needs: [f] };
    }
    case 'grub': {
      const f = arch === 'arm64' ? 'arm64/grubaa64.efi' : 'grubx64.efi';
      return { bootFile: f, needs: [f] };
    }
    case 'shim': {
      const [shim, grub] =
        arch === 'arm64' ? ['arm64/shimaa64.efi', 'arm64/grubaa64.efi'] : ['shimx64.efi', 'grubx64.efi'];
      return { bootFile: shim, needs: [shim, grub] };
    }
    case 'file':
      return { bootFile: choice.file, needs: [] };
  }
}

/** Every catalogued loader file the config's profiles need, in a stable order. */
export function requiredLoaderTargets(config: Pick<PxekitConfig, 'profiles'>): string[] {
  const out = new Set<string>();
  const add = (p: BootProfile, arch: LoaderArch): void => {
    const choice = p[arch];
    if (choice === undefined) return;
    for (const f of loaderFiles(choice, arch, p.menu !== undefined)?.needs ?? []) out.add(f);
  };
  for (const p of config.profiles.values()) {
    add(p, 'bios');
    add(p, 'uefiX64');
    add(p, 'arm64');
  }
  return [...out];
}

export interface DiscoverOptions {
  /** Folders searched before the distribution folders (config `bootLoaders.search`). */
  readonly search?: readonly string[];
  /** Explicit files by target or by file name (config `bootLoaders.files`). */
  readonly files?: ReadonlyMap<string, string>;
  /** Listed first in "install …" hints; detected from /etc/os-release when absent. */
  readonly family?: DistroFamily;
  /** File probe; the default checks for a readable regular file. Tests pass their own. */
  readonly isFile?: (path: string) => boolean;
}

export interface FoundLoader {
  readonly target: string;
  readonly path: string;
  readonly via: 'config' | 'search' | 'distribution';
  readonly package?: string;
}

export interface MissingLoader {
  readonly target: string;
  readonly what: string;
  /** Package per distribution family, the detected family first. */
  readonly packages: readonly { readonly family: DistroFamily; readonly package: string }[];
  readonly note?: string;
  readonly searched: readonly string[];
}

export interface LoaderReport {
  readonly found: ReadonlyMap<string, FoundLoader>;
  readonly missing: readonly MissingLoader[];
}

function defaultIsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds each target: first an explicit file from the config, then the search folders, then every
 * distribution's install path. Missing files are reported with the package that provides them.
 *
 * @example
 * const report = discoverBootLoaders(requiredLoaderTargets(config), { search: config.bootLoaders.search });
 * for (const m of report.missing) console.error(formatMissingLoader(m));
 */
export function discoverBootLoaders(targets: Iterable<string>, opts: DiscoverOptions = {}): LoaderReport {
  const isFile = opts.isFile ?? defaultIsFile;
  const family = opts.family ?? detectDistroFamily();
  const found = new Map<string, FoundLoader>();
  const missing: MissingLoader[] = [];
  for (const target of targets) {
    const name = baseName(target);
    const entry = LOADER_CATALOG.get(target);
    const searched: string[] = [];
    const explicit = opts.files?.get(target) ?? opts.files?.get(name);
    if (explicit !== undefined) {
      searched.push(explicit);
      if (isFile(explicit)) {
        found.set(target, { target, path: explicit, via: 'config' });
        continue;
      }
    }
    let hit: FoundLoader | undefined;
    for (const dir of opts.search ?? []) {
      // A flat folder may hold a file under its plain name, except the SYSLINUX modules whose BIOS and
      // EFI builds share names (menu.c32): those must sit in an efi64/ subfolder.
      const shared = target.startsWith('efi64/') && name.endsWith('.c32');
      const paths = shared ? [join(dir, target)] : [join(dir, target), join(dir, name)];
      for (const p of new Set(paths)) {
        searched.push(p);
        if (hit === undefined && isFile(p)) hit = { target, path: p, via: 'search' };
      }
      if (hit !== undefined) break;
    }
    if (hit === undefined && entry !== undefined) {
      const ordered = [...entry.candidates].sort(
        (a, b) => Number(b.family === family) - Number(a.family === family),
      );
      for (const c of ordered) {
        searched.push(c.path);
        if (isFile(c.path)) {
          hit = { target, path: c.path, via: 'distribution', package: c.package };
          break;
        }
      }
    }
    if (hit !== undefined) {
      found.set(target, hit);
      continue;
    }
    const packages: { family: DistroFamily; package: string }[] = [];
    for (const f of [family, ...DISTRO_FAMILIES.filter((x) => x !== family)]) {
      for (const c of entry?.candidates ?? []) {
        if (c.family === f && !packages.some((p) => p.family === f && p.package === c.package)) {
          packages.push({ family: f, package: c.package });
        }
      }
    }
    missing.push({
      target,
      what: entry?.what ?? 'boot file',
      packages,
      ...(entry?.note === undefined ? {} : { note: entry.note }),
      searched,
    });
  }
  return { found, missing };
}

const FAMILY_NAMES: Record<DistroFamily, string> = { debian: 'Debian/Ubuntu', fedora: 'Fedora/RHEL' };

/** One line: `missing efi64/syslinux.efi (SYSLINUX for x86-64 UEFI): install syslinux-efi (Debian/Ubuntu) …` */
export function formatMissingLoader(m: MissingLoader): string {
  const pk = m.packages.map((p) => `${p.package} (${FAMILY_NAMES[p.family]})`).join(' or ');
  const how = pk === '' ? 'not provided by any known package' : `install ${pk}`;
  return `missing ${m.target} (${m.what}): ${how}${m.note === undefined ? '' : `, ${m.note}`}`;
}

/** Reads /etc/os-release (or the given text) and maps ID / ID_LIKE to a family; Debian when unsure. */
export function detectDistroFamily(osRelease?: string): DistroFamily {
  let text = osRelease;
  if (text === undefined) {
    try {
      text = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
    } catch {
      text = '';
    }
  }
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^(ID|ID_LIKE)=["']?([^"'\n]*)["']?\s*$/.exec(line);
    if (m !== null) for (const w of m[2]!.split(/\s+/)) ids.add(w.toLowerCase());
  }
  if (['fedora', 'rhel', 'centos', 'rocky', 'almalinux'].some((id) => ids.has(id))) return 'fedora';
  return 'debian';
}

import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  detectDistroFamily,
  discoverBootLoaders,
  formatIssue,
  formatMissingLoader,
  loadConfig,
  loaderFiles,
  requiredLoaderTargets,
} from '../src/index.js';

function config(text: string) {
  const r = loadConfig(text, { file: '/cfg/pxekit.yaml' });
  if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
  return r.config;
}

describe('loaderFiles', () => {
  it('names the boot file and every companion each loader fetches', () => {
    expect(loaderFiles({ kind: 'pxelinux' }, 'bios', true)).toEqual({
      bootFile: 'pxelinux.0',
      needs: ['pxelinux.0', 'ldlinux.c32', 'menu.c32', 'libutil.c32', 'libcom32.c32'],
    });
    expect(loaderFiles({ kind: 'syslinux-efi' }, 'uefiX64', false)).toEqual({
      bootFile: 'efi64/syslinux.efi',
      needs: ['efi64/syslinux.efi', 'efi64/ldlinux.e64'],
    });
    expect(loaderFiles({ kind: 'shim' }, 'uefiX64', true)?.needs).toEqual(['shimx64.efi', 'grubx64.efi']);
    expect(loaderFiles({ kind: 'grub' }, 'arm64', true)?.bootFile).toBe('arm64/grubaa64.efi');
    expect(loaderFiles({ kind: 'pxelinux' }, 'uefiX64', true)).toBeUndefined();
  });

  it('the config rejects a loader the firmware cannot run', () => {
    const r = loadConfig('profiles:\n  p:\n    uefiX64: pxelinux\n', { file: '/cfg/x.yaml' });
    expect(r.ok ? [] : r.issues.map(formatIssue)).toEqual([
      '/cfg/x.yaml:3:14: error profiles.p.uefiX64: pxelinux cannot boot uefiX64 clients (expected one of syslinux-efi, ipxe-efi, grub, shim or { file: path })',
    ]);
  });
});

describe('discoverBootLoaders', () => {
  const c = config(`
profiles:
  default: { menu: m, bios: pxelinux, uefiX64: syslinux-efi }
  ipxe: { bios: undionly, uefiX64: ipxe-efi }
  sb: { uefiX64: shim }
menus:
  m: { entries: [{ id: local, localBoot: true }] }
`);

  it('lists what the profiles need, once each', () => {
    expect(requiredLoaderTargets(c)).toEqual([
      'pxelinux.0',
      'ldlinux.c32',
      'menu.c32',
      'libutil.c32',
      'libcom32.c32',
      'efi64/syslinux.efi',
      'efi64/ldlinux.e64',
      'efi64/menu.c32',
      'efi64/libutil.c32',
      'efi64/libcom32.c32',
      'undionly.kpxe',
      'ipxe.efi',
      'shimx64.efi',
      'grubx64.efi',
    ]);
  });

  it('prefers explicit files, then search folders, then distribution paths', () => {
    const present = new Set([
      '/opt/boot/pxelinux.0',
      '/srv/mine/ldlinux.c32',
      '/srv/search/menu.c32',
      '/srv/search/efi64/menu.c32',
      '/usr/share/syslinux/pxelinux.0',
    ]);
    const r = discoverBootLoaders(['pxelinux.0', 'ldlinux.c32', 'menu.c32', 'efi64/menu.c32', 'ipxe.efi'], {
      files: new Map([['pxelinux.0', '/opt/boot/pxelinux.0']]),
      search: ['/srv/mine', '/srv/search'],
      family: 'fedora',
      isFile: (p) => present.has(p),
    });
    expect([...r.found.values()]).toEqual([
      { target: 'pxelinux.0', path: '/opt/boot/pxelinux.0', via: 'config' },
      { target: 'ldlinux.c32', path: '/srv/mine/ldlinux.c32', via: 'search' },
      { target: 'menu.c32', path: '/srv/search/menu.c32', via: 'search' },
      { target: 'efi64/menu.c32', path: '/srv/search/efi64/menu.c32', via: 'search' },
    ]);
    expect(r.missing.map(formatMissingLoader)).toEqual([
      'missing ipxe.efi (iPXE for x86-64 UEFI): install ipxe-bootimgs-x86 (Fedora/RHEL) or ipxe (Debian/Ubuntu)',
    ]);
  });

  it('never takes a BIOS module from a flat folder for an EFI target', () => {
    const r = discoverBootLoaders(['efi64/menu.c32'], {
      search: ['/flat'],
      family: 'debian',
      isFile: (p) => p === '/flat/menu.c32',
    });
    expect(r.found.size).toBe(0);
    expect(r.missing[0]?.searched).toEqual([
      '/flat/efi64/menu.c32',
      '/usr/lib/syslinux/modules/efi64/menu.c32',
      '/usr/share/syslinux/efi64/menu.c32',
    ]);
  });

  it('says how to get GRUB when no package ships an image', () => {
    const r = discoverBootLoaders(['grubx64.efi'], { family: 'debian', isFile: () => false });
    expect(r.missing.map(formatMissingLoader)).toEqual([
      'missing grubx64.efi (GRUB network image for x86-64 UEFI): install grub-efi-amd64-signed (Debian/Ubuntu) or grub2-efi-x64 (Fedora/RHEL), or build one with grub-mknetdir (Debian: grub-efi-amd64-bin) and set bootLoaders.files',
    ]);
  });

  // This machine image has Debian's pxelinux, syslinux-common, syslinux-efi and ipxe installed.
  it.skipIf(!existsSync('/usr/lib/PXELINUX/pxelinux.0'))(
    'finds the real Debian files on this machine',
    () => {
      const r = discoverBootLoaders(
        requiredLoaderTargets(c).filter((t) => !t.includes('grub') && !t.includes('shim')),
        {
          family: 'debian',
        },
      );
      expect(r.missing).toEqual([]);
      expect(r.found.get('efi64/ldlinux.e64')).toEqual({
        target: 'efi64/ldlinux.e64',
        path: '/usr/lib/syslinux/modules/efi64/ldlinux.e64',
        via: 'distribution',
        package: 'syslinux-common',
      });
      expect(r.found.get('undionly.kpxe')?.path).toBe('/usr/lib/ipxe/undionly.kpxe');
    },
  );
});

describe('detectDistroFamily', () => {
  it('reads ID and ID_LIKE', () => {
    expect(detectDistroFamily('ID=rocky\nID_LIKE="rhel centos fedora"\n')).toBe('fedora');
    expect(detectDistroFamily('ID=ubuntu\nID_LIKE=debian\n')).toBe('debian');
    expect(detectDistroFamily('ID=fedora\n')).toBe('fedora');
    expect(detectDistroFamily('')).toBe('debian');
  });
});

/**
 * Where distributions install network boot loaders, and which package provides each one.
 *
 * Every boot loader pxekit can hand out has a *target*: its path in the boot file space that TFTP and HTTP
 * serve (BIOS SYSLINUX files at the top, the EFI64 SYSLINUX files under `efi64/`, because the BIOS and
 * EFI builds of `menu.c32` share a name but are different binaries). Each target lists candidate paths per
 * distribution family. Debian paths were checked on Debian 12 with pxelinux, syslinux-common,
 * syslinux-efi and ipxe installed; the Fedora/RHEL paths follow those distributions' package file lists.
 */

export type DistroFamily = 'debian' | 'fedora';

export const DISTRO_FAMILIES: readonly DistroFamily[] = ['debian', 'fedora'];

export interface LoaderCandidate {
  readonly path: string;
  readonly family: DistroFamily;
  readonly package: string;
}

export interface LoaderTarget {
  /** Path in the boot file space, e.g. `pxelinux.0`, `efi64/ldlinux.e64`. */
  readonly target: string;
  /** Plain words for reports. */
  readonly what: string;
  readonly candidates: readonly LoaderCandidate[];
  /** How to get it where no package ships a ready file (GRUB without the signed package). */
  readonly note?: string;
}

const deb = (path: string, pkg: string): LoaderCandidate => ({ path, family: 'debian', package: pkg });
const rpm = (path: string, pkg: string): LoaderCandidate => ({ path, family: 'fedora', package: pkg });

function syslinuxBiosModule(name: string, what: string): LoaderTarget {
  return {
    target: name,
    what,
    candidates: [
      deb(`/usr/lib/syslinux/modules/bios/${name}`, 'syslinux-common'),
      rpm(`/usr/share/syslinux/${name}`, 'syslinux-nonlinux'),
    ],
  };
}

function syslinuxEfi64Module(name: string, what: string): LoaderTarget {
  return {
    target: `efi64/${name}`,
    what,
    candidates: [
      deb(`/usr/lib/syslinux/modules/efi64/${name}`, 'syslinux-common'),
      rpm(`/usr/share/syslinux/efi64/${name}`, 'syslinux-efi64'),
    ],
  };
}

/** Every loader file pxekit knows, keyed by target. */
export const LOADER_CATALOG: ReadonlyMap<string, LoaderTarget> = new Map(
  (
    [
      {
        target: 'pxelinux.0',
        what: 'PXELINUX for BIOS (TFTP only)',
        candidates: [
          deb('/usr/lib/PXELINUX/pxelinux.0', 'pxelinux'),
          rpm('/usr/share/syslinux/pxelinux.0', 'syslinux-tftpboot'),
        ],
      },
      {
        target: 'lpxelinux.0',
        what: 'PXELINUX for BIOS with HTTP and FTP',
        candidates: [
          deb('/usr/lib/PXELINUX/lpxelinux.0', 'pxelinux'),
          rpm('/usr/share/syslinux/lpxelinux.0', 'syslinux-tftpboot'),
        ],
      },
      syslinuxBiosModule('ldlinux.c32', 'SYSLINUX core module (BIOS)'),
      syslinuxBiosModule('menu.c32', 'SYSLINUX text menu (BIOS)'),
      syslinuxBiosModule('vesamenu.c32', 'SYSLINUX graphical menu (BIOS)'),
      syslinuxBiosModule('libutil.c32', 'SYSLINUX library needed by menu.c32 (BIOS)'),
      syslinuxBiosModule('libcom32.c32', 'SYSLINUX library needed by menu.c32 (BIOS)'),
      {
        target: 'efi64/syslinux.efi',
        what: 'SYSLINUX for x86-64 UEFI',
        candidates: [
          deb('/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi', 'syslinux-efi'),
          rpm('/usr/share/syslinux/efi64/syslinux.efi', 'syslinux-efi64'),
        ],
      },
      syslinuxEfi64Module('ldlinux.e64', 'SYSLINUX core module (x86-64 UEFI)'),
      syslinuxEfi64Module('menu.c32', 'SYSLINUX text menu (x86-64 UEFI)'),
      syslinuxEfi64Module('vesamenu.c32', 'SYSLINUX graphical menu (x86-64 UEFI)'),
      syslinuxEfi64Module('libutil.c32', 'SYSLINUX library needed by menu.c32 (x86-64 UEFI)'),
      syslinuxEfi64Module('libcom32.c32', 'SYSLINUX library needed by menu.c32 (x86-64 UEFI)'),
      {
        target: 'undionly.kpxe',
        what: 'iPXE for BIOS, using the NIC ROM’s UNDI driver',
        candidates: [
          deb('/usr/lib/ipxe/undionly.kpxe', 'ipxe'),
          rpm('/usr/share/ipxe/undionly.kpxe', 'ipxe-bootimgs-x86'),
        ],
      },
      {
        target: 'ipxe.efi',
        what: 'iPXE for x86-64 UEFI',
        candidates: [
          deb('/usr/lib/ipxe/ipxe.efi', 'ipxe'),
          rpm('/usr/share/ipxe/ipxe-x86_64.efi', 'ipxe-bootimgs-x86'),
        ],
      },
      {
        target: 'arm64/ipxe.efi',
        what: 'iPXE for ARM64 UEFI',
        candidates: [
          deb('/usr/lib/ipxe/arm64-efi/ipxe.efi', 'ipxe'),
          rpm('/usr/share/ipxe/arm64-efi/ipxe.efi', 'ipxe-bootimgs-aarch64'),
        ],
      },
      {
        target: 'grubx64.efi',
        what: 'GRUB network image for x86-64 UEFI',
        candidates: [
          deb('/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed', 'grub-efi-amd64-signed'),
          rpm('/boot/efi/EFI/fedora/grubx64.efi', 'grub2-efi-x64'),
          rpm('/boot/efi/EFI/redhat/grubx64.efi', 'grub2-efi-x64'),
          rpm('/boot/efi/EFI/centos/grubx64.efi', 'grub2-efi-x64'),
          rpm('/boot/efi/EFI/rocky/grubx64.efi', 'grub2-efi-x64'),
          rpm('/boot/efi/EFI/almalinux/grubx64.efi', 'grub2-efi-x64'),
        ],
        note: 'or build one with grub-mknetdir (Debian: grub-efi-amd64-bin) and set bootLoaders.files',
      },
      {
        target: 'shimx64.efi',
        what: 'Secure Boot shim for x86-64 UEFI (chains grubx64.efi)',
        candidates: [
          deb('/usr/lib/shim/shimx64.efi.signed', 'shim-signed'),
          rpm('/boot/efi/EFI/fedora/shimx64.efi', 'shim-x64'),
          rpm('/boot/efi/EFI/redhat/shimx64.efi', 'shim-x64'),
          rpm('/boot/efi/EFI/centos/shimx64.efi', 'shim-x64'),
          rpm('/boot/efi/EFI/rocky/shimx64.efi', 'shim-x64'),
          rpm('/boot/efi/EFI/almalinux/shimx64.efi', 'shim-x64'),
        ],
      },
      {
        target: 'arm64/grubaa64.efi',
        what: 'GRUB network image for ARM64 UEFI',
        candidates: [
          deb('/usr/lib/grub/arm64-efi-signed/grubnetaa64.efi.signed', 'grub-efi-arm64-signed'),
          rpm('/boot/efi/EFI/fedora/grubaa64.efi', 'grub2-efi-aa64'),
          rpm('/boot/efi/EFI/redhat/grubaa64.efi', 'grub2-efi-aa64'),
        ],
        note: 'or build one with grub-mknetdir (Debian: grub-efi-arm64-bin) and set bootLoaders.files',
      },
      {
        target: 'arm64/shimaa64.efi',
        what: 'Secure Boot shim for ARM64 UEFI (chains grubaa64.efi)',
        candidates: [
          deb('/usr/lib/shim/shimaa64.efi.signed', 'shim-signed'),
          rpm('/boot/efi/EFI/fedora/shimaa64.efi', 'shim-aa64'),
          rpm('/boot/efi/EFI/redhat/shimaa64.efi', 'shim-aa64'),
        ],
      },
    ] satisfies LoaderTarget[]
  ).map((t) => [t.target, t]),
);

/** The part of a path after the last `/`. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

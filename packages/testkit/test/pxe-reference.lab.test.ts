import { DNSMASQ_PACKAGES, startDnsmasq } from '../src/lab/index.js';
import { pxeBootSuite } from '../src/lab/suites/index.js';

// QEMU guests PXE-boot through the reference server, dnsmasq (DHCP + TFTP): BIOS (iPXE ROM -> pxelinux
// -> menu) and UEFI (OVMF PXE or iPXE EFI ROM -> syslinux.efi) -> kernel + initramfs -> token on the
// serial console. pxekit's boot server runs the same suite with its own startServer.
await pxeBootSuite({
  title: 'PXE boot through dnsmasq (QEMU, TCG)',
  packages: DNSMASQ_PACKAGES,
  startServer: (lab, tree) =>
    startDnsmasq(lab, { tftpRoot: tree.root, bootFile: { bios: tree.bios, efi64: tree.efi64 } }),
});

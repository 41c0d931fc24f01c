import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import {
  BOOT_FILE_PACKAGES,
  bootFile,
  buildInitramfs,
  createLab,
  type Daemon,
  type Lab,
  labStatus,
  labTitle,
  makeTempDir,
  QEMU_PACKAGES,
  runOk,
  startDnsmasq,
  startVm,
} from '@pxekit/testkit/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAgent } from './lab-helpers.js';

// Real PXE firmware fetching its files from the pxekit TFTP server (run by the bundled agent inside the
// lab's server namespace). dnsmasq only hands out addresses and the boot file name.
const lab = await labStatus({
  packages: [...new Set([...QEMU_PACKAGES, ...BOOT_FILE_PACKAGES, 'dnsmasq-base', 'grub-efi-amd64-bin'])],
  needs: ['root', 'netns', 'tun'],
});

interface TransferLine {
  filename: string;
  outcome: string;
  bytes: number;
  blockSize: number;
  windowSize: number;
  options: { name: string; value: string }[];
}

function transfers(d: Daemon): TransferLine[] {
  return d.stdout
    .split('\n')
    .filter((l) => l.startsWith('TRANSFER '))
    .map((l) => JSON.parse(l.slice(9)) as TransferLine);
}

describe.skipIf(!lab.ok)(labTitle('PXE firmware fetches from the pxekit TFTP server', lab), () => {
  const root = makeTempDir('tftp-boot');
  const token = `tftp${process.pid}`;
  let netlab: Lab;
  let server: Daemon;
  let dhcp: Daemon;

  beforeAll(async () => {
    copyFileSync(bootFile('pxelinux'), root.join('pxelinux.0'));
    copyFileSync(bootFile('ldlinux'), root.join('ldlinux.c32'));
    copyFileSync(bootFile('syslinuxEfi'), root.join('syslinux.efi'));
    copyFileSync(bootFile('ldlinuxE64'), root.join('ldlinux.e64'));
    const initrd = buildInitramfs(['e1000', 'virtio']);
    writeFileSync(root.join('initrd.img'), initrd.bytes);
    copyFileSync(initrd.kernel, root.join('vmlinuz'));
    netlab = await createLab({ name: 'tftpboot', clients: 0, taps: 1, ra: true });
    const agent = bundleAgent();
    // The menu is a virtual file: nothing named pxelinux.cfg exists on disk.
    const menu = `DEFAULT boot\nLABEL boot\n  KERNEL vmlinuz\n  INITRD initrd.img\n  APPEND console=ttyS0,115200 pxekit.token=${token}\n`;
    server = netlab.spawn(
      'server',
      process.execPath,
      [
        agent,
        'serve',
        JSON.stringify({
          host: netlab.serverIp,
          port: 69,
          root: root.path,
          maxBlockSize: 1468,
          virtual: { 'pxelinux.cfg/default': menu },
        }),
      ],
      { name: 'pxekit-tftp' },
    );
    // Firmware fetches through the worker data plane (the Linux default; the agent bundles its worker).
    await server.waitForOutput(/listening .*"mode":"worker"/, 15_000);
    dhcp = await startDnsmasq(netlab, { bootFile: { bios: 'pxelinux.0', efi64: 'syslinux.efi' } });
  });

  afterAll(async () => {
    await netlab?.close();
    root.remove();
  });

  it('BIOS iPXE ROM → pxelinux → virtual menu → kernel and initrd over TFTP, then the guest runs', async () => {
    const vm = await startVm(netlab, { firmware: 'bios', nic: 'e1000' });
    try {
      await vm.waitForSerial(new RegExp(`PXEKIT-TOKEN ${token}`), 150_000);
    } finally {
      await vm.stop();
    }
    const t = transfers(server);
    const done = (f: string) => t.find((x) => x.filename === f && x.outcome === 'complete');
    for (const f of ['pxelinux.0', 'ldlinux.c32', 'pxelinux.cfg/default', 'vmlinuz', 'initrd.img'])
      expect(done(f), f).toBeDefined();
    expect(done('initrd.img')?.bytes).toBe(buildInitramfs(['e1000', 'virtio']).bytes.length);
    // pxelinux looked for per-client files first; each miss was answered (ERROR 1), none failed.
    expect(server.stdout).toMatch(/DROP .*pxelinux\.cfg\/01-/);
    expect(t.filter((x) => x.outcome === 'failed')).toEqual([]);
  });

  it("UEFI (OVMF's own PXE): the tsize probe is a probe, then syslinux.efi and ldlinux.e64 transfer", async () => {
    const before = transfers(server).length;
    const vm = await startVm(netlab, { firmware: 'uefi', nic: 'virtio', ovmfPxe: true });
    try {
      await server.waitForOutput(/TRANSFER \{"filename":"ldlinux\.e64","outcome":"complete"/, 150_000);
    } finally {
      await vm.stop();
    }
    const t = transfers(server).slice(before);
    const efi = t.filter((x) => x.filename === 'syslinux.efi');
    expect(efi[0]).toMatchObject({ outcome: 'probe' });
    expect(efi.find((x) => x.outcome === 'complete')).toBeDefined();
    expect(t.filter((x) => x.outcome === 'failed')).toEqual([]);
  });

  it('UEFI GRUB loads its config, kernel and initrd over TFTP, then the guest runs', async () => {
    // A GRUB image whose prefix points at the TFTP server (LAB.md: grub-mknetdir's image takes the
    // server from DHCP in ways that break under proxyDHCP; a fixed prefix always works).
    mkdirSync(root.join('grub'), { recursive: true });
    await runOk(
      'grub-mkimage',
      [
        '-O',
        'x86_64-efi',
        '-o',
        root.join('grubx64.efi'),
        '-p',
        `(tftp,${netlab.serverIp})/grub`,
        'efinet',
        'tftp',
        'net',
        'normal',
        'configfile',
        'linux',
        'echo',
        'serial',
        'terminal',
        'boot',
      ],
      { timeoutMs: 60_000 },
    );
    writeFileSync(
      root.join('grub/grub.cfg'),
      `serial --unit=0 --speed=115200\nterminal_output serial\nlinux /vmlinuz console=ttyS0,115200 pxekit.token=${token}-grub\ninitrd /initrd.img\nboot\n`,
    );
    await dhcp.stop();
    dhcp = await startDnsmasq(netlab, { bootFile: { bios: 'pxelinux.0', efi64: 'grubx64.efi' } });
    const before = transfers(server).length;
    const vm = await startVm(netlab, { firmware: 'uefi', nic: 'virtio', ovmfPxe: true });
    try {
      await vm.waitForSerial(new RegExp(`PXEKIT-TOKEN ${token}-grub`), 150_000);
    } finally {
      await vm.stop();
    }
    const t = transfers(server).slice(before);
    for (const f of ['grubx64.efi', 'grub/grub.cfg', 'vmlinuz', 'initrd.img']) {
      expect(
        t.find((x) => x.filename === f && x.outcome === 'complete'),
        f,
      ).toBeDefined();
    }
    expect(t.filter((x) => x.outcome === 'failed')).toEqual([]);
  });
});

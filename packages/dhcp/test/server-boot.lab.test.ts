import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BOOT_FILE_PACKAGES,
  createLab,
  type Daemon,
  DNSMASQ_PACKAGES,
  type Lab,
  labStatus,
  labTitle,
  makeTempDir,
  type PxeTree,
  QEMU_PACKAGES,
  startDnsmasq,
  startVm,
  type TempDir,
  writePxeTree,
} from '@pxekit/testkit/lab';
import { bundleServerAgent } from './server-lab-helpers.js';

// Real firmware (QEMU, TCG) boots through the pxekit DHCP server: the iPXE BIOS ROM and OVMF's own UEFI
// PXE in authoritative mode, and the iPXE BIOS ROM in proxy mode beside a site DHCP server (dnsmasq,
// addresses only). TFTP is dnsmasq's (TFTP only) so only the DHCP side is under test; the boot reaches the
// lab initramfs, which prints the token from the pxelinux menu on the serial console.
const status = await labStatus({
  packages: [...DNSMASQ_PACKAGES, ...QEMU_PACKAGES, ...BOOT_FILE_PACKAGES, 'busybox-static'],
  needs: ['root', 'netns', 'tun'],
});

interface ServerEvent {
  event: string;
  mac?: string;
  file?: string;
  rule?: string;
}

function events(d: Daemon): ServerEvent[] {
  return d.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as ServerEvent);
}

describe.skipIf(!status.ok)(labTitle('PXE boot through the pxekit DHCP server (QEMU, TCG)', status), () => {
  let lab: Lab;
  let dir: TempDir;
  let tree: PxeTree;
  let tftp: Daemon;
  let agent: string;
  const token = randomBytes(8).toString('hex');

  beforeAll(async () => {
    agent = bundleServerAgent();
    lab = await createLab({ name: 'dhcpboot', ra: true, clients: 0, taps: 1 });
    dir = makeTempDir('dhcpboot');
    tree = writePxeTree(dir.join('tftp'), {
      token,
      url: `http://${lab.serverIp}/none`,
      title: 'pxekit dhcp lab',
    });
    tftp = await startDnsmasq(lab, { dhcp: false, tftpRoot: tree.root });
  });

  afterAll(async () => {
    await tftp?.stop().catch(() => undefined);
    await lab?.close();
    dir?.remove();
  });

  const rules = () => [
    { name: 'uefi', match: { arch: 'efi-x64' }, bootFile: tree.efi64 },
    { name: 'bios', match: { arch: 'bios' }, bootFile: tree.bios },
  ];

  async function boot(
    server: Daemon,
    vmOptions: Parameters<typeof startVm>[1],
    timeoutMs: number,
  ): Promise<string> {
    const vm = await startVm(lab, vmOptions);
    try {
      const m = await vm.waitForSerial(/PXEKIT-TOKEN (\S+)/, timeoutMs);
      expect(m[1]).toBe(token);
      return vm.mac;
    } catch (err) {
      console.log(
        `--- serial\n${vm.serial.slice(-3000)}\n--- dhcp\n${server.stdout.slice(-3000)}\n--- tftp\n${tftp.output.slice(-2000)}`,
      );
      throw err;
    } finally {
      await vm.stop();
    }
  }

  describe('authoritative', () => {
    let server: Daemon;
    beforeAll(async () => {
      const config = {
        subnets: [
          { id: 'lab', network: lab.cidr, pools: [`${lab.ip(100)}-${lab.ip(150)}`], routers: [lab.serverIp] },
        ],
        boot: { rules: rules() },
      };
      server = lab.spawn(
        'server',
        'node',
        [agent, JSON.stringify({ config, interfaces: [lab.server.ifname] })],
        {
          name: 'pxekit-dhcp',
        },
      );
      await server.waitForOutput(/"event":"listening"/, 20_000);
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('BIOS iPXE ROM gets pxelinux.0 (rule bios) and boots to the initramfs', async () => {
      const mac = await boot(server, { firmware: 'bios', nic: 'e1000' }, 150_000);
      const ack = events(server).find((e) => e.event === 'ack' && e.mac === mac);
      expect(ack).toMatchObject({ file: tree.bios, rule: 'bios' });
    });

    it('UEFI OVMF PXE (arch 7) gets syslinux.efi (rule uefi) and boots to the initramfs', async () => {
      const mac = await boot(server, { firmware: 'uefi', nic: 'virtio', ovmfPxe: true }, 180_000);
      const ack = events(server).find((e) => e.event === 'ack' && e.mac === mac);
      expect(ack).toMatchObject({ file: tree.efi64, rule: 'uefi' });
    });
  });

  describe('proxy beside a site DHCP server', () => {
    let proxy: Daemon;
    let site: Daemon;
    beforeAll(async () => {
      await lab.addHost('site', { ip: lab.ip(2) });
      site = await startDnsmasq(lab, { role: 'site', range: [160, 199], router: lab.serverIp });
      proxy = lab.spawn(
        'server',
        'node',
        [agent, JSON.stringify({ proxy: { boot: { rules: rules() } }, interfaces: [lab.server.ifname] })],
        { name: 'pxekit-proxy' },
      );
      await proxy.waitForOutput(/"event":"listening"/, 20_000);
    });
    afterAll(async () => {
      await proxy?.stop();
      await site?.stop();
    });

    it('BIOS iPXE ROM takes its address from the site server and its boot file from the proxy', async () => {
      const mac = await boot(proxy, { firmware: 'bios', nic: 'e1000' }, 150_000);
      const offers = events(proxy).filter((e) => e.mac === mac && e.event.startsWith('proxy-'));
      expect(offers.length).toBeGreaterThan(0);
      expect(offers[0]).toMatchObject({ file: tree.bios, rule: 'bios' });
      // The address came from the site server's range.
      expect(site.output).toMatch(
        new RegExp(`DHCPACK\\(eth0\\) ${lab.subnet.replace(/\./g, '\\.')}\\.1[6-9]\\d ${mac}`),
      );
    });

    it('UEFI OVMF PXE takes its address from the site server and syslinux.efi from the proxy', async () => {
      const mac = await boot(proxy, { firmware: 'uefi', nic: 'virtio', ovmfPxe: true }, 180_000);
      const answers = events(proxy).filter((e) => e.mac === mac && e.event.startsWith('proxy-'));
      expect(answers.length).toBeGreaterThan(0);
      expect(answers.every((e) => e.file === tree.efi64 && e.rule === 'uefi')).toBe(true);
    });

    describe('with a PXE boot menu (43.8/43.9/43.10) and boot server discovery on 4011', () => {
      let menuProxy: Daemon;
      beforeAll(async () => {
        await proxy.stop();
        const menu = {
          items: [{ description: 'pxekit lab (UEFI)', arch: 'efi-x64', bootFile: tree.efi64 }],
          timeout: 0,
        };
        menuProxy = lab.spawn(
          'server',
          'node',
          [agent, JSON.stringify({ proxy: { boot: { rules: [] }, menu }, interfaces: [lab.server.ifname] })],
          { name: 'pxekit-proxy-menu' },
        );
        await menuProxy.waitForOutput(/"event":"listening"/, 20_000);
      });
      afterAll(async () => {
        await menuProxy?.stop();
      });

      it('UEFI OVMF PXE picks the menu item, asks the boot server on 4011 and boots its file', async () => {
        // No boot rules at all: the only way to syslinux.efi is the menu item's file, answered on 4011.
        const mac = await boot(menuProxy, { firmware: 'uefi', nic: 'virtio', ovmfPxe: true }, 180_000);
        const answers = events(menuProxy).filter((e) => e.mac === mac && e.event.startsWith('proxy-'));
        expect(answers.some((e) => e.event === 'proxy-ack' && e.file === tree.efi64)).toBe(true);
      });
    });
  });
});

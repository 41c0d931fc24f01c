import { join } from 'node:path';
import {
  BOOT_FILE_PACKAGES,
  createLab,
  type Daemon,
  DNSMASQ_PACKAGES,
  guestCommandLine,
  type Lab,
  labStatus,
  labTitle,
  makeTempDir,
  QEMU_PACKAGES,
  spawnDaemon,
  startDnsmasq,
  startVm,
  type TempDir,
  writePxeTree,
} from '@pxekit/testkit/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelineEvent } from './support/lab.js';

// `pxekit boot KERNEL INITRD --cmdline ARGS` (pixiecore style, no config file) beside a site DHCP server:
// dnsmasq (own namespace, <subnet>.2, addresses only) leases the guest its address, pxekit answers as
// proxyDHCP and serves the lab's kernel + initramfs with ARGS; the guest's /init prints the token that
// only that command line carries.
const status = await labStatus({
  packages: [...DNSMASQ_PACKAGES, ...QEMU_PACKAGES, ...BOOT_FILE_PACKAGES, 'busybox-static'],
  needs: ['root', 'netns', 'tun'],
});

const CLI = join(import.meta.dirname, '../src/cli.ts');
const REGISTER = join(import.meta.dirname, 'support/register.mjs');

describe.skipIf(!status.ok)(
  labTitle('pxekit boot KERNEL INITRD --cmdline beside dnsmasq (QEMU, TCG)', status),
  () => {
    let lab: Lab;
    let dir: TempDir;
    let pxekit: Daemon;
    let site: Daemon;
    const token = `bootcmd${Date.now().toString(36)}`;

    beforeAll(async () => {
      lab = await createLab({ name: 'pxkbootcmd', clients: 0, taps: 1 });
      await lab.addHost('dhcp', { ip: lab.ip(2) });
      site = await startDnsmasq(lab, { role: 'dhcp', range: [100, 150], router: lab.ip(2) });
      dir = makeTempDir('pxekit-boot-command');
      const tree = writePxeTree(dir.join('files'), { token: 'unused' });
      pxekit = spawnDaemon(
        process.execPath,
        [
          '--conditions=@pxekit/source',
          '--import',
          REGISTER,
          CLI,
          'boot',
          join(tree.root, 'vmlinuz'),
          join(tree.root, 'initrd.img'),
          '--cmdline',
          guestCommandLine({ token }),
          '--interface',
          lab.server.ifname,
          '--address',
          lab.serverIp,
          '--state-dir',
          './state',
          '--json',
        ],
        { netns: lab.server.netns, cwd: dir.path, name: 'pxekit-boot' },
      );
      for (let i = 0; i < 150 && !/pxekit serving|pxekit: /.test(pxekit.output); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      if (!/pxekit serving/.test(pxekit.output))
        throw new Error(`pxekit boot did not start:\n${pxekit.output}`);
      expect(pxekit.output).toMatch(/dhcp proxy/);
    });

    afterAll(async () => {
      await pxekit?.stop();
      await site?.stop();
      await lab?.close();
      dir?.remove();
    });

    it('BIOS (iPXE ROM): address from dnsmasq, kernel + initramfs + command line from pxekit boot', async () => {
      const vm = await startVm(lab, { firmware: 'bios', nic: 'e1000' });
      try {
        const m = await vm.waitForSerial(/PXEKIT-TOKEN (\S+)/, 240_000);
        expect(m[1]).toBe(token);
        console.log(`pxekit boot, BIOS guest: token after ${vm.elapsedMs()} ms`);
      } catch (err) {
        throw new Error(
          `${(err as Error).message.split('\n')[0]}\n--- guest\n${vm.serial.slice(-3000)}\n--- pxekit\n${pxekit.output.slice(-3000)}`,
        );
      } finally {
        await vm.stop();
      }
      const events = pxekit.output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as TimelineEvent)
        .filter((e) => e.mac === vm.mac);
      // pxekit answered only with proxy replies; the address is dnsmasq's.
      const replies = events.filter((e) => e.type === 'dhcp.offer' || e.type === 'dhcp.ack');
      expect(replies.length).toBeGreaterThan(0);
      expect(replies.every((e) => e.proxy === true)).toBe(true);
      expect(site.output).toMatch(
        new RegExp(`DHCPACK\\([^)]*\\) ${lab.subnet.replace(/\./g, '\\.')}\\.1[0-5]\\d ${vm.mac}`),
      );
    });
  },
);

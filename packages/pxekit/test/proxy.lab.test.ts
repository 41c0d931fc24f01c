import {
  BOOT_FILE_PACKAGES,
  createLab,
  type Daemon,
  DNSMASQ_PACKAGES,
  type Lab,
  labStatus,
  labTitle,
  makeTempDir,
  QEMU_PACKAGES,
  startDnsmasq,
  type TempDir,
} from '@pxekit/testkit/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootGuest, bootSections, type Pxekit, startPxekit, writeGuestFiles } from './support/lab.js';

// pxekit in proxy mode beside a "site" DHCP server (dnsmasq, addresses only, in its own namespace):
// the guest takes its address from dnsmasq and its boot information from pxekit (proxy OFFER, then
// the boot server on port 4011), then boots from pxekit's TFTP/HTTP as in authoritative mode.
const status = await labStatus({
  packages: [...DNSMASQ_PACKAGES, ...QEMU_PACKAGES, ...BOOT_FILE_PACKAGES, 'busybox-static'],
  needs: ['root', 'netns', 'tun'],
});

describe.skipIf(!status.ok)(
  labTitle('PXE boot through pxekit in proxy mode beside dnsmasq (QEMU, TCG)', status),
  () => {
    let lab: Lab;
    let dir: TempDir;
    let pxekit: Pxekit;
    let site: Daemon;
    const token = `proxy${Date.now().toString(36)}`;

    beforeAll(async () => {
      lab = await createLab({ name: 'pxkproxy', ra: true, clients: 0, taps: 1 });
      await lab.addHost('dhcp', { ip: lab.ip(2) });
      site = await startDnsmasq(lab, { role: 'dhcp', range: [100, 150], router: lab.ip(2) });
      dir = makeTempDir('pxekit-proxy');
      const root = writeGuestFiles(dir);
      pxekit = await startPxekit(
        lab,
        dir,
        `server: { interfaces: [${lab.server.ifname}], address: ${lab.serverIp}, stateDir: ./state }
dhcp: { mode: proxy }
tftp: { root: ${root} }
http: { port: 8080 }
${bootSections(token)}`,
      );
    });

    afterAll(async () => {
      await pxekit?.stop();
      await site?.stop();
      await lab?.close();
      dir?.remove();
    });

    for (const kind of ['bios', 'uefi'] as const) {
      it(`${kind.toUpperCase()}: address from dnsmasq, boot file from pxekit's proxy reply, kickstart from pxekit`, async () => {
        const g = await bootGuest(lab, kind, token, pxekit);
        console.log(`${kind} proxy boot: kickstart fetched after ${g.ms} ms`);
        const events = pxekit.events(g.mac);
        expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['dhcp.offer', 'kickstart.served']));
        // Every reply pxekit sent was a proxy reply: no address of its own.
        const replies = events.filter((e) => e.type === 'dhcp.offer' || e.type === 'dhcp.ack');
        expect(replies.length).toBeGreaterThan(0);
        expect(replies.every((e) => e.proxy === true)).toBe(true);
        // The site server handed out the address: the guest's lease is dnsmasq's, not pxekit's.
        expect(site.output).toMatch(
          new RegExp(`DHCPACK\\([^)]*\\) ${lab.subnet.replace(/\./g, '\\.')}\\.1[0-5]\\d ${g.mac}`),
        );
      });
    }
  },
);

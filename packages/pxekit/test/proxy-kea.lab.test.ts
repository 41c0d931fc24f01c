import {
  BOOT_FILE_PACKAGES,
  createLab,
  type Daemon,
  KEA_PACKAGES,
  type Lab,
  labStatus,
  labTitle,
  makeTempDir,
  QEMU_PACKAGES,
  startKea,
  type TempDir,
} from '@pxekit/testkit/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootGuest, bootSections, type Pxekit, startPxekit, writeGuestFiles } from './support/lab.js';

// proxy.lab.test.ts's BIOS case with Kea instead of dnsmasq as the site DHCP server: Kea (own namespace,
// <subnet>.2, addresses and a router only) leases the guest its address; pxekit in proxy mode gives it
// the boot information; the guest boots pxekit's menu and fetches its kickstart.
const status = await labStatus({
  packages: [...KEA_PACKAGES, ...QEMU_PACKAGES, ...BOOT_FILE_PACKAGES, 'busybox-static'],
  needs: ['root', 'netns', 'tun'],
});

describe.skipIf(!status.ok)(
  labTitle('PXE boot through pxekit in proxy mode beside Kea (QEMU, TCG)', status),
  () => {
    let lab: Lab;
    let dir: TempDir;
    let pxekit: Pxekit;
    let site: Daemon;
    const token = `proxykea${Date.now().toString(36)}`;

    beforeAll(async () => {
      lab = await createLab({ name: 'pxkkea', clients: 0, taps: 1 });
      await lab.addHost('dhcp', { ip: lab.ip(2) });
      site = await startKea(lab, { role: 'dhcp', range: [100, 150], router: lab.ip(2) });
      dir = makeTempDir('pxekit-proxy-kea');
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

    it('BIOS: address from Kea, boot file from pxekit proxy reply, kickstart from pxekit', async () => {
      const g = await bootGuest(lab, 'bios', token, pxekit);
      console.log(`bios proxy boot beside Kea: kickstart fetched after ${g.ms} ms`);
      const events = pxekit.events(g.mac);
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['dhcp.offer', 'kickstart.served']));
      // Every reply pxekit sent was a proxy reply: no address of its own.
      const replies = events.filter((e) => e.type === 'dhcp.offer' || e.type === 'dhcp.ack');
      expect(replies.length).toBeGreaterThan(0);
      expect(replies.every((e) => e.proxy === true)).toBe(true);
      // The site server handed out the address: Kea logged a lease from its pool for the guest's MAC.
      const pool = lab.subnet.replace(/\./g, '\\.');
      expect(site.output).toMatch(
        new RegExp(`DHCP4_LEASE_ALLOC[^\\n]*${g.mac}[^\\n]*${pool}\\.1[0-5]\\d`, 'i'),
      );
    });
  },
);

import {
  BOOT_FILE_PACKAGES,
  createLab,
  type Daemon,
  DNSMASQ_PACKAGES,
  KEA_PACKAGES,
  type Lab,
  labStatus,
  labTitle,
  makeTempDir,
  QEMU_PACKAGES,
  startDnsmasq,
  startKea,
  type TempDir,
} from '@pxekit/testkit/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootGuest,
  bootSections,
  type GuestKind,
  type Pxekit,
  serverSections,
  startPxekit,
  writeGuestFiles,
} from './support/lab.js';

// pxekit in proxy mode beside a "site" DHCP server (dnsmasq or Kea, addresses and a router only, in its
// own namespace at <subnet>.2): the guest takes its address from the site server and its boot information
// from pxekit (proxy OFFER, then the boot server on port 4011), then boots from pxekit's TFTP/HTTP as in
// authoritative mode. Beside dnsmasq also with `dhcp.pxeMenu`: OVMF's PXE is offered the menu, takes its
// only item at once (timeout 0) and is handed the item's profile loader on port 4011.

interface SiteServer {
  readonly name: string;
  /** Lab name (namespace prefix) and token prefix. */
  readonly id: string;
  readonly packages: readonly string[];
  readonly start: (lab: Lab) => Promise<Daemon>;
  /** The site server's log line for a lease of the pool to `mac`. */
  readonly leased: (lab: Lab, mac: string) => RegExp;
  readonly boots: readonly GuestKind[];
  readonly ra: boolean;
  /** Also boot an OVMF PXE guest through pxekit's PXE menu. */
  readonly pxeMenu: boolean;
}

const pool = (lab: Lab): string => `${lab.subnet.replace(/\./g, '\\.')}\\.1[0-5]\\d`;

const SITES: readonly SiteServer[] = [
  {
    name: 'dnsmasq',
    id: 'pxkproxy',
    packages: DNSMASQ_PACKAGES,
    start: (lab) => startDnsmasq(lab, { role: 'dhcp', range: [100, 150], router: lab.ip(2) }),
    leased: (lab, mac) => new RegExp(`DHCPACK\\([^)]*\\) ${pool(lab)} ${mac}`),
    boots: ['bios', 'uefi'],
    ra: true,
    pxeMenu: true,
  },
  {
    name: 'Kea',
    id: 'pxkkea',
    packages: KEA_PACKAGES,
    start: (lab) => startKea(lab, { role: 'dhcp', range: [100, 150], router: lab.ip(2) }),
    leased: (lab, mac) => new RegExp(`DHCP4_LEASE_ALLOC[^\\n]*${mac}[^\\n]*${pool(lab)}`, 'i'),
    boots: ['bios'],
    ra: false,
    pxeMenu: false,
  },
];

// One after the other: labStatus probes with a namespace named after the process.
const statuses: Awaited<ReturnType<typeof labStatus>>[] = [];
for (const site of SITES) {
  statuses.push(
    await labStatus({
      packages: [...site.packages, ...QEMU_PACKAGES, ...BOOT_FILE_PACKAGES, 'busybox-static'],
      needs: ['root', 'netns', 'tun'],
    }),
  );
}

describe.each(SITES.map((site, i) => [site.name, site, statuses[i]!] as const))('%s', (_, site, status) => {
  describe.skipIf(!status.ok)(
    labTitle(`PXE boot through pxekit in proxy mode beside ${site.name} (QEMU, TCG)`, status),
    () => {
      let lab: Lab;
      let dir: TempDir;
      let root: string;
      let pxekit: Pxekit;
      let siteServer: Daemon;
      const token = `${site.id}${Date.now().toString(36)}`;
      const config = (dhcp: string): string => `${serverSections(lab, root, dhcp)}${bootSections(token)}`;

      beforeAll(async () => {
        lab = await createLab({ name: site.id, ra: site.ra, clients: 0, taps: 1 });
        await lab.addHost('dhcp', { ip: lab.ip(2) });
        siteServer = await site.start(lab);
        dir = makeTempDir(`pxekit-${site.id}`);
        root = writeGuestFiles(dir);
        pxekit = await startPxekit(lab, dir, config('{ mode: proxy }'));
      });

      afterAll(async () => {
        await pxekit?.stop();
        await siteServer?.stop();
        await lab?.close();
        dir?.remove();
      });

      /** Every reply pxekit sent the guest was a proxy reply, and the site server leased its address. */
      function expectProxyBoot(mac: string): void {
        const events = pxekit.events(mac);
        expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['dhcp.offer', 'kickstart.served']));
        const replies = events.filter((e) => e.type === 'dhcp.offer' || e.type === 'dhcp.ack');
        expect(replies.length).toBeGreaterThan(0);
        expect(replies.every((e) => e.proxy === true)).toBe(true);
        expect(siteServer.output).toMatch(site.leased(lab, mac));
      }

      for (const kind of site.boots) {
        it(`${kind.toUpperCase()}: address from ${site.name}, boot file from pxekit's proxy reply, kickstart from pxekit`, async () => {
          const g = await bootGuest(lab, kind, token, pxekit);
          console.log(`${kind} proxy boot beside ${site.name}: kickstart fetched after ${g.ms} ms`);
          expectProxyBoot(g.mac);
        });
      }

      if (site.pxeMenu)
        it('UEFI OVMF PXE with dhcp.pxeMenu: menu offer, the profile item chosen on 4011, kickstart from pxekit', async () => {
          await pxekit.stop();
          pxekit = await startPxekit(
            lab,
            dir,
            config(`
  mode: proxy
  pxeMenu:
    prompt: pxekit lab
    timeout: 0
    items:
      - { label: lab guest, profile: default }`),
          );
          const g = await bootGuest(lab, 'uefi', token, pxekit);
          console.log(
            `uefi proxy boot through the PXE menu beside ${site.name}: kickstart fetched after ${g.ms} ms`,
          );
          expectProxyBoot(g.mac);
          const events = pxekit.events(g.mac);
          // The menu offer carries no file; the loader came from the 4011 answer to the menu item.
          expect(events.filter((e) => e.type === 'dhcp.offer').every((e) => e.bootFile === undefined)).toBe(
            true,
          );
          const reasons = events.filter((e) => e.type === 'boot.decision').flatMap((e) => e.reason ?? []);
          expect(
            reasons.some((r) =>
              /^PXE menu item lab guest \(type 32768, layer \d+\): TFTP efi64\/syslinux\.efi/.test(r),
            ),
          ).toBe(true);
          expect(events.some((e) => e.type === 'dhcp.ack' && e.bootFile === 'efi64/syslinux.efi')).toBe(true);
        });
    },
  );
});

import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Capture, CAPTURE_PACKAGES, malformedFrames, startCapture, tsharkFields } from '../capture.js';
import { createLab, type Lab } from '../netlab.js';
import { labStatus, labTitle } from '../status.js';
import { makeTempDir, type TempDir } from '../tmp.js';
import { withPrivateMounts } from '../exec.js';
import type { ServerUnderTest } from './types.js';

export interface DhcpServerSetup {
  /** Pool, host numbers within the lab's /24. */
  range: [number, number];
  /** Option 3. */
  router: string;
  /** BOOTP `file`. */
  bootFile: string;
  /** BOOTP `siaddr`. */
  nextServer: string;
}

export interface DhcpClientsSuiteOptions {
  title: string;
  /** Debian packages the server needs (installed with the clients'). */
  packages?: readonly string[];
  /** Starts the server under test in `lab.server` (address `lab.serverIp`), serving `setup`. */
  startServer(lab: Lab, setup: DhcpServerSetup): Promise<ServerUnderTest>;
}

/** Debian packages of the DHCP clients suite. */
export const DHCP_CLIENT_PACKAGES: readonly string[] = [
  'isc-dhcp-client',
  'busybox-static',
  'dhcpcd-base',
  ...CAPTURE_PACKAGES,
];

const RANGE: [number, number] = [100, 150];
const NEXT_SERVER_HOST = 9;
const ROUTER_HOST = 254;

interface Lease {
  ip: string;
  router: string;
  nextServer: string;
  file: string;
}

/** A hook script that appends its environment (one VAR='value' per line) to `out` and exits 0. */
function writeHook(path: string, out: string, configure: string): void {
  writeFileSync(
    path,
    `#!/bin/sh\n# pxekit lab DHCP client hook: record the lease, configure the address, touch nothing else.\n{ echo "reason='$reason'"; env | grep -E '^(new_|ip=|router=|siaddr=|boot_file=|interface=)' | sed "s/=\\(.*\\)/='\\1'/"; echo; } >> ${out}\n${configure}\nexit 0\n`,
  );
  chmodSync(path, 0o755);
}

function parseEnv(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 1).replace(/^'|'$/g, ''));
  }
  return m;
}

/** siaddr (BOOTP `next server`, RFC 2131 §2 offset 20) from a raw DHCP message as dhcpcd stores leases. */
function siaddrOf(message: Uint8Array): string {
  return [...message.subarray(20, 24)].join('.');
}

async function addressOf(lab: Lab, role: string): Promise<string | undefined> {
  const r = await lab.exec(role, 'ip', ['-4', '-o', 'addr', 'show', 'dev', 'eth0']);
  return /inet (\S+)\//.exec(r.stdout)?.[1];
}

/**
 * The DHCP client interop suite: three real clients (ISC dhclient, busybox udhcpc, dhcpcd), each in its
 * own namespace with its own hook script, lease and state files, get a lease from the server under test
 * and must see an address in the pool, the router, the next-server and the boot file they were promised
 * — from their own point of view, and on the wire (tshark). Run it with a reference server
 * (test/dhcp-reference.lab.test.ts: dnsmasq) or with pxekit's.
 *
 * @example
 * await dhcpClientsSuite({
 *   title: 'pxekit DHCP leases to dhclient, udhcpc, dhcpcd',
 *   startServer: (lab, s) => startMyServer(lab, s),
 * });
 *
 * Declares a vitest `describe`: await it at the top level of a `*.lab.test.ts`.
 */
export async function dhcpClientsSuite(options: DhcpClientsSuiteOptions): Promise<void> {
  const status = await labStatus({
    packages: [...DHCP_CLIENT_PACKAGES, ...(options.packages ?? [])],
    needs: ['root', 'netns'],
  });
  describe.skipIf(!status.ok)(labTitle(options.title, status), () => {
    let lab: Lab;
    let dir: TempDir;
    let capture: Capture;
    let server: ServerUnderTest;

    beforeAll(async () => {
      lab = await createLab({ name: 'dhcp', clients: 3 });
      dir = makeTempDir('dhcp');
      capture = await startCapture(lab, { filter: 'udp port 67 or udp port 68' });
      server = await options.startServer(lab, {
        range: RANGE,
        router: lab.ip(ROUTER_HOST),
        bootFile: 'pxelinux.0',
        nextServer: lab.ip(NEXT_SERVER_HOST),
      });
    });

    afterAll(async () => {
      await capture?.stop().catch(() => undefined);
      await lab?.close();
      dir?.remove();
    });

    function expectLease(lease: Lease): void {
      const host = Number(lease.ip.split('.')[3]);
      expect(lease.ip.startsWith(`${lab.subnet}.`), lease.ip).toBe(true);
      expect(host).toBeGreaterThanOrEqual(RANGE[0]);
      expect(host).toBeLessThanOrEqual(RANGE[1]);
      expect(lease.router).toBe(lab.ip(ROUTER_HOST));
      expect(lease.nextServer).toBe(lab.ip(NEXT_SERVER_HOST));
      expect(lease.file).toBe('pxelinux.0');
    }

    it('dhclient (ISC) gets a lease', async () => {
      const out = dir.join('dhclient.env');
      const hook = dir.join('dhclient-hook');
      writeHook(
        hook,
        out,
        'case "$reason" in BOUND|REBOOT) ip addr add "$new_ip_address/24" dev "$interface";; esac',
      );
      const lf = dir.join('dhclient.leases');
      const d = lab.spawn('c1', 'dhclient', [
        '-d',
        '-4',
        '-1',
        '-v',
        '-sf',
        hook,
        '-lf',
        lf,
        '-pf',
        dir.join('dhclient.pid'),
        'eth0',
      ]);
      try {
        await d.waitForOutput(/bound to/, 30_000);
      } finally {
        await d.stop();
      }
      const env = parseEnv(
        readFileSync(out, 'utf8')
          .split('\n\n')
          .find((b) => b.includes("reason='BOUND'")) ?? '',
      );
      expectLease({
        ip: env.get('new_ip_address') ?? '',
        router: env.get('new_routers') ?? '',
        nextServer: env.get('new_next_server') ?? '',
        file: env.get('new_filename') ?? '',
      });
      // Its lease file agrees.
      const leaseText = readFileSync(lf, 'utf8');
      expect(leaseText).toContain(`fixed-address ${env.get('new_ip_address')};`);
      expect(leaseText).toContain('filename "pxelinux.0";');
      expect(await addressOf(lab, 'c1')).toBe(env.get('new_ip_address'));
    });

    it('udhcpc (busybox) gets a lease', async () => {
      const out = dir.join('udhcpc.env');
      const hook = dir.join('udhcpc-hook');
      writeHook(hook, out, 'case "$1" in bound|renew) ip addr add "$ip/$mask" dev "$interface";; esac');
      const r = await lab.exec(
        'c2',
        'busybox',
        ['udhcpc', '-i', 'eth0', '-f', '-q', '-n', '-t', '5', '-T', '2', '-s', hook],
        {
          timeoutMs: 30_000,
        },
      );
      expect(r.code, r.stderr).toBe(0);
      const env = parseEnv(readFileSync(out, 'utf8'));
      expectLease({
        ip: env.get('ip') ?? '',
        router: env.get('router') ?? '',
        nextServer: env.get('siaddr') ?? '',
        file: env.get('boot_file') ?? '',
      });
      expect(await addressOf(lab, 'c2')).toBe(env.get('ip'));
    });

    it('dhcpcd gets a lease (state dirs private to the test)', async () => {
      const out = dir.join('dhcpcd.env');
      const hook = dir.join('dhcpcd-hook');
      writeHook(hook, out, ':'); // dhcpcd configures the address itself
      const lib = dir.join('dhcpcd-lib');
      const run = dir.join('dhcpcd-run');
      mkdirSync(lib);
      mkdirSync(run);
      const conf = dir.join('dhcpcd.conf');
      writeFileSync(conf, '# pxekit lab: no hooks, no resolv.conf changes\noption routers, subnet_mask\n');
      const [cmd, args] = withPrivateMounts({ '/var/lib/dhcpcd': lib, '/run/dhcpcd': run }, 'dhcpcd', [
        '-f',
        conf,
        '-c',
        hook,
        '-4',
        '-1',
        '-B',
        '-t',
        '30',
        '--noipv4ll',
        'eth0',
      ]);
      const r = await lab.exec('c3', cmd, args, { timeoutMs: 60_000 });
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      const env = parseEnv(
        readFileSync(out, 'utf8')
          .split('\n\n')
          .find((b) => b.includes("reason='BOUND'")) ?? '',
      );
      // dhcpcd does not export siaddr to its hook; its lease file is the raw DHCPACK.
      const leaseFile = `${lib}/eth0.lease`;
      expect(existsSync(leaseFile), `no ${leaseFile}`).toBe(true);
      expectLease({
        ip: env.get('new_ip_address') ?? '',
        router: env.get('new_routers') ?? '',
        nextServer: siaddrOf(readFileSync(leaseFile)),
        file: env.get('new_filename') ?? '',
      });
      expect(await addressOf(lab, 'c3')).toBe(env.get('new_ip_address'));
    });

    it('the three clients hold distinct addresses and the capture has no malformed DHCP frame', async () => {
      expect(server.exitStatus, 'the server under test must survive all clients').toBeUndefined();
      const addrs = await Promise.all(['c1', 'c2', 'c3'].map((c) => addressOf(lab, c)));
      expect(new Set(addrs).size).toBe(3);
      const pcap = await capture.stop();
      expect(await malformedFrames(pcap)).toEqual([]);
      // Every client was ACKed on the wire with the expected next-server and boot file.
      const acks = await tsharkFields(pcap, 'dhcp.option.dhcp == 5', [
        'dhcp.hw.mac_addr',
        'dhcp.ip.server',
        'dhcp.file',
      ]);
      for (const c of lab.clients) {
        // tshark lists every field occurrence comma-separated: a server that echoes option 61 (RFC 6842)
        // shows the client's MAC twice. The BOOTP chaddr comes first.
        const ack = acks.find((row) => row[0]?.split(',')[0] === c.mac);
        expect(ack, `no DHCPACK to ${c.role} (${c.mac})`).toBeDefined();
        expect(ack?.[1]).toBe(lab.ip(NEXT_SERVER_HOST));
        expect(ack?.[2]).toBe('pxelinux.0');
      }
    });
  });
}

import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CAPTURE_PACKAGES,
  type Capture,
  createLab,
  type Daemon,
  type Lab,
  labStatus,
  labTitle,
  makeTempDir,
  malformedFrames,
  startCapture,
  type TempDir,
  tsharkFields,
  withPrivateMounts,
} from '@pxekit/testkit/lab';
import { decodeJournal, replayJournal } from '../src/lease/journal.js';
import { bundleServerAgent } from './server-lab-helpers.js';

// Real DHCP clients (ISC dhclient, busybox udhcpc, dhcpcd), each in its own namespace, get leases from the
// pxekit server running in the lab's server namespace; they renew and release. The same assertions as the
// dnsmasq reference test (packages/testkit/test/dhcp-reference.lab.test.ts), plus the server's own view.
const status = await labStatus({
  packages: ['isc-dhcp-client', 'busybox-static', 'dhcpcd-base', ...CAPTURE_PACKAGES],
  needs: ['root', 'netns'],
});

const RANGE: [number, number] = [100, 150];
const NEXT_SERVER_HOST = 9;
const ROUTER_HOST = 254;

interface Lease {
  ip: string;
  router: string;
  nextServer: string;
  file: string;
}

interface ServerEvent {
  event: string;
  mac?: string;
  yiaddr?: string;
  address?: string;
  state?: string;
  reason?: string;
}

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

function lastBlock(text: string, reason: RegExp): Map<string, string> {
  const blocks = text.split('\n\n').filter((b) => reason.test(b));
  return parseEnv(blocks.at(-1) ?? '');
}

async function addressOf(lab: Lab, role: string): Promise<string | undefined> {
  const r = await lab.exec(role, 'ip', ['-4', '-o', 'addr', 'show', 'dev', 'eth0']);
  return /inet (\S+)\//.exec(r.stdout)?.[1];
}

/** Polls `check` every 100 ms until it returns a value, at most `timeoutMs`. */
async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
  for (let waited = 0; waited <= timeoutMs; waited += 100) {
    const v = check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function events(server: Daemon): ServerEvent[] {
  return server.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as ServerEvent);
}

describe.skipIf(!status.ok)(
  labTitle('DHCP: the pxekit server leases to dhclient, udhcpc, dhcpcd', status),
  () => {
    let lab: Lab;
    let dir: TempDir;
    let capture: Capture;
    let server: Daemon;
    let journal: string;

    beforeAll(async () => {
      const agent = bundleServerAgent();
      lab = await createLab({ name: 'dhcpsrv', clients: 3 });
      dir = makeTempDir('dhcpsrv');
      journal = dir.join('leases.journal');
      capture = await startCapture(lab, { filter: 'udp port 67 or udp port 68' });
      const config = {
        subnets: [
          {
            id: 'lab',
            network: lab.cidr,
            pools: [`${lab.ip(RANGE[0])}-${lab.ip(RANGE[1])}`],
            routers: [lab.ip(ROUTER_HOST)],
            leaseTime: 600,
          },
        ],
        boot: { rules: [{ name: 'all', bootFile: 'pxelinux.0', nextServer: lab.ip(NEXT_SERVER_HOST) }] },
      };
      server = lab.spawn(
        'server',
        'node',
        [agent, JSON.stringify({ config, interfaces: [lab.server.ifname], leaseFile: journal })],
        { name: 'pxekit-dhcp' },
      );
      await server.waitForOutput(/"event":"listening"/, 20_000);
    });

    afterAll(async () => {
      await server?.stop().catch(() => undefined);
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

    function dhclient(args: string[]): Daemon {
      return lab.spawn('c1', 'dhclient', [
        '-d',
        '-4',
        '-1',
        '-v',
        '-sf',
        dir.join('dhclient-hook'),
        '-lf',
        dir.join('dhclient.leases'),
        '-pf',
        dir.join('dhclient.pid'),
        ...args,
        'eth0',
      ]);
    }

    it('dhclient (ISC) gets a lease', async () => {
      const out = dir.join('dhclient.env');
      writeHook(
        dir.join('dhclient-hook'),
        out,
        'case "$reason" in BOUND|REBOOT|RENEW) ip addr replace "$new_ip_address/24" dev "$interface";; RELEASE) ip addr flush dev "$interface";; esac',
      );
      const d = dhclient([]);
      try {
        await d.waitForOutput(/bound to/, 30_000);
      } finally {
        await d.stop();
      }
      const env = lastBlock(readFileSync(out, 'utf8'), /reason='BOUND'/);
      expectLease({
        ip: env.get('new_ip_address') ?? '',
        router: env.get('new_routers') ?? '',
        nextServer: env.get('new_next_server') ?? '',
        file: env.get('new_filename') ?? '',
      });
      expect(readFileSync(dir.join('dhclient.leases'), 'utf8')).toContain(
        `fixed-address ${env.get('new_ip_address')};`,
      );
      expect(await addressOf(lab, 'c1')).toBe(env.get('new_ip_address'));
    });

    it('dhclient renews (INIT-REBOOT with its lease file) and keeps its address', async () => {
      const before = await addressOf(lab, 'c1');
      const d = dhclient([]);
      try {
        await d.waitForOutput(/bound to/, 30_000);
      } finally {
        await d.stop();
      }
      const env = lastBlock(readFileSync(dir.join('dhclient.env'), 'utf8'), /reason='(REBOOT|BOUND)'/);
      expect(env.get('new_ip_address')).toBe(before);
      const c1 = lab.clients[0]!.mac;
      expect(events(server).filter((e) => e.event === 'ack' && e.mac === c1).length).toBeGreaterThanOrEqual(
        2,
      );
    });

    it('dhclient releases, and the server records the release in its journal', async () => {
      const before = await addressOf(lab, 'c1');
      const r = await lab.exec(
        'c1',
        'dhclient',
        [
          '-4',
          '-r',
          '-v',
          '-sf',
          dir.join('dhclient-hook'),
          '-lf',
          dir.join('dhclient.leases'),
          '-pf',
          dir.join('dhclient.pid'),
          'eth0',
        ],
        { timeoutMs: 30_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      const c1 = lab.clients[0]!.mac;
      await server.waitForOutput(new RegExp(`"event":"release","mac":"${c1}"`), 10_000);
      const leases = replayJournal(decodeJournal(readFileSync(journal, 'utf8')).records);
      expect(leases.find((l) => l.mac === c1)).toMatchObject({ address: before, state: 'released' });
    });

    it('udhcpc (busybox) gets a lease, renews it (SIGUSR1) and releases it (SIGUSR2)', async () => {
      const out = dir.join('udhcpc.env');
      const hook = dir.join('udhcpc-hook');
      writeHook(hook, out, 'case "$1" in bound|renew) ip addr replace "$ip/$mask" dev "$interface";; esac');
      const c2 = lab.clients[1]!.mac;
      const d = lab.spawn('c2', 'busybox', ['udhcpc', '-i', 'eth0', '-f', '-t', '5', '-T', '2', '-s', hook]);
      try {
        // The hook runs after udhcpc prints "lease obtained": wait for what the hook wrote.
        const bound = (n: number) => (): string | undefined => {
          const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
          return text.split('\n\n').filter((b) => /\bip=/.test(b)).length >= n ? text : undefined;
        };
        const first = await waitFor('the bound hook', bound(1), 30_000);
        const env = lastBlock(first, /\bip=/);
        expectLease({
          ip: env.get('ip') ?? '',
          router: env.get('router') ?? '',
          nextServer: env.get('siaddr') ?? '',
          file: env.get('boot_file') ?? '',
        });
        const ip = env.get('ip') ?? '';
        expect(await addressOf(lab, 'c2')).toBe(ip);
        const acks = (): number => events(server).filter((e) => e.event === 'ack' && e.mac === c2).length;
        const before = acks();
        // SIGUSR1: renew now (RENEWING: unicast REQUEST with ciaddr, RFC 2131 §4.4.5).
        d.signal('SIGUSR1');
        const renewed = await waitFor('the renew hook', bound(2), 20_000);
        expect(acks()).toBe(before + 1);
        expect(lastBlock(renewed, /\bip=/).get('ip')).toBe(ip);
        // SIGUSR2: release (RFC 2131 §4.4.6).
        d.signal('SIGUSR2');
        await server.waitForOutput(new RegExp(`"event":"release","mac":"${c2}"`), 10_000);
      } finally {
        await d.stop();
      }
      // Acquire once more: the released address comes back to the same client (stable allocation).
      const ip = lastBlock(readFileSync(out, 'utf8'), /\bip=/).get('ip');
      const last = await lab.exec(
        'c2',
        'busybox',
        ['udhcpc', '-i', 'eth0', '-f', '-q', '-n', '-t', '5', '-T', '2', '-s', hook],
        {
          timeoutMs: 30_000,
        },
      );
      expect(last.code, last.stderr).toBe(0);
      expect(await addressOf(lab, 'c2')).toBe(ip);
    });

    it('dhcpcd gets a lease (state dirs private to the test)', async () => {
      const out = dir.join('dhcpcd.env');
      const hook = dir.join('dhcpcd-hook');
      writeHook(hook, out, ':');
      const lib = dir.join('dhcpcd-lib');
      const runDir = dir.join('dhcpcd-run');
      mkdirSync(lib);
      mkdirSync(runDir);
      const conf = dir.join('dhcpcd.conf');
      writeFileSync(conf, '# pxekit lab: no hooks, no resolv.conf changes\noption routers, subnet_mask\n');
      const [cmd, args] = withPrivateMounts({ '/var/lib/dhcpcd': lib, '/run/dhcpcd': runDir }, 'dhcpcd', [
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
      const env = lastBlock(readFileSync(out, 'utf8'), /reason='BOUND'/);
      const leaseFile = `${lib}/eth0.lease`;
      expect(existsSync(leaseFile), `no ${leaseFile}`).toBe(true);
      expectLease({
        ip: env.get('new_ip_address') ?? '',
        router: env.get('new_routers') ?? '',
        nextServer: [...readFileSync(leaseFile).subarray(20, 24)].join('.'),
        file: env.get('new_filename') ?? '',
      });
      expect(await addressOf(lab, 'c3')).toBe(env.get('new_ip_address'));
    });

    it('clients hold distinct addresses, the server survived, the capture has no malformed DHCP frame', async () => {
      expect(server.exitStatus, 'the server must survive all clients').toBeUndefined();
      const addrs = await Promise.all(['c2', 'c3'].map((c) => addressOf(lab, c)));
      expect(new Set(addrs).size).toBe(2);
      const pcap = await capture.stop();
      expect(await malformedFrames(pcap)).toEqual([]);
      const acks = await tsharkFields(pcap, 'dhcp.option.dhcp == 5', [
        'dhcp.hw.mac_addr',
        'dhcp.ip.server',
        'dhcp.file',
      ]);
      for (const c of lab.clients) {
        // tshark lists chaddr and, when the reply echoes option 61 (RFC 6842), its hardware address too.
        const ack = acks.find((row) => row[0]?.split(',')[0] === c.mac);
        expect(ack, `no DHCPACK to ${c.role} (${c.mac})`).toBeDefined();
        expect(ack?.[1]).toBe(lab.ip(NEXT_SERVER_HOST));
        expect(ack?.[2]).toBe('pxelinux.0');
      }
      // RFC 2131 §4.1: an OFFER or ACK to a client without an address whose broadcast bit is clear goes to
      // its chaddr and yiaddr (the server sets the ARP entry itself, as dnsmasq does), not to the broadcast.
      const unicast = await tsharkFields(
        pcap,
        '(dhcp.option.dhcp == 2 || dhcp.option.dhcp == 5) && dhcp.flags.bc == 0 && dhcp.ip.client == 0.0.0.0',
        ['eth.dst', 'ip.dst', 'dhcp.hw.mac_addr', 'dhcp.ip.your'],
      );
      expect(unicast.length).toBeGreaterThan(0);
      for (const [ethDst, ipDst, chaddr, yiaddr] of unicast) {
        expect(ethDst).toBe(chaddr?.split(',')[0]);
        expect(ipDst).toBe(yiaddr);
      }
      // Every drop the server saw had a reason; none was a decoding failure of a real client's message.
      expect(events(server).filter((e) => e.event === 'drop' && e.reason === 'undecodable')).toEqual([]);
    });
  },
);

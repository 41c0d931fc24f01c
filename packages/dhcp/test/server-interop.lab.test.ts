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
// pxekit server running in the lab's server namespace; they renew and release (dhcpcd twice: once as a
// one-shot `-1`, once as a daemon that renews at T1 of a short lease it asked for and releases on `-k`). The same assertions as the
// dnsmasq reference test (packages/testkit/test/dhcp-reference.lab.test.ts), plus the server's own view.
const status = await labStatus({
  packages: ['isc-dhcp-client', 'busybox-static', 'dhcpcd-base', ...CAPTURE_PACKAGES],
  needs: ['root', 'netns'],
});

const RANGE: [number, number] = [100, 150];
const NEXT_SERVER_HOST = 9;
const ROUTER_HOST = 254;
/**
 * The lease dhcpcd asks for (`-l`), allowed by the subnet's `minLeaseTime`: T1 (RFC 2131 §4.4.5) is 10 s.
 * dhcpcd counts any lease shorter than 20 s as 20 s.
 */
const SHORT_LEASE = 20;

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
      lab = await createLab({ name: 'dhcpsrv', clients: 4 });
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
            minLeaseTime: SHORT_LEASE,
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

    /**
     * One dhcpcd run's files, private to the test: hook (records the lease in `out`), config, and the
     * state dirs dhcpcd insists on (/var/lib/dhcpcd, /run/dhcpcd: its lease file and control socket),
     * bind-mounted from temp dirs.
     */
    function dhcpcdFiles(name: string) {
      const out = dir.join(`${name}.env`);
      const hook = dir.join(`${name}-hook`);
      writeHook(hook, out, ':');
      const lib = dir.join(`${name}-lib`);
      const runDir = dir.join(`${name}-run`);
      mkdirSync(lib);
      mkdirSync(runDir);
      const conf = dir.join(`${name}.conf`);
      writeFileSync(conf, '# pxekit lab: no hooks, no resolv.conf changes\noption routers, subnet_mask\n');
      const mounts = { '/var/lib/dhcpcd': lib, '/run/dhcpcd': runDir };
      /** `dhcpcd -f <conf> -c <hook> -4 …args` in the private mounts, as [command, arguments]. */
      const command = (args: string[]) =>
        withPrivateMounts(mounts, 'dhcpcd', ['-f', conf, '-c', hook, '-4', ...args]);
      return { out, lib, command };
    }

    it('dhcpcd gets a lease (state dirs private to the test)', async () => {
      const { out, lib, command } = dhcpcdFiles('dhcpcd');
      const [cmd, args] = command(['-1', '-B', '-t', '30', '--noipv4ll', 'eth0']);
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

    it('dhcpcd as a daemon: gets a short lease, renews it at T1, rebinds on -n, releases on -k', async () => {
      const { out, command } = dhcpcdFiles('dhcpcd4');
      const control = (flag: string) => {
        const [cmd, args] = command([flag, 'eth0']);
        return lab.exec('c4', cmd, args, { timeoutMs: 30_000 });
      };
      const c4 = lab.clients[3]!.mac;
      const acks = (): ServerEvent[] => events(server).filter((e) => e.event === 'ack' && e.mac === c4);
      // Complete hook blocks only (each ends with an empty line): the hook may be writing the last one.
      const blocks = (reason: RegExp) => (): string[] | undefined => {
        const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
        const found = text
          .slice(0, Math.max(0, text.lastIndexOf('\n\n')))
          .split('\n\n')
          .filter((b) => reason.test(b));
        return found.length > 0 ? found : undefined;
      };
      const [cmd, args] = command(['-B', '-l', String(SHORT_LEASE), '--noipv4ll', 'eth0']);
      const d = lab.spawn('c4', cmd, args, { name: 'dhcpcd-c4' });
      try {
        await waitFor('the BOUND hook', blocks(/reason='BOUND'/), 30_000);
        const env = lastBlock(readFileSync(out, 'utf8'), /reason='BOUND'/);
        const ip = env.get('new_ip_address') ?? '';
        expect(env.get('new_dhcp_lease_time')).toBe(String(SHORT_LEASE));
        expect(await addressOf(lab, 'c4')).toBe(ip);
        // T1 = 10 s: dhcpcd renews by itself (RENEWING, a unicast REQUEST with ciaddr) and the server ACKs.
        const renew = await waitFor('the RENEW hook', blocks(/reason='RENEW'/), 30_000);
        expect(parseEnv(renew.at(-1)!).get('new_ip_address')).toBe(ip);
        expect(acks().filter((e) => e.address === ip || e.yiaddr === ip).length).toBeGreaterThanOrEqual(2);
        // -n: the running daemon is told to rebind; it asks again and keeps its address.
        const before = acks().length;
        const n = await control('-n');
        expect(n.code, `${n.stdout}\n${n.stderr}`).toBe(0);
        await waitFor('another ACK after -n', () => (acks().length > before ? true : undefined), 30_000);
        expect(await addressOf(lab, 'c4')).toBe(ip);
        // -k: release (RFC 2131 §4.4.6); the server records it and the journal says so.
        const k = await control('-k');
        expect(k.code, `${k.stdout}\n${k.stderr}`).toBe(0);
        await server.waitForOutput(new RegExp(`"event":"release","mac":"${c4}"`), 10_000);
        // No reply waits for a release to be on disk (RFC 2131 §4.4.6 has none): poll the journal for it.
        const journalLease = () =>
          replayJournal(decodeJournal(readFileSync(journal, 'utf8')).records).find((l) => l.mac === c4);
        await waitFor(
          'the release in the journal',
          () => (journalLease()?.state === 'released' ? true : undefined),
          10_000,
        );
        expect(journalLease()).toMatchObject({ address: ip, state: 'released' });
        // dhcpcd reports the release to its hook as STOP, then STOPPED, and takes the address away.
        await waitFor('the STOPPED hook', blocks(/reason='STOPPED'/), 10_000);
        expect(await addressOf(lab, 'c4')).toBeUndefined();
      } finally {
        await d.stop();
      }
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
      // dhcpcd's renew at T1 on the wire: a REQUEST with ciaddr set, unicast to the server (RENEWING,
      // RFC 2131 §4.3.2); its -k: a DHCPRELEASE for the same address, also unicast.
      const c4 = lab.clients[3]!.mac;
      const fromC4 = await tsharkFields(
        pcap,
        `(dhcp.option.dhcp == 3 || dhcp.option.dhcp == 7) && dhcp.hw.mac_addr == ${c4} && dhcp.ip.client != 0.0.0.0`,
        ['dhcp.option.dhcp', 'dhcp.ip.client', 'ip.dst'],
      );
      expect(fromC4.some(([t, , dst]) => t === '3' && dst === lab.serverIp)).toBe(true);
      expect(fromC4.some(([t, , dst]) => t === '7' && dst === lab.serverIp)).toBe(true);
      // Every drop the server saw had a reason; none was a decoding failure of a real client's message.
      expect(events(server).filter((e) => e.event === 'drop' && e.reason === 'undecodable')).toEqual([]);
    });
  },
);

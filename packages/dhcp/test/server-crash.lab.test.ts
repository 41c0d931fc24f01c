import { readFileSync } from 'node:fs';
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
  startCapture,
  type TempDir,
  tsharkFields,
} from '@pxekit/testkit/lab';
import { decodeJournal } from '../src/lease/journal.js';
import { bundleServerAgent } from './server-lab-helpers.js';

// Crash safety: perfdhcp (kea-admin) loads the server with DORA exchanges while the test kills the
// server with SIGKILL every ~2 s and restarts it on the same journal. Afterwards, from the capture: no
// address that was ACKed to one client was ever ACKed to another (leases outlive the test). A lease is on
// disk before its ACK leaves, so a restart cannot hand out an address that was promised. The journal is
// compacted every few dozen records (compactAfter 10 with 400 clients), so kills also land while a
// background compaction is writing its snapshot or switching files.
const status = await labStatus({ packages: ['kea-admin', ...CAPTURE_PACKAGES], needs: ['root', 'netns'] });

const KILLS = 4;
const LOAD_NET = '10.96';

describe.skipIf(!status.ok)(
  labTitle('DHCP: kill -9 under perfdhcp load loses no acknowledged lease', status),
  () => {
    let lab: Lab;
    let dir: TempDir;
    let capture: Capture;
    let agent: string;
    const servers: Daemon[] = [];

    beforeAll(async () => {
      agent = bundleServerAgent();
      lab = await createLab({ name: 'dhcpkill', clients: 0 });
      dir = makeTempDir('dhcpkill');
      // perfdhcp acts as a relay: giaddr = its own address, which a /16 pool subnet contains.
      await lab.addHost('load', { ip: lab.ip(5) });
      await lab.exec('load', 'ip', ['addr', 'add', `${LOAD_NET}.0.1/16`, 'dev', 'eth0']);
      await lab.exec('server', 'ip', ['route', 'add', `${LOAD_NET}.0.0/16`, 'via', lab.ip(5)]);
      capture = await startCapture(lab, { filter: 'udp port 67' });
    });

    afterAll(async () => {
      for (const s of servers) await s.stop().catch(() => undefined);
      await capture?.stop().catch(() => undefined);
      await lab?.close();
      dir?.remove();
    });

    function startServer(): Daemon {
      const config = {
        subnets: [
          { id: 'lab', network: lab.cidr },
          {
            id: 'load',
            network: `${LOAD_NET}.0.0/16`,
            pools: [`${LOAD_NET}.1.0-${LOAD_NET}.255.254`],
            leaseTime: 3600,
          },
        ],
      };
      const d = lab.spawn(
        'server',
        'node',
        [
          agent,
          JSON.stringify({
            config,
            interfaces: [lab.server.ifname],
            leaseFile: dir.join('leases.journal'),
            compactAfter: 10,
          }),
        ],
        { name: `pxekit-dhcp-${servers.length}` },
      );
      servers.push(d);
      return d;
    }

    it('no address is ACKed to two clients across repeated SIGKILL restarts', async () => {
      let server = startServer();
      await server.waitForOutput(/"event":"listening"/, 20_000);
      const perf = lab.spawn(
        'load',
        'perfdhcp',
        ['-4', '-l', `${LOAD_NET}.0.1`, '-r', '300', '-R', '400', '-p', String(2 * KILLS + 4), lab.serverIp],
        { name: 'perfdhcp' },
      );
      for (let i = 0; i < KILLS; i++) {
        await new Promise((r) => setTimeout(r, 2000));
        expect(server.signal('SIGKILL')).toBe(true);
        await server.exited;
        server = startServer();
        await server.waitForOutput(/"event":"listening"/, 20_000);
      }
      const done = await perf.exited;
      expect(done.code, perf.stderr).not.toBeNull();
      // The last life ends cleanly and reports its journal: it compacted, more than once.
      expect(server.signal('SIGTERM')).toBe(true);
      await server.exited;
      const closed = /"event":"closed".*"compactions":(\d+)/.exec(server.stdout);
      expect(Number(closed?.[1] ?? 0)).toBeGreaterThan(1);
      const pcap = await capture.stop();
      const acks = await tsharkFields(pcap, 'dhcp.option.dhcp == 5', ['dhcp.hw.mac_addr', 'dhcp.ip.your']);
      const holders = new Map<string, Set<string>>();
      for (const [mac, yiaddr] of acks) {
        const client = mac?.split(',')[0] ?? '';
        if (yiaddr === undefined || yiaddr === '0.0.0.0') continue;
        const set = holders.get(yiaddr) ?? new Set<string>();
        set.add(client);
        holders.set(yiaddr, set);
      }
      const shared = [...holders].filter(([, macs]) => macs.size > 1);
      expect(shared).toEqual([]);
      // The run was not vacuous: many ACKs, from more than one server life.
      expect(acks.length).toBeGreaterThan(200);
      const lives = servers.filter((s) => s.stdout.includes('"event":"ack"')).length;
      expect(lives).toBeGreaterThan(2);
      // Each restart found at most a torn last record, nothing else damaged.
      const journal = decodeJournal(readFileSync(dir.join('leases.journal'), 'utf8'));
      expect(journal.problems.filter((p) => p.reason !== 'torn-tail')).toEqual([]);
    });
  },
);

import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLab,
  type Daemon,
  type Lab,
  labStatus,
  labTitle,
  makeTempDir,
  type TempDir,
} from '@pxekit/testkit/lab';
import { bundleServerAgent } from './server-lab-helpers.js';

// Server gone, then back (RFC 2131 §4.4.5): busybox udhcpc holds a 40 s lease. The server goes away right
// after the ACK, so the client's extension attempt at T1 (20 s) goes unanswered; the server comes back at
// 24 s as a new process that knows the lease only from its journal, and answers the client's next
// REQUEST with ciaddr (udhcpc broadcasts it for leases this short): lease extended, same address, the
// client never deconfigured.
const status = await labStatus({ packages: ['busybox-static'], needs: ['root', 'netns'] });

const LEASE = 40;

describe.skipIf(!status.ok)(labTitle('DHCP: udhcpc rebinds to a restarted pxekit server', status), () => {
  let lab: Lab;
  let dir: TempDir;
  let agent: string;
  const servers: Daemon[] = [];

  beforeAll(async () => {
    agent = bundleServerAgent();
    lab = await createLab({ name: 'dhcprebind', clients: 1 });
    dir = makeTempDir('dhcprebind');
  });

  afterAll(async () => {
    for (const s of servers) await s.stop().catch(() => undefined);
    await lab?.close();
    dir?.remove();
  });

  async function startServer(): Promise<Daemon> {
    const config = {
      subnets: [
        {
          network: lab.cidr,
          pools: [`${lab.ip(100)}-${lab.ip(150)}`],
          leaseTime: LEASE,
          minLeaseTime: LEASE,
          maxLeaseTime: LEASE,
        },
      ],
    };
    const d = lab.spawn(
      'server',
      'node',
      [
        agent,
        JSON.stringify({ config, interfaces: [lab.server.ifname], leaseFile: dir.join('leases.journal') }),
      ],
      { name: `pxekit-dhcp-${servers.length}` },
    );
    servers.push(d);
    await d.waitForOutput(/"event":"listening"/, 20_000);
    return d;
  }

  it('keeps the address while the server is away past T1, then extends it with the restarted server', async () => {
    const first = await startServer();
    const out = dir.join('udhcpc.env');
    const hook = dir.join('udhcpc-hook');
    writeFileSync(
      hook,
      `#!/bin/sh\n{ echo "event=$1"; env | grep -E '^(ip|lease|serverid)=' ; echo; } >> ${out}\ncase "$1" in bound|renew) ip addr replace "$ip/$mask" dev "$interface";; esac\nexit 0\n`,
    );
    chmodSync(hook, 0o755);
    const client = lab.spawn('c1', 'busybox', [
      'udhcpc',
      '-i',
      'eth0',
      '-f',
      '-t',
      '5',
      '-T',
      '2',
      '-A',
      '1',
      '-s',
      hook,
    ]);
    try {
      // Only complete blocks (the hook ends each with a blank line) count.
      const blocks = (): string[] =>
        existsSync(out) ? readFileSync(out, 'utf8').split('\n\n').slice(0, -1) : [];
      // Bounded polling for the hook's "bound" call.
      for (let i = 0; i < 300 && !blocks().some((b) => b.includes('event=bound')); i++)
        await new Promise((r) => setTimeout(r, 100));
      const bound = blocks().find((b) => b.includes('event=bound')) ?? '';
      const ip = /ip=(\S+)/.exec(bound)?.[1];
      expect(ip, `${readFileSync(out, 'utf8')}\n${client.stdout}\n${client.stderr}`).toBeDefined();
      expect(bound).toContain(`lease=${LEASE}`);
      await first.stop();
      // Back after T1 (20 s), before the next rebinding broadcast (30 s).
      await new Promise((r) => setTimeout(r, 24_000));
      const second = await startServer();
      for (let i = 0; i < 60 && !blocks().some((b) => b.includes('event=renew')); i++)
        await new Promise((r) => setTimeout(r, 100));
      const renew = blocks().find((b) => b.includes('event=renew')) ?? '';
      expect(renew, `${readFileSync(out, 'utf8')}\n${second.stdout}`).toContain(`ip=${ip}`);
      expect(
        blocks().some((b) => b.includes('event=deconfig') && blocks().indexOf(b) > blocks().indexOf(bound)),
      ).toBe(false);
      // The ACK came from the restarted server, which only knew the lease from its journal.
      const ack = second.stdout.split('\n').find((l) => l.includes('"event":"ack"'));
      expect(ack).toContain(`"yiaddr":"${ip}"`);
    } finally {
      await client.stop();
    }
  });
});

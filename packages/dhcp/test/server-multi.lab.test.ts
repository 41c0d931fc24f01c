import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Daemon,
  type Lab,
  createLab,
  labStatus,
  labTitle,
  makeTempDir,
  runOk,
  type TempDir,
} from '@pxekit/testkit/lab';
import { bundleServerAgent } from './server-lab-helpers.js';

// One server namespace on two segments: eth0 on the lab bridge (10.99.k.0/24) and eth1 on a second link
// (10.98.k.0/24). Both clients broadcast from 0.0.0.0; only the arrival interface tells them apart, and
// each reply must leave by the interface its request came in on. This is what the per-interface
// SO_BINDTODEVICE sockets are for (docs/decisions.md, Server).
const status = await labStatus({ packages: ['isc-dhcp-client'], needs: ['root', 'netns'] });

describe.skipIf(!status.ok)(labTitle('DHCP: one server, two interfaces, two subnets', status), () => {
  let lab: Lab;
  let dir: TempDir;
  let server: Daemon;
  let second: string;

  beforeAll(async () => {
    const agent = bundleServerAgent();
    lab = await createLab({ name: 'dhcpmulti', clients: 1 });
    dir = makeTempDir('dhcpmulti');
    second = `10.98.${lab.subnet.split('.')[2]}`;
    const side = await lab.addHost('side');
    await lab.exec('side', 'ip', ['link', 'set', side.ifname, 'down']);
    await runOk(
      'ip',
      [
        'link',
        'add',
        'eth1',
        'netns',
        lab.server.netns,
        'type',
        'veth',
        'peer',
        'name',
        'eth1',
        'netns',
        side.netns,
      ],
      {
        timeoutMs: 10_000,
      },
    );
    await lab.exec('server', 'ip', ['addr', 'add', `${second}.1/24`, 'dev', 'eth1']);
    await lab.exec('server', 'ip', ['link', 'set', 'eth1', 'up']);
    await lab.exec('side', 'ip', ['link', 'set', 'eth1', 'up']);
    const config = {
      subnets: [
        {
          id: 'bridge',
          network: lab.cidr,
          pools: [`${lab.ip(100)}-${lab.ip(120)}`],
          routers: [lab.serverIp],
        },
        {
          id: 'side',
          network: `${second}.0/24`,
          pools: [`${second}.100-${second}.120`],
          routers: [`${second}.1`],
        },
      ],
    };
    server = lab.spawn(
      'server',
      'node',
      [
        agent,
        JSON.stringify({
          config,
          interfaces: [lab.server.ifname, 'eth1'],
          leaseFile: dir.join('leases.journal'),
          user: 'nobody',
          group: 'nogroup',
        }),
      ],
      {
        name: 'pxekit-dhcp',
      },
    );
    await server.waitForOutput(/"event":"listening"/, 20_000);
  });

  afterAll(async () => {
    await server?.stop().catch(() => undefined);
    await lab?.close();
    dir?.remove();
  });

  async function lease(
    role: string,
    ifname: string,
  ): Promise<{ ip: string; routers: string; serverId: string }> {
    const out = dir.join(`${role}.env`);
    const hook = dir.join(`${role}.hook`);
    writeFileSync(hook, `#!/bin/sh\n{ env | grep -E '^new_' ; echo; } >> ${out}\nexit 0\n`);
    chmodSync(hook, 0o755);
    const d = lab.spawn(role, 'dhclient', [
      '-d',
      '-4',
      '-1',
      '-v',
      '-sf',
      hook,
      '-lf',
      dir.join(`${role}.leases`),
      '-pf',
      dir.join(`${role}.pid`),
      ifname,
    ]);
    try {
      await d.waitForOutput(/bound to/, 30_000);
    } finally {
      await d.stop();
    }
    const text = readFileSync(out, 'utf8');
    return {
      ip: /new_ip_address=(\S+)/.exec(text)?.[1] ?? '',
      routers: /new_routers=(\S+)/.exec(text)?.[1] ?? '',
      serverId: /new_dhcp_server_identifier=(\S+)/.exec(text)?.[1] ?? '',
    };
  }

  it('runs without root after binding port 67 (privileges dropped to nobody:nogroup)', () => {
    const proc = readFileSync(`/proc/${server.pid}/status`, 'utf8');
    expect(/^Uid:\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(proc)?.slice(1)).toEqual(['65534', '65534', '65534']);
    expect(/^Gid:\s+(\d+)/m.exec(proc)?.[1]).toBe('65534');
  });

  it('a client on the bridge gets the bridge subnet, with the bridge address as server identifier', async () => {
    const l = await lease('c1', 'eth0');
    expect(l.ip).toMatch(new RegExp(`^${lab.subnet.replace(/\./g, '\\.')}\\.1[0-2]\\d$`));
    expect(l.routers).toBe(lab.serverIp);
    expect(l.serverId).toBe(lab.serverIp);
  });

  it('a client on the second link gets the second subnet, answered out of eth1', async () => {
    const l = await lease('side', 'eth1');
    expect(l.ip).toMatch(new RegExp(`^${second.replace(/\./g, '\\.')}\\.1[0-2]\\d$`));
    expect(l.routers).toBe(`${second}.1`);
    expect(l.serverId).toBe(`${second}.1`);
    const acks = server.stdout
      .split('\n')
      .filter((x) => x.includes('"event":"ack"'))
      .map((x) => JSON.parse(x) as { interface: string; yiaddr: string });
    // The journal stays writable after the drop (its descriptor was opened as root).
    expect(readFileSync(dir.join('leases.journal'), 'utf8')).toContain(l.ip);
    expect(acks.map((a) => [a.interface, a.yiaddr.startsWith(second)])).toEqual([
      [lab.server.ifname, false],
      ['eth1', true],
    ]);
  });
});

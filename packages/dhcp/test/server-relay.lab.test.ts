import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CAPTURE_PACKAGES,
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

// ISC dhcrelay between a client segment and the server's segment: the server picks the subnet by giaddr,
// answers the relay on port 67, and echoes the relay agent information (82) that dhcrelay -a adds (dhcrelay
// drops replies whose 82 does not match what it sent).
//
//   far (eth1, DHCP client) ── veth ── relay (rl1 10.98.k.1 | eth0 10.99.k.2) ── br0 ── server (10.99.k.1)
const status = await labStatus({
  packages: ['isc-dhcp-client', 'isc-dhcp-relay', ...CAPTURE_PACKAGES],
  needs: ['root', 'netns'],
});

describe.skipIf(!status.ok)(labTitle('DHCP: the pxekit server behind ISC dhcrelay', status), () => {
  let lab: Lab;
  let dir: TempDir;
  let server: Daemon;
  let relay: Daemon;
  let farNet: string;

  beforeAll(async () => {
    const agent = bundleServerAgent();
    lab = await createLab({ name: 'dhcprly', clients: 0 });
    dir = makeTempDir('dhcprly');
    farNet = `10.98.${lab.subnet.split('.')[2]}`;
    const relayHost = await lab.addHost('relay', { ip: lab.ip(2) });
    const far = await lab.addHost('far');
    // The far client's segment is a veth straight into the relay, not the lab's bridge.
    await lab.exec('far', 'ip', ['link', 'set', far.ifname, 'down']);
    await runOk(
      'ip',
      [
        'link',
        'add',
        'rl1',
        'netns',
        relayHost.netns,
        'type',
        'veth',
        'peer',
        'name',
        'eth1',
        'netns',
        far.netns,
      ],
      {
        timeoutMs: 10_000,
      },
    );
    await lab.exec('relay', 'ip', ['addr', 'add', `${farNet}.1/24`, 'dev', 'rl1']);
    await lab.exec('relay', 'ip', ['link', 'set', 'rl1', 'up']);
    await lab.exec('far', 'ip', ['link', 'set', 'eth1', 'up']);
    // Replies to giaddr go back through the relay.
    await lab.exec('server', 'ip', ['route', 'add', `${farNet}.0/24`, 'via', lab.ip(2)]);
    const config = {
      subnets: [
        { id: 'local', network: lab.cidr, pools: [`${lab.ip(100)}-${lab.ip(150)}`] },
        {
          id: 'far',
          network: `${farNet}.0/24`,
          pools: [`${farNet}.50-${farNet}.60`],
          routers: [`${farNet}.1`],
        },
      ],
    };
    server = lab.spawn(
      'server',
      'node',
      [agent, JSON.stringify({ config, interfaces: [lab.server.ifname] })],
      {
        name: 'pxekit-dhcp',
      },
    );
    await server.waitForOutput(/"event":"listening"/, 20_000);
    relay = lab.spawn(
      'relay',
      'dhcrelay',
      ['-d', '-4', '-a', '-id', 'rl1', '-iu', relayHost.ifname, lab.serverIp],
      { name: 'dhcrelay' },
    );
    await relay.waitForOutput(/Sending on|Listening on/, 15_000);
  });

  afterAll(async () => {
    await relay?.stop().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    await lab?.close();
    dir?.remove();
  });

  it('dhclient on the far segment gets an address from the relay’s subnet, via giaddr, with 82 echoed', async () => {
    const out = dir.join('env');
    const hook = dir.join('hook');
    writeFileSync(
      hook,
      `#!/bin/sh\n{ echo "reason='$reason'"; env | grep -E '^new_' ; echo; } >> ${out}\ncase "$reason" in BOUND) ip addr add "$new_ip_address/24" dev "$interface";; esac\nexit 0\n`,
    );
    chmodSync(hook, 0o755);
    const d = lab.spawn('far', 'dhclient', [
      '-d',
      '-4',
      '-1',
      '-v',
      '-sf',
      hook,
      '-lf',
      dir.join('leases'),
      '-pf',
      dir.join('pid'),
      'eth1',
    ]);
    try {
      await d.waitForOutput(/bound to/, 30_000);
    } finally {
      await d.stop();
    }
    const text = readFileSync(out, 'utf8');
    const ip = /new_ip_address=(\S+)/.exec(text)?.[1];
    expect(ip).toMatch(new RegExp(`^${farNet.replace(/\./g, '\\.')}\\.(5\\d|60)$`));
    expect(text).toContain(`new_routers=${farNet}.1`);
    const acks = server.stdout.split('\n').filter((l) => l.includes('"event":"ack"'));
    expect(acks.length).toBeGreaterThan(0);
    const ack = JSON.parse(acks.at(-1)!) as {
      giaddr: string;
      agent: string;
      to: { address: string; port: number };
    };
    // dhcrelay -a adds a circuit id (sub-option 1) naming its interface; the reply carries it back.
    expect(ack.agent).toMatch(/^01/);
    expect(Buffer.from(ack.agent, 'hex').toString('latin1')).toContain('rl1');
    expect(ack.giaddr).toBe(`${farNet}.1`);
    expect(ack.to).toEqual({ address: `${farNet}.1`, port: 67, broadcast: false });
    expect(server.exitStatus).toBeUndefined();
  });
});

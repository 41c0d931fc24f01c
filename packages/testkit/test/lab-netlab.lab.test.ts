import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, type Lab, labStatus, labTitle, run, runOk } from '../src/lab/index.js';

const status = await labStatus({
  packages: ['iproute2', 'dnsmasq-base', 'iputils-ping'],
  needs: ['root', 'netns', 'tun'],
});

async function rootNamespaceState(): Promise<string> {
  const addr = await runOk('ip', ['-o', 'addr'], { timeoutMs: 5000 });
  const route = await runOk('ip', ['route', 'show', 'table', 'all'], { timeoutMs: 5000 });
  const link = await runOk('ip', ['-o', 'link'], { timeoutMs: 5000 });
  return `${addr.stdout}\n${route.stdout}\n${link.stdout}`;
}

async function namespaces(): Promise<string[]> {
  const r = await runOk('ip', ['netns', 'list'], { timeoutMs: 5000 });
  return r.stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter(Boolean);
}

describe.skipIf(!status.ok)(labTitle('network lab: namespaces, bridge, taps, RA sender', status), () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await createLab({ name: 'netlab', clients: 2, ra: true, taps: 1 });
  });
  afterAll(async () => {
    await lab?.close();
  });

  it('puts server, clients and RA sender on one segment, and nothing in the root namespace', async () => {
    expect(lab.serverIp).toBe(`${lab.subnet}.1`);
    const ns = await namespaces();
    for (const role of ['switch', 'server', 'c1', 'c2', 'ra']) expect(ns).toContain(lab.netns(role));
    const br = await lab.exec('switch', 'ip', ['-o', 'link', 'show', 'master', 'br0']);
    expect(br.stdout).toMatch(/p-server/);
    expect(br.stdout).toMatch(/p-c1/);
    expect(br.stdout).toMatch(/tap0/);
    const swAddr = await lab.exec('switch', 'ip', ['-o', '-4', 'addr']);
    expect(swAddr.stdout).not.toMatch(/br0/); // the switch has no IP
    // A client gives itself an address by hand and reaches the server across the bridge.
    await lab.exec('c1', 'ip', ['addr', 'add', `${lab.ip(50)}/24`, 'dev', 'eth0']);
    const ping = await lab.exec('c1', 'ping', ['-c', '1', '-W', '3', lab.serverIp], { timeoutMs: 10_000 });
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    const after = await rootNamespaceState();
    expect(after).not.toContain(lab.subnet);
    expect(after).not.toMatch(/\bbr0\b|\btap0\b|p-server/);
  });

  it('sends IPv6 router advertisements that clients autoconfigure from', async () => {
    // RAs go out at start and then every few seconds; the client's SLAAC address shows the prefix.
    let route = '';
    for (let i = 0; i < 30 && !/fd99:/.test(route); i++) {
      route = (await lab.exec('c2', 'ip', ['-6', 'route', 'show'])).stdout;
      if (!/fd99:/.test(route)) await new Promise((r) => setTimeout(r, 500));
    }
    expect(route).toMatch(/fd99:0:0:[0-9a-f]+::\/64/);
    expect(lab.raSender?.exitStatus).toBeUndefined();
  });

  it('removes every namespace and process on close', async () => {
    const names = [lab.switchNs, lab.server.netns, ...lab.clients.map((c) => c.netns), lab.netns('ra')];
    const ra = lab.raSender;
    await lab.close();
    const ns = await namespaces();
    for (const n of names) expect(ns).not.toContain(n);
    expect(ra?.exitStatus).toBeDefined();
    const r = await run('ip', ['netns', 'exec', lab.server.netns, 'true'], { timeoutMs: 5000 });
    expect(r.code).not.toBe(0);
    const after = await rootNamespaceState();
    expect(after).not.toContain(lab.subnet);
    expect(after).not.toMatch(/p-server|p-c1|tap0/);
  });
});

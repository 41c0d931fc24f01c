import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLab,
  KEA_PACKAGES,
  type Lab,
  labStatus,
  labTitle,
  makeTempDir,
  startKea,
  type TempDir,
} from '../src/lab/index.js';

// Kea as the lab's "site" DHCP server (the one proxyDHCP tests put beside pxekit): it runs in its own
// namespace at <subnet>.2 and leases to a real client with the boot fields it was configured with.
const status = await labStatus({ packages: [...KEA_PACKAGES, 'busybox-static'], needs: ['root', 'netns'] });

describe.skipIf(!status.ok)(labTitle('Kea as the site DHCP server', status), () => {
  let lab: Lab;
  let dir: TempDir;

  beforeAll(async () => {
    lab = await createLab({ name: 'kea', clients: 1 });
    dir = makeTempDir('kea-test');
    await lab.addHost('dhcp', { ip: lab.ip(2) });
  });
  afterAll(async () => {
    await lab?.close();
    dir?.remove();
  });

  it('leases to udhcpc from its own namespace', async () => {
    const kea = await startKea(lab, {
      role: 'dhcp',
      range: [160, 170],
      bootFile: 'undionly.kpxe',
      nextServer: lab.serverIp,
    });
    const out = dir.join('env');
    const hook = dir.join('hook');
    writeFileSync(
      hook,
      `#!/bin/sh\n[ "$1" = bound ] && echo "$ip $router $siaddr $serverid $boot_file" > ${out}\nexit 0\n`,
    );
    chmodSync(hook, 0o755);
    const r = await lab.exec(
      'c1',
      'busybox',
      ['udhcpc', '-i', 'eth0', '-f', '-q', '-n', '-t', '5', '-T', '2', '-s', hook],
      {
        timeoutMs: 30_000,
      },
    );
    expect(r.code, `${r.stderr}\n${kea.output}`).toBe(0);
    const [ip, router, siaddr, serverId, file] = readFileSync(out, 'utf8').trim().split(' ');
    const host = Number(ip?.split('.')[3]);
    expect(host).toBeGreaterThanOrEqual(160);
    expect(host).toBeLessThanOrEqual(170);
    expect(router).toBe(lab.ip(2));
    expect(serverId).toBe(lab.ip(2));
    expect(siaddr).toBe(lab.serverIp);
    expect(file).toBe('undionly.kpxe');
    expect(kea.exitStatus).toBeUndefined();
  });
});

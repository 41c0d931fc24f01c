import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  freeUdpPort,
  labStatus,
  labTitle,
  makeTempDir,
  run,
  spawnDaemon,
  startDnsmasq,
  createLab,
  type Lab,
} from '@pxekit/testkit/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTftpClient,
  createTftpServer,
  type TftpServer,
  type TftpTransferEvent,
} from '../src/node/index.js';
import { patterned } from './helpers.js';
import { bundleAgent, sha256 } from './lab-helpers.js';

// Clients and reference servers this file meets. Client matrix and tftpd-hpa run on 127.0.0.1 with free
// high ports; dnsmasq only listens on port 69, so it runs in a lab namespace with our client beside it.
const lab = await labStatus({
  packages: ['tftp-hpa', 'atftp', 'curl', 'busybox-static', 'tftpd-hpa', 'dnsmasq-base'],
  needs: ['root', 'netns'],
});

/** 0 bytes, around one block, exact multiples of 512 and 1468, and past block 65535 at blksize 512. */
const SIZES: Record<string, number> = {
  'z0.bin': 0,
  's511.bin': 511,
  's512.bin': 512,
  's513.bin': 513,
  'm1024.bin': 1024,
  'm4404.bin': 1468 * 3,
  'wrap.bin': 512 * 65_536 + 1000,
};

describe.skipIf(!lab.ok)(labTitle('tftp interop with real clients and servers', lab), () => {
  const dir = makeTempDir('tftp-interop');
  const out = makeTempDir('tftp-out');
  const sums: Record<string, string> = {};
  let server: TftpServer;
  let port: number;
  const transfers: TftpTransferEvent[] = [];

  beforeAll(async () => {
    for (const [name, size] of Object.entries(SIZES)) {
      const data = patterned(size);
      writeFileSync(dir.join(name), data);
      sums[name] = sha256(data);
    }
    // The worker data plane (the default on Linux), asked for explicitly so a fallback to dgram fails here.
    server = await createTftpServer({
      root: dir.path,
      host: '127.0.0.1',
      port: 0,
      rateLimit: false,
      dataPlane: 'worker',
    });
    server.on('transfer', (t) => transfers.push(t));
    port = server.address().port;
  });

  afterAll(async () => {
    await server?.close();
    dir.remove();
    out.remove();
  });

  const check = (name: string, local: string) => expect(sha256(readFileSync(local)), name).toBe(sums[name]);

  const clients: Record<string, (name: string, local: string, big: boolean) => [string, string[]]> = {
    // tftp-hpa's client speaks RFC 1350 only; netascii by default, so -m binary.
    'tftp-hpa': (name, local) => [
      'tftp',
      ['-m', 'binary', '127.0.0.1', String(port), '-c', 'get', name, local],
    ],
    atftp: (name, local, big) => [
      'atftp',
      [
        '--get',
        '-r',
        name,
        '-l',
        local,
        '--option',
        `blksize ${big ? 512 : 1468}`,
        '--option',
        'tsize 0',
        '--option',
        'windowsize 16',
        '127.0.0.1',
        String(port),
      ],
    ],
    // curl 7.88 rejects an OACK carrying tsize=0 (it treats it as "unknown"): plain RFC 1350 for 0 bytes.
    curl: (name, local, big) => [
      'curl',
      [
        '-sS',
        '-o',
        local,
        ...(SIZES[name] === 0 ? ['--tftp-no-options'] : ['--tftp-blksize', big ? '512' : '1468']),
        `tftp://127.0.0.1:${port}/${name}`,
      ],
    ],
    busybox: (name, local, big) => [
      'busybox',
      ['tftp', '-g', '-r', name, '-l', local, '-b', big ? '512' : '1468', '127.0.0.1', String(port)],
    ],
  };

  for (const [client, cmd] of Object.entries(clients)) {
    it(`${client} fetches every size from pxekit, sha256-identical`, async () => {
      const before = transfers.length;
      for (const name of Object.keys(SIZES)) {
        const local = out.join(`${client}-${name}`);
        const [file, args] = cmd(name, local, name === 'wrap.bin');
        const r = await run(file, args, { timeoutMs: 120_000 });
        expect(r.code, `${client} ${name}: ${r.stderr}`).toBe(0);
        check(name, local);
      }
      // Every transfer ended complete on our side too (tftp-hpa exits 0 even after an ERROR).
      await new Promise((r) => setTimeout(r, 50));
      const mine = transfers.slice(before);
      expect(mine.map((t) => t.outcome)).toEqual(Object.keys(SIZES).map(() => 'complete'));
      if (client === 'atftp') expect(mine.every((t) => t.stats.windowSize === 16)).toBe(true);
    });
  }

  it('pxekit client fetches from tftpd-hpa (lock-step, falls back when windowsize is not granted)', async () => {
    const hpaPort = await freeUdpPort();
    const d = spawnDaemon('in.tftpd', [
      '--foreground',
      '--listen',
      '--user',
      'root',
      '--address',
      `127.0.0.1:${hpaPort}`,
      '--secure',
      dir.path,
    ]);
    try {
      for (let i = 0; i < 100; i++) {
        const ss = await run('ss', ['-uln', `sport = :${hpaPort}`], { timeoutMs: 5000 });
        if (ss.stdout.includes(`:${hpaPort}`)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const client = createTftpClient({ host: '127.0.0.1', port: hpaPort });
      for (const name of Object.keys(SIZES)) {
        const big = name === 'wrap.bin';
        const got = await client.get(name, { blockSize: big ? 512 : 1468, windowSize: 8 });
        expect(sha256(got), name).toBe(sums[name]);
      }
    } finally {
      await d.stop();
    }
  });

  it('pxekit client fetches from atftpd (lock-step and windowed)', async () => {
    // atftpd conflicts with tftpd-hpa in apt, so it is fetched as a .deb and unpacked, not installed.
    const atftpd = await fetchAtftpd(out.path);
    const aPort = await freeUdpPort();
    const d = spawnDaemon(atftpd, [
      '--daemon',
      '--no-fork',
      '--port',
      String(aPort),
      '--bind-address',
      '127.0.0.1',
      '--logfile',
      '/dev/null',
      '--user',
      'root',
      '--group',
      'root',
      dir.path,
    ]);
    try {
      for (let i = 0; i < 100; i++) {
        const ss = await run('ss', ['-uln', `sport = :${aPort}`], { timeoutMs: 5000 });
        if (ss.stdout.includes(`:${aPort}`)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const client = createTftpClient({ host: '127.0.0.1', port: aPort });
      for (const name of Object.keys(SIZES)) {
        const big = name === 'wrap.bin';
        for (const windowSize of [1, 8]) {
          const got = await client.get(name, { blockSize: big ? 512 : 1468, windowSize });
          expect(sha256(got), `${name} window ${windowSize}`).toBe(sums[name]);
        }
      }
    } finally {
      await d.stop();
    }
  });

  describe('in a lab namespace', () => {
    let netlab: Lab;
    let agent: string;
    beforeAll(async () => {
      agent = bundleAgent();
      netlab = await createLab({ name: 'tftpiop', clients: 0 });
      // Lab clients have no address (they are DHCP clients); this one gets a static one.
      await netlab.addHost('tc', { ip: netlab.ip(50) });
    });
    afterAll(async () => {
      await netlab?.close();
    });

    it('pxekit client fetches from dnsmasq', async () => {
      const d = await startDnsmasq(netlab, { dhcp: false, tftpRoot: dir.path });
      const r = await netlab.exec(
        'tc',
        'node',
        [
          agent,
          'get',
          JSON.stringify({
            host: netlab.serverIp,
            port: 69,
            files: Object.keys(SIZES),
            options: { blockSize: 1468, windowSize: 8 },
          }),
        ],
        { timeoutMs: 60_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      const results = JSON.parse(r.stdout) as { file: string; sha256?: string; error?: string }[];
      for (const res of results) expect(res.sha256, `${res.file}: ${res.error}`).toBe(sums[res.file]);
      await d.stop();
    });

    // Windowed batches leave as one UDP GSO datagram each (see plane-worker.ts). On a link whose MTU is
    // below one packet the kernel refuses that (EMSGSIZE); the batch must go out the old way at once, not
    // after a retransmission timeout. atftp on another host fetches windowed through such a link.
    it('a windowed transfer through a link narrower than a packet (GSO refused) needs no retransmission', async () => {
      const ip = netlab.ip(60);
      const host = await netlab.addHost('ts', { ip });
      const mtu = await netlab.exec('ts', 'ip', ['link', 'set', 'dev', host.ifname, 'mtu', '1200']);
      expect(mtu.code, mtu.stderr).toBe(0);
      const server = netlab.spawn('ts', process.execPath, [
        agent,
        'serve',
        JSON.stringify({ host: ip, port: 69, root: dir.path }),
      ]);
      try {
        await server.waitForOutput(/listening .*"mode":"worker"/, 15_000);
        for (const name of ['m4404.bin', 'wrap.bin']) {
          const local = out.join(`narrow-${name}`);
          const r = await netlab.exec(
            'tc',
            'atftp',
            ['--get', '-r', name, '-l', local, '--option', 'blksize 1468', '--option', 'windowsize 16', ip],
            { timeoutMs: 120_000 },
          );
          expect(r.code, r.stderr).toBe(0);
          check(name, local);
        }
        await server.waitForOutput(/TRANSFER .*"wrap\.bin"/, 5000);
        const done = [...server.stdout.matchAll(/^TRANSFER (.*)$/gm)].map(
          (m) => JSON.parse(m[1]!) as { outcome: string; windowSize: number; retransmits: number },
        );
        expect(done.map((t) => [t.outcome, t.windowSize, t.retransmits])).toEqual([
          ['complete', 16, 0],
          ['complete', 16, 0],
        ]);
      } finally {
        await server.stop();
      }
    });
  });
});

/** Downloads atftpd's .deb with apt-get and unpacks it under `scratch` (ATFTPD=<path> skips this). */
async function fetchAtftpd(scratch: string): Promise<string> {
  if (process.env.ATFTPD) return process.env.ATFTPD;
  const r = await run('apt-get', ['download', 'atftpd'], { timeoutMs: 120_000, cwd: scratch });
  const deb = readdirSync(scratch).find((f) => f.startsWith('atftpd_') && f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download atftpd failed: ${r.stderr}`);
  await run('dpkg-deb', ['-x', join(scratch, deb), join(scratch, 'atftpd-root')], { timeoutMs: 60_000 });
  const bin = join(scratch, 'atftpd-root/usr/sbin/atftpd');
  if (!existsSync(bin)) throw new Error('atftpd binary missing from the package');
  return bin;
}

import { createHash } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TftpError } from '../src/index.js';
import {
  createTftpClient,
  createTftpServer,
  TFTP_CHANNELS,
  type TftpDropEvent,
  type TftpServer,
  type TftpServerOptions,
  type TftpTransferEvent,
} from '../src/node/index.js';
import { patterned } from './helpers.js';
import { RawPeer } from './udp.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let base: string;
let root: string;
const servers: TftpServer[] = [];
const peers: RawPeer[] = [];

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'pxekit-tftp-'));
  root = join(base, 'root');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(base, 'outside'));
  writeFileSync(join(base, 'secret'), 'top secret');
  writeFileSync(join(base, 'outside', 'hostname'), 'outside');
  for (const n of [0, 511, 512, 513, 1024, 1468, 100_000]) writeFileSync(join(root, `f${n}`), patterned(n));
  writeFileSync(join(root, 'large-disk'), patterned(3_000_000));
  writeFileSync(join(root, 'pxelinux.0'), patterned(3000));
  writeFileSync(join(root, 'sub', 'inner.txt'), 'inner');
  writeFileSync(join(root, 'text.txt'), 'line one\nline two\r\n');
  symlinkSync(join(base, 'secret'), join(root, 'link-out'));
  symlinkSync(join(base, 'outside'), join(root, 'dirlink'));
  symlinkSync('sub/inner.txt', join(root, 'link-in'));
  execFileSync('mkfifo', [join(root, 'fifo')]);
});

afterEach(async () => {
  for (const p of peers.splice(0)) p.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

/**
 * Every test below runs twice: read transfers on the worker data plane (koffi + epoll, Linux) and on
 * dgram. The worker script comes from the package build (`pnpm build` runs before the tests in CI).
 */
const PLANES = process.platform === 'linux' ? (['worker', 'dgram'] as const) : (['dgram'] as const);
let plane: 'worker' | 'dgram' = 'dgram';

async function start(opts: Partial<TftpServerOptions> = {}) {
  const server = await createTftpServer({
    root,
    host: '127.0.0.1',
    port: 0,
    drainTimeoutMs: 200,
    dataPlane: plane,
    ...opts,
  });
  servers.push(server);
  const transfers: TftpTransferEvent[] = [];
  const drops: TftpDropEvent[] = [];
  server.on('transfer', (t) => transfers.push(t));
  server.on('drop', (d) => drops.push(d));
  const port = server.address().port;
  const client = createTftpClient({ host: '127.0.0.1', port, timeoutMs: 200, retries: 3 });
  return { server, port, client, transfers, drops };
}

async function peer(): Promise<RawPeer> {
  const p = await RawPeer.open();
  peers.push(p);
  return p;
}

const rrq = (filename: string, options: [string, string][] = [], mode = 'octet') => ({
  type: 'rrq' as const,
  filename,
  mode,
  options: options.map(([name, value]) => ({ name, value })),
});

async function expectError(port: number, filename: string, code: number) {
  const p = await peer();
  p.send(rrq(filename), port);
  const m = await p.recv();
  expect(m?.packet).toMatchObject({ type: 'error', code });
}

async function waitFor<T>(get: () => T | undefined, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = get();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met');
}

for (const p of PLANES) {
  /** Tests about the worker plane itself: defined only in its suite (no skipped tests in the other). */
  const WORKER_ONLY = (name: string, fn: () => Promise<void>): void => {
    if (p === 'worker') it(name, fn);
  };
  describe(`data plane: ${p}`, () => {
    beforeAll(() => {
      plane = p;
    });

    it('runs read transfers on the data plane asked for', async () => {
      const { server, client, transfers } = await start();
      expect(server.dataPlane.mode).toBe(p);
      expect((await client.get('f100000', { blockSize: 1468 })).length).toBe(100_000);
      await waitFor(() => transfers[0]);
      expect(transfers[0]).toMatchObject({ outcome: 'complete', source: 'cache' });
    });

    describe('server: files from the root', () => {
      it('sends a large file read from disk (no cache) intact, lock-step and windowed', async () => {
        const { client } = await start({ cache: false });
        const want = sha(patterned(3_000_000));
        expect(sha(await client.get('large-disk', { blockSize: 1468 }))).toBe(want);
        expect(sha(await client.get('large-disk', { blockSize: 512, windowSize: 16 }))).toBe(want);
      });

      it.each([0, 511, 512, 513, 1024, 1468, 100_000])(
        'serves %i bytes identically, lock-step and windowed',
        async (n) => {
          const { client, transfers } = await start();
          for (const opts of [{ blockSize: 512 }, { blockSize: 1468, windowSize: 8 }, { noOptions: true }]) {
            const got = await client.get(`f${n}`, opts);
            expect(sha(got)).toBe(sha(patterned(n)));
          }
          await waitFor(() => (transfers.length === 3 ? true : undefined));
          expect(transfers.every((t) => t.outcome === 'complete' && t.stats.bytes === n)).toBe(true);
        },
      );

      it('streams large files without the cache, reading ahead', async () => {
        writeFileSync(join(root, 'big'), patterned(3_000_001));
        const { client, transfers, server } = await start({ cache: false });
        const got = await client.get('big', { windowSize: 16 });
        expect(sha(got)).toBe(sha(patterned(3_000_001)));
        await waitFor(() => transfers[0]);
        expect(transfers[0]).toMatchObject({ source: 'file', outcome: 'complete' });
        expect(server.cacheStats.misses).toBe(0);
      });

      it('publishes transfers and drops on diagnostics_channel', async () => {
        const seen: unknown[] = [];
        const onMessage = (m: unknown) => seen.push(m);
        subscribe(TFTP_CHANNELS.transfer, onMessage);
        subscribe(TFTP_CHANNELS.drop, onMessage);
        try {
          const { client, port, transfers } = await start();
          await client.get('f511');
          await expectError(port, 'nope', 1);
          await waitFor(() => transfers[0]);
          expect(seen).toHaveLength(2);
          expect(seen).toEqual(
            expect.arrayContaining([
              expect.objectContaining({ filename: 'f511', outcome: 'complete' }),
              expect.objectContaining({ code: 'TFTP_ERR_NOT_FOUND', filename: 'nope' }),
            ]),
          );
        } finally {
          unsubscribe(TFTP_CHANNELS.transfer, onMessage);
          unsubscribe(TFTP_CHANNELS.drop, onMessage);
        }
      });

      it('shares one cached read between clients and re-reads a modified file', async () => {
        writeFileSync(join(root, 'hot'), patterned(5000));
        const { client, server } = await start();
        await Promise.all([client.get('hot'), client.get('hot'), client.get('hot')]);
        expect(server.cacheStats).toMatchObject({ misses: 1, hits: 2 });
        writeFileSync(join(root, 'hot'), 'changed!');
        expect(new TextDecoder().decode(await client.get('hot'))).toBe('changed!');
      });

      it('answers tsize from the file and echoes only requested options', async () => {
        const { port } = await start();
        const p = await peer();
        p.send(
          rrq('f1024', [
            ['TSIZE', '0'],
            ['blksize', '100000'],
            ['x-foo', '1'],
            ['timeout', '2'],
          ]),
          port,
        );
        const m = await p.recv();
        expect(m?.packet).toEqual({
          type: 'oack',
          options: [
            { name: 'TSIZE', value: '1024' },
            { name: 'blksize', value: '1468' },
            { name: 'timeout', value: '2' },
          ],
        });
        expect(m?.rinfo.port).not.toBe(port); // a fresh transfer ID (RFC 1350 §4)
      });

      it('reports the UEFI tsize probe (OACK → ERROR 8) as a probe', async () => {
        const { port, transfers } = await start();
        const p = await peer();
        p.send(
          rrq('pxelinux.0', [
            ['tsize', '0'],
            ['blksize', '1468'],
            ['windowsize', '4'],
          ]),
          port,
        );
        const m = await p.recv();
        expect(m?.packet).toMatchObject({ type: 'oack' });
        p.send({ type: 'error', code: 8, message: 'User aborted the transfer' }, m!.rinfo.port);
        const t = await waitFor(() => transfers[0]);
        expect(t.outcome).toBe('probe');
        expect(t.error).toBeUndefined();
        expect(await p.drain(200)).toEqual([]); // nothing sent after the abort
      });

      it('converts netascii on the way out', async () => {
        const { port, client } = await start();
        const p = await peer();
        p.send(rrq('text.txt', [], 'NETASCII'), port);
        const m = await p.recv();
        expect(new TextDecoder().decode((m!.packet as { data: Uint8Array }).data)).toBe(
          'line one\r\nline two\r\0\r\n',
        );
        expect(new TextDecoder().decode(await client.get('text.txt', { mode: 'netascii' }))).toBe(
          'line one\nline two\r\n',
        );
      });

      it('refuses mail mode and unknown modes with ERROR 4', async () => {
        const { port } = await start();
        const p = await peer();
        p.send(rrq('f0', [], 'mail'), port);
        expect((await p.recv())?.packet).toMatchObject({ type: 'error', code: 4 });
      });
    });

    describe('server: nothing escapes the root', () => {
      it.each([
        ['../secret', 2],
        ['sub/../../secret', 2],
        ['..\\secret', 2],
        ['sub\\..\\..\\secret', 2],
        ['/../secret', 2],
        [`${'a/'.repeat(200)}x`, 2],
        ['link-out', 2],
        ['dirlink/hostname', 2],
        ['sub', 2],
        ['fifo', 2],
        ['/etc/passwd', 1],
        ['nope', 1],
      ])('%s → ERROR %i', async (name, code) => {
        const { port, transfers } = await start();
        await expectError(port, name, code);
        expect(transfers).toEqual([]);
      });

      it('serves a symlink that stays inside the root, unless symlinks are denied', async () => {
        const a = await start();
        expect(new TextDecoder().decode(await a.client.get('link-in'))).toBe('inner');
        const b = await start({ symlinks: 'deny' });
        await expectError(b.port, 'link-in', 2);
      });

      it('treats a leading slash and backslashes as relative to the root', async () => {
        const { client } = await start();
        expect(new TextDecoder().decode(await client.get('/sub\\inner.txt'))).toBe('inner');
      });

      it('cuts firmware garbage after the filename', async () => {
        const { client } = await start();
        expect((await client.get('pxelinux.0\xff\xfe\x01junk')).length).toBe(3000);
        expect((await client.get('pxelinux.0\nrest')).length).toBe(3000);
      });

      it('applies remap rules before the checks, so a rule cannot open an escape', async () => {
        const { client, port } = await start({
          filenames: {
            remap: [
              { match: /^boot\//, replace: '' },
              { match: /^evil$/, replace: '../secret' },
            ],
          },
        });
        expect((await client.get('boot/pxelinux.0')).length).toBe(3000);
        await expectError(port, 'evil', 2);
      });

      it('serves a per-client root', async () => {
        const { client } = await start({
          root: (remote) => (remote.address === '127.0.0.1' ? join(root, 'sub') : undefined),
        });
        expect(new TextDecoder().decode(await client.get('inner.txt'))).toBe('inner');
      });
    });

    describe('server: uploads', () => {
      it('is read-only by default', async () => {
        const { client } = await start();
        await expect(client.put('up.bin', patterned(10))).rejects.toMatchObject({
          code: 'TFTP_ERR_PEER',
          tftpCode: 2,
        });
      });

      it('writes through a temp file, renames into place, refuses to overwrite', async () => {
        const dir = join(root, `uploads-${plane}`);
        mkdirSync(dir, { recursive: true });
        const { client, transfers } = await start({ writable: true, lingerMs: 50 });
        const data = patterned(70_000);
        const r = await client.put(`uploads-${plane}/a.bin`, data, { windowSize: 4 });
        expect(r.outcome).toBe('complete');
        await waitFor(() => transfers[0]);
        expect(sha(readFileSync(join(dir, 'a.bin')))).toBe(sha(data));
        expect(readdirSync(dir)).toEqual(['a.bin']); // no temp file left
        await expect(client.put(`uploads-${plane}/a.bin`, patterned(5))).rejects.toMatchObject({
          tftpCode: 6,
        });
        await expect(client.put('../escape.bin', patterned(5))).rejects.toMatchObject({ tftpCode: 2 });
        await expect(client.put('nodir/x.bin', patterned(5))).rejects.toMatchObject({ tftpCode: 1 });
      });

      it('holds the final ACK until the file is stored: a file created meanwhile gets ERROR 6, not a lost upload', async () => {
        const dir = join(root, `race-${plane}`);
        mkdirSync(dir, { recursive: true });
        const { port, transfers } = await start({ writable: true, lingerMs: 50 });
        const p = await peer();
        p.send({ type: 'wrq', filename: `race-${plane}/a.bin`, mode: 'octet', options: [] }, port);
        const ack0 = await p.recv();
        expect(ack0?.packet).toEqual({ type: 'ack', block: 0 });
        const tid = ack0!.rinfo.port;
        p.send({ type: 'data', block: 1, data: patterned(512) }, tid);
        expect((await p.recv())?.packet).toEqual({ type: 'ack', block: 1 });
        writeFileSync(join(dir, 'a.bin'), 'someone else'); // appears before the upload is linked into place
        p.send({ type: 'data', block: 2, data: patterned(7) }, tid);
        expect((await p.recv())?.packet).toMatchObject({ type: 'error', code: 6 });
        await waitFor(() => transfers[0]);
        expect(transfers[0]?.outcome).toBe('failed');
        expect(readFileSync(join(dir, 'a.bin'), 'utf8')).toBe('someone else');
        expect(readdirSync(dir)).toEqual(['a.bin']); // no temp file left
      });

      it('enforces the quota from tsize and during the transfer, leaving no partial file', async () => {
        const dir = join(root, 'quota');
        mkdirSync(dir, { recursive: true });
        const { client } = await start({ writable: { maxFileSize: 10_000 } });
        await expect(client.put('quota/a.bin', patterned(20_000))).rejects.toMatchObject({ tftpCode: 3 });
        await expect(client.put('quota/b.bin', patterned(20_000), { tsize: false })).rejects.toMatchObject({
          tftpCode: 3,
        });
        await new Promise((r) => setTimeout(r, 50));
        expect(readdirSync(dir)).toEqual([]);
      });

      it('can overwrite when allowed, and accepts a stream', async () => {
        const dir = join(root, 'ow');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'c.txt'), 'old');
        const { client, transfers } = await start({ writable: { overwrite: true }, lingerMs: 50 });
        await client.put(
          'ow/c.txt',
          Readable.from([new TextEncoder().encode('new '), new TextEncoder().encode('content')]),
        );
        await waitFor(() => transfers[0]);
        expect(readFileSync(join(dir, 'c.txt'), 'utf8')).toBe('new content');
      });
    });

    describe('server: virtual files', () => {
      it('renders per client, gets the request facts, falls through to the root', async () => {
        const seen: unknown[] = [];
        const { client, port } = await start({
          handler: ({ filename, remote, options, mode, rawFilename }) => {
            seen.push({ filename, address: remote.address, options, mode, rawFilename });
            if (filename.startsWith('pxelinux.cfg/'))
              return { data: new TextEncoder().encode(`DEFAULT for ${remote.address}\n`) };
            return undefined;
          },
        });
        expect(
          new TextDecoder().decode(
            await client.get('pxelinux.cfg\\01-aa-bb-cc-dd-ee-ff', { blockSize: 1024 }),
          ),
        ).toBe('DEFAULT for 127.0.0.1\n');
        expect(seen[0]).toMatchObject({
          filename: 'pxelinux.cfg/01-aa-bb-cc-dd-ee-ff',
          rawFilename: 'pxelinux.cfg\\01-aa-bb-cc-dd-ee-ff',
          address: '127.0.0.1',
          mode: 'octet',
          options: [
            { name: 'blksize', value: '1024' },
            { name: 'tsize', value: '0' },
          ],
        });
        expect((await client.get('f513')).length).toBe(513);
        // The handler sees sanitised names only: traversal is refused before it is called.
        await expectError(port, '../secret', 2);
        expect(seen).toHaveLength(2);
      });

      it('streams an async iterable of unknown size (no tsize) and a sized one (tsize)', async () => {
        const chunks = () =>
          (async function* () {
            for (let i = 0; i < 50; i++) yield patterned(777);
          })();
        const { port, client } = await start({
          handler: ({ filename }) =>
            filename === 'sized' ? { data: chunks(), size: 777 * 50 } : { data: chunks() },
        });
        const p = await peer();
        p.send(
          rrq('unsized', [
            ['tsize', '0'],
            ['blksize', '1000'],
          ]),
          port,
        );
        expect((await p.recv())?.packet).toEqual({
          type: 'oack',
          options: [{ name: 'blksize', value: '1000' }],
        });
        const q = await peer();
        q.send(rrq('sized', [['tsize', '0']]), port);
        expect((await q.recv())?.packet).toEqual({
          type: 'oack',
          options: [{ name: 'tsize', value: '38850' }],
        });
        const got = await client.get('unsized', { windowSize: 4 });
        expect(got.length).toBe(777 * 50);
        expect(got.subarray(777, 777 * 2)).toEqual(patterned(777));
      });

      it('answers a handler TftpError with its code and any other throw with ERROR 0', async () => {
        const warnings: Error[] = [];
        const { port, server } = await start({
          handler: ({ filename }) => {
            if (filename === 'gone') throw new TftpError('TFTP_ERR_NOT_FOUND', 'File not found', 1);
            throw new Error('bug in handler');
          },
        });
        server.on('warning', (e) => warnings.push(e));
        await expectError(port, 'gone', 1);
        await expectError(port, 'boom', 0);
        expect(warnings.map((w) => w.message)).toEqual(['bug in handler']);
      });

      it('serves a file the handler names outside the root as a root file: cached, or read from disk', async () => {
        const outside = join(base, 'chosen.bin');
        writeFileSync(outside, patterned(300_000));
        mkdirSync(join(base, 'a-dir'), { recursive: true });
        const handler = ({ filename }: { filename: string }) =>
          filename === 'kernel'
            ? { file: outside }
            : filename === 'missing'
              ? { file: join(base, 'no-such-file') }
              : filename === 'dir'
                ? { file: join(base, 'a-dir') }
                : undefined;
        for (const [cache, want] of [
          [undefined, 'cache'],
          [false, 'file'],
        ] as const) {
          const { client, port, transfers } = await start({ handler, ...(cache === false ? { cache } : {}) });
          expect(sha(await client.get('kernel', { blockSize: 1468, windowSize: 4 }))).toBe(
            sha(patterned(300_000)),
          );
          await waitFor(() => transfers[0]);
          expect(transfers[0]).toMatchObject({ outcome: 'complete', source: want, filename: 'kernel' });
          expect(transfers[0]?.options).toContainEqual({ name: 'tsize', value: '300000' });
          await expectError(port, 'missing', 1);
          await expectError(port, 'dir', 2);
        }
      });

      it('aborts the handler signal when the client goes away', async () => {
        let signal: AbortSignal | undefined;
        const { port } = await start({
          defaultTimeoutMs: 30,
          retries: 1,
          handler: (req) => {
            signal = req.signal;
            return { data: patterned(100_000) };
          },
        });
        const p = await peer();
        p.send(rrq('x'), port);
        await p.recv();
        p.send({ type: 'error', code: 0, message: 'bye' }, (await p.recv(100))?.rinfo.port ?? port);
        await waitFor(() => (signal?.aborted ? true : undefined));
      });
    });

    describe('server: attacks and limits', () => {
      it('answers a stranger TID with ERROR 5 and finishes the transfer', async () => {
        const { port, transfers } = await start();
        const a = await peer();
        const b = await peer();
        a.send(rrq('f1024'), port);
        const d1 = await a.recv();
        const tid = d1!.rinfo.port;
        b.send({ type: 'ack', block: 1 }, tid);
        expect((await b.recv())?.packet).toMatchObject({ type: 'error', code: 5 });
        for (let block = 1; block <= 3; block++) {
          a.send({ type: 'ack', block }, tid);
          if (block < 3) expect((await a.recv())?.packet).toMatchObject({ type: 'data', block: block + 1 });
        }
        const t = await waitFor(() => transfers[0]);
        expect(t).toMatchObject({ outcome: 'complete', stats: { strangers: 1 } });
      });

      it('answers a stranger with ERROR 5 while several transfers run', async () => {
        const { port, transfers } = await start();
        const [a, c, b] = [await peer(), await peer(), await peer()];
        a.send(rrq('f1024'), port);
        c.send(rrq('f1024'), port);
        const ta = (await a.recv())!.rinfo.port;
        const tc = (await c.recv())!.rinfo.port;
        // Both transfers are open and waiting for ACK 1: the stranger hits each of their ports.
        b.send({ type: 'ack', block: 1 }, ta);
        expect((await b.recv())?.packet).toMatchObject({ type: 'error', code: 5 });
        b.send({ type: 'data', block: 1, data: new Uint8Array(3) }, tc);
        expect((await b.recv())?.packet).toMatchObject({ type: 'error', code: 5 });
        for (const [x, tid] of [
          [a, ta],
          [c, tc],
        ] as const) {
          for (let block = 1; block <= 3; block++) {
            x.send({ type: 'ack', block }, tid);
            if (block < 3) expect((await x.recv())?.packet).toMatchObject({ type: 'data', block: block + 1 });
          }
        }
        await waitFor(() => (transfers.length === 2 ? true : undefined));
        expect(transfers.map((t) => [t.outcome, t.stats.strangers])).toEqual([
          ['complete', 1],
          ['complete', 1],
        ]);
      });

      it('never resends DATA on duplicate ACKs', async () => {
        const { port } = await start();
        const a = await peer();
        a.send(rrq('f1024'), port);
        const tid = (await a.recv())!.rinfo.port;
        for (let i = 0; i < 5; i++) a.send({ type: 'ack', block: 1 }, tid);
        const got = await a.drain(150);
        expect(got.filter((p) => p.type === 'data')).toHaveLength(1);
      });

      it('sends an unverified peer at most 1 + unverifiedRetries first packets', async () => {
        const { port, transfers } = await start({
          defaultTimeoutMs: 20,
          unverifiedRetries: 2,
          maxTimeoutMs: 40,
        });
        const a = await peer();
        a.send(rrq('f100000', [['windowsize', '64']]), port);
        const got = await a.drain(300);
        expect(got).toHaveLength(3);
        expect(got.every((p) => p.type === 'oack')).toBe(true);
        const b = await peer();
        b.send(rrq('f100000'), port); // no options: DATA 1 is the first packet, 516 bytes
        const gotB = await b.drain(300);
        expect(gotB.map((p) => p.type)).toEqual(['data', 'data', 'data']);
        await waitFor(() => (transfers.length === 2 ? true : undefined));
        expect(transfers.every((t) => t.outcome === 'failed')).toBe(true);
      });

      it('survives malformed, truncated, oversized, ERROR-storm and option-flood datagrams', async () => {
        const { port, client, drops } = await start({ rateLimit: false });
        const p = await peer();
        p.send(new Uint8Array([0]), port);
        p.send(new Uint8Array([0, 9, 1, 2]), port);
        p.send(new Uint8Array([0, 5, 0]), port);
        p.send(new Uint8Array(2000).fill(0x41), port);
        for (let i = 0; i < 200; i++) p.send({ type: 'error', code: 0, message: 'storm' }, port);
        p.send({ type: 'data', block: 1, data: new Uint8Array(3) }, port);
        expect(await p.drain(200)).toEqual([{ type: 'error', code: 4, message: 'Illegal TFTP operation' }]);
        const q = await peer();
        const flood = Array.from({ length: 60 }, (_, i) => [`opt${i}`, '1'] as [string, string]);
        q.send(rrq('f511', [...flood, ['blksize', '600']]), port);
        expect((await q.recv())?.packet).toEqual({
          type: 'oack',
          options: [{ name: 'blksize', value: '600' }],
        });
        expect(drops.length).toBeGreaterThanOrEqual(205);
        expect((await client.get('f513')).length).toBe(513);
      });

      it('refuses blksize out of range and absurd numbers with ERROR 8', async () => {
        const { port } = await start();
        for (const v of ['4', '-1', '99999999999999999999', 'abc']) {
          const p = await peer();
          p.send(rrq('f511', [['blksize', v]]), port);
          expect((await p.recv())?.packet).toMatchObject({ type: 'error', code: 8 });
        }
      });

      it('caps concurrent transfers and stays up for others afterwards', async () => {
        const { port, client } = await start({
          maxTransfers: 2,
          rateLimit: false,
          defaultTimeoutMs: 50,
          retries: 1,
        });
        const flood = await Promise.all([peer(), peer(), peer()]);
        flood[0]!.send(rrq('f100000'), port);
        flood[1]!.send(rrq('f100000'), port);
        await flood[0]!.recv();
        await flood[1]!.recv();
        flood[2]!.send(rrq('f100000'), port);
        expect((await flood[2]!.recv())?.packet).toEqual({ type: 'error', code: 0, message: 'Server busy' });
        // The abandoned transfers time out and free their slots.
        await new Promise((r) => setTimeout(r, 600));
        expect((await client.get('f1024')).length).toBe(1024);
      });

      it('rate-limits new requests per source address', async () => {
        const { port, drops } = await start({ rateLimit: { requests: 3, intervalMs: 60_000 } });
        const ps = await Promise.all(Array.from({ length: 6 }, () => peer()));
        for (const p of ps) p.send(rrq('nope'), port);
        const replies = (await Promise.all(ps.map((p) => p.drain(200)))).flat();
        expect(replies).toHaveLength(3);
        expect(drops.filter((d) => d.code === 'TFTP_ERR_BUSY')).toHaveLength(3);
      });

      it('survives a session flood of 300 requests and still serves', async () => {
        const { port, client, server } = await start({
          rateLimit: false,
          maxTransfers: 100,
          defaultTimeoutMs: 50,
          retries: 0,
          unverifiedRetries: 0,
        });
        const p = await peer();
        for (let i = 0; i < 300; i++) {
          const s = await RawPeer.open();
          s.send(rrq('f100000'), port);
          peers.push(s);
        }
        expect(server.activeTransfers).toBeLessThanOrEqual(100);
        await new Promise((r) => setTimeout(r, 300));
        p.close();
        peers.splice(peers.indexOf(p), 1);
        expect((await client.get('f1024')).length).toBe(1024);
      });
    });

    describe('server: sockets', () => {
      WORKER_ONLY('connects each transfer socket to its peer, with a guard socket on its port', async () => {
        const { port } = await start();
        const a = await peer();
        a.send(rrq('f1024'), port);
        const tid = (await a.recv())!.rinfo.port;
        // /proc/net/udp: local and remote as hex address:port, state 01 (connected) or 07 (not).
        const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
        const rows = readFileSync('/proc/net/udp', 'utf8')
          .split('\n')
          .map((l) => l.trim().split(/\s+/))
          .filter((f) => f[1]?.endsWith(`:${hex(tid)}`));
        expect(rows.map((f) => [f[2], f[3]]).sort()).toEqual([
          ['00000000:0000', '07'],
          [`0100007F:${hex(a.port)}`, '01'],
        ]);
        a.send({ type: 'ack', block: 1 }, tid);
        expect((await a.recv())?.packet).toMatchObject({ type: 'data', block: 2 });
      });

      it('single-port mode answers from the listening port', async () => {
        const { port, client } = await start({ transferPorts: 'single' });
        const p = await peer();
        p.send(rrq('f513'), port);
        const m = await p.recv();
        expect(m?.rinfo.port).toBe(port);
        // A retransmitted request (our DATA 1 "lost") must not break the running transfer.
        p.send(rrq('f513'), port);
        p.send({ type: 'ack', block: 1 }, port);
        expect((await p.recv())?.packet).toMatchObject({ type: 'data', block: 2 });
        p.send({ type: 'ack', block: 2 }, port);
        const [a, b] = await Promise.all([client.get('f100000', { windowSize: 4 }), client.get('f1024')]);
        expect(a.length + b.length).toBe(101_024);
      });

      WORKER_ONLY('runs transfers on several threads at once, each intact', async () => {
        const { server, client, transfers } = await start({ dataPlane: 'worker', dataPlaneThreads: 3 });
        expect(server.dataPlane).toEqual({ mode: 'worker', threads: 3 });
        const opts = [{ blockSize: 512 }, { blockSize: 1468, windowSize: 8 }, { blockSize: 8192 }];
        const got = await Promise.all(
          Array.from({ length: 9 }, (_, i) => client.get('f100000', opts[i % 3])),
        );
        for (const g of got) expect(sha(g)).toBe(sha(patterned(100_000)));
        await waitFor(() => (transfers.length === 9 ? true : undefined));
        expect(transfers.every((t) => t.outcome === 'complete')).toBe(true);
      });

      /** A worker script whose first `dying` threads exit at once (a directory per death, made atomically). */
      const dyingWorker = (name: string, dying: number): string => {
        const script = join(base, `${name}.mjs`);
        const real = pathToFileURL(createRequire(import.meta.url).resolve('@pxekit/tftp/plane-worker'));
        const lock = join(base, `${name}.deaths`);
        writeFileSync(
          script,
          `import { mkdirSync } from 'node:fs';\nlet dies = false;\nfor (let i = 0; i < ${dying} && !dies; i++) {\n  try { mkdirSync(${JSON.stringify(lock)} + i); dies = true; } catch {}\n}\nif (dies) process.exit(3);\nawait import(${JSON.stringify(real.href)});\n`,
        );
        return script;
      };

      WORKER_ONLY('a thread that dies leaves the others serving, with a warning', async () => {
        const warnings: string[] = [];
        const { server, client, transfers } = await start({
          dataPlane: 'worker',
          dataPlaneWorker: dyingWorker('one-dies', 1),
          dataPlaneThreads: 2,
        });
        server.on('warning', (w) => warnings.push(w.message));
        await waitFor(() => (warnings.length === 1 ? true : undefined));
        expect(warnings[0]).toMatch(/^TFTP data-plane thread stopped \(1 still running\)/);
        expect(server.dataPlane).toEqual({ mode: 'worker', threads: 1 });
        const got = await Promise.all([client.get('f100000'), client.get('f100000', { windowSize: 8 })]);
        for (const g of got) expect(sha(g)).toBe(sha(patterned(100_000)));
        await waitFor(() => (transfers.length === 2 ? true : undefined));
        expect(transfers.every((t) => t.outcome === 'complete')).toBe(true);
        expect(server.dataPlane.mode).toBe('worker');
      });

      WORKER_ONLY('falls back to dgram once every thread has died, failing nothing later', async () => {
        const warnings: string[] = [];
        const { server, client } = await start({
          dataPlane: 'worker',
          dataPlaneWorker: dyingWorker('all-die', 2),
          dataPlaneThreads: 2,
        });
        server.on('warning', (w) => warnings.push(w.message));
        await waitFor(() => (server.dataPlane.mode === 'dgram' ? true : undefined));
        expect(server.dataPlane.reason).toBe('the worker stopped');
        await waitFor(() => (warnings.length === 2 ? true : undefined));
        expect(warnings[0]).toMatch(/thread stopped \(1 still running\)/);
        expect(warnings[1]).toMatch(/^TFTP data plane stopped/);
        expect((await client.get('f100000')).length).toBe(100_000);
      });

      WORKER_ONLY('refuses a thread count that is not 1 to 256', async () => {
        for (const n of [0, -1, 1.5, 257, Number.NaN]) {
          await expect(
            createTftpServer({ root, host: '127.0.0.1', port: 0, dataPlaneThreads: n }),
          ).rejects.toThrow(RangeError);
        }
      });

      WORKER_ONLY('refuses to start with dataPlane worker when the script is missing', async () => {
        await expect(
          createTftpServer({
            root,
            host: '127.0.0.1',
            port: 0,
            dataPlane: 'worker',
            dataPlaneWorker: join(base, 'nope.mjs'),
          }),
        ).rejects.toThrow(/not found/);
      });

      it('uses the configured port range', async () => {
        const from = 40000 + Math.floor(Math.random() * 20000);
        const { port } = await start({ transferPorts: { from, to: from + 9 } });
        const p = await peer();
        p.send(rrq('f513'), port);
        const m = await p.recv();
        expect(m?.rinfo.port).toBeGreaterThanOrEqual(from);
        expect(m?.rinfo.port).toBeLessThanOrEqual(from + 9);
      });

      it('serves over IPv6', async () => {
        const server = await createTftpServer({ root, host: '::1', port: 0, dataPlane: plane });
        servers.push(server);
        const client = createTftpClient({ host: '::1', port: server.address().port });
        expect((await client.get('f1024', { windowSize: 4 })).length).toBe(1024);
        // Windowed over IPv6 (on the worker plane: a connected v6 socket, its guard, GSO batches).
        expect(sha(await client.get('f100000', { blockSize: 1468, windowSize: 16 }))).toBe(
          sha(patterned(100_000)),
        );
      });

      it('drains on AbortSignal: no new requests, running transfers finish, sockets close', async () => {
        const ac = new AbortController();
        const slow = async function* () {
          for (let i = 0; i < 20; i++) {
            await new Promise((r) => setTimeout(r, 10));
            yield patterned(1000);
          }
        };
        const { port, client, server, transfers } = await start({
          signal: ac.signal,
          drainTimeoutMs: 5000,
          handler: () => ({ data: slow() }),
        });
        const pending = client.get('slow');
        await waitFor(() => (server.activeTransfers > 0 ? true : undefined));
        ac.abort();
        expect((await pending).length).toBe(20_000);
        await server.close();
        expect(transfers[0]?.outcome).toBe('complete');
        const p = await peer();
        p.send(rrq('f0'), port);
        expect(await p.recv(200)).toBeUndefined();
      });

      it('aborts transfers still running when the drain time is up', async () => {
        const slow = (async function* () {
          for (let i = 0; i < 1000; i++) {
            await new Promise((r) => setTimeout(r, 20));
            yield patterned(512);
          }
        })();
        const { port, server, transfers } = await start({
          drainTimeoutMs: 100,
          handler: () => ({ data: slow }),
        });
        const p = await peer();
        p.send(rrq('slow'), port);
        const m = await p.recv();
        p.send({ type: 'ack', block: 1 }, m!.rinfo.port);
        await server.close();
        const rest = await p.drain(300);
        expect(rest.at(-1)).toMatchObject({ type: 'error', code: 0, message: 'Server shutting down' });
        await waitFor(() => transfers[0]);
        expect(transfers[0]?.outcome).toBe('aborted');
      });
    });
  });
}

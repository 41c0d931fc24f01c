import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TftpError } from '../src/index.js';
import {
  createTftpClient,
  createTftpServer,
  type TftpProgress,
  type TftpServer,
  tftpGet,
  tftpPut,
} from '../src/node/index.js';
import { patterned } from './helpers.js';
import { RawPeer } from './udp.js';

let root: string;
const servers: TftpServer[] = [];
const peers: RawPeer[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'pxekit-tftp-client-'));
  writeFileSync(join(root, 'f'), patterned(50_000));
  writeFileSync(join(root, 'big'), patterned(1 << 20));
  mkdirSync(join(root, 'up'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(async () => {
  for (const p of peers.splice(0)) p.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(opts: Parameters<typeof createTftpServer>[0] | object = {}) {
  const s = await createTftpServer({
    root,
    host: '127.0.0.1',
    port: 0,
    writable: true,
    lingerMs: 20,
    ...opts,
  });
  servers.push(s);
  return s.address().port;
}

/** A scripted server on a raw socket: answers the request with `reply`, then plays the transfer. */
async function fake(): Promise<RawPeer> {
  const p = await RawPeer.open();
  peers.push(p);
  return p;
}

describe('client', () => {
  it('gets with options, reports progress in bytes with the tsize total, and as events', async () => {
    const port = await server();
    const client = createTftpClient({ host: '127.0.0.1', port });
    const seen: TftpProgress[] = [];
    const events: TftpProgress[] = [];
    client.on('progress', (p) => events.push(p));
    const got = await client.get('f', { blockSize: 1000, windowSize: 4, onProgress: (p) => seen.push(p) });
    expect(got).toEqual(patterned(50_000));
    expect(seen.length).toBe(50); // 50 full blocks; the final empty block carries no bytes
    expect(seen.at(-1)).toEqual({ filename: 'f', direction: 'get', bytes: 50_000, total: 50_000 });
    expect(seen.map((p) => p.bytes)).toEqual([...seen.map((p) => p.bytes)].sort((a, b) => a - b));
    expect(events).toEqual(seen);
  });

  it('gets the bytes that came, whatever tsize announced (more, fewer, none)', async () => {
    const sizes: Record<string, number | undefined> = { over: 900, under: 9000, none: undefined, zero: 0 };
    const port = await server({
      handler: ({ filename }: { filename: string }) => {
        if (!(filename in sizes)) return undefined;
        const size = sizes[filename];
        const data = (async function* () {
          yield patterned(2000);
          yield patterned(1000);
        })();
        return size === undefined ? { data } : { data, size };
      },
    });
    const client = createTftpClient({ host: '127.0.0.1', port });
    const expected = new Uint8Array([...patterned(2000), ...patterned(1000)]);
    for (const name of Object.keys(sizes)) {
      expect(await client.get(name, { blockSize: 512 }), name).toEqual(expected);
    }
  });

  it('streams as an async iterable', async () => {
    const port = await server();
    const chunks: Uint8Array[] = [];
    for await (const c of createTftpClient({ host: '127.0.0.1', port }).getStream('f', { windowSize: 8 }))
      chunks.push(c);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from(patterned(50_000)));
  });

  it('slows the sender instead of buffering when the stream consumer is slow', async () => {
    const port = await server();
    const stream = createTftpClient({ host: '127.0.0.1', port }).getStream('big', { windowSize: 4 });
    let total = 0;
    let most = 0;
    for await (const c of stream) {
      total += (c as Uint8Array).length;
      await new Promise((r) => setTimeout(r, 5));
      most = Math.max(most, stream.readableLength);
    }
    expect(total).toBe(1 << 20);
    // Without flow control the whole MiB would queue up behind the 5 ms consumer.
    expect(most).toBeLessThanOrEqual(3 * 65_536);
  });

  it('falls back to plain RFC 1350 when the server refuses the options with ERROR 8', async () => {
    const port = await server();
    // blksize 4 is below RFC 2348's minimum: our server refuses it with ERROR 8, the client retries plain.
    const got = await tftpGet({ host: '127.0.0.1', port, blockSize: 4 }, 'f');
    expect(got.length).toBe(50_000);
  });

  it('sends timeout in seconds, never milliseconds', async () => {
    const s = await fake();
    const client = createTftpClient({ host: '127.0.0.1', port: s.port, timeoutSeconds: 3 });
    const pending = client.get('x', { retries: 0, timeoutMs: 100 }).catch((e: unknown) => e);
    const m = await s.recv();
    expect(m?.packet).toMatchObject({
      type: 'rrq',
      options: expect.arrayContaining([{ name: 'timeout', value: '3' }]),
    });
    expect(await pending).toBeInstanceOf(TftpError);
  });

  it('tolerates a stray packet from a stranger (ERROR 5 to it) and finishes', async () => {
    const s = await fake();
    const stranger = await fake();
    const client = createTftpClient({ host: '127.0.0.1', port: s.port, noOptions: true });
    const pending = client.get('x');
    const req = await s.recv();
    const cport = req!.rinfo.port;
    s.send({ type: 'data', block: 1, data: patterned(512) }, cport);
    expect((await s.recv())?.packet).toEqual({ type: 'ack', block: 1 });
    stranger.send({ type: 'data', block: 2, data: patterned(10) }, cport);
    expect((await stranger.recv())?.packet).toMatchObject({ type: 'error', code: 5 });
    s.send({ type: 'data', block: 2, data: patterned(3) }, cport);
    expect((await pending).length).toBe(515);
  });

  it('rejects an OACK with a larger blksize than asked (ERROR 8) and a file over maxSize (ERROR 3)', async () => {
    const s = await fake();
    const client = createTftpClient({ host: '127.0.0.1', port: s.port, fallback: false });
    const a = client.get('x', { blockSize: 512 }).catch((e: unknown) => e);
    const r1 = await s.recv();
    s.send({ type: 'oack', options: [{ name: 'blksize', value: '1024' }] }, r1!.rinfo.port);
    expect((await s.recv())?.packet).toMatchObject({ type: 'error', code: 8 });
    expect(await a).toMatchObject({ code: 'TFTP_ERR_OPTION' });

    const b = client.get('x', { maxSize: 100 }).catch((e: unknown) => e);
    const r2 = await s.recv();
    s.send({ type: 'oack', options: [{ name: 'tsize', value: '5000' }] }, r2!.rinfo.port);
    expect((await s.recv())?.packet).toMatchObject({ type: 'error', code: 3 });
    expect(await b).toMatchObject({ code: 'TFTP_ERR_TOO_LARGE' });
  });

  it('aborts on AbortSignal with ERROR 0 to the server', async () => {
    const s = await fake();
    const ac = new AbortController();
    const pending = createTftpClient({ host: '127.0.0.1', port: s.port, noOptions: true, signal: ac.signal })
      .get('x')
      .catch((e: unknown) => e);
    const r = await s.recv();
    s.send({ type: 'data', block: 1, data: patterned(512) }, r!.rinfo.port);
    await s.recv();
    ac.abort();
    expect(await pending).toMatchObject({ code: 'TFTP_ERR_ABORTED' });
    expect((await s.recv())?.packet).toMatchObject({ type: 'error', code: 0 });
  });

  it('puts bytes and a stream; reports put progress', async () => {
    const port = await server();
    const seen: TftpProgress[] = [];
    const r = await tftpPut(
      { host: '127.0.0.1', port, windowSize: 4, onProgress: (p) => seen.push(p) },
      'up/a',
      patterned(10_000),
    );
    expect(r.outcome).toBe('complete');
    expect(seen.at(-1)).toMatchObject({ direction: 'put', bytes: 10_000, total: 10_000 });
    await new Promise((res) => setTimeout(res, 50));
    expect(readFileSync(join(root, 'up/a'))).toEqual(Buffer.from(patterned(10_000)));
  });

  it('reports a server error as a TftpError with the TFTP code', async () => {
    const port = await server();
    await expect(createTftpClient({ host: '127.0.0.1', port }).get('missing')).rejects.toMatchObject({
      code: 'TFTP_ERR_PEER',
      tftpCode: 1,
    });
  });
});

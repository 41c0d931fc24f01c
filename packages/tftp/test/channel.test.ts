import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodePacket,
  negotiateOptions,
  type Peer,
  ReceiveTransfer,
  SendTransfer,
  type TftpOption,
  type Transfer,
  type TransferAction,
  type TransferResult,
  tryDecodePacket,
} from '../src/index.js';
import { patterned } from './helpers.js';

/**
 * A simulated network between one client and one server: each datagram may be lost, duplicated or
 * delayed by a random amount (which reorders). Time is virtual; the loop is bounded.
 */
interface Net {
  loss: number;
  dup: number;
  jitter: number;
  seed: number;
}

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const C: Peer = { address: 'c', port: 1 };
const S69: Peer = { address: 's', port: 69 };
const ST: Peer = { address: 's', port: 2 };

interface Outcome {
  client: TransferResult | undefined;
  server: TransferResult | undefined;
  bytes: Uint8Array;
  time: number;
}

function simulate(
  dir: 'get' | 'put',
  file: Uint8Array,
  options: TftpOption[],
  net: Net,
  serverLimits = { maxWindowSize: 16, maxBlockSize: 1468 },
): Outcome {
  const random = rng(net.seed);
  const queue: { at: number; to: 'c' | 's'; from: Peer; bytes: Uint8Array }[] = [];
  let now = 0;
  let server: Transfer | undefined;
  let client: Transfer;
  let clientResult: TransferResult | undefined;
  let serverResult: TransferResult | undefined;
  const received: Uint8Array[] = [];
  const retry = { maxRetries: 6, maxTimeoutMs: 4000 };

  const transmit = (from: Peer, to: Peer, bytes: Uint8Array) => {
    if (random() < net.loss) return;
    const copies = random() < net.dup ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      queue.push({
        at: now + 1 + Math.floor(random() * net.jitter),
        to: to.address === 's' ? 's' : 'c',
        from,
        bytes,
      });
    }
  };
  const apply = (side: 'c' | 's', actions: TransferAction[]) => {
    for (const a of actions) {
      if (a.type === 'send') transmit(side === 'c' ? C : ST, a.to, encodePacket(a.packet));
      else if (a.type === 'deliver') received.push(a.data.slice());
      else if (a.type === 'done') {
        if (side === 'c') clientResult = a.result;
        else serverResult = a.result;
      } else if (a.type === 'read' && side === 's' && server instanceof SendTransfer) {
        // Feed in odd-sized chunks to exercise blocks spanning chunks.
        queueMicro.push(() => feed());
      }
    }
  };
  let fed = 0;
  const queueMicro: (() => void)[] = [];
  const feed = () => {
    const src = server as SendTransfer;
    if (fed >= file.length) return apply('s', src.handle({ type: 'source-end' }, now));
    const n = Math.min(file.length - fed, 777);
    const chunk = file.subarray(fed, fed + n);
    fed += n;
    apply('s', src.handle({ type: 'source-data', bytes: chunk }, now));
  };

  const req = {
    type: dir === 'get' ? ('rrq' as const) : ('wrq' as const),
    filename: 'f',
    mode: 'octet',
    options,
  };
  if (dir === 'get') {
    client = new ReceiveTransfer({ role: 'client', peer: S69, request: req, retry });
  } else {
    const tx = new SendTransfer({ role: 'client', peer: S69, request: req, retry });
    client = tx;
    apply('c', tx.handle({ type: 'source-data', bytes: file }, 0));
    apply('c', tx.handle({ type: 'source-end' }, 0));
  }
  apply('c', client.start(0));

  for (let step = 0; step < 3_000_000; step++) {
    while (queueMicro.length > 0) queueMicro.shift()!();
    const cd = client.nextDeadline();
    const sd = server?.nextDeadline();
    queue.sort((a, b) => a.at - b.at);
    const nd = queue[0]?.at;
    const next = Math.min(cd ?? Infinity, sd ?? Infinity, nd ?? Infinity);
    if (next === Infinity) break;
    now = Math.max(now, next);
    if (nd !== undefined && nd <= now) {
      const m = queue.shift()!;
      if (m.to === 'c') apply('c', client.handle({ type: 'datagram', from: m.from, bytes: m.bytes }, now));
      else if (m.from.port === 1 && tryDecodePacket(m.bytes).ok && [1, 2].includes(m.bytes[1]!)) {
        if (!server) {
          const p = tryDecodePacket(m.bytes);
          if (!p.ok || (p.value.type !== 'rrq' && p.value.type !== 'wrq')) continue;
          const neg = negotiateOptions(
            { kind: p.value.type, mode: 'octet', options: p.value.options, fileSize: file.length },
            serverLimits,
          );
          if (!neg.ok) throw neg.error;
          server =
            dir === 'get'
              ? new SendTransfer({
                  role: 'server',
                  peer: C,
                  params: neg.params,
                  retry,
                  ...(neg.oack ? { oack: neg.oack } : {}),
                })
              : new ReceiveTransfer({
                  role: 'server',
                  peer: C,
                  params: neg.params,
                  retry,
                  ...(neg.oack ? { oack: neg.oack } : {}),
                });
          apply('s', server.start(now));
        }
        // A duplicate request reaching port 69 after the transfer started is ignored (dedup by peer).
      } else if (server) apply('s', server.handle({ type: 'datagram', from: m.from, bytes: m.bytes }, now));
      continue;
    }
    if (cd !== undefined && cd <= now) apply('c', client.handle({ type: 'timer' }, now));
    if (server && sd !== undefined && sd <= now) apply('s', server.handle({ type: 'timer' }, now));
  }
  const total = received.reduce((n, c) => n + c.length, 0);
  const bytes = new Uint8Array(total);
  let o = 0;
  for (const c of received) {
    bytes.set(c, o);
    o += c.length;
  }
  return { client: clientResult, server: serverResult, bytes, time: now };
}

const optionSets: fc.Arbitrary<TftpOption[]> = fc.oneof(
  fc.constant<TftpOption[]>([]),
  fc
    .record({ b: fc.constantFrom(8, 100, 512, 1024, 1468), w: fc.integer({ min: 1, max: 16 }) })
    .map(({ b, w }) => [
      { name: 'blksize', value: String(b) },
      { name: 'windowsize', value: String(w) },
      { name: 'tsize', value: '0' },
    ]),
);

describe('transfers over a lossy, duplicating, reordering channel', () => {
  for (const dir of ['get', 'put'] as const) {
    it(`${dir}: identical bytes or a clean error, within a time bound`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 6000 }),
          optionSets,
          fc.record({
            loss: fc.constantFrom(0, 0.05, 0.2, 0.4),
            dup: fc.constantFrom(0, 0.1, 0.3),
            jitter: fc.constantFrom(1, 5, 50),
            seed: fc.integer({ min: 1, max: 2 ** 31 }),
          }),
          (size, options, net) => {
            const file = patterned(size);
            const r = simulate(dir, file, options, net);
            const receiver = dir === 'get' ? r.client : r.server;
            // Bounded: 7 tries with back-off capped at 4 s per stall; every run ends.
            expect(r.client).toBeDefined();
            expect(r.time).toBeLessThan(60 * 60 * 1000);
            if (receiver?.outcome === 'complete') {
              expect(r.bytes.length).toBe(file.length);
              expect(Buffer.compare(r.bytes, file)).toBe(0);
            } else {
              // A clean error: typed, with a code, and no partial file claimed complete.
              const failed = r.client?.outcome === 'failed' ? r.client : r.server;
              expect(failed?.error?.code).toMatch(/^TFTP_ERR_/);
            }
            if (net.loss === 0 && net.dup === 0) expect(receiver?.outcome).toBe('complete');
            // The sender never reports success for data the receiver does not have.
            const sender = dir === 'get' ? r.server : r.client;
            if (sender?.outcome === 'complete' && !sender.stats.finalAckMissing)
              expect(receiver?.outcome).toBe('complete');
          },
        ),
        { numRuns: 300 },
      );
    });
  }

  it('a clean channel needs no retransmission and windowed sends fewer round trips', () => {
    const file = patterned(100_000);
    const lock = simulate('get', file, [{ name: 'blksize', value: '1024' }], {
      loss: 0,
      dup: 0,
      jitter: 1,
      seed: 1,
    });
    const win = simulate(
      'get',
      file,
      [
        { name: 'blksize', value: '1024' },
        { name: 'windowsize', value: '8' },
      ],
      { loss: 0, dup: 0, jitter: 1, seed: 1 },
    );
    for (const r of [lock, win]) {
      expect(r.client?.outcome).toBe('complete');
      expect(r.server?.stats.retransmits).toBe(0);
      expect(Buffer.compare(r.bytes, file)).toBe(0);
    }
    expect(win.server?.stats.packetsReceived).toBeLessThan(lock.server!.stats.packetsReceived / 4);
  });

  it('a lossy get past block 65535 (blksize 8, so the test stays small) is bit-exact', () => {
    const file = patterned(8 * 70_000 + 3);
    const r = simulate(
      'get',
      file,
      [
        { name: 'windowsize', value: '16' },
        { name: 'blksize', value: '8' },
      ],
      { loss: 0.01, dup: 0.01, jitter: 3, seed: 7 },
    );
    expect(r.client?.outcome).toBe('complete');
    expect(Buffer.compare(r.bytes, file)).toBe(0);
  }, 60_000);
});

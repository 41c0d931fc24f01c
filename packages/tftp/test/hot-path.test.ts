/**
 * The sender's hot path: `SendTransfer.ack()` + `locateBlock()` do what `handle()` does with an ACK
 * datagram, and allocate nothing per block.
 *
 * The allocation test counts bytes, not time: it reads V8's heap usage (every space) before and after
 * 100,000 blocks, with a GC profiler proving no collection ran in between (a collection would hide
 * allocations). One JS object is at least 12 bytes, so "< 1 byte per block" means fewer than one object
 * per 12 blocks; a steady per-block allocation of any object cannot pass. A control run of the generic
 * `handle()` path through the same meter must show its allocations, so the meter is not blind.
 */
import v8 from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodePacket,
  SendTransfer,
  type TftpPacket,
  type TransferAction,
  type TransferInput,
  type TransferParams,
  wireBlock,
} from '../src/index.js';
import { CLIENT, patterned } from './helpers.js';

const P = (o: Partial<TransferParams> = {}): TransferParams => ({
  blockSize: 512,
  windowSize: 1,
  timeoutMs: 1000,
  rollover: 0,
  ...o,
});

function heapUsed(): number {
  let used = 0;
  for (const s of v8.getHeapSpaceStatistics()) used += s.space_used_size;
  return used;
}

/**
 * Bytes allocated per unit of `run(units)`: the smallest of three windows in which no GC ran (a GC in
 * the window makes its delta meaningless; allocation-free code triggers none). Infinity if every
 * window had a GC.
 */
function bytesPerUnit(run: (units: number) => void, units: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 3; attempt++) {
    const profiler = new v8.GCProfiler();
    profiler.start();
    const before = heapUsed();
    run(units);
    const after = heapUsed();
    const gcs = profiler.stop().statistics.length;
    if (gcs === 0) best = Math.min(best, Math.max(0, after - before) / units);
  }
  return best;
}

/** A server transfer past its OACK-less start, fed the whole file (the cached-file case) or in chunks. */
function serverTransfer(params: TransferParams, file: Uint8Array, chunk?: number) {
  const tx = new SendTransfer({ role: 'server', peer: CLIENT, params });
  const inputs: TransferInput[] = [];
  for (let o = 0; o < file.length; o += chunk ?? file.length) {
    inputs.push({ type: 'source-data', bytes: file.subarray(o, o + (chunk ?? file.length)) });
  }
  inputs.push({ type: 'source-end' });
  let fed = 0;
  const feed = (): void => {
    const input = inputs[fed++];
    if (input) tx.handle(input, 0);
  };
  tx.start(0);
  feed();
  if (chunk === undefined) feed();
  return { tx, feed };
}

describe('SendTransfer hot path: ack() + locateBlock()', () => {
  it('matches handle() block for block: sends, payloads, reads, stats (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.constantFrom(1, 2, 4, 16),
        fc.constantFrom(8, 16, 512),
        fc.array(fc.integer({ min: -2, max: 3 }), { minLength: 1, maxLength: 300 }),
        (size, windowSize, blockSize, moves) => {
          const file = patterned(size);
          const params = P({ blockSize, windowSize });
          const fast = serverTransfer(params, file, blockSize * 4);
          const slow = serverTransfer(params, file, blockSize * 4);
          let now = 0;
          for (const m of moves) {
            if (fast.tx.finished) break;
            now++;
            // An ACK somewhere around the acknowledged point: duplicates, stale, gap and full ACKs.
            const acked = fast.tx.acknowledgedBlocks;
            const wire = wireBlock(Math.max(0, acked + m), 0);
            const step = fast.tx.ack(wire, now);
            const actions = slow.tx.handle(
              { type: 'datagram', from: CLIENT, bytes: encodePacket({ type: 'ack', block: wire }) },
              now,
            );
            if (step === undefined) {
              // The general path: fast must now behave exactly like slow.
              const same = fast.tx.handle(
                { type: 'datagram', from: CLIENT, bytes: encodePacket({ type: 'ack', block: wire }) },
                now,
              );
              expect(same).toEqual(actions);
              continue;
            }
            const data: TftpPacket[] = [];
            for (let n = step.first; n <= step.last; n++) {
              const loc = fast.tx.locateBlock(n);
              const bytes = loc
                ? loc.bytes.subarray(loc.offset, loc.offset + loc.length)
                : fast.tx.blockData(n);
              data.push({ type: 'data', block: loc?.block ?? wireBlock(n, 0), data: bytes });
            }
            const expected = actions.filter((a) => a.type === 'send').map((a) => a.packet);
            expect(
              data.map((p) => [p.type, p.type === 'data' && p.block, p.type === 'data' && [...p.data]]),
            ).toEqual(
              expected.map((p) => [p.type, p.type === 'data' && p.block, p.type === 'data' && [...p.data]]),
            );
            const reads = actions.filter((a) => a.type === 'read');
            expect(step.read).toBe(reads.length > 0 ? (reads[0] as { bytes: number }).bytes : 0);
            expect(actions.every((a) => a.type === 'send' || a.type === 'read')).toBe(true);
            if (step.read > 0) {
              fast.feed();
              slow.feed();
            }
            expect(fast.tx.stats).toEqual(slow.tx.stats);
            expect(fast.tx.nextDeadline()).toBe(slow.tx.nextDeadline());
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('hands the final ACK, and ACKs outside the data phase, to handle() without changing anything', () => {
    const tx = new SendTransfer({
      role: 'server',
      peer: CLIENT,
      params: P(),
      oack: [{ name: 'blksize', value: '512' }],
    });
    tx.start(0);
    tx.handle({ type: 'source-data', bytes: patterned(700) }, 0);
    tx.handle({ type: 'source-end' }, 0);
    expect(tx.ack(0, 1)).toBeUndefined(); // the OACK's ACK 0
    const stats = { ...tx.stats };
    expect(
      tx.handle({ type: 'datagram', from: CLIENT, bytes: encodePacket({ type: 'ack', block: 0 }) }, 1),
    ).toHaveLength(1);
    const step = tx.ack(1, 2);
    expect(step).toMatchObject({ first: 2, last: 2 });
    expect(tx.locateBlock(2)).toMatchObject({ block: 2, offset: 512, length: 188 });
    const before = { ...tx.stats };
    expect(tx.ack(2, 3)).toBeUndefined(); // final ACK: completes through handle()
    expect(tx.stats).toEqual(before);
    const done = tx.handle(
      { type: 'datagram', from: CLIENT, bytes: encodePacket({ type: 'ack', block: 2 }) },
      3,
    );
    expect(done.map((a) => a.type)).toEqual(['done', 'close']);
    expect(tx.ack(2, 4)).toBeUndefined();
    expect(stats.packetsReceived).toBe(0);
  });

  it('locates an exact-multiple file’s empty last block, and refuses blocks it no longer holds', () => {
    const { tx } = serverTransfer(P({ blockSize: 8 }), patterned(16));
    expect(tx.ack(1, 1)).toMatchObject({ first: 2, last: 2 });
    expect(tx.ack(2, 2)).toMatchObject({ first: 3, last: 3 });
    expect(tx.locateBlock(3)).toMatchObject({ block: 3, length: 0 });
    expect(tx.locateBlock(0)).toBeUndefined();
  });
});

describe('no allocation per block on the hot path', () => {
  const BLOCKS = 100_000;

  /** Lock-step or windowed: ACK each window's last block, touch every payload byte's first byte. */
  function hotLoop(windowSize: number, chunk?: number) {
    const blockSize = 8;
    // Enough blocks for warm-up and four windows, past block 65535 (rollover on the wire).
    const file = patterned(blockSize * (BLOCKS * 5 + 1000));
    const { tx, feed } = serverTransfer(P({ blockSize, windowSize }), file, chunk);
    let last = windowSize;
    let now = 0;
    let sum = 0;
    const run = (blocks: number): void => {
      let done = 0;
      while (done < blocks) {
        const step = tx.ack(last & 0xffff, ++now);
        if (step === undefined) throw new Error('left the hot path');
        for (let n = step.first; n <= step.last; n++) {
          const loc = tx.locateBlock(n);
          if (loc === undefined) throw new Error('block not held');
          sum += loc.bytes[loc.offset]! + loc.length;
          done++;
        }
        if (step.last >= step.first) last = step.last;
        if (step.read > 0) feed();
      }
    };
    return { run, checksum: () => sum };
  }

  it.each([
    ['lock-step, the whole file in memory (cached file)', 1, undefined],
    ['windowsize 16, the whole file in memory', 16, undefined],
    ['lock-step, the file fed in 256 KiB reads (file descriptor)', 1, 262_144],
  ])('%s: < 1 byte allocated per block over 100,000 blocks', (_name, windowSize, chunk) => {
    const loop = hotLoop(windowSize, chunk);
    loop.run(BLOCKS); // warm-up: inline caches, tier-up, the first reads
    const perBlock = bytesPerUnit(loop.run, BLOCKS);
    expect(loop.checksum()).toBeGreaterThan(0);
    expect(perBlock).toBeLessThan(1);
  });

  it('the meter sees allocations: the generic handle() path allocates per block', () => {
    const blockSize = 8;
    const file = patterned(blockSize * (BLOCKS * 5 + 1000));
    const { tx } = serverTransfer(P({ blockSize }), file);
    const ackBytes: Uint8Array[] = [];
    for (let b = 0; b < 65536; b++) ackBytes.push(encodePacket({ type: 'ack', block: b }));
    let block = 1;
    let now = 0;
    let sent = 0;
    const run = (blocks: number): void => {
      for (let i = 0; i < blocks; i++) {
        const actions: TransferAction[] = tx.handle(
          { type: 'datagram', from: CLIENT, bytes: ackBytes[block & 0xffff]! },
          ++now,
        );
        sent += actions.length;
        block++;
      }
    };
    run(BLOCKS);
    const perBlock = bytesPerUnit(run, 20_000);
    expect(sent).toBeGreaterThan(0);
    // Infinity (a GC in every window) or a measured amount: either way, objects per block.
    expect(perBlock).toBeGreaterThan(12);
  });
});

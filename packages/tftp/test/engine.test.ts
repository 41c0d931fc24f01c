import { FakeClock } from '@pxekit/testkit';
import { describe, expect, it } from 'vitest';
import {
  negotiateOptions,
  ReceiveTransfer,
  SendTransfer,
  type TransferAction,
  type TransferResult,
  type TransferParams,
  wireBlock,
  wireDelta,
} from '../src/index.js';
import {
  acks,
  CLIENT,
  dataBlocks,
  delivered,
  dgram,
  doneOf,
  patterned,
  SERVER,
  SERVER_69,
  sends,
} from './helpers.js';

const P = (o: Partial<TransferParams> = {}): TransferParams => ({
  blockSize: 512,
  windowSize: 1,
  timeoutMs: 1000,
  rollover: 0,
  ...o,
});

function server(
  params: TransferParams,
  file: Uint8Array,
  extra: Partial<ConstructorParameters<typeof SendTransfer>[0]> = {},
) {
  const tx = new SendTransfer({ role: 'server', peer: CLIENT, params, ...extra });
  const first = tx.start(0);
  const more = tx.handle({ type: 'source-data', bytes: file }, 0);
  const end = tx.handle({ type: 'source-end' }, 0);
  return { tx, actions: [...first, ...more, ...end] };
}

describe('wire block numbers', () => {
  it('wrap to 0 by default and to 1 with rollover=1', () => {
    expect(wireBlock(65535, 0)).toBe(65535);
    expect(wireBlock(65536, 0)).toBe(0);
    expect(wireBlock(65537, 0)).toBe(1);
    expect(wireBlock(65535, 1)).toBe(65535);
    expect(wireBlock(65536, 1)).toBe(1);
    expect(wireDelta(65535, 0, 0)).toBe(1);
    expect(wireDelta(65535, 1, 1)).toBe(1);
    expect(wireDelta(5, 0, 1)).toBeUndefined();
  });
});

describe('SendTransfer (server answering an RRQ)', () => {
  it.each([
    [0, [1]],
    [511, [1]],
    [512, [1, 2]],
    [513, [1, 2]],
    [1024, [1, 2, 3]],
  ])('a %i-byte file goes out as blocks %j, the last one short (RFC 1350 §6)', (size, blocks) => {
    const file = patterned(size);
    const { tx, actions } = server(P(), file);
    const seen: number[] = [...dataBlocks(actions)];
    const got: number[] = [];
    let now = 0;
    let last = actions;
    let result: TransferResult | undefined;
    for (let i = 0; i < 10 && !tx.finished; i++) {
      const data = sends(last).filter((p) => p.type === 'data');
      for (const p of data) if (p.type === 'data') got.push(...p.data);
      const block = (data.at(-1) as { block: number }).block;
      now += 1;
      last = tx.handle(dgram(CLIENT, { type: 'ack', block }), now);
      seen.push(...dataBlocks(last));
      result = doneOf(last) ?? result;
    }
    expect(seen).toEqual(blocks);
    expect(got).toEqual(Array.from(file));
    expect(result?.outcome).toBe('complete');
    expect(result?.stats.bytes).toBe(size);
    expect(last.at(-1)).toEqual({ type: 'close' });
  });

  it('never resends on a duplicate ACK (Sorcerer’s Apprentice, RFC 1123 §4.2.3.1)', () => {
    const { tx } = server(P(), patterned(2000));
    expect(dataBlocks(tx.handle(dgram(CLIENT, { type: 'ack', block: 1 }), 10))).toEqual([2]);
    for (let i = 0; i < 5; i++)
      expect(tx.handle(dgram(CLIENT, { type: 'ack', block: 1 }), 11 + i)).toEqual([]);
    expect(tx.stats.duplicates).toBe(5);
    expect(dataBlocks(tx.handle(dgram(CLIENT, { type: 'ack', block: 2 }), 20))).toEqual([3]);
  });

  it('resends on timeout from the last ACK with doubling back-off and gives up after the retry cap', () => {
    const clock = new FakeClock();
    const { tx } = server(P(), patterned(5000), { retry: { maxRetries: 3 } });
    tx.handle(dgram(CLIENT, { type: 'ack', block: 1 }), clock.now); // verified peer; DATA 2 in flight
    const deadlines: number[] = [];
    const resent: number[][] = [];
    let result: TransferResult | undefined;
    for (let i = 0; i < 10 && !tx.finished; i++) {
      const d = tx.nextDeadline()!;
      deadlines.push(d);
      expect(tx.handle({ type: 'timer' }, d - 1)).toEqual([]); // not yet
      clock.advanceTo(d);
      const a = tx.handle({ type: 'timer' }, clock.now);
      resent.push(dataBlocks(a));
      result = doneOf(a) ?? result;
    }
    expect(deadlines).toEqual([1000, 3000, 7000, 15000]);
    expect(resent).toEqual([[2], [2], [2], []]);
    expect(result?.outcome).toBe('failed');
    expect(result?.error?.code).toBe('TFTP_ERR_TIMEOUT');
    expect(tx.stats.retransmits).toBe(3);
  });

  it('sends a window, restarts after a gap ACK and after a timeout (RFC 7440 §4)', () => {
    const { tx, actions } = server(P({ windowSize: 4 }), patterned(512 * 10 + 7));
    expect(dataBlocks(actions)).toEqual([1, 2, 3, 4]);
    // The receiver lost block 3: it ACKs 2, the sender restarts at 3.
    expect(dataBlocks(tx.handle(dgram(CLIENT, { type: 'ack', block: 2 }), 5))).toEqual([3, 4, 5, 6]);
    // Stale ACK of 1 and duplicate ACK of 2 change nothing.
    expect(tx.handle(dgram(CLIENT, { type: 'ack', block: 1 }), 6)).toEqual([]);
    expect(tx.handle(dgram(CLIENT, { type: 'ack', block: 2 }), 6)).toEqual([]);
    expect(dataBlocks(tx.handle({ type: 'timer' }, 1005))).toEqual([3, 4, 5, 6]);
    expect(dataBlocks(tx.handle(dgram(CLIENT, { type: 'ack', block: 6 }), 1010))).toEqual([7, 8, 9, 10]);
    const end = tx.handle(dgram(CLIENT, { type: 'ack', block: 10 }), 1011);
    expect(dataBlocks(end)).toEqual([11]);
    expect(doneOf(tx.handle(dgram(CLIENT, { type: 'ack', block: 11 }), 1012))?.outcome).toBe('complete');
  });

  it('rolls block numbers past 65535 to 0 (or to 1 when asked) and finishes', () => {
    for (const rollover of [0, 1] as const) {
      const blocks = 65540;
      const { tx, actions } = server(
        P({ blockSize: 8, windowSize: 64, rollover }),
        patterned(8 * (blocks - 1) + 3),
      );
      let out: TransferAction[] = actions;
      const wires: number[] = [];
      for (let i = 0; i < 2000 && !tx.finished; i++) {
        const b = dataBlocks(out);
        wires.push(...b);
        out = tx.handle(dgram(CLIENT, { type: 'ack', block: b.at(-1)! }), i);
      }
      expect(tx.finished).toBe(true);
      expect(wires.length).toBe(blocks);
      expect(wires.slice(65533, 65538)).toEqual(
        rollover === 0 ? [65534, 65535, 0, 1, 2] : [65534, 65535, 1, 2, 3],
      );
    }
  });

  it('sends the OACK first and starts DATA on ACK 0', () => {
    const { tx, actions } = server(P({ blockSize: 1024 }), patterned(3000), {
      oack: [{ name: 'blksize', value: '1024' }],
    });
    expect(sends(actions)).toEqual([{ type: 'oack', options: [{ name: 'blksize', value: '1024' }] }]);
    const a = tx.handle(dgram(CLIENT, { type: 'ack', block: 0 }), 1);
    expect(sends(a)).toMatchObject([{ type: 'data', block: 1 }]);
    expect((sends(a)[0] as { data: Uint8Array }).data.length).toBe(1024);
  });

  it('reports OACK answered by ERROR 8 as a probe, not a failure (UEFI tsize probe)', () => {
    const { tx } = server(P(), patterned(100), { oack: [{ name: 'tsize', value: '100' }] });
    const a = tx.handle(dgram(CLIENT, { type: 'error', code: 8, message: 'User aborted the transfer' }), 3);
    expect(sends(a)).toEqual([]); // never answer an ERROR
    expect(doneOf(a)).toMatchObject({ outcome: 'probe' });
    expect(doneOf(a)?.error).toBeUndefined();
    expect(tx.finished).toBe(true);
  });

  it('answers a stranger with ERROR 5 and carries on (RFC 1350 §4)', () => {
    const { tx } = server(P(), patterned(2000));
    const stranger = { address: CLIENT.address, port: CLIENT.port + 1 };
    const a = tx.handle(dgram(stranger, { type: 'ack', block: 1 }), 1);
    expect(a).toEqual([
      { type: 'send', to: stranger, packet: { type: 'error', code: 5, message: 'Unknown transfer ID' } },
    ]);
    expect(tx.handle(dgram(stranger, { type: 'error', code: 0, message: 'x' }), 1)).toEqual([]);
    expect(dataBlocks(tx.handle(dgram(CLIENT, { type: 'ack', block: 1 }), 2))).toEqual([2]);
    expect(tx.stats.strangers).toBe(2);
  });

  it('stops on an ERROR from the peer without answering it', () => {
    const { tx } = server(P(), patterned(2000));
    const a = tx.handle(dgram(CLIENT, { type: 'error', code: 0, message: 'disk on fire' }), 1);
    expect(sends(a)).toEqual([]);
    expect(doneOf(a)?.error?.code).toBe('TFTP_ERR_PEER');
  });

  it('answers garbage from the peer with ERROR 4 and stops', () => {
    const { tx } = server(P(), patterned(2000));
    const a = tx.handle({ type: 'datagram', from: CLIENT, bytes: new Uint8Array([0, 9, 1]) }, 1);
    expect(sends(a)).toMatchObject([{ type: 'error', code: 4 }]);
    expect(doneOf(a)?.outcome).toBe('failed');
  });

  it('bounds what an unverified peer receives (anti-amplification)', () => {
    const { tx, actions } = server(P({ windowSize: 16 }), patterned(100_000), { unverifiedRetries: 2 });
    let total = dataBlocks(actions).length;
    let guard = 0;
    while (!tx.finished && guard++ < 20)
      total += dataBlocks(tx.handle({ type: 'timer' }, tx.nextDeadline()!)).length;
    // 16 blocks per window × (1 + 2) rounds; never the whole file.
    expect(total).toBe(48);
    expect(tx.finished).toBe(true);
  });

  it('completes with finalAckMissing when only the final ACK never comes', () => {
    const { tx } = server(P(), patterned(600), { retry: { maxRetries: 2 } });
    tx.handle(dgram(CLIENT, { type: 'ack', block: 1 }), 1); // DATA 2 (final) out
    let result: TransferResult | undefined;
    for (let i = 0; i < 5 && !tx.finished; i++)
      result = doneOf(tx.handle({ type: 'timer' }, tx.nextDeadline()!)) ?? result;
    expect(result).toMatchObject({ outcome: 'complete', stats: { finalAckMissing: true } });
  });

  it('waits for a slow source without timing out, and reads ahead', () => {
    const tx = new SendTransfer({ role: 'server', peer: CLIENT, params: P({ windowSize: 2 }) });
    const a = tx.start(0);
    expect(a).toEqual([{ type: 'read', bytes: 262_144 }]); // the 256 KiB floor beats 5 windows of 1 KiB
    expect(tx.nextDeadline()).toBeUndefined();
    const b = tx.handle({ type: 'source-data', bytes: patterned(700) }, 5);
    expect(dataBlocks(b)).toEqual([1]); // block 2 is incomplete until more data or the end
    expect(tx.nextDeadline()).toBe(1005);
    const c = tx.handle({ type: 'source-data', bytes: patterned(400) }, 6);
    expect(dataBlocks(c)).toEqual([2]);
  });

  it('sends netascii as a stream (LF → CR LF, CR → CR NUL), across block boundaries', () => {
    const text = new TextEncoder().encode(`${'a'.repeat(7)}\n\rb\n`);
    const tx = new SendTransfer({
      role: 'server',
      peer: CLIENT,
      params: P({ blockSize: 8 }),
      netascii: true,
    });
    tx.start(0);
    const out: number[] = [];
    let a = [
      ...tx.handle({ type: 'source-data', bytes: text.subarray(0, 8) }, 0),
      ...tx.handle({ type: 'source-data', bytes: text.subarray(8) }, 0),
      ...tx.handle({ type: 'source-end' }, 0),
    ];
    for (let i = 0; i < 5 && !tx.finished; i++) {
      const ds = sends(a).filter((p) => p.type === 'data');
      for (const d of ds) if (d.type === 'data') out.push(...d.data);
      a = tx.handle(dgram(CLIENT, { type: 'ack', block: (ds.at(-1) as { block: number }).block }), 1);
    }
    expect(String.fromCharCode(...out)).toBe('aaaaaaa\r\n\r\0b\r\n');
  });

  it('aborts with an ERROR to the peer', () => {
    const { tx } = server(P(), patterned(2000));
    const a = tx.handle({ type: 'abort', message: 'shutting down' }, 1);
    expect(sends(a)).toEqual([{ type: 'error', code: 0, message: 'shutting down' }]);
    expect(doneOf(a)?.outcome).toBe('aborted');
  });
});

describe('ReceiveTransfer (client get)', () => {
  const rrq = (options: { name: string; value: string }[] = []) => ({
    type: 'rrq' as const,
    filename: 'f',
    mode: 'octet',
    options,
  });

  it('asks, learns the server TID from the first reply, ACKs each block, lingers, then closes', () => {
    const rx = new ReceiveTransfer({ role: 'client', peer: SERVER_69, request: rrq() });
    expect(sends(rx.start(0))).toEqual([rrq()]);
    const a = rx.handle(dgram(SERVER, { type: 'data', block: 1, data: patterned(512) }), 1);
    expect(acks(a)).toEqual([1]);
    expect(a.find((x) => x.type === 'negotiated')).toMatchObject({
      peer: SERVER,
      params: { blockSize: 512 },
    });
    const b = rx.handle(dgram(SERVER, { type: 'data', block: 2, data: new Uint8Array(0) }), 2);
    expect(acks(b)).toEqual([2]);
    expect(doneOf(b)).toMatchObject({ outcome: 'complete', stats: { bytes: 512, blocks: 2 } });
    expect(delivered(a)).toEqual(Array.from(patterned(512)));
    // Final DATA repeated (our ACK lost): ACK again while lingering.
    expect(acks(rx.handle(dgram(SERVER, { type: 'data', block: 2, data: new Uint8Array(0) }), 3))).toEqual([
      2,
    ]);
    expect(rx.handle({ type: 'timer' }, rx.nextDeadline()!)).toEqual([{ type: 'close' }]);
    expect(rx.nextDeadline()).toBeUndefined();
  });

  it('answers a second server TID (duplicate-RRQ race) with ERROR 5 (RFC 1350 §4)', () => {
    const rx = new ReceiveTransfer({ role: 'client', peer: SERVER_69, request: rrq() });
    rx.start(0);
    rx.handle(dgram(SERVER, { type: 'data', block: 1, data: patterned(512) }), 1);
    const other = { address: SERVER.address, port: 50001 };
    expect(sends(rx.handle(dgram(other, { type: 'data', block: 1, data: patterned(512) }), 2))).toEqual([
      { type: 'error', code: 5, message: 'Unknown transfer ID' },
    ]);
    expect(acks(rx.handle(dgram(SERVER, { type: 'data', block: 2, data: patterned(3) }), 3))).toEqual([2]);
  });

  it('ignores a reply from another host before the TID is known', () => {
    const rx = new ReceiveTransfer({ role: 'client', peer: SERVER_69, request: rrq() });
    rx.start(0);
    const a = rx.handle(
      dgram({ address: '10.6.6.6', port: 69 }, { type: 'data', block: 1, data: patterned(3) }),
      1,
    );
    expect(sends(a)).toMatchObject([{ type: 'error', code: 5 }]);
    expect(rx.finished).toBe(false);
  });

  it('confirms an OACK with ACK 0 and uses its values; rejects OACKs UEFI would reject', () => {
    const req = rrq([
      { name: 'blksize', value: '1468' },
      { name: 'tsize', value: '0' },
      { name: 'windowsize', value: '8' },
    ]);
    const rx = new ReceiveTransfer({ role: 'client', peer: SERVER_69, request: req });
    rx.start(0);
    const a = rx.handle(
      dgram(SERVER, {
        type: 'oack',
        options: [
          { name: 'blksize', value: '1024' },
          { name: 'tsize', value: '5000' },
          { name: 'windowsize', value: '4' },
        ],
      }),
      1,
    );
    expect(acks(a)).toEqual([0]);
    expect(a.find((x) => x.type === 'negotiated')).toMatchObject({
      params: { blockSize: 1024, windowSize: 4, tsize: 5000 },
    });

    for (const bad of [
      [{ name: 'blksize', value: '2000' }],
      [{ name: 'timeout', value: '5' }],
      [{ name: 'windowsize', value: '9' }],
      [
        { name: 'blksize', value: '1024' },
        { name: 'BLKSIZE', value: '1024' },
      ],
    ]) {
      const r = new ReceiveTransfer({ role: 'client', peer: SERVER_69, request: req });
      r.start(0);
      const x = r.handle(dgram(SERVER, { type: 'oack', options: bad }), 1);
      expect(sends(x)).toMatchObject([{ type: 'error', code: 8 }]);
      expect(doneOf(x)?.outcome).toBe('failed');
    }
  });

  it('reports ERROR 8 to an RRQ with options as optionsRefused (fallback)', () => {
    const rx = new ReceiveTransfer({
      role: 'client',
      peer: SERVER_69,
      request: rrq([{ name: 'timeout', value: '3000' }]),
    });
    rx.start(0);
    const a = rx.handle(
      dgram(SERVER, { type: 'error', code: 8, message: 'Unsupported option(s) requested' }),
      1,
    );
    expect(doneOf(a)).toMatchObject({ outcome: 'failed', optionsRefused: true });
  });

  it('refuses DATA longer than blksize (CVE-2019-5436 class) and files over maxBytes', () => {
    const rx = new ReceiveTransfer({ role: 'client', peer: SERVER_69, request: rrq() });
    rx.start(0);
    const a = rx.handle(dgram(SERVER, { type: 'data', block: 1, data: patterned(600) }), 1);
    expect(sends(a)).toMatchObject([{ type: 'error', code: 4 }]);
    const r2 = new ReceiveTransfer({ role: 'client', peer: SERVER_69, request: rrq(), maxBytes: 1000 });
    r2.start(0);
    r2.handle(dgram(SERVER, { type: 'data', block: 1, data: patterned(512) }), 1);
    const b = r2.handle(dgram(SERVER, { type: 'data', block: 2, data: patterned(512) }), 2);
    expect(sends(b)).toMatchObject([{ type: 'error', code: 3 }]);
    expect(doneOf(b)?.error?.code).toBe('TFTP_ERR_TOO_LARGE');
  });

  it('re-sends the RRQ on timeout and gives up after the cap', () => {
    const rx = new ReceiveTransfer({
      role: 'client',
      peer: SERVER_69,
      request: rrq(),
      retry: { maxRetries: 2 },
    });
    rx.start(0);
    const out: string[] = [];
    for (let i = 0; i < 5 && !rx.finished; i++)
      out.push(...sends(rx.handle({ type: 'timer' }, rx.nextDeadline()!)).map((p) => p.type));
    expect(out).toEqual(['rrq', 'rrq']);
    expect(rx.finished).toBe(true);
  });
});

describe('ReceiveTransfer windowed (RFC 7440)', () => {
  function started(windowSize: number) {
    const rx = new ReceiveTransfer({
      role: 'server',
      peer: CLIENT,
      params: P({ blockSize: 8, windowSize }),
      oack: [{ name: 'windowsize', value: String(windowSize) }],
    });
    expect(sends(rx.start(0))).toMatchObject([{ type: 'oack' }]);
    return rx;
  }
  const d = (block: number, len = 8) => dgram(CLIENT, { type: 'data', block, data: patterned(len) });

  it('ACKs once per full window', () => {
    const rx = started(4);
    const a = [1, 2, 3, 4].flatMap((b) => rx.handle(d(b), b));
    expect(acks(a)).toEqual([4]);
  });

  it('on a gap ACKs the last in-order block once per window, not once per packet', () => {
    const rx = started(4);
    const a = [1, 3, 4].flatMap((b) => rx.handle(d(b), b));
    expect(acks(a)).toEqual([1]);
    // The sender restarts at 2: normal ACK at the end of that window.
    expect(acks([2, 3, 4, 5].flatMap((b) => rx.handle(d(b), 10 + b)))).toEqual([5]);
  });

  it('answers a repeated old window with one ACK per round', () => {
    const rx = started(2);
    for (const b of [1, 2]) rx.handle(d(b), b); // ACK 2 (lost)
    expect(acks([1, 2].flatMap((b) => rx.handle(d(b), 5)))).toEqual([2]);
    expect(acks([1, 2].flatMap((b) => rx.handle(d(b), 6)))).toEqual([2]); // next round, one more
  });

  it('ACKs a short final block at once even when the window is not full', () => {
    const rx = started(8);
    const a = [rx.handle(d(1), 1), rx.handle(d(2, 3), 2)].flat();
    expect(acks(a)).toEqual([2]);
    expect(doneOf(a)?.outcome).toBe('complete');
  });

  it('holds window ACKs while paused and sends them on resume', () => {
    const rx = started(2);
    rx.handle({ type: 'pause' }, 0);
    expect(acks([1, 2].flatMap((b) => rx.handle(d(b), b)))).toEqual([]);
    expect(rx.nextDeadline()).toBeUndefined();
    expect(acks(rx.handle({ type: 'resume' }, 3))).toEqual([2]);
  });

  it('repeats the OACK until DATA 1 arrives, then re-ACKs on silence', () => {
    const rx = started(2);
    expect(sends(rx.handle({ type: 'timer' }, rx.nextDeadline()!))).toMatchObject([{ type: 'oack' }]);
    rx.handle(d(1), 3000);
    rx.handle(d(2), 3001);
    expect(acks(rx.handle({ type: 'timer' }, rx.nextDeadline()!))).toEqual([2]);
  });

  it('decodes netascii across block boundaries (CR at the end of a block)', () => {
    const rx = new ReceiveTransfer({
      role: 'server',
      peer: CLIENT,
      params: P({ blockSize: 4 }),
      netascii: true,
    });
    rx.start(0);
    const wire = [[0x61, 0x62, 0x63, 0x0d], [0x0a, 0x0d, 0x00, 0x64], [0x0d]];
    const out = wire.flatMap((bytes, i) =>
      delivered(rx.handle(dgram(CLIENT, { type: 'data', block: i + 1, data: new Uint8Array(bytes) }), i)),
    );
    expect(String.fromCharCode(...out)).toBe('abc\n\rd\r');
  });
});

describe('SendTransfer (client put)', () => {
  it('sends the WRQ, adopts the OACK, sends DATA 1 as its confirmation', () => {
    const req = {
      type: 'wrq' as const,
      filename: 'up',
      mode: 'octet',
      options: [
        { name: 'blksize', value: '1024' },
        { name: 'tsize', value: '1500' },
      ],
    };
    const tx = new SendTransfer({ role: 'client', peer: SERVER_69, request: req });
    expect(sends(tx.start(0))).toEqual([req]);
    tx.handle({ type: 'source-data', bytes: patterned(1500) }, 0);
    tx.handle({ type: 'source-end' }, 0);
    const a = tx.handle(
      dgram(SERVER, {
        type: 'oack',
        options: [
          { name: 'blksize', value: '1024' },
          { name: 'tsize', value: '1500' },
        ],
      }),
      1,
    );
    expect(sends(a)).toMatchObject([{ type: 'data', block: 1 }]);
    expect((sends(a)[0] as { data: Uint8Array }).data.length).toBe(1024);
    expect(dataBlocks(tx.handle(dgram(SERVER, { type: 'ack', block: 1 }), 2))).toEqual([2]);
    expect(doneOf(tx.handle(dgram(SERVER, { type: 'ack', block: 2 }), 3))?.outcome).toBe('complete');
  });

  it('falls back to RFC 1350 when the server answers ACK 0', () => {
    const req = {
      type: 'wrq' as const,
      filename: 'up',
      mode: 'octet',
      options: [{ name: 'blksize', value: '1024' }],
    };
    const tx = new SendTransfer({ role: 'client', peer: SERVER_69, request: req });
    tx.start(0);
    tx.handle({ type: 'source-data', bytes: patterned(600) }, 0);
    tx.handle({ type: 'source-end' }, 0);
    const a = tx.handle(dgram(SERVER, { type: 'ack', block: 0 }), 1);
    expect((sends(a)[0] as { data: Uint8Array }).data.length).toBe(512);
  });
});

describe('negotiateOptions', () => {
  const rrq = (options: [string, string][], extra: object = {}) =>
    negotiateOptions({
      kind: 'rrq',
      mode: 'octet',
      options: options.map(([name, value]) => ({ name, value })),
      fileSize: 1000,
      ...extra,
    });

  it('sends no OACK when nothing is asked or nothing is granted', () => {
    expect(rrq([])).toMatchObject({ ok: true, oack: undefined, params: { blockSize: 512, windowSize: 1 } });
    expect(
      rrq([
        ['foo', 'bar'],
        ['timeout', '0'],
      ]),
    ).toMatchObject({ ok: true, oack: undefined });
  });

  it('acknowledges only what was asked, names as the client spelled them, values case-insensitively', () => {
    const r = rrq([
      ['BLKSIZE', '1468'],
      ['TSize', '0'],
      ['foo', 'bar'],
      ['WindowSize', '16'],
      ['timeout', '3'],
    ]);
    expect(r).toMatchObject({
      ok: true,
      oack: [
        { name: 'BLKSIZE', value: '1468' },
        { name: 'TSize', value: '1000' },
        { name: 'WindowSize', value: '16' },
        { name: 'timeout', value: '3' },
      ],
      params: { blockSize: 1468, windowSize: 16, timeoutMs: 3000, tsize: 1000 },
    });
  });

  it('clamps blksize and windowsize to the limits, refuses blksize < 8, first duplicate wins', () => {
    expect(rrq([['blksize', '70000']])).toMatchObject({ oack: [{ value: '1468' }] });
    expect(rrq([['blksize', '9000']], {})).toMatchObject({ params: { blockSize: 1468 } });
    expect(
      negotiateOptions(
        { kind: 'rrq', mode: 'octet', options: [{ name: 'blksize', value: '9000' }] },
        { maxBlockSize: 8192 },
      ),
    ).toMatchObject({ params: { blockSize: 8192 } });
    expect(rrq([['windowsize', '1000']])).toMatchObject({ oack: [{ value: '64' }] });
    expect(rrq([['windowsize', '0']])).toMatchObject({ oack: undefined });
    expect(rrq([['blksize', '4']])).toMatchObject({ ok: false, error: { tftpCode: 8 } });
    expect(rrq([['blksize', '-1']])).toMatchObject({ ok: false });
    expect(
      rrq([
        ['blksize', '1024'],
        ['blksize', '2048'],
      ]),
    ).toMatchObject({ oack: [{ name: 'blksize', value: '1024' }] });
  });

  it('echoes timeout exactly or leaves it out (RFC 2349), never in milliseconds', () => {
    expect(rrq([['timeout', '255']])).toMatchObject({ oack: [{ value: '255' }] });
    expect(rrq([['timeout', '3000']])).toMatchObject({ oack: undefined, params: { timeoutMs: 1000 } });
    expect(
      rrq([['timeout', '3']], {}).ok &&
        negotiateOptions(
          { kind: 'rrq', mode: 'octet', options: [{ name: 'timeout', value: '3' }] },
          { acceptTimeout: false },
        ),
    ).toMatchObject({ oack: undefined });
  });

  it('leaves tsize out when the size is unknown or the mode is netascii; checks WRQ tsize against the quota', () => {
    expect(rrq([['tsize', '0']], { fileSize: undefined })).toMatchObject({ oack: undefined });
    expect(rrq([['tsize', '0']], { mode: 'netascii' })).toMatchObject({ oack: undefined });
    expect(
      negotiateOptions({
        kind: 'wrq',
        mode: 'octet',
        options: [{ name: 'tsize', value: '5000' }],
        maxWriteSize: 4000,
      }),
    ).toMatchObject({ ok: false, error: { tftpCode: 3 } });
    expect(
      negotiateOptions({
        kind: 'wrq',
        mode: 'octet',
        options: [{ name: 'tsize', value: '3000' }],
        maxWriteSize: 4000,
      }),
    ).toMatchObject({ ok: true, oack: [{ value: '3000' }] });
  });

  it('ignores huge numbers instead of overflowing', () => {
    expect(rrq([['windowsize', '99999999999999999999']])).toMatchObject({ ok: true, oack: undefined });
    expect(rrq([['tsize', '1e3']])).toMatchObject({ ok: true, oack: undefined });
  });
});

describe('ReceiveTransfer (server upload) holding the final ACK until the file is stored', () => {
  const upload = () => {
    const rx = new ReceiveTransfer({
      role: 'server',
      peer: CLIENT,
      params: P(),
      holdFinalAck: true,
      lingerMs: 100,
    });
    expect(acks(rx.start(0))).toEqual([0]);
    expect(acks(rx.handle(dgram(CLIENT, { type: 'data', block: 1, data: patterned(512) }), 1))).toEqual([1]);
    const last = rx.handle(dgram(CLIENT, { type: 'data', block: 2, data: patterned(10) }), 2);
    return { rx, last };
  };

  it('delivers the last block and asks for a commit instead of ACKing', () => {
    const { rx, last } = upload();
    expect(delivered(last)).toEqual(Array.from(patterned(10)));
    expect(last.some((a) => a.type === 'commit')).toBe(true);
    expect(acks(last)).toEqual([]);
    expect(doneOf(last)).toBeUndefined();
    expect(rx.nextDeadline()).toBeUndefined(); // no retransmission while storing
    // The sender times out and repeats the final block: no ACK yet, nothing delivered twice.
    const again = rx.handle(dgram(CLIENT, { type: 'data', block: 2, data: patterned(10) }), 1500);
    expect(sends(again)).toEqual([]);
    expect(delivered(again)).toEqual([]);
  });

  it('sends the final ACK once stored, then lingers and re-ACKs a repeated final block', () => {
    const { rx } = upload();
    const ok = rx.handle({ type: 'committed' }, 50);
    expect(acks(ok)).toEqual([2]);
    expect(doneOf(ok)?.outcome).toBe('complete');
    expect(acks(rx.handle(dgram(CLIENT, { type: 'data', block: 2, data: patterned(10) }), 60))).toEqual([2]);
    expect(rx.handle({ type: 'timer' }, 200).some((a) => a.type === 'close')).toBe(true);
  });

  it('answers ERROR (disk full by default) when storing fails, never the final ACK', () => {
    const { rx } = upload();
    const bad = rx.handle({ type: 'commit-failed', message: 'No space left' }, 50);
    expect(acks(bad)).toEqual([]);
    expect(sends(bad)).toEqual([{ type: 'error', code: 3, message: 'No space left' }]);
    expect(doneOf(bad)?.outcome).toBe('failed');
    const exists = upload().rx.handle({ type: 'commit-failed', message: 'File already exists', code: 6 }, 50);
    expect(sends(exists)).toEqual([{ type: 'error', code: 6, message: 'File already exists' }]);
  });

  it('ignores commit answers when not holding (the default) and after the end', () => {
    const rx = new ReceiveTransfer({ role: 'server', peer: CLIENT, params: P(), lingerMs: 100 });
    rx.start(0);
    const last = rx.handle(dgram(CLIENT, { type: 'data', block: 1, data: patterned(3) }), 1);
    expect(acks(last)).toEqual([1]);
    expect(last.some((a) => a.type === 'commit')).toBe(false);
    expect(rx.handle({ type: 'committed' }, 2)).toEqual([]);
  });
});

/**
 * The TFTP data plane's worker thread: one epoll loop (through koffi) that runs every read transfer the
 * server hands it. Per block it makes three syscalls — epoll_wait, recvfrom, sendto — and runs the same
 * pure `SendTransfer` engine the dgram path runs; no libuv round, no per-datagram buffer, no callback
 * into the main thread. The main thread keeps everything else (requests, the jail, the cache, events).
 *
 * Messages: see plane-protocol.ts. The main thread wakes this loop by writing the eventfd after posting.
 */
import { readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { SendTransfer } from '../engine/sender.js';
import type { Peer, TransferAction, TransferInput, TransferResult } from '../engine/types.js';
import { OPCODE } from '../wire/constants.js';
import { encodePacket, writeDataHeader } from '../wire/packet.js';
import type { PlaneFromWorker, PlaneResult, PlaneStart, PlaneToWorker } from './plane-protocol.js';
import {
  EAGAIN,
  EPOLL_CTL_ADD,
  EPOLL_CTL_DEL,
  EPOLL_DATA_OFFSET,
  EPOLL_EVENT_SIZE,
  EPOLLIN,
  loadSys,
  MSG_DONTWAIT,
  SO_RCVTIMEO,
  SOL_SOCKET,
  sockaddr,
  sockaddrPeer,
} from './plane-sys.js';

interface Slot {
  readonly id: number;
  readonly fd: number;
  readonly engine: SendTransfer;
  readonly peer: Peer;
  /** The peer's sockaddr as the kernel writes it, to recognise its datagrams without decoding. */
  readonly peerSa: Uint8Array;
  readonly source: PlaneStart['source'];
  readonly blockSize: number;
  /** Packet buffer: header + the largest block. */
  readonly out: Uint8Array;
  readonly pending: TransferInput[];
  readPos: number;
  /** File sources: chunks handed to the engine (oldest first, with their end offsets) and free ones. */
  readonly held: { buf: Buffer; end: number }[];
  readonly free: Buffer[];
  fed: boolean;
  /** SO_RCVTIMEO set, for blocking reads while it is the only transfer. */
  timed: boolean;
  deadline: number;
  closed: boolean;
}

const MAX_EVENTS = 64;

async function main(): Promise<void> {
  const { port, efd, flag } = workerData as { port: MessagePort; efd: number; flag: Int32Array };
  // A lone transfer is read with a blocking recvfrom (two syscalls per block, no epoll_wait); the
  // receive timeout bounds how long a posted control message or a due timer can wait.
  const LONE_WAIT_US = 2000;
  const timeval = new Uint8Array(16);
  new DataView(timeval.buffer).setUint32(8, LONE_WAIT_US, true);
  const sys = await loadSys();
  const post = (m: PlaneFromWorker): void => parentPort?.postMessage(m);
  const epfd = sys.epoll_create1(0o2000000);
  if (epfd < 0) {
    post({ t: 'fatal', message: `epoll_create1 failed (errno ${sys.errno()})` });
    return;
  }
  const ev = new Uint8Array(EPOLL_EVENT_SIZE);
  const evView = new DataView(ev.buffer);
  const watch = (fd: number, token: number): number => {
    evView.setUint32(0, EPOLLIN, true);
    evView.setUint32(EPOLL_DATA_OFFSET, token, true);
    evView.setUint32(EPOLL_DATA_OFFSET + 4, 0, true);
    return sys.epoll_ctl(epfd, EPOLL_CTL_ADD, fd, ev);
  };
  watch(efd, 0);

  const slots = new Map<number, Slot>();
  const events = new Uint8Array(EPOLL_EVENT_SIZE * MAX_EVENTS);
  const eventsView = new DataView(events.buffer);
  const rbuf = new Uint8Array(65536);
  const from = new Uint8Array(28);
  const fromLen = new Uint8Array(4);
  const fromLenView = new DataView(fromLen.buffer);
  const doorbell = new Uint8Array(8);
  let stopping = false;

  const finishSlot = (s: Slot): void => {
    if (s.closed) return;
    s.closed = true;
    sys.epoll_ctl(epfd, EPOLL_CTL_DEL, s.fd, null);
    sys.close(s.fd);
    slots.delete(s.id);
    post({ t: 'closed', id: s.id });
  };

  const send = (s: Slot, a: Extract<TransferAction, { type: 'send' }>): void => {
    const { packet, to } = a;
    const sa =
      to === s.peer || (to.address === s.peer.address && to.port === s.peer.port)
        ? s.peerSa
        : sockaddr(to.address, to.port);
    let n: number;
    if (packet.type === 'data') {
      writeDataHeader(s.out, 0, packet.block);
      s.out.set(packet.data, 4);
      n = sys.sendto(s.fd, s.out, 4 + packet.data.length, MSG_DONTWAIT, sa, sa.length);
    } else if (packet.type === 'ack') {
      s.out[0] = 0;
      s.out[1] = OPCODE.ACK;
      s.out[2] = packet.block >>> 8;
      s.out[3] = packet.block & 0xff;
      n = sys.sendto(s.fd, s.out, 4, MSG_DONTWAIT, sa, sa.length);
    } else {
      const bytes = encodePacket(packet);
      n = sys.sendto(s.fd, bytes, bytes.length, MSG_DONTWAIT, sa, sa.length);
    }
    // A full socket buffer (EAGAIN) or an unreachable peer is a lost packet: the engine's timer resends.
    void n;
  };

  const read = (s: Slot): void => {
    const src = s.source;
    if (src.kind === 'bytes') {
      if (s.fed) return;
      s.fed = true;
      s.pending.push({ type: 'source-data', bytes: src.bytes }, { type: 'source-end' });
      return;
    }
    // Whole blocks per chunk (≥ 256 KiB), so DATA payloads are views of it; the engine asks again while
    // it wants more. A chunk is reused only once the engine has let go of it (its end is at or before
    // `retainedFrom`): no page faults and no garbage per read.
    while (s.held.length > 0 && s.held[0]!.end <= s.engine.retainedFrom) s.free.push(s.held.shift()!.buf);
    const chunk =
      s.free.pop() ?? Buffer.allocUnsafeSlow(Math.max(64, Math.ceil(262_144 / s.blockSize)) * s.blockSize);
    try {
      const got = readSync(src.fd, chunk, 0, chunk.length, s.readPos);
      s.readPos += got;
      if (got > 0) s.held.push({ buf: chunk, end: s.readPos });
      else s.free.push(chunk);
      s.pending.push(
        got === 0 ? { type: 'source-end' } : { type: 'source-data', bytes: chunk.subarray(0, got) },
      );
    } catch {
      s.pending.push({ type: 'source-error', message: 'Read error' });
    }
  };

  const apply = (s: Slot, actions: TransferAction[]): void => {
    for (const a of actions) {
      switch (a.type) {
        case 'send':
          send(s, a);
          break;
        case 'read':
          read(s);
          break;
        case 'done':
          post({ t: 'done', id: s.id, result: serialise(a.result) });
          break;
        case 'close':
          finishSlot(s);
          return;
        default:
          break;
      }
    }
  };

  const feed = (s: Slot, input: TransferInput, now: number): void => {
    if (s.closed) return;
    apply(s, s.engine.handle(input, now));
    while (s.pending.length > 0 && !s.closed) apply(s, s.engine.handle(s.pending.shift()!, now));
    s.deadline = s.engine.nextDeadline() ?? Number.POSITIVE_INFINITY;
  };

  const start = (m: PlaneStart): void => {
    const peer: Peer = { address: m.peer.address, port: m.peer.port };
    const engine = new SendTransfer({
      role: 'server',
      peer,
      params: m.params,
      ...(m.oack ? { oack: m.oack } : {}),
      netascii: m.netascii,
      retry: m.retry,
      unverifiedRetries: m.unverifiedRetries,
    });
    const s: Slot = {
      id: m.id,
      fd: m.fd,
      engine,
      peer,
      peerSa: sockaddr(m.peer.address, m.peer.port),
      source: m.source,
      blockSize: m.params.blockSize,
      out: new Uint8Array(4 + Math.max(512, m.params.blockSize)),
      pending: [],
      readPos: 0,
      held: [],
      free: [],
      fed: false,
      timed: false,
      deadline: Number.POSITIVE_INFINITY,
      closed: false,
    };
    slots.set(s.id, s);
    if (watch(s.fd, s.id) !== 0) {
      // Cannot happen for a fresh socket; if it does, the transfer closes unstarted (the server reports it).
      finishSlot(s);
      return;
    }
    const now = performance.now();
    apply(s, engine.start(now));
    while (s.pending.length > 0 && !s.closed) apply(s, engine.handle(s.pending.shift()!, now));
    s.deadline = engine.nextDeadline() ?? Number.POSITIVE_INFINITY;
  };

  const control = (): void => {
    Atomics.store(flag, 0, 0);
    sys.read(efd, doorbell, 8);
    for (;;) {
      const r = receiveMessageOnPort(port);
      if (!r) break;
      const m = r.message as PlaneToWorker;
      if (m.t === 'start') start(m);
      else if (m.t === 'abort') {
        const s = slots.get(m.id);
        if (s) feed(s, { type: 'abort', message: m.message }, performance.now());
      } else if (m.t === 'stop') stopping = true;
    }
  };

  const receive = (s: Slot, flags = MSG_DONTWAIT): void => {
    fromLenView.setUint32(0, from.length, true);
    const n = sys.recvfrom(s.fd, rbuf, rbuf.length, flags, from, fromLen);
    if (n < 0) {
      // EAGAIN: woken spuriously; anything else (an ICMP error queued on the socket): the timer handles it.
      if (sys.errno() !== EAGAIN) return;
      return;
    }
    let peer = s.peer;
    const sa = s.peerSa;
    // Same family, port and address bytes as the transfer's peer: no string decoding per block.
    const same =
      from[0] === sa[0] &&
      from[1] === sa[1] &&
      from[2] === sa[2] &&
      from[3] === sa[3] &&
      (sa.length === 16
        ? from[4] === sa[4] && from[5] === sa[5] && from[6] === sa[6] && from[7] === sa[7]
        : equalRange(from, sa, 8, 24));
    if (!same) peer = sockaddrPeer(from.subarray(0, fromLenView.getUint32(0, true)));
    feed(s, { type: 'datagram', from: peer, bytes: rbuf.subarray(0, n) }, performance.now());
  };

  for (;;) {
    if (stopping) {
      for (const s of [...slots.values()]) {
        feed(s, { type: 'abort', message: 'Server shutting down' }, performance.now());
        finishSlot(s);
      }
      sys.close(epfd);
      port.close();
      return;
    }
    if (slots.size === 1) {
      const s = slots.values().next().value as Slot;
      if (!s.timed) {
        s.timed = true;
        sys.setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 16);
      }
      receive(s, 0); // blocks until a datagram or LONE_WAIT_US
      if (Atomics.load(flag, 0) !== 0) control();
      const t = performance.now();
      if (!s.closed && s.deadline <= t) feed(s, { type: 'timer' }, t);
      continue;
    }
    let next = Number.POSITIVE_INFINITY;
    for (const s of slots.values()) if (s.deadline < next) next = s.deadline;
    const now = performance.now();
    // Bounded wait even when idle, so a lost doorbell can never leave the thread asleep for good.
    const timeout =
      next === Number.POSITIVE_INFINITY ? 1000 : Math.min(1000, Math.max(0, Math.ceil(next - now)));
    const n = sys.epoll_wait(epfd, events, MAX_EVENTS, timeout);
    for (let i = 0; i < n; i++) {
      const token = eventsView.getUint32(i * EPOLL_EVENT_SIZE + EPOLL_DATA_OFFSET, true);
      if (token === 0) control();
      else {
        const s = slots.get(token);
        if (s) receive(s);
      }
    }
    const t = performance.now();
    for (const s of slots.values()) if (s.deadline <= t) feed(s, { type: 'timer' }, t);
  }
}

function equalRange(a: Uint8Array, b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (a[i] !== b[i]) return false;
  return true;
}

function serialise(r: TransferResult): PlaneResult {
  return {
    outcome: r.outcome,
    options: r.options.map((o) => ({ name: o.name, value: o.value })),
    stats: { ...r.stats },
    ...(r.optionsRefused ? { optionsRefused: true } : {}),
    ...(r.error
      ? { error: { code: r.error.code, message: r.error.message, tftpCode: r.error.tftpCode } }
      : {}),
  };
}

main().catch((err: unknown) => {
  parentPort?.postMessage({ t: 'fatal', message: err instanceof Error ? err.message : String(err) });
});

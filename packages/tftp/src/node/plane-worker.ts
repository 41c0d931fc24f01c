/**
 * The TFTP data plane's worker thread: one epoll loop (through koffi) that runs every read transfer the
 * server hands it. Per block it makes two or three syscalls — epoll_wait (only with several transfers),
 * recvfrom, sendmsg — and runs the same pure `SendTransfer` engine the dgram path runs; no libuv round,
 * no per-datagram buffer, no callback into the main thread. The main thread keeps everything else
 * (requests, the jail, the cache, events).
 *
 * The per-block path allocates nothing: an ACK from the peer is recognised from its bytes and goes to
 * `SendTransfer.ack()` (a reused step, not actions); each DATA leaves by `sendmsg` (a window by one
 * UDP GSO `sendmsg`, see `enableGso`, or `sendmmsg`) with two iovecs per packet — the 4-byte header
 * and the payload where it already lies in the source buffer, so nothing is copied either. Headers,
 * iovecs and the peer's sockaddr live in one buffer per transfer, built at its start. The transfer's
 * socket is connected to its peer, with a guard socket beside it for strangers (`connectWithGuard`). The clock is `clock_gettime(CLOCK_MONOTONIC)` read into a buffer and
 * handed to the engine as whole milliseconds since the transfer began, a small integer:
 * `performance.now()` returns a fresh heap number on every call (measured: 16 bytes a call, at about
 * the same cost as the koffi call). Everything else (the OACK, timers, the final ACK, strangers, reads)
 * goes through `handle()`.
 *
 * Messages: see plane-protocol.ts. The main thread wakes this loop by writing the eventfd after posting.
 */
import { readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { wireBlock } from '../engine/base.js';
import { SendTransfer } from '../engine/sender.js';
import type { Peer, TransferAction, TransferInput, TransferResult } from '../engine/types.js';
import { OPCODE } from '../wire/constants.js';
import { encodePacket, writeDataHeader } from '../wire/packet.js';
import type { PlaneFromWorker, PlaneResult, PlaneStart, PlaneToWorker } from './plane-protocol.js';
import {
  EPOLL_CTL_ADD,
  EPOLL_CTL_DEL,
  EPOLL_DATA_OFFSET,
  EPOLL_EVENT_SIZE,
  EPOLLIN,
  IOVEC_SIZE,
  loadSys,
  MMSGHDR_SIZE,
  MSG_DONTWAIT,
  MSGHDR_CONTROL,
  MSGHDR_CONTROLLEN,
  MSGHDR_IOV,
  MSGHDR_IOVLEN,
  MSGHDR_NAME,
  MSGHDR_NAMELEN,
  CLOCK_MONOTONIC,
  connectWithGuard,
  SO_RCVTIMEO,
  SOL_SOCKET,
  sockaddr,
  sockaddrPeer,
} from './plane-sys.js';

interface Slot {
  readonly id: number;
  /** The transfer's socket, connected to the peer when `guard` is open. */
  readonly fd: number;
  /** The guard socket on the same port, for datagrams from anyone else (see `connectWithGuard`); or -1. */
  readonly guard: number;
  /** Lone reads since the guard was last read (a lone transfer reads it every `GUARD_EVERY`). */
  guardReads: number;
  readonly engine: SendTransfer;
  readonly peer: Peer;
  /** The peer's sockaddr as the kernel writes it, to recognise its datagrams without decoding. */
  readonly peerSa: Uint8Array;
  readonly rollover: 0 | 1;
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
  /** Engine deadline, in the transfer's clock (ms since `t0`). */
  deadline: number;
  /** Adds to the transfer's clock to give the worker's (ms since the worker's start second). */
  readonly offset: number;
  closed: boolean;
  /** The engine's clock is whole ms of CLOCK_MONOTONIC since second `sec0`; `performance.now()` then was `t0`. */
  readonly sec0: number;
  readonly t0: number;
  /** `performance.now()` minus the engine's clock: turns engine times into the worker's `performance.now()`. */
  origin: number;
  /** Zero-copy send state; undefined for netascii (odd-sized chunks) or without LP64 iovecs. */
  readonly iov: IovState | undefined;
}

/**
 * One buffer per transfer, off the V8 heap so its address is fixed: `cap` mmsghdrs, then 2 × `cap`
 * iovecs (header, payload), then `cap` 4-byte DATA headers, then the peer's sockaddr (28 bytes), then
 * the UDP_SEGMENT control message (`CMSG_SPACE(2)`, 24 bytes).
 */
interface IovState {
  readonly mem: Buffer;
  /** `mem`'s address as a koffi pointer: cheaper to pass than the buffer (no typed-array lookup per call). */
  readonly ptr: bigint;
  readonly view: DataView;
  readonly cap: number;
  readonly iovOff: number;
  readonly hdrOff: number;
  /** The source chunk the last payload came from, and its address (recomputed when the chunk changes). */
  lastBytes: Uint8Array | undefined;
  lastAddr: number;
  /** DATA packets per UDP GSO send (see `enableGso`); 0 when off. */
  gso: number;
  /** The address of the UDP_SEGMENT control message. */
  readonly cmsgAddr: number;
  /** Pointers to the mmsghdrs that start a GSO send (every `gso`-th). */
  readonly gsoAt: bigint[];
}

const MAX_EVENTS = 64;
const SOL_UDP = 17;
const UDP_SEGMENT = 103;
/** `CMSG_SPACE(sizeof(uint16_t))` on LP64, and its `cmsg_len` (`CMSG_LEN`). */
const CMSG_SEGMENT_SPACE = 24;
const CMSG_SEGMENT_LEN = 18;
/** Segments per GSO send: the kernel's limit (UDP_MAX_SEGMENTS, 64 before 6.x) and a 64 KiB datagram. */
const GSO_MAX_SEGMENTS = 64;
const GSO_MAX_BYTES = 65_000;
/** errnos that mean "no GSO on this route" (EIO, EINVAL, EMSGSIZE, EOPNOTSUPP, ENOPROTOOPT, ENOTSUPP). */
const GSO_REFUSED = new Set([5, 22, 90, 95, 92, 524]);
/** DATA packets per sendmmsg (a larger window is sent in several batches). */
const MAX_BATCH = 64;
const TWO_32 = 4294967296;
/** Fast-path ACKs per clock reading (see `fastClock`). */
const FAST_CLOCK_EVERY = 4;
/** A lone transfer's blocking reads per look at its guard socket (also after every wait that ran out). */
const GUARD_EVERY = 64;
/** Datagrams read from a guard per look: a flood of strangers cannot hold the thread. */
const GUARD_BATCH = 16;
/** What `receive` did with a datagram. */
const NONE = 0;
const READ = 1;
const FAST = 2;

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
  // epoll data: the transfer id (0: the doorbell) in the low half, 1 in the high half for its guard.
  const watch = (fd: number, token: number, guard = 0): number => {
    evView.setUint32(0, EPOLLIN, true);
    evView.setUint32(EPOLL_DATA_OFFSET, token, true);
    evView.setUint32(EPOLL_DATA_OFFSET + 4, guard, true);
    return sys.epoll_ctl(epfd, EPOLL_CTL_ADD, fd, ev);
  };
  watch(efd, 0);

  const slots = new Map<number, Slot>();
  const list: Slot[] = [];
  const events = new Uint8Array(EPOLL_EVENT_SIZE * MAX_EVENTS);
  const eventsView = new DataView(events.buffer);
  // Off the V8 heap (a typed array under 64 bytes made by length lives on it and could move): their
  // addresses are passed to the kernel.
  const rbuf = Buffer.allocUnsafeSlow(65536);
  const from = Buffer.allocUnsafeSlow(28).fill(0);
  const fromLen = Buffer.allocUnsafeSlow(4).fill(0);
  const fromLenView = new DataView(fromLen.buffer, fromLen.byteOffset, 4);
  // The receive buffers as koffi pointers (they live as long as the thread).
  const rbufPtr = sys.pointer(rbuf);
  const fromPtr = sys.pointer(from);
  const fromLenPtr = sys.pointer(fromLen);
  const doorbell = new Uint8Array(8);
  const timespec = Buffer.allocUnsafeSlow(16).fill(0);
  // LP64 little-endian (see `clock`): [0] is tv_sec's low half (monotonic seconds since boot), [2] tv_nsec.
  const timespec32 = new Int32Array(timespec.buffer, timespec.byteOffset, 4);
  const timespecPtr = sys.pointer(timespec);
  const nowSec = (): number => {
    if (!sys.iovecs) return 0;
    sys.clock_gettime(CLOCK_MONOTONIC, timespecPtr);
    return timespec32[0]!;
  };
  let stopping = false;

  const finishSlot = (s: Slot): void => {
    if (s.closed) return;
    s.closed = true;
    sys.epoll_ctl(epfd, EPOLL_CTL_DEL, s.fd, null);
    sys.close(s.fd);
    if (s.guard >= 0) {
      sys.epoll_ctl(epfd, EPOLL_CTL_DEL, s.guard, null);
      sys.close(s.guard);
    }
    slots.delete(s.id);
    const at = list.indexOf(s);
    if (at >= 0) list.splice(at, 1);
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

  const putPointer = (v: DataView, at: number, address: number): void => {
    v.setUint32(at, address >>> 0, true);
    v.setUint32(at + 4, (address / TWO_32) >>> 0, true);
  };

  /** `connected`: the socket has a peer, so the headers carry no address (the kernel's cached route). */
  const newIovState = (peerSa: Uint8Array, windowSize: number, connected: boolean): IovState => {
    const cap = Math.max(1, Math.min(MAX_BATCH, windowSize));
    const iovOff = cap * MMSGHDR_SIZE;
    const hdrOff = iovOff + cap * 2 * IOVEC_SIZE;
    const saOff = hdrOff + cap * 4;
    const cmsgOff = (saOff + 28 + 7) & ~7; // cmsghdr is 8-aligned
    const mem = Buffer.allocUnsafeSlow(cmsgOff + CMSG_SEGMENT_SPACE).fill(0);
    const view = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
    const base = sys.address(mem);
    mem.set(peerSa, saOff);
    for (let i = 0; i < cap; i++) {
      const m = i * MMSGHDR_SIZE;
      if (!connected) {
        putPointer(view, m + MSGHDR_NAME, base + saOff);
        view.setUint32(m + MSGHDR_NAMELEN, peerSa.length, true);
      }
      putPointer(view, m + MSGHDR_IOV, base + iovOff + i * 2 * IOVEC_SIZE);
      view.setUint32(m + MSGHDR_IOVLEN, 2, true);
      const io = iovOff + i * 2 * IOVEC_SIZE;
      putPointer(view, io, base + hdrOff + i * 4);
      view.setUint32(io + 8, 4, true);
      mem[hdrOff + i * 4 + 1] = OPCODE.DATA;
    }
    const ptr = sys.pointer(mem);
    return {
      mem,
      ptr,
      view,
      cap,
      iovOff,
      hdrOff,
      lastBytes: undefined,
      lastAddr: 0,
      gso: 0,
      gsoAt: [],
      cmsgAddr: base + cmsgOff,
    };
  };

  /**
   * Windowed transfers send a batch of DATA as one UDP GSO datagram (UDP_SEGMENT, Linux 4.18): the
   * iovecs of consecutive packets are already adjacent, header, payload, header, payload…, so one
   * sendmsg over 2 × n of them, with a UDP_SEGMENT control message of one packet's size, leaves as n
   * datagrams of exactly the bytes `sendmmsg` would send (only a batch's last packet, the file's end,
   * may be shorter). The stack is walked once per batch instead of once per packet.
   *
   * The segment size goes with each GSO send, never on the socket: with it on the socket the kernel
   * refuses (EMSGSIZE) every datagram larger than the path MTU instead of fragmenting it, and a
   * lock-step or single send must still fragment as before. `sendGso` turns GSO off for the transfer
   * when the kernel refuses it (path MTU below one packet, no checksum offload, an old kernel) and sends
   * that batch the old way at once.
   */
  const enableGso = (io: IovState, blockSize: number): void => {
    const segment = 4 + blockSize;
    const gso = Math.min(io.cap, GSO_MAX_SEGMENTS, Math.floor(GSO_MAX_BYTES / segment));
    if (gso < 2) return;
    const c = io.cmsgAddr - sys.address(io.mem);
    io.view.setUint32(c, CMSG_SEGMENT_LEN, true); // cmsg_len (size_t; the high half stays 0)
    io.view.setInt32(c + 8, SOL_UDP, true);
    io.view.setInt32(c + 12, UDP_SEGMENT, true);
    io.view.setUint16(c + 16, segment, true);
    io.gso = gso;
    for (let j = 0; j < io.cap; j += gso) io.gsoAt.push(io.ptr + BigInt(j * MMSGHDR_SIZE));
  };

  /** Sends `count` prepared packets as GSO datagrams of up to `io.gso` each. */
  const sendGso = (s: Slot, io: IovState, count: number): void => {
    for (let j = 0, g = 0; j < count; j += io.gso, g++) {
      const n = Math.min(io.gso, count - j);
      const m = j * MMSGHDR_SIZE;
      io.view.setUint32(m + MSGHDR_IOVLEN, 2 * n, true);
      putPointer(io.view, m + MSGHDR_CONTROL, io.cmsgAddr);
      io.view.setUint32(m + MSGHDR_CONTROLLEN, CMSG_SEGMENT_SPACE, true);
      const sent = sys.sendmsg(s.fd, io.gsoAt[g]!, MSG_DONTWAIT);
      io.view.setUint32(m + MSGHDR_IOVLEN, 2, true);
      putPointer(io.view, m + MSGHDR_CONTROL, 0);
      io.view.setUint32(m + MSGHDR_CONTROLLEN, 0, true);
      if (sent < 0 && GSO_REFUSED.has(sys.errno())) {
        io.gso = 0;
        // This batch, from the first packet not sent, the old way.
        sys.sendmmsg(s.fd, io.gsoAt[g]!, count - j, MSG_DONTWAIT);
        return;
      }
      // Any other failure (a full buffer, an ICMP error reported on the connected socket) is a lost
      // batch, as with sendmmsg: the engine's timer resends.
    }
  };

  const flushBatch = (s: Slot, io: IovState, count: number): void => {
    // Lost to a full socket buffer (EAGAIN) or unreachable peer: the engine's timer resends.
    if (count === 1) sys.sendmsg(s.fd, io.ptr, MSG_DONTWAIT);
    else if (count > 1) {
      if (io.gso > 0) sendGso(s, io, count);
      else sys.sendmmsg(s.fd, io.ptr, count, MSG_DONTWAIT);
    }
  };

  /** Sends blocks first…last (absolute) straight from the source buffers, a batch per sendmmsg. */
  const sendBlocks = (s: Slot, io: IovState, first: number, last: number): void => {
    const v = io.view;
    const mem = io.mem;
    let k = 0;
    for (let n = first; n <= last; n++) {
      const loc = s.engine.locateBlock(n);
      if (loc === undefined) {
        // Straddles two source chunks: copy this one block into the packet buffer.
        flushBatch(s, io, k);
        k = 0;
        const data = s.engine.blockData(n);
        writeDataHeader(s.out, 0, wireBlock(n, s.rollover));
        s.out.set(data, 4);
        sys.sendto(s.fd, s.out, 4 + data.length, MSG_DONTWAIT, s.peerSa, s.peerSa.length);
        continue;
      }
      const h = io.hdrOff + k * 4;
      mem[h + 2] = loc.block >>> 8;
      mem[h + 3] = loc.block & 0xff;
      const at = io.iovOff + k * 2 * IOVEC_SIZE + IOVEC_SIZE;
      if (loc.length === 0) {
        putPointer(v, at, 0);
      } else {
        if (loc.bytes !== io.lastBytes) {
          io.lastBytes = loc.bytes;
          io.lastAddr = sys.address(loc.bytes);
        }
        putPointer(v, at, io.lastAddr + loc.offset);
      }
      v.setUint32(at + 8, loc.length, true);
      if (++k === io.cap) {
        flushBatch(s, io, k);
        k = 0;
      }
    }
    flushBatch(s, io, k);
  };

  /**
   * The hot path: a 4-byte ACK from the transfer's peer. Returns false when it needs the general path
   * (`handle()`), having changed nothing.
   */
  const fastAck = (s: Slot, io: IovState, block: number): boolean => {
    const now = fastClock(s);
    const step = s.engine.ack(block, now);
    if (step === undefined) return false;
    if (step.last >= step.first) sendBlocks(s, io, step.first, step.last);
    if (step.read > 0) {
      read(s);
      while (s.pending.length > 0 && !s.closed) apply(s, s.engine.handle(s.pending.shift()!, now));
    }
    setDeadline(s);
    return true;
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
          post({ t: 'done', id: s.id, result: serialise(a.result, s.origin) });
          break;
        case 'close':
          finishSlot(s);
          return;
        default:
          break;
      }
    }
  };

  /**
   * Transfer clocks: whole ms since the transfer's start second (a small integer: no heap number per
   * read). `tick()` reads the time once; `since(s)` turns the last reading into transfer `s`'s clock, so
   * a pass over many transfers reads it once. Off LP64 little-endian (another timespec layout) it falls
   * back to `performance.now()`.
   */
  let fallbackNow = 0;
  const tick = sys.iovecs
    ? (): void => {
        sys.clock_gettime(CLOCK_MONOTONIC, timespecPtr);
      }
    : (): void => {
        fallbackNow = performance.now();
      };
  const since = sys.iovecs
    ? (s: Slot): number => (timespec32[0]! - s.sec0) * 1000 + ((timespec32[2]! / 1e6) | 0)
    : (s: Slot): number => Math.floor(fallbackNow - s.t0);
  const clock = (s: Slot): number => {
    tick();
    fastReads = 0;
    return since(s);
  };
  /**
   * The fast path's clock: read afresh only every `FAST_CLOCK_EVERY` ACKs, else the last reading. The
   * engine uses it for deadlines alone (no round-trip estimate), which may then be early by what elapsed
   * since the reading: at most a few lone waits (`LONE_WAIT_US` each; the epoll path reads the clock after
   * every wait), against timeouts of a second or more. Saves a koffi call on most blocks.
   */
  let fastReads = 0;
  const fastClock = (s: Slot): number => {
    if (++fastReads >= FAST_CLOCK_EVERY) return clock(s);
    return since(s);
  };

  /**
   * The earliest engine deadline of all transfers, in the worker's clock: a lower bound (a deadline that
   * moved later leaves it early, which costs one needless pass over the transfers), so the loop neither
   * scans every transfer per wake-up nor sleeps past a deadline.
   */
  const workerSec0 = nowSec();
  let nextDue = Number.POSITIVE_INFINITY;
  const workerNow = sys.iovecs
    ? (): number => (timespec32[0]! - workerSec0) * 1000 + ((timespec32[2]! / 1e6) | 0)
    : (): number => Math.floor(fallbackNow);
  const setDeadline = (s: Slot): void => {
    s.deadline = s.engine.nextDeadline() ?? Number.POSITIVE_INFINITY;
    const due = s.deadline + s.offset;
    if (due < nextDue) nextDue = due;
  };

  const feed = (s: Slot, input: TransferInput): void => {
    if (s.closed) return;
    const now = clock(s);
    apply(s, s.engine.handle(input, now));
    while (s.pending.length > 0 && !s.closed) apply(s, s.engine.handle(s.pending.shift()!, now));
    setDeadline(s);
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
    const peerSa = sockaddr(m.peer.address, m.peer.port);
    const guard = connectWithGuard(sys, m.fd, peerSa);
    const sec0 = nowSec();
    const t0 = performance.now();
    const s: Slot = {
      id: m.id,
      fd: m.fd,
      guard,
      guardReads: 0,
      engine,
      peer,
      peerSa,
      rollover: m.params.rollover,
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
      sec0,
      offset: sys.iovecs ? (sec0 - workerSec0) * 1000 : Math.floor(t0),
      t0,
      origin: 0,
      iov: sys.iovecs && !m.netascii ? newIovState(peerSa, m.params.windowSize, guard >= 0) : undefined,
    };
    if (s.iov !== undefined && m.params.windowSize > 1) enableGso(s.iov, s.blockSize);
    slots.set(s.id, s);
    list.push(s);
    if (watch(s.fd, s.id) !== 0 || (guard >= 0 && watch(guard, s.id, 1) !== 0)) {
      // Cannot happen for a fresh socket; if it does, the transfer closes unstarted (the server reports it).
      finishSlot(s);
      return;
    }
    const now = clock(s);
    s.origin = s.t0 - now;
    apply(s, engine.start(now));
    while (s.pending.length > 0 && !s.closed) apply(s, engine.handle(s.pending.shift()!, now));
    setDeadline(s);
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
        if (s) feed(s, { type: 'abort', message: m.message });
      } else if (m.t === 'stop') stopping = true;
    }
  };

  /**
   * Reads one datagram from `fd` (the transfer's socket or its guard): `FAST` when the fast path took
   * it (the engine's deadline is then fresh), `READ` when the engine's `handle()` did, `NONE` when
   * nothing was read. Either socket's datagrams go to the engine with their source, so it is the engine
   * that tells the peer from a stranger.
   */
  const receive = (s: Slot, flags = MSG_DONTWAIT, fd = s.fd): number => {
    fromLenView.setUint32(0, from.length, true);
    const n = sys.recvfrom(fd, rbufPtr, rbuf.length, flags, fromPtr, fromLenPtr);
    // EAGAIN (woken spuriously, or the lone wait ran out) or an ICMP error queued on the socket: the
    // timer handles it.
    if (n < 0) return NONE;
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
    // An ACK from the peer (opcode 4, exactly 4 bytes) takes the allocation-free path.
    if (same && n === 4 && rbuf[0] === 0 && rbuf[1] === OPCODE.ACK && s.iov !== undefined) {
      if (fastAck(s, s.iov, (rbuf[2]! << 8) | rbuf[3]!)) return FAST;
    }
    const peer = same ? s.peer : sockaddrPeer(from.subarray(0, fromLenView.getUint32(0, true)));
    feed(s, { type: 'datagram', from: peer, bytes: rbuf.subarray(0, n) });
    return READ;
  };

  /** Reads what waits on a transfer's guard, at most `GUARD_BATCH` datagrams. */
  const readGuard = (s: Slot): void => {
    s.guardReads = 0;
    for (let i = 0; i < GUARD_BATCH && !s.closed; i++) {
      if (receive(s, MSG_DONTWAIT, s.guard) === NONE) return;
    }
  };

  // Indexed loops over `list` below: a Map iterator or for-of would allocate in unoptimised code.
  for (;;) {
    if (stopping) {
      for (const s of [...list]) {
        feed(s, { type: 'abort', message: 'Server shutting down' });
        finishSlot(s);
      }
      sys.close(epfd);
      port.close();
      return;
    }
    if (list.length === 1) {
      const s = list[0]!;
      if (!s.timed) {
        s.timed = true;
        sys.setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 16);
      }
      // Blocks until a datagram or LONE_WAIT_US. After a fast-path ACK the deadline was just set from a
      // fresh clock, so only other wake-ups read the clock again.
      const fast = receive(s, 0) === FAST;
      if (s.guard >= 0 && !s.closed && (!fast || ++s.guardReads >= GUARD_EVERY)) readGuard(s);
      if (Atomics.load(flag, 0) !== 0) control();
      if (!fast && !s.closed && s.deadline <= clock(s)) feed(s, { type: 'timer' });
      continue;
    }
    // Bounded wait even when idle, so a lost doorbell can never leave the thread asleep for good.
    tick();
    const timeout = Math.min(1000, Math.max(0, nextDue - workerNow()));
    const n = sys.epoll_wait(epfd, events, MAX_EVENTS, timeout);
    // The wait may have been long: the fast path's clock starts from a reading taken after it.
    tick();
    fastReads = 0;
    for (let i = 0; i < n; i++) {
      const at = i * EPOLL_EVENT_SIZE + EPOLL_DATA_OFFSET;
      const token = eventsView.getUint32(at, true);
      if (token === 0) control();
      else {
        const s = slots.get(token);
        if (s === undefined) continue;
        if (eventsView.getUint32(at + 4, true) === 1) readGuard(s);
        else receive(s);
      }
    }
    tick();
    if (workerNow() >= nextDue) {
      // Fire what is due and find the next: feed() lowers nextDue again for the transfers it moves.
      nextDue = Number.POSITIVE_INFINITY;
      // Backwards: a transfer that ends here leaves `list`, shifting only the ones already seen.
      for (let i = list.length - 1; i >= 0; i--) {
        const s = list[i]!;
        if (s.deadline <= since(s)) feed(s, { type: 'timer' });
        else if (s.deadline + s.offset < nextDue) nextDue = s.deadline + s.offset;
      }
    }
  }
}

function equalRange(a: Uint8Array, b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `origin`: added to engine times, so stats times come back as the worker's `performance.now()`. */
function serialise(r: TransferResult, origin: number): PlaneResult {
  return {
    outcome: r.outcome,
    options: r.options.map((o) => ({ name: o.name, value: o.value })),
    stats: { ...r.stats, startedAt: r.stats.startedAt + origin, endedAt: r.stats.endedAt + origin },
    ...(r.optionsRefused ? { optionsRefused: true } : {}),
    ...(r.error
      ? { error: { code: r.error.code, message: r.error.message, tftpCode: r.error.tftpCode } }
      : {}),
  };
}

main().catch((err: unknown) => {
  parentPort?.postMessage({ t: 'fatal', message: err instanceof Error ? err.message : String(err) });
});

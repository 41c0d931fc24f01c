/**
 * The few libc calls the worker data plane needs, through koffi (the FFI binding @pxekit/dhcp already
 * uses for its device sockets; prebuilt binaries, nothing compiled on install). Linux only: epoll and
 * eventfd. Every function here is synchronous and is called either once per transfer (socket, bind,
 * close) or from the worker thread's own loop (epoll_wait, recvfrom, sendto), never from the main loop's
 * hot path. See docs/decisions.md, "TFTP data plane".
 */
import { isIPv6 } from 'node:net';
import { endianness } from 'node:os';

export const AF_INET = 2;
export const AF_INET6 = 10;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
export const EPOLLIN = 1;
export const EPOLL_CTL_ADD = 1;
export const EPOLL_CTL_DEL = 2;
export const MSG_DONTWAIT = 0x40;
export const SOL_SOCKET = 1;
export const SO_RCVTIMEO = 20;
const SO_REUSEPORT = 15;
export const EAGAIN = 11;
export const CLOCK_MONOTONIC = 1;
export const EINTR = 4;
const EFD_NONBLOCK = 0o4000;
const EFD_CLOEXEC = 0o2000000;
const IPPROTO_IPV6 = 41;
const IPV6_V6ONLY = 26;

/** `struct epoll_event` is packed on x86-64 (12 bytes), naturally aligned elsewhere (16). */
export const EPOLL_EVENT_SIZE: number = process.arch === 'x64' ? 12 : 16;
export const EPOLL_DATA_OFFSET: number = process.arch === 'x64' ? 4 : 8;

export interface Sys {
  socket(family: number, type: number, protocol: number): number;
  bind(fd: number, addr: Uint8Array, len: number): number;
  connect(fd: number, addr: Uint8Array, len: number): number;
  getsockname(fd: number, addr: Uint8Array, len: Uint8Array): number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array, len: number): number;
  close(fd: number): number;
  eventfd(initval: number, flags: number): number;
  read(fd: number, buf: Uint8Array, len: number): number;
  write(fd: number, buf: Uint8Array, len: number): number;
  epoll_create1(flags: number): number;
  epoll_ctl(epfd: number, op: number, fd: number, event: Uint8Array | null): number;
  epoll_wait(epfd: number, events: Uint8Array, max: number, timeout: number): number;
  /** Pointer arguments take a typed array or, cheaper per call, its `pointer()` (koffi converts less). */
  recvfrom(
    fd: number,
    buf: Uint8Array | bigint,
    len: number,
    flags: number,
    from: Uint8Array | bigint,
    fromlen: Uint8Array | bigint,
  ): number;
  sendto(fd: number, buf: Uint8Array, len: number, flags: number, to: Uint8Array, tolen: number): number;
  /** `clock_gettime(2)` into a 16-byte `struct timespec` (LP64). */
  clock_gettime(clock: number, ts: Uint8Array | bigint): number;
  /** `sendmsg(2)` / `sendmmsg(2)` with headers the caller built in `msg` (see `MSGHDR_SIZE`). */
  sendmsg(fd: number, msg: Uint8Array | bigint, flags: number): number;
  sendmmsg(fd: number, msgs: Uint8Array | bigint, vlen: number, flags: number): number;
  errno(): number;
  /**
   * The address of a typed array's first byte, for iovecs. Only for memory that never moves: buffers
   * from `Buffer.allocUnsafeSlow`, `ArrayBuffer`s and `SharedArrayBuffer`s (off the V8 heap), kept alive
   * while the kernel may read them (sendmsg copies before it returns).
   */
  address(buf: Uint8Array): number;
  /** The same address as a pointer value for koffi (same rules as `address`; keep `buf` referenced). */
  pointer(buf: Uint8Array): bigint;
  /** Whether `struct msghdr` has the LP64 little-endian layout the zero-copy send path writes. */
  readonly iovecs: boolean;
}

/** LP64 Linux: `struct msghdr` (56 bytes) + `msg_len` = `struct mmsghdr` (64); `struct iovec` 16. */
export const MMSGHDR_SIZE = 64;
export const IOVEC_SIZE = 16;
export const MSGHDR_NAME = 0;
export const MSGHDR_NAMELEN = 8;
export const MSGHDR_IOV = 16;
export const MSGHDR_IOVLEN = 24;
export const MSGHDR_CONTROL = 32;
export const MSGHDR_CONTROLLEN = 40;

let sys: Promise<Sys> | undefined;

/** Loads the binding once per thread; rejects off Linux or when koffi is missing. */
export function loadSys(): Promise<Sys> {
  sys ??= (async () => {
    if (process.platform !== 'linux')
      throw new Error(`the worker data plane needs Linux; this is ${process.platform}`);
    const koffi = (await import('koffi')).default;
    const libc = koffi.load('libc.so.6');
    const f = (name: string, ret: string, args: string[]) => libc.func(name, ret, args);
    const fns = {
      socket: f('socket', 'int', ['int', 'int', 'int']),
      bind: f('bind', 'int', ['int', 'void *', 'uint32_t']),
      connect: f('connect', 'int', ['int', 'void *', 'uint32_t']),
      getsockname: f('getsockname', 'int', ['int', 'void *', 'void *']),
      setsockopt: f('setsockopt', 'int', ['int', 'int', 'int', 'void *', 'uint32_t']),
      close: f('close', 'int', ['int']),
      eventfd: f('eventfd', 'int', ['uint32_t', 'int']),
      read: f('read', 'long', ['int', 'void *', 'size_t']),
      write: f('write', 'long', ['int', 'void *', 'size_t']),
      epoll_create1: f('epoll_create1', 'int', ['int']),
      epoll_ctl: f('epoll_ctl', 'int', ['int', 'int', 'int', 'void *']),
      epoll_wait: f('epoll_wait', 'int', ['int', 'void *', 'int', 'int']),
      recvfrom: f('recvfrom', 'long', ['int', 'void *', 'size_t', 'int', 'void *', 'void *']),
      sendto: f('sendto', 'long', ['int', 'void *', 'size_t', 'int', 'void *', 'uint32_t']),
      clock_gettime: f('clock_gettime', 'int', ['int', 'void *']),
      sendmsg: f('sendmsg', 'long', ['int', 'void *', 'int']),
      sendmmsg: f('sendmmsg', 'int', ['int', 'void *', 'uint32_t', 'int']),
    };
    return {
      ...(fns as unknown as Omit<Sys, 'errno' | 'address' | 'pointer' | 'iovecs'>),
      errno: () => koffi.errno(),
      address: (buf: Uint8Array) => Number(koffi.address(buf)),
      pointer: (buf: Uint8Array) => koffi.address(buf),
      iovecs: koffi.sizeof('void *') === 8 && endianness() === 'LE',
    } as Sys;
  })();
  return sys;
}

/** A sockaddr_in (16 bytes) or sockaddr_in6 (28 bytes) for `address:port`. */
export function sockaddr(address: string, port: number): Uint8Array {
  if (isIPv6(address)) {
    const sa = new Uint8Array(28);
    const v = new DataView(sa.buffer);
    v.setUint16(0, AF_INET6, true);
    v.setUint16(2, port, false);
    const words = expandIPv6(address);
    for (let i = 0; i < 8; i++) v.setUint16(8 + i * 2, words[i] ?? 0, false);
    return sa;
  }
  const sa = new Uint8Array(16);
  const v = new DataView(sa.buffer);
  v.setUint16(0, AF_INET, true);
  v.setUint16(2, port, false);
  const parts = address.split('.');
  for (let i = 0; i < 4; i++) sa[4 + i] = Number(parts[i]) & 255;
  return sa;
}

function expandIPv6(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  const m = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (m) {
    const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, m.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const hex = (x: string): number => Number.parseInt(x, 16) & 0xffff;
  const [head = '', rest] = text.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':').map(hex);
  if (rest === undefined) return h;
  const r = rest === '' ? [] : rest.split(':').map(hex);
  return [...h, ...new Array<number>(Math.max(0, 8 - h.length - r.length)).fill(0), ...r];
}

/** `address` and `port` of a sockaddr filled in by recvfrom (`::ffff:a.b.c.d` shown as such, as dgram does). */
export function sockaddrPeer(sa: Uint8Array): { address: string; port: number } {
  const v = new DataView(sa.buffer, sa.byteOffset, sa.byteLength);
  const port = v.getUint16(2, false);
  if (v.getUint16(0, true) === AF_INET) return { address: `${sa[4]}.${sa[5]}.${sa[6]}.${sa[7]}`, port };
  const w: string[] = [];
  for (let i = 0; i < 8; i++) w.push(v.getUint16(8 + i * 2, false).toString(16));
  if (w.slice(0, 5).every((x) => x === '0') && w[5] === 'ffff') {
    return { address: `::ffff:${sa[20]}.${sa[21]}.${sa[22]}.${sa[23]}`, port };
  }
  // Compress the longest run of zero words, as Node prints addresses.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return { address: w.join(':'), port };
  return { address: `${w.slice(0, best).join(':')}::${w.slice(best + bestLen).join(':')}`, port };
}

/**
 * Opens a UDP socket bound to `host:port` (port 0: the kernel picks). Returns the fd, or undefined when
 * the port is taken; throws on other failures. The socket is blocking: the worker reads one lone
 * transfer with a blocking `recvfrom` (and a receive timeout), everything else with MSG_DONTWAIT.
 */
export function openUdpSocket(s: Sys, host: string, port: number): number | undefined {
  const v6 = isIPv6(host);
  const fd = udpSocket(s, v6 ? AF_INET6 : AF_INET);
  const sa = sockaddr(host, port);
  if (s.bind(fd, sa, sa.length) !== 0) {
    const errno = s.errno();
    s.close(fd);
    if (errno === 98 /* EADDRINUSE */ || errno === 13 /* EACCES */) return undefined;
    throw new Error(`bind to ${host}:${port} failed (errno ${errno})`);
  }
  return fd;
}

function udpSocket(s: Sys, family: number): number {
  const fd = s.socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new Error(`socket() failed (errno ${s.errno()})`);
  if (family === AF_INET6) {
    // Same as dgram's udp6 sockets: dual-stack unless the host says otherwise.
    s.setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, new Uint8Array(4), 4);
  }
  return fd;
}

/**
 * Connects transfer socket `fd` to its peer, and opens a second socket on the same address and port
 * for everyone else (the *guard*); returns the guard's fd, or -1 with `fd` left as it was (unconnected,
 * still receiving from anyone).
 *
 * Why: a send on a connected UDP socket reuses the socket's cached route, where an unconnected one looks
 * the route up per datagram (measured: about 3 % of lock-step throughput at 1468; atftpd and tftpd-hpa
 * connect theirs). But a connected socket receives from its peer alone, and RFC 1350 wants a stranger's
 * packet answered with ERROR 5; hence the guard, which receives what the connected socket does not.
 *
 * How: SO_REUSEPORT is set on `fd` only after its bind, so no other transfer's bind (port 0 or a port
 * range) could have joined its port; the guard sets it before binding to `fd`'s exact address, which the
 * kernel allows for the same user only. Either socket may still receive from either source on kernels
 * whose port groups ignore connections (before 5.x): the caller feeds both to the same engine with the
 * true source, so delivery decides only the speed, never the outcome.
 */
export function connectWithGuard(s: Sys, fd: number, peer: Uint8Array): number {
  const local = new Uint8Array(28);
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, local.length, true);
  if (s.getsockname(fd, local, len) !== 0) return -1;
  const one = new Uint8Array([1, 0, 0, 0]);
  const off = new Uint8Array(4);
  if (s.setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, one, 4) !== 0) return -1;
  const family = new DataView(local.buffer).getUint16(0, true);
  let guard = -1;
  try {
    guard = udpSocket(s, family);
  } catch {
    s.setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, off, 4);
    return -1;
  }
  const ok =
    s.setsockopt(guard, SOL_SOCKET, SO_REUSEPORT, one, 4) === 0 &&
    s.bind(guard, local, new DataView(len.buffer).getUint32(0, true)) === 0 &&
    s.connect(fd, peer, peer.length) === 0;
  if (!ok) {
    s.close(guard);
    s.setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, off, 4);
    return -1;
  }
  return guard;
}

/** A non-blocking eventfd, the worker's doorbell. */
export function openEventFd(s: Sys): number {
  const fd = s.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) throw new Error(`eventfd() failed (errno ${s.errno()})`);
  return fd;
}

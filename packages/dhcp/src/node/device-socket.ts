/**
 * UDP sockets bound to one network device (Linux SO_BINDTODEVICE), for a DHCP server that must know
 * which interface a broadcast arrived on and must send its broadcast reply out of that same interface.
 *
 * Node's `dgram` can do neither (no IP_PKTINFO, no setsockopt). The socket is therefore created here
 * through koffi (a maintained FFI binding that ships prebuilt binaries in its npm packages, so nothing is
 * compiled on install): `socket()`, `SO_REUSEADDR` + `SO_BROADCAST` + `SO_BINDTODEVICE`, `bind()`, and the
 * ready descriptor is handed to `dgram` with `bind({ fd })`. The device is bound before the address, so
 * there is no moment in which the socket sees another interface's traffic. See docs/decisions.md, Server.
 */
import { endianness } from 'node:os';

/**
 * Opens a UDP socket bound to `device` and `address:port`; returns the file descriptor. A positive
 * `receiveBufferSize` is set with SO_RCVBUFFORCE (not capped by `net.core.rmem_max`; needs CAP_NET_ADMIN,
 * which a server binding port 67 has), else SO_RCVBUF (capped); neither failing is fatal.
 */
export type OpenDeviceSocket = (
  device: string,
  port: number,
  address?: string,
  receiveBufferSize?: number,
) => number;

const AF_INET = 2;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const SO_BROADCAST = 6;
const SO_BINDTODEVICE = 25;
const SO_RCVBUF = 8;
const SO_RCVBUFFORCE = 33;
const MSG_DONTWAIT = 0x40;
const MSG_TRUNC = 0x20;
const SIOCSARP = 0x8955;
const ARPHRD_ETHER = 1;
const ATF_COM = 0x02;
const EINVAL = 22;

/** An error from the device-socket mechanism, with the C errno when there is one. */
export class DeviceSocketError extends Error {
  readonly code = 'DHCP_ERR_DEVICE_SOCKET';
  readonly errno: number | undefined;
  constructor(message: string, errno?: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'DeviceSocketError';
    this.errno = errno;
  }
}

/**
 * Sends one datagram on a socket descriptor with sendto(2), at once and without blocking. `address` is
 * the destination IPv4 address as a 32-bit number. Returns the bytes sent, or `-errno` on failure
 * (`-EAGAIN` when the socket's send buffer is full: the caller then queues the datagram elsewhere).
 */
export type SendDatagram = (fd: number, bytes: Uint8Array, port: number, address: number) => number;

/**
 * Adds or refreshes a complete ARP entry `address → mac` (6 bytes, Ethernet) on `device`, with ioctl
 * SIOCSARP on any IPv4 socket `fd`, as dnsmasq does, so that a reply can be unicast to a client that has no
 * address yet (RFC 2131 §4.1) without an ARP exchange the client could not answer. The entry is not
 * permanent: the kernel ages it out like a learnt one. Returns 0, or `-errno` (`-EPERM` without
 * CAP_NET_ADMIN, e.g. after privileges were dropped).
 */
export type SetArpEntry = (fd: number, device: string, address: number, mac: Uint8Array) => number;

/**
 * Datagrams taken from a socket many at a time with recvmmsg(2), into memory allocated once. A server
 * calls `receive` after `dgram` delivered a datagram, to take the others already waiting without a
 * JavaScript callback, a Buffer and a 64 KiB allocation each. One batch at a time: `bytes`, `address` and
 * `port` describe the last `receive`, and the memory is reused by the next.
 */
export interface DatagramBatch {
  /** Slots per `receive`. */
  readonly capacity: number;
  /** Bytes kept per datagram; a longer one is cut and reported by `truncated`. */
  readonly slotSize: number;
  /** Takes up to `capacity` datagrams that are waiting, without blocking: their count, or -errno. */
  receive(fd: number): number;
  /** A copy of datagram `i`'s bytes (the caller may keep it). */
  bytes(i: number): Uint8Array;
  /** Whether datagram `i` was longer than `slotSize` (MSG_TRUNC). */
  truncated(i: number): boolean;
  /** Source IPv4 address of datagram `i`, dotted. */
  address(i: number): string;
  /** Source port of datagram `i`. */
  port(i: number): number;
  /** The memory the kernel writes to, kept alive with the batch. */
  readonly pinned: readonly Uint8Array[];
}

/** What the server needs beyond `dgram` on a device socket: sendto(2), SIOCSARP, recvmmsg(2). */
export interface DeviceIo {
  readonly send: SendDatagram;
  readonly setArpEntry: SetArpEntry;
  /** Undefined where `struct mmsghdr` is not the LP64 little-endian layout written here. */
  readonly batch: DatagramBatch | undefined;
}
/** errno of a full non-blocking socket (Linux EAGAIN = EWOULDBLOCK). */
export const EAGAIN = 11;
/** errnos that mean "not allowed", for which retrying is pointless (EPERM, EACCES). */
export const EPERM = 1;
export const EACCES = 13;

let loading: Promise<OpenDeviceSocket> | undefined;
let loadingIo: Promise<DeviceIo> | undefined;
let loadingLibc: Promise<Libc> | undefined;

interface Libc {
  readonly koffi: typeof import('koffi')['default'];
  readonly libc: ReturnType<typeof import('koffi')['default']['load']>;
}

/**
 * Loads the mechanism once per process (the FFI binding is immutable after loading, so caching it is
 * safe). Rejects with a `DeviceSocketError` off Linux or when koffi cannot load.
 */
export function loadDeviceSockets(): Promise<OpenDeviceSocket> {
  loading ??= load();
  return loading;
}

/**
 * Loads the sendto(2) and SIOCSARP bindings once per process, for sending on descriptors from
 * `loadDeviceSockets` without going through `dgram` (which costs a request object, a lookup step and a
 * completion callback per datagram) and for unicast to clients without an address. Rejects like
 * `loadDeviceSockets`.
 */
export function loadDeviceIo(): Promise<DeviceIo> {
  loadingIo ??= loadIo();
  return loadingIo;
}

function loadLibc(): Promise<Libc> {
  loadingLibc ??= (async () => {
    if (process.platform !== 'linux') {
      throw new DeviceSocketError(
        `per-interface sockets need Linux SO_BINDTODEVICE; this is ${process.platform}`,
      );
    }
    let koffi: typeof import('koffi')['default'];
    try {
      koffi = (await import('koffi')).default;
    } catch (error) {
      throw new DeviceSocketError('koffi could not be loaded', undefined, error);
    }
    return { koffi, libc: koffi.load('libc.so.6') };
  })();
  return loadingLibc;
}

async function loadIo(): Promise<DeviceIo> {
  const { koffi, libc } = await loadLibc();
  // ssize_t sendto(int, const void *, size_t, int, const struct sockaddr *, socklen_t). The sockaddr_in is
  // one reused 16-byte buffer filled in place: calls are synchronous on the one JS thread.
  const sendto = libc.func('sendto', 'long', ['int', 'void *', 'size_t', 'int', 'void *', 'uint32_t']);
  const sa = Buffer.alloc(16);
  sa.writeUInt16LE(AF_INET, 0);
  const send: SendDatagram = (fd, bytes, port, address) => {
    sa.writeUInt16BE(port, 2);
    sa.writeUInt32BE(address >>> 0, 4);
    const n = sendto(fd, bytes, bytes.byteLength, MSG_DONTWAIT, sa, 16) as number;
    return n >= 0 ? n : -koffi.errno();
  };
  // int ioctl(int, unsigned long, struct arpreq *): declared with a fixed third argument, which on the
  // Linux ABIs koffi supports is passed exactly as the variadic one.
  const ioctl = libc.func('ioctl', 'int', ['int', 'unsigned long', 'void *']);
  // struct arpreq (68 bytes): sockaddr arp_pa @0, sockaddr arp_ha @16, int arp_flags @32,
  // sockaddr arp_netmask @36, char arp_dev[16] @52.
  const req = Buffer.alloc(68);
  const setArpEntry: SetArpEntry = (fd, device, address, mac) => {
    if (mac.byteLength !== 6) return -EINVAL;
    req.fill(0);
    req.writeUInt16LE(AF_INET, 0);
    req.writeUInt32BE(address >>> 0, 4);
    req.writeUInt16LE(ARPHRD_ETHER, 16);
    req.set(mac, 18);
    req.writeInt32LE(ATF_COM, 32);
    if (req.write(device, 52, 15, 'latin1') !== Buffer.byteLength(device, 'latin1')) return -EINVAL;
    return (ioctl(fd, SIOCSARP, req) as number) === 0 ? 0 : -koffi.errno();
  };
  return { send, setArpEntry, batch: loadBatch(koffi, libc) };
}

/** LP64: `struct mmsghdr` = `struct msghdr` (56 bytes) + `unsigned msg_len` (+ padding) = 64; iovec 16. */
const MMSGHDR = 64;
const IOVEC = 16;
const SOCKADDR_IN = 16;
/** Datagrams per recvmmsg(2), and bytes kept of each (a DHCP message fits in 1,500; jumbo frames in 4,096). */
const BATCH_CAPACITY = 32;
const SLOT_SIZE = 4096;

function loadBatch(koffi: Libc['koffi'], libc: Libc['libc']): DatagramBatch | undefined {
  if (koffi.sizeof('void *') !== 8 || endianness() !== 'LE') return undefined;
  // int recvmmsg(int, struct mmsghdr *, unsigned int, int, struct timespec *)
  const recvmmsg = libc.func('recvmmsg', 'int', ['int', 'void *', 'uint32_t', 'int', 'void *']);
  // Off the V8 heap (allocUnsafeSlow): the addresses written into the headers never move.
  const data = Buffer.allocUnsafeSlow(BATCH_CAPACITY * SLOT_SIZE);
  const names = Buffer.alloc(BATCH_CAPACITY * SOCKADDR_IN);
  const iov = Buffer.alloc(BATCH_CAPACITY * IOVEC);
  const headers = Buffer.alloc(BATCH_CAPACITY * MMSGHDR);
  const at = (buf: Buffer): bigint => BigInt(koffi.address(buf) as unknown as bigint);
  const dataAt = at(data);
  const namesAt = at(names);
  const iovAt = at(iov);
  for (let i = 0; i < BATCH_CAPACITY; i++) {
    iov.writeBigUInt64LE(dataAt + BigInt(i * SLOT_SIZE), i * IOVEC);
    iov.writeBigUInt64LE(BigInt(SLOT_SIZE), i * IOVEC + 8);
    const h = i * MMSGHDR;
    headers.writeBigUInt64LE(namesAt + BigInt(i * SOCKADDR_IN), h); // msg_name
    headers.writeUInt32LE(SOCKADDR_IN, h + 8); // msg_namelen
    headers.writeBigUInt64LE(iovAt + BigInt(i * IOVEC), h + 16); // msg_iov
    headers.writeBigUInt64LE(1n, h + 24); // msg_iovlen
  }
  let used = 0;
  // Every buffer whose address the headers hold must live as long as they do: `iov` is read only by the
  // kernel, so a reference is kept here, or the collector would free it under recvmmsg.
  const pinned = [data, names, iov, headers];
  return {
    pinned,
    capacity: BATCH_CAPACITY,
    slotSize: SLOT_SIZE,
    receive(fd) {
      // The kernel wrote the last call's name lengths and flags; reset them for the slots it used.
      for (let i = 0; i < used; i++) {
        headers.writeUInt32LE(SOCKADDR_IN, i * MMSGHDR + 8);
        headers.writeInt32LE(0, i * MMSGHDR + 48);
      }
      const n = recvmmsg(fd, headers, BATCH_CAPACITY, MSG_DONTWAIT, null) as number;
      used = Math.max(n, 0);
      return n >= 0 ? n : -koffi.errno();
    },
    bytes(i) {
      const length = Math.min(headers.readUInt32LE(i * MMSGHDR + 56), SLOT_SIZE);
      return new Uint8Array(data.buffer, data.byteOffset + i * SLOT_SIZE, length).slice();
    },
    truncated(i) {
      return (headers.readInt32LE(i * MMSGHDR + 48) & MSG_TRUNC) !== 0;
    },
    address(i) {
      const o = i * SOCKADDR_IN;
      return `${names[o + 4]}.${names[o + 5]}.${names[o + 6]}.${names[o + 7]}`;
    },
    port(i) {
      return names.readUInt16BE(i * SOCKADDR_IN + 2);
    },
  };
}

async function load(): Promise<OpenDeviceSocket> {
  const { koffi, libc } = await loadLibc();
  const sockaddrIn = koffi.struct({
    family: 'uint16_t',
    // Port and address are in network byte order: declared as bytes, no host-endianness question.
    port: koffi.array('uint8_t', 2),
    addr: koffi.array('uint8_t', 4),
    zero: koffi.array('uint8_t', 8),
  });
  const socket = libc.func('socket', 'int', ['int', 'int', 'int']);
  const setsockopt = libc.func('setsockopt', 'int', ['int', 'int', 'int', 'void *', 'uint32_t']);
  const bind = libc.func('bind', 'int', ['int', koffi.pointer(sockaddrIn), 'uint32_t']);
  const close = libc.func('close', 'int', ['int']);
  const one = Buffer.alloc(4);
  one.writeInt32LE(1);
  return (device, port, address = '0.0.0.0', receiveBufferSize = 0) => {
    const fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) as number;
    if (fd < 0) throw new DeviceSocketError('socket() failed', koffi.errno());
    const fail = (what: string): never => {
      const errno = koffi.errno();
      close(fd);
      throw new DeviceSocketError(`${what} failed for ${device} (errno ${errno})`, errno);
    };
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, one, 4) !== 0) fail('SO_REUSEADDR');
    if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, one, 4) !== 0) fail('SO_BROADCAST');
    const name = Buffer.from(`${device}\0`, 'latin1');
    if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, name.length) !== 0) fail('SO_BINDTODEVICE');
    if (receiveBufferSize > 0) {
      const size = Buffer.alloc(4);
      size.writeInt32LE(Math.min(receiveBufferSize, 0x3fffffff));
      if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, size, 4) !== 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, size, 4);
    }
    const sa = {
      family: AF_INET,
      port: [port >> 8, port & 0xff],
      addr: address.split('.').map(Number),
      zero: [0, 0, 0, 0, 0, 0, 0, 0],
    };
    if (bind(fd, sa, 16) !== 0) fail(`bind to ${address}:${port}`);
    return fd;
  };
}

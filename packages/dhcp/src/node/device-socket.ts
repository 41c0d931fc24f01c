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

let loading: Promise<OpenDeviceSocket> | undefined;

/**
 * Loads the mechanism once per process (the FFI binding is immutable after loading, so caching it is
 * safe). Rejects with a `DeviceSocketError` off Linux or when koffi cannot load.
 */
export function loadDeviceSockets(): Promise<OpenDeviceSocket> {
  loading ??= load();
  return loading;
}

async function load(): Promise<OpenDeviceSocket> {
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
  const libc = koffi.load('libc.so.6');
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

/**
 * The Node adapter of the DHCP server: sockets, the lease store, privileges, events. All protocol
 * decisions are the engine's (engine/); this file only carries datagrams in and replies out, and makes
 * sure a DHCPACK never leaves before the lease it promises is durable.
 *
 * Sockets: by default one socket per served interface, bound to that device (device-socket.ts), so the
 * arrival interface is known (it picks the subnet and the server identifier) and a broadcast reply leaves
 * by the interface the request came in on, also on a host with several interfaces. With `bind: 'any'` a
 * single plain `dgram` socket is used instead (one interface, or relayed traffic only).
 */
import * as dc from 'node:diagnostics_channel';
import { type Socket, createSocket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { constants as osConstants, networkInterfaces } from 'node:os';
import type { Destination, DropReason, EngineResult, ReplyKind, RequestContext } from '../engine/types.js';
import type { BootDecision } from '../engine/boot.js';
import { ProxyDhcpEngine, type ProxyDhcpConfig } from '../engine/proxy.js';
import { DhcpServerEngine, type DhcpServerConfig, type DhcpServerEngineOptions } from '../engine/server.js';
import { type LeaseStore, MemoryLeaseStore } from '../lease/store.js';
import type { Lease } from '../lease/types.js';
import {
  clientHardwareAddress,
  type DhcpMessage,
  decodeDhcpMessageTolerant,
  tryDecodeDhcpMessage,
} from '../wire/message.js';
import { encodeDhcpReply } from '../wire/reply.js';
import { tryParseIpv4 } from '../lease/ipv4.js';
import { type DeviceIo, EACCES, EAGAIN, EPERM, loadDeviceIo, loadDeviceSockets } from './device-socket.js';
import { type JournalLeaseStoreOptions, openJournalLeaseStore } from './journal-store.js';

/** Diagnostics channels (node:diagnostics_channel); publishing costs nothing without subscribers. */
export const DHCP_CHANNELS: Readonly<{
  request: dc.Channel;
  reply: dc.Channel;
  drop: dc.Channel;
}> = Object.freeze({
  request: dc.channel('pxekit:dhcp:request'),
  reply: dc.channel('pxekit:dhcp:reply'),
  drop: dc.channel('pxekit:dhcp:drop'),
});

export interface CreateDhcpServerOptions {
  /** Authoritative server configuration (or pass a ready `engine`, or `proxy`). */
  readonly config?: DhcpServerConfig;
  /** Pipeline options when the engine is built from `config`. */
  readonly engineOptions?: DhcpServerEngineOptions;
  /** A ready engine, e.g. with custom handlers. */
  readonly engine?: DhcpServerEngine;
  /** proxyDHCP mode: boot information only, no addresses, ports 67 and 4011. */
  readonly proxy?: ProxyDhcpConfig;
  /** Interface names to serve. Default: every interface with an IPv4 address except loopback. */
  readonly interfaces?: readonly string[];
  /**
   * `'device'` (default): one socket per interface with SO_BINDTODEVICE; arrival interface known,
   * replies leave by it. `'any'`: one plain socket on `address`; the arrival interface is known only when
   * exactly one interface is served.
   */
  readonly bind?: 'device' | 'any';
  /** Local address for `bind: 'any'`. Default `0.0.0.0`. */
  readonly address?: string;
  /** Server port. Default 67. */
  readonly port?: number;
  /** PXE boot server port in proxy mode (PXE 2.1 §2.2.5). Default 4011; 0 turns it off. */
  readonly proxyPort?: number;
  /** Port replies to clients go to. Default 68. */
  readonly clientPort?: number;
  /**
   * Receive buffer per socket, bytes (SO_RCVBUF). Default 4 MiB (`DEFAULT_RECEIVE_BUFFER_SIZE`): at 16,000
   * requests/s the kernel's usual 208 KiB holds about 6 ms of traffic, so a server that is descheduled that
   * long (a shared machine, a sync) loses requests. Device sockets, bound while still privileged, set it
   * with SO_RCVBUFFORCE; otherwise the kernel caps it at `net.core.rmem_max`. 0 keeps the system default.
   * `interfaces[i].receiveBufferSize` tells what the kernel granted.
   */
  readonly receiveBufferSize?: number;
  /** Lease store. Default: a journal at `leaseFile` if given, else memory. */
  readonly store?: LeaseStore;
  /** Path of the lease journal (node/journal-store.ts). */
  readonly leaseFile?: string;
  readonly journal?: JournalLeaseStoreOptions;
  /** Drop root privileges after binding: setgid/setuid to these (names or ids). */
  readonly user?: string | number;
  readonly group?: string | number;
  /** Closes the server when aborted. */
  readonly signal?: AbortSignal;
  /** Clock, ms. Default `Date.now`. */
  readonly now?: () => number;
}

/** One served socket. */
export interface ServedInterface {
  readonly name: string | undefined;
  readonly address: string | undefined;
  /** The local port actually bound. */
  readonly port: number;
  /** `server`: the DHCP server port (67); `pxe`: the PXE boot server port (4011, proxy mode). */
  readonly role: 'server' | 'pxe';
  /** The socket's receive buffer as the kernel reports it (Linux doubles the requested size). */
  readonly receiveBufferSize: number;
}

/** Default `receiveBufferSize`: 4 MiB. */
export const DEFAULT_RECEIVE_BUFFER_SIZE: number = 4 * 1024 * 1024;

export interface ReplyEvent {
  readonly kind: ReplyKind;
  readonly mac: string;
  readonly xid: number;
  readonly interface: string | undefined;
  readonly request: DhcpMessage;
  readonly reply: DhcpMessage;
  readonly destination: Destination;
  readonly lease?: Lease;
  readonly boot?: BootDecision;
  readonly nakReason?: string;
  readonly trace: readonly string[];
}

export interface SilentEvent {
  readonly kind: 'release' | 'decline' | 'withdrawn';
  readonly mac: string;
  readonly xid: number;
  readonly interface: string | undefined;
  readonly lease?: Lease;
  readonly trace: readonly string[];
}

/** A datagram that got no reply, and why. */
export interface DropEvent {
  readonly reason: DropReason | 'store-failed' | 'send-failed';
  readonly detail?: string;
  readonly mac?: string;
  readonly xid?: number;
  readonly interface: string | undefined;
  readonly from: { readonly address: string; readonly port: number };
  readonly trace: readonly string[];
}

export interface DhcpServerEventMap {
  offer: [ReplyEvent];
  ack: [ReplyEvent];
  nak: [ReplyEvent];
  inform: [ReplyEvent];
  'proxy-offer': [ReplyEvent];
  'proxy-ack': [ReplyEvent];
  release: [SilentEvent];
  decline: [SilentEvent];
  withdrawn: [SilentEvent];
  drop: [DropEvent];
  /** Failures that do not stop the server (a socket error, a store that failed to flush). */
  error: [Error];
}

export interface DhcpServerStats {
  received: number;
  /** Of `received`, those taken many at a time with recvmmsg(2) on a device socket (see `#drain`). */
  batched: number;
  replies: number;
  /** Drops by reason. */
  readonly drops: Record<string, number>;
}

type Engine = DhcpServerEngine | ProxyDhcpEngine;

/** A bound socket; `fd` when we created the descriptor ourselves (device sockets) and can sendto(2) on it. */
interface Endpoint {
  readonly socket: Socket;
  readonly itf: ServedInterface;
  readonly fd?: number;
  /** Set once the socket was drained in this turn of the event loop (see `#drain`). */
  drained?: boolean;
}

/** Datagrams taken with recvmmsg(2) after one from dgram, at most, per socket and event-loop turn. */
const DRAIN_PER_TURN = 64;

/** Stands for "cannot unicast this one" (not a 6-byte MAC): the reply is broadcast instead. */
const EINVAL_UNICAST = 22;

/** `aa:bb:cc:dd:ee:ff` → 6 bytes; undefined for anything else (other hardware types are broadcast to). */
function macBytes(mac: string): Uint8Array | undefined {
  if (!MAC.test(mac)) return undefined;
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) out[i] = Number.parseInt(mac.slice(i * 3, i * 3 + 2), 16);
  return out;
}
const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;

let errnoNames: Map<number, string> | undefined;
function errnoName(errno: number): string {
  errnoNames ??= new Map(Object.entries(osConstants.errno).map(([name, n]) => [n, name]));
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

/** A running DHCP server. Create with `createDhcpServer`. */
export class DhcpServer extends EventEmitter<DhcpServerEventMap> {
  readonly engine: Engine;
  readonly store: LeaseStore;
  readonly interfaces: readonly ServedInterface[];
  readonly stats: DhcpServerStats = { received: 0, batched: 0, replies: 0, drops: {} };
  readonly #sockets: Endpoint[];
  readonly #io: DeviceIo | undefined;
  /** False once SIOCSARP was refused (no CAP_NET_ADMIN): such replies are broadcast from then on. */
  #arpAllowed = true;
  readonly #options: CreateDhcpServerOptions;
  /** Replies on their way (see `#settle`), and what close() waits on for them. */
  #inflight = 0;
  #idle: (() => void) | undefined;
  #closing: Promise<void> | undefined;

  /** @internal use createDhcpServer */
  constructor(
    engine: Engine,
    store: LeaseStore,
    sockets: Endpoint[],
    options: CreateDhcpServerOptions,
    io?: DeviceIo,
  ) {
    super();
    this.#io = io;
    this.engine = engine;
    this.store = store;
    this.#sockets = sockets;
    this.interfaces = sockets.map((s) => s.itf);
    this.#options = options;
    for (const endpoint of sockets) {
      endpoint.socket.on('message', (bytes, rinfo) => {
        this.#receive(endpoint, bytes, rinfo.address, rinfo.port);
        this.#drain(endpoint);
      });
      endpoint.socket.on('error', (error) => this.#error(error));
    }
  }

  #error(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  #drop(event: DropEvent): void {
    this.stats.drops[event.reason] = (this.stats.drops[event.reason] ?? 0) + 1;
    if (DHCP_CHANNELS.drop.hasSubscribers) DHCP_CHANNELS.drop.publish(event);
    this.emit('drop', event);
  }

  /**
   * Takes the datagrams already waiting on a device socket with recvmmsg(2), after dgram delivered one:
   * under load this replaces dgram's per-datagram callback, Buffer and 64 KiB allocation with one system
   * call per 32 datagrams. Once per socket and event-loop turn, and at most `DRAIN_PER_TURN` datagrams,
   * so timers and lease syncs still get their turn; dgram delivers whatever is left.
   */
  #drain(endpoint: Endpoint): void {
    const batch = this.#io?.batch;
    const fd = endpoint.fd;
    if (batch === undefined || fd === undefined || endpoint.drained === true || this.#closing !== undefined)
      return;
    endpoint.drained = true;
    setImmediate(() => {
      endpoint.drained = false;
    });
    for (let taken = 0; taken < DRAIN_PER_TURN; ) {
      const n = batch.receive(fd);
      if (n <= 0) return; // -EAGAIN: nothing waiting; another error: dgram's next read reports it
      this.stats.batched += n;
      for (let i = 0; i < n; i++) {
        if (batch.truncated(i)) {
          this.stats.received++;
          this.#drop({
            reason: 'undecodable',
            detail: `longer than ${batch.slotSize} bytes`,
            interface: endpoint.itf.name,
            from: { address: batch.address(i), port: batch.port(i) },
            trace: [],
          });
        } else this.#receive(endpoint, batch.bytes(i), batch.address(i), batch.port(i));
      }
      if (n < batch.capacity) return;
      taken += n;
    }
  }

  #receive(endpoint: Endpoint, bytes: Uint8Array, address: string, port: number): void {
    if (this.#closing !== undefined) return;
    const itf = endpoint.itf;
    this.stats.received++;
    const from = { address, port };
    // Strict decode first (the common case, and cheaper); only a message it rejects goes through the
    // tolerant decoder, which still recovers e.g. a missing END or garbage after it (RFC 2131 §4.1).
    const strict = tryDecodeDhcpMessage(bytes);
    const decoded = strict.ok ? { message: strict.value, problems: [] } : decodeDhcpMessageTolerant(bytes);
    const request = decoded.message;
    if (request === undefined) {
      const first = decoded.problems[0];
      this.#drop({
        reason: 'undecodable',
        ...(first === undefined ? {} : { detail: first.code }),
        interface: itf.name,
        from,
        trace: [],
      });
      return;
    }
    const context: RequestContext = {
      now: (this.#options.now ?? Date.now)(),
      ...(itf.name !== undefined && itf.address !== undefined
        ? { interface: { name: itf.name, address: itf.address } }
        : {}),
      source: from,
      localPort: itf.role === 'pxe' ? 4011 : 67,
    };
    if (DHCP_CHANNELS.request.hasSubscribers) DHCP_CHANNELS.request.publish({ request, context });
    let result: EngineResult;
    try {
      result = this.engine.handle(request, context);
    } catch (error) {
      // The engine does not throw on input; if it ever does, that one datagram is dropped, not the server.
      this.#drop({ reason: 'no-reply', detail: String(error), interface: itf.name, from, trace: [] });
      this.#error(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const mac = clientHardwareAddress(request);
    if (result.type === 'drop') {
      this.#drop({
        reason: result.reason,
        ...(result.detail === undefined ? {} : { detail: result.detail }),
        mac,
        xid: request.xid,
        interface: itf.name,
        from,
        trace: result.trace,
      });
      return;
    }
    for (const w of result.writes) this.store.put(w);
    if (result.writes.length === 0) {
      this.#settle(this.#deliver(endpoint, request, result, mac, from));
      return;
    }
    // RFC 2131 §4.3.1: the binding is committed to stable storage before the DHCPACK is sent. Plain
    // callbacks on the store's promise, no async function per ACK: under load this runs thousands of times
    // a second.
    this.#inflight++;
    this.store.flush().then(
      () => {
        let task: Promise<void> | undefined;
        try {
          task = this.#deliver(endpoint, request, result, mac, from);
        } catch (error) {
          this.#error(error instanceof Error ? error : new Error(String(error)));
        }
        this.#settle(task, true);
      },
      (error: unknown) => {
        this.#drop({
          reason: 'store-failed',
          detail: String(error),
          mac,
          xid: request.xid,
          interface: endpoint.itf.name,
          from,
          trace: result.trace,
        });
        this.#error(error instanceof Error ? error : new Error(String(error)));
        this.#settle(undefined, true);
      },
    );
  }

  /**
   * Counts replies still on their way (waiting for the store, or queued in dgram), so that close() lets
   * them finish. `counted`: the caller already counted this one.
   */
  #settle(task: Promise<void> | undefined, counted = false): void {
    if (task !== undefined) {
      if (!counted) this.#inflight++;
      void task.then(() => this.#settle(undefined, true));
      return;
    }
    if (counted && --this.#inflight === 0) this.#idle?.();
  }

  /**
   * Emits a silent result, or encodes and sends a reply. Synchronous when the reply leaves at once (the
   * common case: no promise per request); a promise only when dgram has to queue it.
   */
  #deliver(
    endpoint: Endpoint,
    request: DhcpMessage,
    result: Exclude<EngineResult, { type: 'drop' }>,
    mac: string,
    from: { address: string; port: number },
  ): Promise<void> | undefined {
    const itf = endpoint.itf;
    if (result.type === 'silent') {
      this.emit(result.kind, {
        kind: result.kind,
        mac,
        xid: request.xid,
        interface: itf.name,
        ...(result.lease === undefined ? {} : { lease: result.lease }),
        trace: result.trace,
      });
      return undefined;
    }
    let bytes: Uint8Array;
    try {
      bytes = encodeDhcpReply(result.message, { request }).bytes;
    } catch (error) {
      this.#drop({
        reason: 'send-failed',
        detail: String(error),
        mac,
        xid: request.xid,
        interface: itf.name,
        from,
        trace: result.trace,
      });
      return undefined;
    }
    const d = result.destination;
    const port = d.port === 68 ? (this.#options.clientPort ?? 68) : d.port;
    const sent = this.#sendNow(endpoint, bytes, port, d);
    if (sent !== undefined) {
      this.#sent(sent, endpoint, request, result, mac, from);
      return undefined;
    }
    return new Promise<Error | null>((resolve) =>
      endpoint.socket.send(bytes, port, d.address, (e) => resolve(e)),
    ).then((e) => this.#sent(e, endpoint, request, result, mac, from));
  }

  /** Counts a reply that left (and tells listeners), or drops one the kernel refused. */
  #sent(
    sent: Error | null,
    endpoint: Endpoint,
    request: DhcpMessage,
    result: Extract<EngineResult, { type: 'reply' }>,
    mac: string,
    from: { address: string; port: number },
  ): void {
    const itf = endpoint.itf;
    if (sent !== null) {
      this.#drop({
        reason: 'send-failed',
        detail: sent.message,
        mac,
        xid: request.xid,
        interface: itf.name,
        from,
        trace: result.trace,
      });
      return;
    }
    this.stats.replies++;
    // Built only when someone listens: most servers under load have no per-reply listener.
    if (!DHCP_CHANNELS.reply.hasSubscribers && this.listenerCount(result.kind) === 0) return;
    const event: ReplyEvent = {
      kind: result.kind,
      mac,
      xid: request.xid,
      interface: itf.name,
      request,
      reply: result.message,
      destination: result.destination,
      ...(result.lease === undefined ? {} : { lease: result.lease }),
      ...(result.boot === undefined ? {} : { boot: result.boot }),
      ...(result.nakReason === undefined ? {} : { nakReason: result.nakReason }),
      trace: result.trace,
    };
    if (DHCP_CHANNELS.reply.hasSubscribers) DHCP_CHANNELS.reply.publish(event);
    this.emit(result.kind, event);
  }

  /**
   * Sends with one sendto(2) on the descriptor, skipping dgram's per-datagram request, lookup step and
   * completion callback (see docs/decisions.md). A reply the engine marks `unicastTo` (a client without an
   * address whose broadcast bit is clear, RFC 2131 §4.1) goes to its chaddr/yiaddr after an ARP entry is
   * set, as dnsmasq does; if that is refused it is broadcast. Returns null when sent, an Error when the
   * kernel refused it, or undefined when dgram must send it: no descriptor of ours, datagrams already
   * queued in dgram (keeps their order), or a full send buffer (EAGAIN: dgram queues it).
   */
  #sendNow(endpoint: Endpoint, bytes: Uint8Array, port: number, d: Destination): Error | null | undefined {
    const io = this.#io;
    if (io === undefined || endpoint.fd === undefined) return undefined;
    if (endpoint.socket.getSendQueueCount() > 0) return undefined;
    if (d.unicastTo !== undefined && this.#arpAllowed && endpoint.itf.name !== undefined) {
      const n = this.#sendUnicast(io, endpoint.fd, endpoint.itf.name, bytes, port, d.unicastTo);
      if (n >= 0) return null;
      if (n === -EAGAIN) return undefined;
      // Anything else (no ARP entry allowed, not Ethernet, no route): the broadcast below still reaches it.
    }
    const ip = tryParseIpv4(d.address);
    if (ip === undefined) return undefined;
    const n = io.send(endpoint.fd, bytes, port, ip);
    if (n >= 0) return null;
    if (n === -EAGAIN) return undefined;
    return new Error(`send ${errnoName(-n)} ${d.address}:${port}`);
  }

  /** ARP entry for the client, then sendto(2) its new address. Bytes sent or -errno. */
  #sendUnicast(
    io: DeviceIo,
    fd: number,
    device: string,
    bytes: Uint8Array,
    port: number,
    to: { readonly mac: string; readonly address: string },
  ): number {
    const ip = tryParseIpv4(to.address);
    const mac = macBytes(to.mac);
    if (ip === undefined || mac === undefined) return -EINVAL_UNICAST;
    const arp = io.setArpEntry(fd, device, ip, mac);
    if (arp === -EPERM || arp === -EACCES) this.#arpAllowed = false;
    if (arp !== 0) return arp;
    return io.send(fd, bytes, port, ip);
  }

  /** Stops receiving, lets replies in flight finish (their leases flushed), closes sockets and the store. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#inflight > 0) {
        await new Promise<void>((resolve) => {
          this.#idle = resolve;
        });
      }
      await Promise.all(
        this.#sockets.map(({ socket }) => new Promise<void>((resolve) => socket.close(() => resolve()))),
      );
      await this.store.close();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function ipv4Of(name: string): string | undefined {
  return networkInterfaces()[name]?.find((a) => a.family === 'IPv4')?.address;
}

function defaultInterfaces(): string[] {
  const out: string[] = [];
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (addrs?.some((a) => a.family === 'IPv4' && !a.internal)) out.push(name);
  }
  return out;
}

/** Asks for a receive buffer of `size` bytes; the kernel may grant less (rmem_max), which is not fatal. */
function setReceiveBuffer(socket: Socket, size: number): void {
  if (size <= 0) return;
  try {
    if (socket.getRecvBufferSize() < size) socket.setRecvBufferSize(size);
  } catch {
    // A smaller buffer only means less slack under bursts.
  }
}

async function bindSocket(bind: (s: Socket, done: () => void) => void): Promise<Socket> {
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    bind(socket, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.setBroadcast(true);
  return socket;
}

/**
 * Starts a DHCP server (authoritative with `config`/`engine`, or proxyDHCP with `proxy`).
 *
 * @example
 * const server = await createDhcpServer({
 *   config: { subnets: [{ network: '10.99.0.0/24', pools: ['10.99.0.100-10.99.0.199'], routers: ['10.99.0.1'] }] },
 *   interfaces: ['srv0'],
 *   leaseFile: '/var/lib/pxekit/leases.journal',
 *   user: 'nobody',
 * });
 * server.on('ack', (e) => console.log(e.mac, e.reply.yiaddr));
 */
export async function createDhcpServer(options: CreateDhcpServerOptions): Promise<DhcpServer> {
  const sources = [options.config, options.engine, options.proxy].filter((x) => x !== undefined).length;
  if (sources !== 1) throw new TypeError('createDhcpServer: give exactly one of config, engine or proxy');
  const engine: Engine =
    options.engine ??
    (options.proxy !== undefined
      ? new ProxyDhcpEngine(options.proxy)
      : new DhcpServerEngine(options.config!, options.engineOptions));
  const now = options.now ?? Date.now;
  const store =
    options.store ??
    (options.leaseFile !== undefined
      ? await openJournalLeaseStore(options.leaseFile, options.journal)
      : new MemoryLeaseStore());
  if (engine instanceof DhcpServerEngine) engine.restore(await store.load(), now());
  const ports: [number, 'server' | 'pxe'][] = [[options.port ?? 67, 'server']];
  if (options.proxy !== undefined && options.proxyPort !== 0) ports.push([options.proxyPort ?? 4011, 'pxe']);
  const names = options.interfaces ?? defaultInterfaces();
  const receiveBufferSize = options.receiveBufferSize ?? DEFAULT_RECEIVE_BUFFER_SIZE;
  if (!Number.isSafeInteger(receiveBufferSize) || receiveBufferSize < 0) {
    throw new TypeError(`createDhcpServer: receiveBufferSize ${receiveBufferSize} is not a byte count`);
  }
  const sockets: Endpoint[] = [];
  let io: DeviceIo | undefined;
  try {
    if ((options.bind ?? 'device') === 'device') {
      if (names.length === 0) throw new Error('createDhcpServer: no interface with an IPv4 address to serve');
      const open = await loadDeviceSockets();
      io = await loadDeviceIo();
      for (const name of names) {
        const address = ipv4Of(name);
        if (address === undefined) throw new Error(`createDhcpServer: interface ${name} has no IPv4 address`);
        for (const [p, role] of ports) {
          const fd = open(name, p, undefined, receiveBufferSize);
          const socket = await bindSocket((s, done) => s.bind({ fd }, done));
          setReceiveBuffer(socket, receiveBufferSize);
          const granted = socket.getRecvBufferSize();
          sockets.push({
            socket,
            itf: { name, address, port: socket.address().port, role, receiveBufferSize: granted },
            fd,
          });
        }
      }
    } else {
      const single = names.length === 1 ? names[0]! : undefined;
      const address = single === undefined ? undefined : ipv4Of(single);
      for (const [p, role] of ports) {
        const socket = await bindSocket((s, done) => s.bind(p, options.address ?? '0.0.0.0', done));
        setReceiveBuffer(socket, receiveBufferSize);
        const granted = socket.getRecvBufferSize();
        sockets.push({
          socket,
          itf: { name: single, address, port: socket.address().port, role, receiveBufferSize: granted },
        });
      }
    }
    // Privileges are needed only to bind port 67; drop them now (groups first, then the user).
    if (options.group !== undefined) process.setgid?.(options.group);
    if (options.user !== undefined) {
      if (options.group !== undefined) process.setgroups?.([options.group]);
      process.setuid?.(options.user);
    }
  } catch (error) {
    for (const { socket } of sockets) socket.close();
    await store.close();
    throw error;
  }
  const server = new DhcpServer(engine, store, sockets, options, io);
  if (options.signal !== undefined) {
    if (options.signal.aborted) await server.close();
    else options.signal.addEventListener('abort', () => void server.close(), { once: true });
  }
  return server;
}

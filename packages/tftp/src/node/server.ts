import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { channel } from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import { isIPv6 } from 'node:net';
import { type FilenameOptions, parseMode, sanitizeFilename } from '../engine/filename.js';
import { type NegotiationLimits, negotiateOptions } from '../engine/negotiate.js';
import { emptyStats } from '../engine/base.js';
import { ReceiveTransfer } from '../engine/receiver.js';
import { SendTransfer } from '../engine/sender.js';
import type { Peer, Transfer, TransferOutcome, TransferResult, TransferStats } from '../engine/types.js';
import { ERROR_CODE, TFTP_PORT } from '../wire/constants.js';
import { TFTP_ERR, TftpError, type TftpErrorCode } from '../wire/errors.js';
import { encodePacket, type TftpOption, tryDecodePacket } from '../wire/packet.js';
import { FileCache, type FileCacheOptions } from './cache.js';
import { displayAddress, EngineDriver, monotonicNow } from './driver.js';
import {
  createInRoot,
  type OpenedFile,
  openChosenFile,
  openInRoot,
  type SymlinkPolicy,
  type WriteTarget,
} from './jail.js';
import { DataPlane, type PlaneTransfer, type PlaneTransferSpec, validPlaneThreads } from './plane.js';
import type { PlaneSource } from './plane-protocol.js';

/** What a virtual-file handler receives. */
export interface VirtualFileRequest {
  /** Sanitised, remapped path relative to the root (`pxelinux.cfg/01-aa-bb-cc-dd-ee-ff`). */
  readonly filename: string;
  /** The filename exactly as it came off the wire (Latin-1). */
  readonly rawFilename: string;
  readonly remote: Peer;
  readonly mode: 'octet' | 'netascii';
  /** Options the client asked for, as sent. */
  readonly options: readonly TftpOption[];
  /** Aborted when the transfer ends early (client gone, server closing). */
  readonly signal: AbortSignal;
}

/** A virtual file: bytes, or a stream of chunks (a Node Readable and a web ReadableStream both qualify). */
/**
 * What a handler serves: bytes or a stream (`data`), or a file on disk it chose (`file`, a path; opened
 * without the root's jail, since the handler picked it, but only a regular file). A `file` is served as a
 * root file is: from the hot-file cache, or read by the worker data plane, where a stream stays on
 * `dgram`.
 */
export type VirtualFile =
  | {
      readonly data: Uint8Array | AsyncIterable<Uint8Array>;
      /** Size in bytes if known (for tsize). For a Uint8Array it is its length. */
      readonly size?: number;
    }
  | { readonly file: string };

/**
 * Serves a file from code instead of the disk. Return undefined to fall through to `root`. Throw a
 * TftpError to answer with its TFTP code (e.g. 1, file not found); any other throw answers ERROR 0.
 */
export type VirtualFileHandler = (
  request: VirtualFileRequest,
) => VirtualFile | undefined | Promise<VirtualFile | undefined>;

export interface WriteOptions {
  /** Largest upload in bytes (tsize checked up front, the running total during the transfer). Default 64 MiB. */
  readonly maxFileSize?: number;
  /** Replace existing files. Default false (ERROR 6, file exists). */
  readonly overwrite?: boolean;
}

export interface TftpServerOptions extends NegotiationLimits {
  /** Directory served, or a function choosing one per client (per-client roots). */
  readonly root?: string | ((remote: Peer) => string | undefined);
  readonly handler?: VirtualFileHandler;
  /** Address to bind. Default `0.0.0.0`; use `::` for IPv6 (dual-stack). */
  readonly host?: string;
  /** Default 69; 0 picks a free port (see `address()`). */
  readonly port?: number;
  /** Accept WRQ. Default false: read-only. */
  readonly writable?: boolean | WriteOptions;
  /** Default `inside-root`: a symlink may point anywhere inside the root, never outside. */
  readonly symlinks?: SymlinkPolicy;
  /** Filename clean-up and remapping (see `sanitizeFilename`). */
  readonly filenames?: FilenameOptions;
  /** Retransmissions before a transfer is abandoned. Default 5. */
  readonly retries?: number;
  /** Back-off ceiling in ms. Default 8000. */
  readonly maxTimeoutMs?: number;
  /** Retransmissions to a peer that has not yet ACKed anything (anti-amplification). Default 2. */
  readonly unverifiedRetries?: number;
  /** Concurrent transfers; more get ERROR 0 "Server busy". Default 256. */
  readonly maxTransfers?: number;
  /** New requests per source address: at most `requests` per `intervalMs`. Default 50 per second. */
  readonly rateLimit?: { readonly requests: number; readonly intervalMs: number } | false;
  /** Transfer sockets: ephemeral (default), a port range, or `single` (everything on the listening port). */
  readonly transferPorts?: { readonly from: number; readonly to: number } | 'single';
  /** Largest request datagram accepted (RFC 2347 says 512; some firmware sends 516). Default 1024. */
  readonly maxRequestSize?: number;
  /** Hot-file cache; false disables it. */
  readonly cache?: FileCacheOptions | false;
  /** Receive-side dally after the final ACK of an upload. */
  readonly lingerMs?: number;
  /** Aborting drains: no new transfers, running ones get `drainTimeoutMs` to finish. */
  readonly signal?: AbortSignal;
  /** Default 5000. */
  readonly drainTimeoutMs?: number;
  /**
   * How read transfers move their blocks. `worker` (Linux): a worker thread drives their sockets with
   * epoll through koffi — about twice the lock-step rate of `dgram`, off the main thread. `dgram`: Node's
   * dgram sockets on the main thread. `auto` (default): `worker` when available, else `dgram`. Uploads,
   * streamed virtual files and single-port mode always use `dgram`. See `server.dataPlane`.
   */
  readonly dataPlane?: 'auto' | 'worker' | 'dgram';
  /** Path or URL of the data-plane worker script, for bundled applications (default: found beside this module). */
  readonly dataPlaneWorker?: string | URL;
  /**
   * Worker threads of the `worker` data plane (default: one per CPU, at most 4). A read transfer runs on
   * the thread with the fewest transfers, so many clients at once use several CPUs.
   */
  readonly dataPlaneThreads?: number;
}

export interface TftpRequestEvent {
  readonly id: number;
  readonly kind: 'rrq' | 'wrq';
  readonly remote: Peer;
  readonly filename: string;
  readonly mode: string;
  readonly options: readonly TftpOption[];
}

/** One finished transfer, with its statistics. `probe` is the PXE tsize probe, not a failure. */
export interface TftpTransferEvent {
  readonly id: number;
  readonly kind: 'rrq' | 'wrq';
  readonly remote: Peer;
  readonly filename: string;
  readonly outcome: TransferOutcome;
  readonly error?: TftpError;
  /** Options as acknowledged in the OACK. */
  readonly options: readonly TftpOption[];
  readonly stats: TransferStats;
  readonly durationMs: number;
  readonly source: 'file' | 'cache' | 'virtual' | 'upload';
}

/** A request refused before a transfer started, or a datagram dropped. */
export interface TftpDropEvent {
  readonly remote: Peer;
  readonly code: TftpErrorCode;
  readonly reason: string;
  readonly filename?: string;
}

export interface TftpServerEventMap {
  request: [TftpRequestEvent];
  transfer: [TftpTransferEvent];
  drop: [TftpDropEvent];
  /** Internal problems (a handler that threw, a socket error). Never emitted as 'error'. */
  warning: [Error];
}

interface Session {
  readonly key: string;
  driver: EngineDriver | undefined;
  plane: PlaneTransfer | undefined;
  socket: Socket | undefined;
  readonly ownsSocket: boolean;
  readonly abort: AbortController;
  closed: boolean;
  onClosed: (() => void) | undefined;
}

const peerKey = (address: string, port: number): string => `${address}|${port}`;

/**
 * `node:diagnostics_channel` names: every finished transfer and every refused request is published there
 * too (same objects as the `transfer` / `drop` events), for tracing without holding the server object.
 */
export const TFTP_CHANNELS = { transfer: 'pxekit:tftp:transfer', drop: 'pxekit:tftp:drop' } as const;
const transferChannel = channel(TFTP_CHANNELS.transfer);
const dropChannel = channel(TFTP_CHANNELS.drop);

/**
 * A TFTP server. Create with {@link createTftpServer}. Never throws on bad input: every refusal is an
 * ERROR to the client (when one is due) and a `drop` event.
 */
export class TftpServer extends EventEmitter<TftpServerEventMap> {
  readonly #opts: TftpServerOptions;
  readonly #socket: Socket;
  readonly #sessions = new Map<string, Session>();
  readonly #cache: FileCache | undefined;
  readonly #rate = new Map<string, { start: number; count: number }>();
  #nextId = 1;
  #draining = false;
  #closed: Promise<void> | undefined;
  #portCursor = 0;
  readonly #plane: DataPlane | undefined;
  readonly #planeReason: string | undefined;

  /** @internal use createTftpServer */
  constructor(opts: TftpServerOptions, socket: Socket, plane?: DataPlane | string) {
    super();
    this.#opts = opts;
    this.#socket = socket;
    if (plane instanceof DataPlane) {
      this.#plane = plane;
      plane.onFatal = (message, remaining) =>
        this.emit(
          'warning',
          new Error(
            remaining === 0
              ? `TFTP data plane stopped: ${message}`
              : `TFTP data-plane thread stopped (${remaining} still running): ${message}`,
          ),
        );
    } else this.#planeReason = plane;
    this.#cache = opts.cache === false ? undefined : new FileCache(opts.cache ?? {});
    socket.on('message', (msg, rinfo) => this.#onListenerMessage(msg, rinfo));
    socket.on('error', (err) => this.emit('warning', err));
    if (opts.signal) {
      if (opts.signal.aborted) void this.close();
      else opts.signal.addEventListener('abort', () => void this.close(), { once: true });
    }
  }

  /** The bound listening address. */
  address(): { address: string; port: number; family: string } {
    return this.#socket.address();
  }

  /** Transfers in progress. */
  get activeTransfers(): number {
    return this.#sessions.size;
  }

  /**
   * Which data plane read transfers use, and why not `worker` when they do not (see the `dataPlane`
   * option), and how many worker threads run. A thread that dies mid-run fails its transfers; later
   * ones go to the others, or fall back to `dgram` once none is left.
   */
  get dataPlane(): { mode: 'worker' | 'dgram'; threads?: number; reason?: string } {
    if (this.#plane?.alive) return { mode: 'worker', threads: this.#plane.threads };
    return { mode: 'dgram', reason: this.#plane ? 'the worker stopped' : (this.#planeReason ?? 'disabled') };
  }

  /** Hot-file cache counters. */
  get cacheStats(): { hits: number; misses: number; bytes: number } {
    return { hits: this.#cache?.hits ?? 0, misses: this.#cache?.misses ?? 0, bytes: this.#cache?.bytes ?? 0 };
  }

  /**
   * Stops accepting requests, lets running transfers finish for `drainTimeoutMs`, then aborts the rest
   * (ERROR 0 to their clients) and closes every socket.
   */
  close(): Promise<void> {
    this.#closed ??= this.#drain();
    return this.#closed;
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    const deadline = this.#opts.drainTimeoutMs ?? 5000;
    if (this.#sessions.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline);
        const check = setInterval(() => {
          if (this.#sessions.size === 0) {
            clearTimeout(timer);
            clearInterval(check);
            resolve();
          }
        }, 20);
        timer.unref?.();
        setTimeout(() => clearInterval(check), deadline + 10).unref?.();
      });
    }
    for (const s of [...this.#sessions.values()]) {
      s.driver?.input({ type: 'abort', message: 'Server shutting down' });
      if (!s.plane) this.#endSession(s);
    }
    // Stopping the worker aborts its transfers (ERROR 0 to each peer) and reports them before it exits.
    await this.#plane?.close();
    for (const s of [...this.#sessions.values()]) this.#endSession(s);
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  #drop(remote: Peer, code: TftpErrorCode, reason: string, filename?: string): void {
    const event: TftpDropEvent = { remote, code, reason, ...(filename === undefined ? {} : { filename }) };
    this.emit('drop', event);
    if (dropChannel.hasSubscribers) dropChannel.publish(event);
  }

  #reply(remote: Peer, code: number, message: string, socket: Socket = this.#socket): void {
    try {
      socket.send(encodePacket({ type: 'error', code, message }), remote.port, remote.address);
    } catch {
      // closing
    }
  }

  /** Token bucket per source address; the table is bounded so a spoofed flood cannot grow it forever. */
  #allow(address: string, now: number): boolean {
    const limit =
      this.#opts.rateLimit === undefined ? { requests: 50, intervalMs: 1000 } : this.#opts.rateLimit;
    if (limit === false) return true;
    let e = this.#rate.get(address);
    if (!e || now - e.start >= limit.intervalMs) {
      if (!e && this.#rate.size >= 10_000) {
        for (const [k, v] of this.#rate) if (now - v.start >= limit.intervalMs) this.#rate.delete(k);
        if (this.#rate.size >= 10_000) this.#rate.clear();
      }
      e = { start: now, count: 0 };
      this.#rate.set(address, e);
    }
    e.count++;
    return e.count <= limit.requests;
  }

  #onListenerMessage(msg: Buffer, rinfo: RemoteInfo): void {
    const key = peerKey(rinfo.address, rinfo.port);
    const existing = this.#sessions.get(key);
    const remote: Peer = { address: rinfo.address, port: rinfo.port };
    if (existing) {
      // Single-port mode routes by peer; otherwise this is a repeated request for a running transfer
      // (RFC 1350 §4 race): the transfer already answers from its own port, so drop it.
      const isRequest = msg.length >= 2 && msg[0] === 0 && (msg[1] === 1 || msg[1] === 2);
      if (existing.ownsSocket || !existing.driver || isRequest) {
        // The running transfer retransmits on its own timer; a repeated request changes nothing.
        this.#drop(remote, TFTP_ERR.BUSY, 'duplicate request');
      } else existing.driver.datagram(msg, rinfo.address, rinfo.port);
      return;
    }
    const shown: Peer = { address: displayAddress(rinfo.address), port: rinfo.port };
    if (this.#draining) return;
    const max = this.#opts.maxRequestSize ?? 1024;
    if (msg.length > max) {
      this.#drop(shown, TFTP_ERR.MALFORMED, `request of ${msg.length} bytes`);
      return;
    }
    const decoded = tryDecodePacket(msg);
    if (!decoded.ok || (decoded.value.type !== 'rrq' && decoded.value.type !== 'wrq')) {
      // Not a request on the request port. Never answer an ERROR; answer other strays with ERROR 4 only
      // when well-formed-looking, else drop (no reflection of garbage).
      if (decoded.ok && decoded.value.type !== 'error') {
        this.#reply(remote, ERROR_CODE.ILLEGAL_OPERATION, 'Illegal TFTP operation');
      }
      this.#drop(
        shown,
        decoded.ok ? TFTP_ERR.PROTOCOL : decoded.error.code,
        decoded.ok ? `${decoded.value.type} on the request port` : decoded.error.message,
      );
      return;
    }
    if (!this.#allow(rinfo.address, monotonicNow())) {
      this.#drop(shown, TFTP_ERR.BUSY, 'rate limit');
      return;
    }
    if (this.#sessions.size >= (this.#opts.maxTransfers ?? 256)) {
      this.#reply(remote, ERROR_CODE.NOT_DEFINED, 'Server busy');
      this.#drop(shown, TFTP_ERR.BUSY, 'too many transfers');
      return;
    }
    const session: Session = {
      key,
      driver: undefined,
      plane: undefined,
      socket: undefined,
      ownsSocket: this.#opts.transferPorts !== 'single',
      abort: new AbortController(),
      closed: false,
      onClosed: undefined,
    };
    this.#sessions.set(key, session);
    const req = decoded.value;
    void this.#startSession(session, remote, shown, req).catch((err: unknown) => {
      this.emit('warning', err instanceof Error ? err : new Error(String(err)));
      this.#endSession(session);
    });
  }

  async #startSession(
    session: Session,
    remote: Peer,
    shown: Peer,
    req: { type: 'rrq' | 'wrq'; filename: string; mode: string; options: readonly TftpOption[] },
  ): Promise<void> {
    const id = this.#nextId++;
    const refuse = (err: TftpError, filename?: string) => {
      this.#reply(remote, err.tftpCode, err.message);
      this.#drop(shown, err.code, err.message, filename);
      this.#endSession(session);
    };
    const mode = parseMode(req.mode);
    if (!mode)
      return refuse(new TftpError(TFTP_ERR.BAD_MODE, 'Unsupported mode', ERROR_CODE.ILLEGAL_OPERATION));
    const name = sanitizeFilename(req.filename, {
      ...this.#opts.filenames,
      context: { remoteAddress: shown.address, kind: req.type },
    });
    if (!name.ok) return refuse(name.error, req.filename.slice(0, 255));
    const filename = name.path;
    this.emit('request', { id, kind: req.type, remote: shown, filename, mode, options: req.options });

    const started = monotonicNow();
    const limits = this.#opts;
    const retry = {
      ...(limits.retries === undefined ? {} : { maxRetries: limits.retries }),
      ...(limits.maxTimeoutMs === undefined ? {} : { maxTimeoutMs: limits.maxTimeoutMs }),
    };
    let source: TftpTransferEvent['source'];
    let engine: Transfer;
    let feed: ((bytes: number) => void) | undefined;
    let sink: WriteTarget | undefined;
    let cleanup: () => Promise<void> = async () => {};
    const root = typeof limits.root === 'function' ? limits.root(shown) : limits.root;
    let readBlockSize = 512;
    /** Set when the transfer can run on the worker data plane: bytes in memory or an open file. */
    let planeSource: PlaneSource | undefined;
    let planeSpec: Omit<PlaneTransferSpec, 'source'> | undefined;

    if (req.type === 'rrq') {
      let data: Uint8Array | AsyncIterable<Uint8Array> | undefined;
      let size: number | undefined;
      /** A file on disk: the handler's `{ file }`, or the root's. */
      let opened: OpenedFile | undefined;
      source = 'virtual';
      if (limits.handler) {
        try {
          const v = await limits.handler({
            filename,
            rawFilename: req.filename,
            remote: shown,
            mode,
            options: req.options,
            signal: session.abort.signal,
          });
          if (v && 'file' in v) opened = await openChosenFile(v.file);
          else if (v) {
            data = v.data;
            size = v.size ?? (v.data instanceof Uint8Array ? v.data.length : undefined);
          }
        } catch (err) {
          if (TftpError.is(err)) return refuse(err, filename);
          this.emit('warning', err instanceof Error ? err : new Error(String(err)));
          return refuse(
            new TftpError(TFTP_ERR.SOURCE, 'Internal error', ERROR_CODE.NOT_DEFINED, err),
            filename,
          );
        }
      }
      if (data === undefined && opened === undefined) {
        if (root === undefined) {
          return refuse(
            new TftpError(TFTP_ERR.NOT_FOUND, 'File not found', ERROR_CODE.FILE_NOT_FOUND),
            filename,
          );
        }
        try {
          opened = await openInRoot(root, name.segments, limits.symlinks ?? 'inside-root');
        } catch (err) {
          if (TftpError.is(err)) return refuse(err, filename);
          throw err;
        }
      }
      if (opened !== undefined) {
        const f = opened;
        size = f.size;
        if (this.#cache && f.size <= this.#cache.maxFileSize) {
          try {
            data = await this.#cache.get(f.key, f.size, f.handle);
          } finally {
            await f.handle.close().catch(() => {});
          }
          source = 'cache';
        } else {
          source = 'file';
          const handle = f.handle;
          planeSource = { kind: 'fd', fd: handle.fd };
          let pos = 0;
          let closed = false;
          cleanup = async () => {
            if (!closed) {
              closed = true;
              await handle.close().catch(() => {});
            }
          };
          feed = (bytes: number) => {
            // Read-ahead in chunks that are whole blocks, so DATA payloads are views, never copies.
            const blocks = Math.max(64, Math.ceil(bytes / readBlockSize));
            const buf = Buffer.allocUnsafeSlow(blocks * readBlockSize);
            handle.read(buf, 0, buf.length, pos).then(
              ({ bytesRead }) => {
                pos += bytesRead;
                if (bytesRead === 0) session.driver?.input({ type: 'source-end' });
                else session.driver?.input({ type: 'source-data', bytes: buf.subarray(0, bytesRead) });
              },
              () => session.driver?.input({ type: 'source-error', message: 'Read error' }),
            );
          };
        }
      }
      const neg = negotiateOptions(
        {
          kind: 'rrq',
          mode,
          options: req.options,
          ...(size === undefined ? {} : { fileSize: size }),
        },
        limits,
      );
      if (!neg.ok) {
        await cleanup();
        return refuse(neg.error, filename);
      }
      readBlockSize = neg.params.blockSize;
      planeSpec = {
        peer: remote,
        params: neg.params,
        ...(neg.oack ? { oack: neg.oack } : {}),
        netascii: mode === 'netascii',
        retry,
        unverifiedRetries: limits.unverifiedRetries ?? 2,
      };
      engine = new SendTransfer({ role: 'server', ...planeSpec });
      if (data instanceof Uint8Array) {
        planeSource = { kind: 'bytes', bytes: data };
        const bytes = data;
        let fed = false;
        feed = () => {
          // The engine asks again from inside source-data (re-entrant): give the bytes exactly once.
          if (fed) return;
          fed = true;
          session.driver?.input({ type: 'source-data', bytes });
          session.driver?.input({ type: 'source-end' });
        };
      } else if (data !== undefined) {
        feed = streamFeeder(data, session);
        const iterable = data;
        cleanup = async () => {
          const it = iterable as { return?: () => unknown };
          try {
            await it.return?.();
          } catch {}
        };
      }
    } else {
      source = 'upload';
      const w = limits.writable;
      if (!w || root === undefined) {
        return refuse(
          new TftpError(TFTP_ERR.ACCESS, 'Access violation', ERROR_CODE.ACCESS_VIOLATION),
          filename,
        );
      }
      const wopts: WriteOptions = w === true ? {} : w;
      const maxWriteSize = wopts.maxFileSize ?? 64 * 1024 * 1024;
      const neg = negotiateOptions({ kind: 'wrq', mode, options: req.options, maxWriteSize }, limits);
      if (!neg.ok) return refuse(neg.error, filename);
      try {
        sink = await createInRoot(root, name.segments, {
          overwrite: wopts.overwrite ?? false,
          symlinks: limits.symlinks ?? 'inside-root',
          unique: randomBytes(6).toString('hex'),
        });
      } catch (err) {
        if (TftpError.is(err)) return refuse(err, filename);
        throw err;
      }
      engine = new ReceiveTransfer({
        role: 'server',
        peer: remote,
        params: neg.params,
        ...(neg.oack ? { oack: neg.oack } : {}),
        netascii: mode === 'netascii',
        retry,
        maxBytes: maxWriteSize,
        holdFinalAck: true,
        ...(limits.lingerMs === undefined ? {} : { lingerMs: limits.lingerMs }),
      });
    }

    if (session.abort.signal.aborted || this.#draining) {
      await cleanup();
      await sink?.discard();
      return refuse(new TftpError(TFTP_ERR.ABORTED, 'Server shutting down'), filename);
    }
    const emitTransfer = (r: TransferResult): void => {
      const event: TftpTransferEvent = {
        id,
        kind: req.type,
        remote: shown,
        filename,
        outcome: r.outcome,
        ...(r.error ? { error: r.error } : {}),
        options: r.options,
        stats: r.stats,
        durationMs: monotonicNow() - started,
        source,
      };
      this.emit('transfer', event);
      if (transferChannel.hasSubscribers) transferChannel.publish(event);
    };
    const plane = this.#plane;
    if (planeSource && planeSpec && plane?.alive && session.ownsSocket) {
      const spec = planeSpec;
      const fd = this.#planeSocket(plane, session);
      if (fd === undefined) {
        await cleanup();
        return refuse(new TftpError(TFTP_ERR.BUSY, 'Server busy'), filename);
      }
      let result: TransferResult | undefined;
      session.plane = plane.start(
        fd,
        { ...planeSpec, source: planeSource },
        {
          onDone: (r) => {
            result = r;
            session.abort.abort();
          },
          onClose: () => {
            this.#endSession(session);
            const r = result ?? {
              outcome: 'failed' as const,
              error: new TftpError(TFTP_ERR.SOURCE, 'transfer could not start'),
              options: [],
              stats: emptyStats(spec.params.blockSize, spec.params.windowSize),
            };
            void cleanup()
              .then(() => emitTransfer(r))
              .catch((err: unknown) =>
                this.emit('warning', err instanceof Error ? err : new Error(String(err))),
              );
          },
        },
      );
      return;
    }
    const socket = await this.#transferSocket(session);
    if (!socket) {
      await cleanup();
      await sink?.discard();
      return refuse(new TftpError(TFTP_ERR.BUSY, 'Server busy'), filename);
    }
    session.socket = socket;

    // Upload: ordered writes with back-pressure (the engine holds its window ACK while we are behind).
    let writing = Promise.resolve();
    let pending = 0;
    let paused = false;
    const HIGH = 1 << 20;
    let uploadFailed = false;

    const driver = new EngineDriver(engine, socket, {
      ...(feed ? { onRead: feed } : {}),
      onDeliver: (chunk) => {
        if (!sink) return;
        const copy = chunk; // a view of the received datagram: Node allocates a fresh buffer per message
        pending += copy.length;
        if (pending > HIGH && !paused) {
          paused = true;
          driver.input({ type: 'pause' });
        }
        const target = sink;
        writing = writing.then(async () => {
          if (uploadFailed) return;
          try {
            await target.handle.write(copy);
          } catch {
            uploadFailed = true;
            driver.input({ type: 'abort', code: ERROR_CODE.DISK_FULL, message: 'Disk full or write error' });
          }
          pending -= copy.length;
          if (paused && pending < HIGH / 2) {
            paused = false;
            driver.input({ type: 'resume' });
          }
        });
      },
      // Uploads: the final ACK waits until the data is written, fsync'ed and linked into place, so a
      // client told "done" has its file on disk, and one whose file could not be stored hears an ERROR.
      onCommit: () => {
        const target = sink;
        if (!target) return;
        writing = writing.then(async () => {
          if (uploadFailed) return; // the write error already aborted the transfer
          try {
            await target.handle.sync();
            await target.commit();
            driver.input({ type: 'committed' });
          } catch (err) {
            uploadFailed = true;
            const e = TftpError.is(err) ? err : undefined;
            driver.input({
              type: 'commit-failed',
              message: e?.message ?? 'Disk full or write error',
              code: e?.tftpCode ?? ERROR_CODE.DISK_FULL,
            });
          }
        });
      },
      onDone: (r) => {
        session.abort.abort();
        const finish = async () => {
          let outcome = r;
          if (sink) {
            await writing;
            if (r.outcome === 'complete' && !uploadFailed) {
              try {
                await sink.commit();
              } catch (err) {
                outcome = {
                  ...r,
                  outcome: 'failed',
                  error: TftpError.is(err) ? err : new TftpError(TFTP_ERR.EXISTS, 'commit failed'),
                };
              }
            } else await sink.discard();
          }
          await cleanup();
          emitTransfer(outcome);
        };
        void finish().catch((err: unknown) =>
          this.emit('warning', err instanceof Error ? err : new Error(String(err))),
        );
      },
      onClose: () => this.#endSession(session),
    });
    session.driver = driver;
    if (session.ownsSocket) {
      socket.on('message', (msg, rinfo) => driver.datagram(msg, rinfo.address, rinfo.port));
    }
    driver.start();
  }

  /** A transfer socket for the worker: ephemeral or from the configured range; undefined when none is free. */
  #planeSocket(plane: DataPlane, session: Session): number | undefined {
    const mode = this.#opts.transferPorts;
    const host = this.#opts.host ?? '0.0.0.0';
    const open = (port: number): number | undefined => {
      try {
        return plane.openSocket(host, port);
      } catch (err) {
        this.emit('warning', err instanceof Error ? err : new Error(String(err)));
        return undefined;
      }
    };
    if (mode === undefined || mode === 'single') return open(0);
    const span = mode.to - mode.from + 1;
    for (let i = 0; i < Math.min(span, 64); i++) {
      const port = mode.from + ((this.#portCursor++ + i) % span);
      if (session.closed) return undefined;
      const fd = open(port);
      if (fd !== undefined) return fd;
    }
    return undefined;
  }

  async #transferSocket(session: Session): Promise<Socket | undefined> {
    const mode = this.#opts.transferPorts;
    if (mode === 'single') return this.#socket;
    const type = this.#socket.address().family === 'IPv6' ? 'udp6' : 'udp4';
    const host = this.#opts.host ?? '0.0.0.0';
    const tryBind = (port: number) =>
      new Promise<Socket | undefined>((resolve) => {
        const s = createSocket({ type, reuseAddr: false });
        s.once('error', () => {
          s.close();
          resolve(undefined);
        });
        s.bind({ port, address: host, exclusive: true }, () => {
          s.removeAllListeners('error');
          s.on('error', (err) => this.emit('warning', err));
          resolve(s);
        });
      });
    if (mode === undefined) return tryBind(0);
    const span = mode.to - mode.from + 1;
    for (let i = 0; i < Math.min(span, 64); i++) {
      const port = mode.from + ((this.#portCursor++ + i) % span);
      if (session.closed) return undefined;
      const s = await tryBind(port);
      if (s) return s;
    }
    return undefined;
  }

  #endSession(session: Session): void {
    if (session.closed) return;
    session.closed = true;
    session.abort.abort();
    session.driver?.dispose();
    if (session.ownsSocket && session.socket) {
      const socket = session.socket;
      const close = () => {
        try {
          socket.close();
        } catch {}
      };
      if (session.driver) session.driver.whenIdle(close);
      else close();
    }
    if (this.#sessions.get(session.key) === session) this.#sessions.delete(session.key);
  }
}

/** Pulls chunks from an async iterable on demand: only when the engine asks (bounded read-ahead). */
function streamFeeder(data: AsyncIterable<Uint8Array>, session: Session): (bytes: number) => void {
  const it = data[Symbol.asyncIterator]();
  let busy = false;
  let demand = false;
  return () => {
    demand = true;
    if (busy) return;
    busy = true;
    void (async () => {
      try {
        // One chunk per request; feeding it may make the engine ask again (sets `demand` synchronously).
        while (demand && !session.closed) {
          demand = false;
          const r = await it.next();
          if (r.done) {
            session.driver?.input({ type: 'source-end' });
            return;
          }
          const v: unknown = r.value;
          const chunk =
            v instanceof Uint8Array
              ? v
              : typeof v === 'string'
                ? new TextEncoder().encode(v)
                : new Uint8Array(v as ArrayBuffer);
          session.driver?.input({ type: 'source-data', bytes: chunk });
        }
      } catch {
        session.driver?.input({ type: 'source-error', message: 'Read error' });
      } finally {
        busy = false;
      }
    })();
  };
}

/**
 * Starts a TFTP server and resolves once it listens.
 *
 * @example
 * const server = await createTftpServer({ root: '/srv/tftp', port: 69 });
 * server.on('transfer', (t) => console.log(t.filename, t.outcome, t.stats.bytes));
 */
export async function createTftpServer(options: TftpServerOptions): Promise<TftpServer> {
  const threads = options.dataPlaneThreads;
  if (threads !== undefined && !validPlaneThreads(threads)) {
    throw new RangeError(`dataPlaneThreads must be an integer from 1 to 256, got ${String(threads)}`);
  }
  const host = options.host ?? '0.0.0.0';
  const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port: options.port ?? TFTP_PORT, address: host, exclusive: true }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  let plane: DataPlane | string = 'disabled by the dataPlane option';
  const want = options.dataPlane ?? 'auto';
  if (want !== 'dgram' && options.transferPorts === 'single') plane = 'single-port mode runs on dgram';
  else if (want !== 'dgram') {
    try {
      plane = await DataPlane.open(options.dataPlaneWorker, options.dataPlaneThreads);
    } catch (err) {
      plane = err instanceof Error ? err.message : String(err);
      if (want === 'worker') {
        socket.close();
        throw new TftpError(TFTP_ERR.SOURCE, `the worker data plane is unavailable: ${plane}`, 0, err);
      }
    }
  }
  return new TftpServer(options, socket, plane);
}

import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { buildRequestOptions } from '../engine/negotiate.js';
import { ReceiveTransfer } from '../engine/receiver.js';
import { SendTransfer } from '../engine/sender.js';
import type { Transfer, TransferResult } from '../engine/types.js';
import { TFTP_PORT } from '../wire/constants.js';
import { TFTP_ERR, TftpError } from '../wire/errors.js';
import type { TftpOption, TftpRequest } from '../wire/packet.js';
import { EngineDriver } from './driver.js';

export interface TftpProgress {
  readonly filename: string;
  readonly direction: 'get' | 'put';
  /** File bytes moved so far. */
  readonly bytes: number;
  /** Total size in bytes when known (tsize, or the size given to put). */
  readonly total: number | undefined;
}

export interface TftpTransferOptions {
  /** Block size to ask for (RFC 2348). Default 1468 (no IPv4 fragmentation on a 1500 MTU). */
  readonly blockSize?: number;
  /** Window size to ask for (RFC 7440). Default 1 (lock-step; every server understands it). */
  readonly windowSize?: number;
  /** Ask for / announce tsize (RFC 2349). Default true. */
  readonly tsize?: boolean;
  /** The `timeout` option in **seconds** (RFC 2349, 1..255). Not sent by default. */
  readonly timeoutSeconds?: number;
  /** Local retransmission timeout in ms when no `timeout` option is negotiated. Default 1000. */
  readonly timeoutMs?: number;
  /** Retransmissions before giving up. Default 5. */
  readonly retries?: number;
  /** Send no options at all (plain RFC 1350). Default false. */
  readonly noOptions?: boolean;
  /** Retry without options when the server refuses them with ERROR 8 (RFC 2347). Default true. */
  readonly fallback?: boolean;
  readonly mode?: 'octet' | 'netascii';
  /** Get: refuse files larger than this (tsize checked first). Default 4 GiB. */
  readonly maxSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: TftpProgress) => void;
}

export interface TftpClientOptions extends TftpTransferOptions {
  /** Server address or host name. */
  readonly host: string;
  /** Server port. Default 69. */
  readonly port?: number;
  /** Local address to bind. */
  readonly localAddress?: string;
}

export interface TftpClientEventMap {
  progress: [TftpProgress];
}

type Merged = TftpClientOptions & TftpTransferOptions;

/** What a transfer feeds or reports besides its result: received data, the driver, the size, an upload. */
interface RunHooks {
  readonly onData?: (c: Uint8Array) => void;
  readonly onDriver?: (d: EngineDriver) => void;
  /** The size the server announced (tsize), when it did. */
  readonly onSize?: (size: number) => void;
  readonly upload?: { data: Uint8Array | AsyncIterable<Uint8Array>; size: number | undefined };
}

/** `get()` writes blocks straight into one buffer of the announced size up to this size (1 GiB). */
const PREALLOCATE_MAX = 2 ** 30;

/**
 * A TFTP client for one server.
 *
 * @example
 * const client = createTftpClient({ host: '127.0.0.1', port: 6969 });
 * const bytes = await client.get('pxelinux.0', { blockSize: 1468, windowSize: 8 });
 */
export class TftpClient extends EventEmitter<TftpClientEventMap> {
  readonly #opts: TftpClientOptions;

  constructor(opts: TftpClientOptions) {
    super();
    this.#opts = opts;
  }

  /**
   * Downloads a whole file. With a `tsize` from the server each block is copied into the result as it
   * arrives (while it is still in cache; the datagram's buffer then dies young instead of being held
   * to the end); without one, or past it, blocks are kept and joined at the end.
   */
  async get(filename: string, options: TftpTransferOptions = {}): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    let buf: Uint8Array | undefined;
    let filled = 0;
    await this.#run(
      'get',
      filename,
      { ...this.#opts, ...options },
      {
        onData: (c) => {
          total += c.length;
          if (buf !== undefined && filled + c.length <= buf.length) {
            buf.set(c, filled);
            filled += c.length;
            return;
          }
          if (buf !== undefined) {
            // More than the server announced: keep what is filled, go on in chunks.
            chunks.push(buf.subarray(0, filled));
            buf = undefined;
          }
          chunks.push(c);
        },
        onSize: (size) => {
          // Not zero-filled (every byte is written before it is read), so an announced size that never
          // comes costs address space, not memory. Over PREALLOCATE_MAX: chunks.
          if (chunks.length === 0 && total === 0 && size > 0 && size <= PREALLOCATE_MAX) {
            buf = new Uint8Array(Buffer.allocUnsafeSlow(size).buffer, 0, size);
            filled = 0;
          }
        },
      },
    );
    if (buf !== undefined && chunks.length === 0)
      return filled === buf.length ? buf : buf.subarray(0, filled);
    if (buf !== undefined) chunks.push(buf.subarray(0, filled));
    const out = new Uint8Array(total);
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }

  /**
   * Downloads as a Node Readable (also an async iterable of chunks). A slow consumer holds the window
   * ACK back (flow control) instead of buffering without bound.
   */
  getStream(filename: string, options: TftpTransferOptions = {}): Readable {
    let driverRef: EngineDriver | undefined;
    let paused = false;
    const stream = new Readable({
      read() {
        if (paused) {
          paused = false;
          driverRef?.input({ type: 'resume' });
        }
      },
    });
    // Blocks are batched into chunks of up to 64 KiB (or whatever arrived in one turn of the event loop):
    // one stream chunk per 1468-byte block costs more than the transfer itself.
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let scheduled = false;
    const flush = (): void => {
      scheduled = false;
      if (pendingBytes === 0) return;
      const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      if (!stream.push(chunk) && !paused) {
        paused = true;
        driverRef?.input({ type: 'pause' });
      }
    };
    this.#run(
      'get',
      filename,
      { ...this.#opts, ...options },
      {
        onData: (c) => {
          pending.push(c);
          pendingBytes += c.length;
          if (pendingBytes >= 65_536) flush();
          else if (!scheduled) {
            scheduled = true;
            setImmediate(flush);
          }
        },
        onDriver: (d) => {
          driverRef = d;
        },
      },
    ).then(
      () => {
        flush();
        stream.push(null);
      },
      (err: unknown) => stream.destroy(err as Error),
    );
    return stream;
  }

  /** Uploads `data` (bytes or an async iterable of chunks) as `filename`. */
  async put(
    filename: string,
    data: Uint8Array | AsyncIterable<Uint8Array>,
    options: TftpTransferOptions & { size?: number } = {},
  ): Promise<TransferResult> {
    const size = options.size ?? (data instanceof Uint8Array ? data.length : undefined);
    return this.#run('put', filename, { ...this.#opts, ...options }, { upload: { data, size } });
  }

  async #run(
    direction: 'get' | 'put',
    filename: string,
    opts: Merged,
    hooks: RunHooks,
  ): Promise<TransferResult> {
    const { upload } = hooks;
    const first = await this.#attempt(direction, filename, opts, false, hooks);
    if (first.outcome === 'complete') return first;
    if (
      first.optionsRefused &&
      opts.fallback !== false &&
      !(upload && !(upload.data instanceof Uint8Array))
    ) {
      const second = await this.#attempt(direction, filename, opts, true, hooks);
      if (second.outcome === 'complete') return second;
      throw second.error ?? new TftpError(TFTP_ERR.ABORTED, 'transfer did not complete');
    }
    throw first.error ?? new TftpError(TFTP_ERR.ABORTED, 'transfer did not complete');
  }

  async #attempt(
    direction: 'get' | 'put',
    filename: string,
    opts: Merged,
    plain: boolean,
    { onData, onDriver, upload, onSize }: RunHooks,
  ): Promise<TransferResult> {
    opts.signal?.throwIfAborted();
    const address = isIP(opts.host) ? opts.host : (await lookup(opts.host)).address;
    const family = isIP(address) === 6 ? 'udp6' : 'udp4';
    const port = opts.port ?? TFTP_PORT;
    const kind = direction === 'get' ? 'rrq' : 'wrq';
    const options: TftpOption[] =
      plain || opts.noOptions
        ? []
        : buildRequestOptions(
            {
              blockSize: opts.blockSize ?? 1468,
              ...(opts.windowSize !== undefined && opts.windowSize > 1
                ? { windowSize: opts.windowSize }
                : {}),
              ...(opts.timeoutSeconds !== undefined ? { timeoutSeconds: opts.timeoutSeconds } : {}),
              ...(opts.tsize === false
                ? {}
                : { tsize: direction === 'get' ? true : (upload?.size ?? false) }),
            },
            kind,
          );
    const request: TftpRequest = { type: kind, filename, mode: opts.mode ?? 'octet', options };
    const retry = { ...(opts.retries === undefined ? {} : { maxRetries: opts.retries }) };
    const params = { blockSize: 512, windowSize: 1, timeoutMs: opts.timeoutMs ?? 1000, rollover: 0 as const };
    const peer = { address, port };
    const netascii = (opts.mode ?? 'octet') === 'netascii';
    const engine: Transfer =
      direction === 'get'
        ? new ReceiveTransfer({
            role: 'client',
            peer,
            request,
            params,
            retry,
            netascii,
            maxBytes: opts.maxSize ?? 2 ** 32,
            lingerMs: Math.min(3 * params.timeoutMs, 3000),
          })
        : new SendTransfer({ role: 'client', peer, request, params, retry, netascii });

    const socket: Socket = createSocket({ type: family });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ port: 0, ...(opts.localAddress ? { address: opts.localAddress } : {}) }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', () => {});

    let bytes = 0;
    let total = direction === 'put' ? upload?.size : undefined;
    const progress = () => {
      // Per-block events cost an object each: only build them when someone listens.
      if (!opts.onProgress && this.listenerCount('progress') === 0) return;
      const p: TftpProgress = { filename, direction, bytes, total };
      opts.onProgress?.(p);
      this.emit('progress', p);
    };

    return new Promise<TransferResult>((resolve) => {
      let feed: (() => void) | undefined;
      const driver = new EngineDriver(
        engine,
        socket,
        {
          onDeliver: (c) => {
            bytes += c.length;
            onData?.(c);
            progress();
          },
          onNegotiated: (a) => {
            if (direction === 'get' && a.params.tsize !== undefined) {
              total = a.params.tsize;
              onSize?.(a.params.tsize);
            }
          },
          onRead: () => feed?.(),
          onDone: (r) => {
            // Lingering for a repeated final DATA must not keep the process alive.
            socket.unref();
            if (direction === 'put') {
              bytes = r.stats.bytes;
              progress();
            }
            opts.signal?.removeEventListener('abort', onAbort);
            resolve(r);
          },
          onClose: () =>
            driver.whenIdle(() => {
              try {
                socket.close();
              } catch {}
            }),
        },
        8,
        true,
      );
      const onAbort = () => driver.input({ type: 'abort', message: 'Transfer aborted by user' });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      socket.on('message', (msg, rinfo) => driver.datagram(msg, rinfo.address, rinfo.port));
      onDriver?.(driver);
      if (upload) {
        const data = upload.data;
        if (data instanceof Uint8Array) {
          feed = () => {
            feed = undefined;
            driver.input({ type: 'source-data', bytes: data });
            driver.input({ type: 'source-end' });
          };
        } else {
          const it = data[Symbol.asyncIterator]();
          let busy = false;
          let demand = false;
          feed = () => {
            demand = true;
            if (busy) return;
            busy = true;
            void (async () => {
              try {
                while (demand && !driver.closed) {
                  demand = false;
                  const r = await it.next();
                  if (r.done) {
                    driver.input({ type: 'source-end' });
                    return;
                  }
                  driver.input({ type: 'source-data', bytes: r.value });
                }
              } catch {
                driver.input({ type: 'source-error', message: 'Read error' });
              } finally {
                busy = false;
              }
            })();
          };
        }
      }
      driver.start();
    });
  }
}

/** Creates a client bound to one server. */
export function createTftpClient(options: TftpClientOptions): TftpClient {
  return new TftpClient(options);
}

/**
 * One-shot download.
 * @example
 * const bytes = await tftpGet({ host: '10.0.0.1' }, 'pxelinux.0');
 */
export function tftpGet(options: TftpClientOptions, filename: string): Promise<Uint8Array> {
  return new TftpClient(options).get(filename);
}

/** One-shot upload. */
export function tftpPut(
  options: TftpClientOptions,
  filename: string,
  data: Uint8Array | AsyncIterable<Uint8Array>,
): Promise<TransferResult> {
  return new TftpClient(options).put(filename, data);
}

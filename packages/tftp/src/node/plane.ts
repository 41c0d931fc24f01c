/**
 * The TFTP data plane, main-thread side. Read transfers (RRQ of files, cached files and in-memory virtual
 * files) can run on a worker thread that owns their sockets and drives them with epoll through koffi:
 * a lock-step block then costs three syscalls and the pure engine, without a libuv round trip, a 64 KiB
 * receive buffer per datagram and a JS callback per packet on the main thread. Measured on this project's
 * lab: a UDP request/response costs ≈7.3 µs through dgram and ≈3.9 µs through this path (C: ≈3.5 µs).
 * See docs/decisions.md, "TFTP data plane".
 *
 * The main thread keeps requests, the jail, the cache and events; it creates each transfer's socket (so a
 * bind failure is answered at once), posts a `start` to one of the worker threads and rings its eventfd.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { emptyStats } from '../engine/base.js';
import type { TransferResult } from '../engine/types.js';
import { TftpError } from '../wire/errors.js';
import type { PlaneFromWorker, PlaneResult, PlaneStart, PlaneToWorker } from './plane-protocol.js';
import { loadSys, openEventFd, openUdpSocket, type Sys } from './plane-sys.js';

/** What a transfer needs besides its id and socket. */
export type PlaneTransferSpec = Omit<PlaneStart, 't' | 'id' | 'fd'>;

export interface PlaneHooks {
  onDone(result: TransferResult): void;
  /** The worker closed the socket: the source (file handle) may be released. */
  onClose(): void;
}

/** A transfer running on one of the plane's threads. */
export class PlaneTransfer {
  readonly #thread: PlaneThread;
  readonly id: number;
  /** @internal */
  constructor(thread: PlaneThread, id: number) {
    this.#thread = thread;
    this.id = id;
  }
  /** Ends the transfer with an ERROR to the peer. */
  abort(message: string): void {
    this.#thread.post({ t: 'abort', id: this.id, message });
  }
}

function resolveWorker(explicit: string | URL | undefined): URL | undefined {
  if (explicit !== undefined) {
    const url = typeof explicit === 'string' ? pathToFileURL(explicit) : explicit;
    return url.protocol !== 'file:' || existsSync(fileURLToPath(url)) ? url : undefined;
  }
  // Built package (and bundles that ship the worker beside them): dist/plane-worker.js.
  const sibling = new URL('./plane-worker.js', import.meta.url);
  if (sibling.protocol === 'file:' && existsSync(fileURLToPath(sibling))) return sibling;
  // Running from source (tests): the package's own built worker, through its exports map.
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('@pxekit/tftp/plane-worker'));
  } catch {
    return undefined;
  }
}

/** The default thread count: one per CPU, at most 4. */
export function defaultPlaneThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Whether `n` is an acceptable `dataPlaneThreads`: an integer from 1 to 256. */
export function validPlaneThreads(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 256;
}

/** One worker thread, its doorbell and the transfers it runs. */
class PlaneThread {
  readonly #sys: Sys;
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #efd: number;
  readonly #bell = new Uint8Array(8);
  /** Set with every post: the worker checks it when it is not sleeping on the eventfd (one lone transfer). */
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));
  /** Transfers started here and not yet closed. */
  readonly live: Map<number, PlaneHooks> = new Map();
  dead: string | undefined;
  readonly exited: Promise<void>;

  constructor(
    sys: Sys,
    url: URL,
    onMessage: (m: PlaneFromWorker) => void,
    onDeath: (message: string) => void,
  ) {
    this.#sys = sys;
    this.#efd = openEventFd(sys);
    new DataView(this.#bell.buffer).setUint32(0, 1, true);
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.#worker = new Worker(url, {
      workerData: { port: port2, efd: this.#efd, flag: this.#flag },
      transferList: [port2],
    });
    this.#worker.unref();
    this.#worker.on('message', onMessage);
    this.#worker.on('error', (err) => onDeath(err.message));
    this.exited = new Promise((resolve) =>
      this.#worker.once('exit', () => {
        onDeath('data-plane worker exited');
        resolve();
      }),
    );
  }

  post(m: PlaneToWorker): void {
    if (this.dead !== undefined) return;
    this.#port.postMessage(m);
    Atomics.store(this.#flag, 0, 1);
    this.#sys.write(this.#efd, this.#bell, 8);
  }

  async close(): Promise<void> {
    if (this.dead === undefined) {
      this.post({ t: 'stop' });
      await this.exited;
    }
    this.#port.close();
    this.#sys.close(this.#efd);
  }
}

/**
 * The worker threads (one per CPU by default, see {@link defaultPlaneThreads}). A transfer goes to the
 * living thread running the fewest, and stays there. Several threads let read transfers use several
 * CPUs, as the forking and threaded C servers do. Open with {@link DataPlane.open}; it rejects with the
 * reason when the mechanism is unavailable (not Linux, koffi missing, worker script not built).
 */
export class DataPlane {
  readonly #sys: Sys;
  readonly #threads: PlaneThread[];
  /** Transfer ids, unique across the threads. */
  #next = 1;
  /** Called when a thread dies, with how many still run: the dead thread's transfers have been failed. */
  onFatal: ((message: string, remaining: number) => void) | undefined;

  private constructor(sys: Sys, url: URL, threads: number) {
    this.#sys = sys;
    this.#threads = [];
    for (let i = 0; i < threads; i++) {
      const thread: PlaneThread = new PlaneThread(
        sys,
        url,
        (m) => this.#onMessage(thread, m),
        (message) => this.#fail(thread, message),
      );
      this.#threads.push(thread);
    }
  }

  /** `threads`: how many worker threads (default {@link defaultPlaneThreads}; createTftpServer checks the range). */
  static async open(worker?: string | URL, threads: number = defaultPlaneThreads()): Promise<DataPlane> {
    const sys = await loadSys();
    await import('koffi'); // the worker needs it too: fail here, on the main thread, with a clear reason
    const url = resolveWorker(worker);
    if (!url) {
      throw new Error(
        worker === undefined
          ? 'the data-plane worker script is not built (run the package build)'
          : `the data-plane worker script was not found: ${String(worker)}`,
      );
    }
    return new DataPlane(sys, url, threads);
  }

  /** Worker threads still running. */
  get threads(): number {
    return this.#threads.filter((t) => t.dead === undefined).length;
  }

  get alive(): boolean {
    return this.threads > 0;
  }

  /** A bound non-blocking UDP socket for one transfer, or undefined when the port is taken. */
  openSocket(host: string, port: number): number | undefined {
    return openUdpSocket(this.#sys, host, port);
  }

  /** Hands a transfer (and its socket `fd`) to the living thread with the fewest transfers; needs `alive`. */
  start(fd: number, spec: PlaneTransferSpec, hooks: PlaneHooks): PlaneTransfer {
    let thread: PlaneThread | undefined;
    for (const t of this.#threads) {
      if (t.dead === undefined && (thread === undefined || t.live.size < thread.live.size)) thread = t;
    }
    // The caller checks `alive` in the same turn; a thread dies only in an event, never in between.
    if (thread === undefined) throw new Error('the data plane has no running thread');
    const id = this.#next++;
    thread.live.set(id, hooks);
    thread.post({ t: 'start', id, fd, ...spec });
    return new PlaneTransfer(thread, id);
  }

  #onMessage(thread: PlaneThread, m: PlaneFromWorker): void {
    if (m.t === 'fatal') {
      this.#fail(thread, m.message);
      return;
    }
    const hooks = thread.live.get(m.id);
    if (!hooks) return;
    if (m.t === 'done') hooks.onDone(revive(m.result));
    else {
      thread.live.delete(m.id);
      hooks.onClose();
    }
  }

  #fail(thread: PlaneThread, message: string): void {
    if (thread.dead !== undefined) return;
    thread.dead = message;
    const live = [...thread.live.values()];
    thread.live.clear();
    for (const h of live) {
      h.onDone(revive(lost(message)));
      h.onClose();
    }
    this.onFatal?.(message, this.threads);
  }

  /** Aborts running transfers (ERROR 0 to their peers), closes their sockets and ends the threads. */
  async close(): Promise<void> {
    await Promise.all(this.#threads.map((t) => t.close()));
  }
}

function revive(r: PlaneResult): TransferResult {
  return {
    outcome: r.outcome,
    options: r.options,
    stats: r.stats,
    ...(r.optionsRefused ? { optionsRefused: true } : {}),
    ...(r.error ? { error: new TftpError(r.error.code, r.error.message, r.error.tftpCode) } : {}),
  };
}

function lost(message: string): PlaneResult {
  return {
    outcome: 'aborted',
    options: [],
    stats: emptyStats(0, 0),
    error: { code: 'TFTP_ERR_ABORTED', message, tftpCode: 0 },
  };
}

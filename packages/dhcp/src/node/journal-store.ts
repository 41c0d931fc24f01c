/**
 * The embedded default lease store: an append-only journal file on local disk (record format and replay
 * in lease/journal.ts).
 *
 * Durability: `flush()` resolves only after the records queued before it are written and, with the
 * default `durability: 'fsync'`, `fdatasync`ed. Puts from the same turn of the event loop and those that
 * arrive while a sync is running share the next write and sync (group commit), so the sync cost is paid
 * per batch, not per lease. The server awaits `flush()` before a DHCPACK leaves.
 *
 * Compaction: when the file holds `compactAfter` more records than there are leases, the live set is
 * written to `<path>.tmp`, synced, renamed over the journal and the directory synced, so a crash at any
 * point leaves either the old or the new complete file. On open the journal is always rewritten this way,
 * which also drops a torn last record before anything is appended after it.
 */
import { writeSync } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  decodeJournal,
  encodeJournalRecord,
  encodeJournalSnapshot,
  type JournalProblem,
  replayJournal,
} from '../lease/journal.js';
import type { LeaseStore } from '../lease/store.js';
import { LeaseTable } from '../lease/table.js';
import type { Lease } from '../lease/types.js';
import { ipv4ToNumber } from '../lease/ipv4.js';

export interface JournalLeaseStoreOptions {
  /**
   * `'fsync'` (default): every flush is synced to disk before it resolves. `'none'`: written to the OS
   * only; a power cut may lose recent leases (a process crash does not).
   */
  readonly durability?: 'fsync' | 'none';
  /** Records beyond the live lease count before the journal is compacted. Default 10 000. */
  readonly compactAfter?: number;
  /**
   * Shortest time between the starts of two syncs, ms. Records that arrive in between wait and share the
   * next one, so under load the disk sees one `fdatasync` per interval instead of one per event-loop turn;
   * an idle store syncs at once. Default 4 (`DEFAULT_SYNC_INTERVAL_MS`); 0 syncs again as soon as the
   * previous sync has finished. A DHCPACK under load may wait up to this much longer for its sync.
   */
  readonly syncIntervalMs?: number;
}

/** Default `syncIntervalMs`: at most 250 syncs a second under load (see docs/decisions.md, Server). */
export const DEFAULT_SYNC_INTERVAL_MS: number = 4;

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

async function syncDirectory(dir: string): Promise<void> {
  const fd = await open(dir, 'r');
  try {
    await fd.sync();
  } finally {
    await fd.close();
  }
}

/** A `LeaseStore` backed by a journal file. Create with `openJournalLeaseStore`. */
export class JournalLeaseStore implements LeaseStore {
  readonly path: string;
  /** What was wrong with the file when it was opened (a torn last record is normal after a crash). */
  readonly problems: readonly JournalProblem[];
  /** Counters: write batches (one write + one sync each), records appended, compactions and failed ones. */
  readonly stats: { batches: number; records: number; compactions: number; compactionErrors: number } = {
    batches: 0,
    records: 0,
    compactions: 0,
    compactionErrors: 0,
  };
  readonly #live = new LeaseTable();
  readonly #fsync: boolean;
  readonly #compactAfter: number;
  readonly #syncIntervalMs: number;
  #lastSync = Number.NEGATIVE_INFINITY;
  #fh: FileHandle;
  #pending: string[] = [];
  #waiters: Waiter[] = [];
  #running = false;
  #appended = 0;
  #closed = false;
  #loaded: readonly Lease[];

  /** @internal use openJournalLeaseStore */
  constructor(
    path: string,
    fh: FileHandle,
    leases: readonly Lease[],
    problems: readonly JournalProblem[],
    options: JournalLeaseStoreOptions,
  ) {
    this.path = path;
    this.#fh = fh;
    this.problems = problems;
    this.#loaded = leases;
    for (const l of leases) this.#live.put(l);
    this.#fsync = (options.durability ?? 'fsync') === 'fsync';
    this.#compactAfter = options.compactAfter ?? 10_000;
    this.#syncIntervalMs = options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS;
  }

  load(): Promise<readonly Lease[]> {
    return Promise.resolve(this.#loaded);
  }

  put(lease: Lease): void {
    if (this.#closed) throw new Error('JournalLeaseStore: put after close');
    this.#live.put(lease);
    this.#pending.push(encodeJournalRecord({ t: 'put', l: lease }));
  }

  delete(address: string): void {
    if (this.#closed) throw new Error('JournalLeaseStore: delete after close');
    this.#live.delete(ipv4ToNumber(address, 'lease'));
    this.#pending.push(encodeJournalRecord({ t: 'del', a: address }));
  }

  flush(): Promise<void> {
    if (this.#pending.length === 0 && !this.#running) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      if (!this.#running) {
        this.#running = true;
        // setImmediate lets every put of this turn of the event loop join the batch.
        setImmediate(() => void this.#run());
      }
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    await this.#fh.close();
  }

  /** Number of lease records the journal represents. */
  get size(): number {
    return this.#live.size;
  }

  async #run(): Promise<void> {
    // Bounded: each iteration drains what was queued; it ends when a pass finds nothing new.
    while (this.#pending.length > 0 || this.#waiters.length > 0) {
      if (this.#fsync && this.#syncIntervalMs > 0) {
        const wait = this.#lastSync + this.#syncIntervalMs - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.#lastSync = performance.now();
      }
      const batch = this.#pending;
      const waiters = this.#waiters;
      this.#pending = [];
      this.#waiters = [];
      try {
        if (batch.length > 0) {
          // The append itself is written here, synchronously: it only copies into the page cache (a few µs),
          // and a thread-pool round trip for it would cost two thread wake-ups per batch on a busy machine.
          // Only the sync, which waits for the disk, goes to the thread pool.
          writeAll(this.#fh.fd, Buffer.from(batch.join(''), 'utf8'));
          if (this.#fsync) await this.#fh.datasync();
          this.#appended += batch.length;
          this.stats.batches++;
          this.stats.records += batch.length;
          // The batch is durable now; a failed compaction must not fail it (the old journal stays valid).
          if (this.#appended > this.#compactAfter + this.#live.size)
            await this.#compact().catch(() => this.stats.compactionErrors++);
        }
        for (const w of waiters) w.resolve();
      } catch (error) {
        for (const w of waiters) w.reject(error);
      }
    }
    this.#running = false;
  }

  /** Rewrites the journal as a snapshot of the live set (temp file, sync, rename, sync directory). */
  async #compact(): Promise<void> {
    // The old handle stays open until the new file is in place: if anything fails, appends go on as before.
    const next = await writeSnapshot(this.path, this.#live.values());
    const old = this.#fh;
    this.#fh = next;
    this.#appended = 0;
    this.stats.compactions++;
    await old.close();
  }
}

/** write(2) until every byte is out (a regular file takes all at once unless the disk is full). */
function writeAll(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

async function writeSnapshot(path: string, leases: Iterable<Lease>): Promise<FileHandle> {
  const tmp = `${path}.tmp`;
  const out = await open(tmp, 'w', 0o640);
  try {
    await out.writeFile(encodeJournalSnapshot(leases));
    await out.sync();
  } finally {
    await out.close();
  }
  await rename(tmp, path);
  await syncDirectory(dirname(path));
  return open(path, 'a');
}

/**
 * Opens (or creates) a journal, replays it, and rewrites it compacted. A torn or damaged record is
 * skipped and listed in `store.problems`; it never stops the server from starting.
 *
 * @example
 * const store = await openJournalLeaseStore('/var/lib/pxekit/leases.journal');
 * const leases = await store.load();
 */
export async function openJournalLeaseStore(
  path: string,
  options: JournalLeaseStoreOptions = {},
): Promise<JournalLeaseStore> {
  await mkdir(dirname(path), { recursive: true });
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const decoded = decodeJournal(text);
  const leases = replayJournal(decoded.records);
  await rm(`${path}.tmp`, { force: true });
  const fh = await writeSnapshot(path, leases);
  return new JournalLeaseStore(path, fh, leases, decoded.problems, options);
}

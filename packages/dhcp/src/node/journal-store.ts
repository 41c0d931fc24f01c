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
 * rewritten as a snapshot in the background, while appends and syncs go on to the old journal: the
 * live set is copied at one instant, written to `<path>.tmp` a slice per event-loop turn and synced; every
 * record queued after that instant is kept aside too. Then, between two batches, the kept records are
 * appended to the temp file, it is synced, renamed over the journal and the directory synced, and appends
 * continue on it. Only that last step holds batches back (one small sync and a rename), so a large lease
 * set never stalls DHCPACKs for the time it takes to write it. A crash at any point leaves either the old
 * or the new complete file. On open the journal is always rewritten (synchronously, before serving),
 * which also drops a torn last record before anything is appended after it.
 */
import { writeSync } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  decodeJournal,
  encodeJournalRecord,
  encodeJournalSnapshot,
  journalHeader,
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

/** Leases encoded per event-loop turn while a snapshot is written in the background. */
const SNAPSHOT_SLICE = 512;

/** A background compaction in progress (see the module comment). */
interface Compaction {
  /** Records queued after the live set was copied, in order: the new file's tail. */
  readonly tail: string[];
  /** The temp file, once the snapshot part is written and synced; the journal's next handle. */
  file?: FileHandle;
  /** Set by close(): the compaction stops and removes its temp file. */
  abandoned: boolean;
  /** Resolves when the compaction has ended, switched or failed. */
  readonly done: Promise<void>;
  readonly end: () => void;
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
  /** The last record of each address, for compaction. No expiry index: the engine's table has that. */
  readonly #live = new LeaseTable({ expiryIndex: false });
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
  #compaction: Compaction | undefined;

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
    this.#queue(encodeJournalRecord({ t: 'put', l: lease }));
  }

  delete(address: string): void {
    if (this.#closed) throw new Error('JournalLeaseStore: delete after close');
    this.#live.delete(ipv4ToNumber(address, 'lease'));
    this.#queue(encodeJournalRecord({ t: 'del', a: address }));
  }

  #queue(line: string): void {
    this.#pending.push(line);
    this.#compaction?.tail.push(line);
  }

  flush(): Promise<void> {
    if (this.#pending.length === 0 && !this.#running) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#kick();
    });
  }

  /** Resolves when no compaction is running (tests, and callers that want the file in its final shape). */
  async idle(): Promise<void> {
    while (this.#compaction !== undefined) await this.#compaction.done;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    if (this.#compaction !== undefined) this.#compaction.abandoned = true;
    await this.idle();
    await this.#fh.close();
  }

  /** Number of lease records the journal represents. */
  get size(): number {
    return this.#live.size;
  }

  #kick(): void {
    if (this.#running) return;
    this.#running = true;
    // setImmediate lets every put of this turn of the event loop join the batch.
    setImmediate(() => void this.#run());
  }

  async #run(): Promise<void> {
    // Bounded: each iteration drains what was queued; it ends when a pass finds nothing new.
    while (this.#pending.length > 0 || this.#waiters.length > 0 || this.#compaction?.file !== undefined) {
      // Between batches is the one place the journal may change files (nothing is being written).
      const ready = this.#compaction;
      if (ready?.file !== undefined) await this.#switch(ready, ready.file);
      if (this.#pending.length === 0 && this.#waiters.length === 0) continue;
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
          if (this.#compaction === undefined && this.#appended > this.#compactAfter + this.#live.size) {
            this.#startCompaction();
          }
        }
        for (const w of waiters) w.resolve();
      } catch (error) {
        for (const w of waiters) w.reject(error);
      }
    }
    this.#running = false;
  }

  /**
   * Copies the live set now and writes it to the temp file in the background, a slice per turn; records
   * queued from now on are kept in the compaction's tail. A failure leaves the old journal in use.
   */
  #startCompaction(): void {
    const leases = [...this.#live.values()];
    let end = (): void => {};
    const done = new Promise<void>((resolve) => {
      end = resolve;
    });
    const compaction: Compaction = { tail: [], abandoned: false, done, end };
    this.#compaction = compaction;
    void (async () => {
      const tmp = `${this.path}.tmp`;
      let out: FileHandle | undefined;
      try {
        out = await open(tmp, 'w', 0o640);
        writeAll(out.fd, Buffer.from(journalHeader(), 'utf8'));
        for (let i = 0; i < leases.length && !compaction.abandoned; i += SNAPSHOT_SLICE) {
          // One slice per turn: requests keep being served while a large lease set is written.
          await new Promise((resolve) => setImmediate(resolve));
          let text = '';
          for (const l of leases.slice(i, i + SNAPSHOT_SLICE)) text += encodeJournalRecord({ t: 'put', l });
          writeAll(out.fd, Buffer.from(text, 'utf8'));
        }
        // The bulk is synced here, off the batch path; the switch then syncs only the tail.
        if (!compaction.abandoned) await out.datasync();
        if (compaction.abandoned) throw new Error('closed');
        compaction.file = out;
        // The batch loop makes the switch, between two batches.
        this.#kick();
      } catch {
        if (!compaction.abandoned) this.stats.compactionErrors++;
        this.#compaction = undefined;
        await out?.close().catch(() => {});
        await rm(tmp, { force: true }).catch(() => {});
        end();
      }
    })();
  }

  /**
   * Finishes a compaction, from the batch loop: the kept records go to the temp file, which is synced and
   * renamed over the journal; appends continue on it. Records still queued were queued either before the
   * copy (so they are in the snapshot) or after it (so they are in the tail): the queue is emptied, and
   * the next batch carries only later ones. Their waiters stay and resolve with that batch, once
   * everything is in the new file and synced. If the temp file cannot be finished, nothing changes.
   */
  async #switch(compaction: Compaction, file: FileHandle): Promise<void> {
    const queued = this.#pending;
    this.#compaction = undefined;
    this.#pending = [];
    try {
      if (compaction.abandoned) throw new Error('closed');
      writeAll(file.fd, Buffer.from(compaction.tail.join(''), 'utf8'));
      await file.datasync();
      await rename(`${this.path}.tmp`, this.path);
    } catch {
      // The old journal stays in use, complete; what was queued goes to it as before.
      this.#pending = queued.concat(this.#pending);
      if (!compaction.abandoned) this.stats.compactionErrors++;
      await file.close().catch(() => {});
      await rm(`${this.path}.tmp`, { force: true }).catch(() => {});
      compaction.end();
      return;
    }
    // Renamed: from here on the new file is the journal, whatever else fails.
    const old = this.#fh;
    this.#fh = file;
    this.#appended = compaction.tail.length;
    this.stats.compactions++;
    await syncDirectory(dirname(this.path)).catch(() => this.stats.compactionErrors++);
    await old.close().catch(() => {});
    compaction.end();
  }
}

/** write(2) until every byte is out (a regular file takes all at once unless the disk is full). */
function writeAll(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

/** Writes a whole snapshot to `<path>.tmp`, syncs it, renames it over `path`; returns it open for appends. */
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

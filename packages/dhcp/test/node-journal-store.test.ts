import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeJournal, encodeJournalRecord, replayJournal } from '../src/lease/journal.js';
import type { Lease } from '../src/lease/types.js';
import { openJournalLeaseStore } from '../src/node/journal-store.js';

const lease = (i: number, over: Partial<Lease> = {}): Lease => ({
  address: `10.0.${i >> 8}.${i & 255}`,
  subnet: 'lab',
  clientKey: `hw:c${i}`,
  mac: '02:00:00:00:00:01',
  state: 'bound',
  start: 1,
  expires: 2,
  ...over,
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pxekit-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What a restart would find: opens the journal at `path` again, loads it and closes it. */
async function reloaded(path: string): Promise<readonly Lease[]> {
  const again = await openJournalLeaseStore(path);
  try {
    return await again.load();
  } finally {
    await again.close();
  }
}

describe('JournalLeaseStore', () => {
  it('persists what was flushed and reloads it after a restart', async () => {
    const path = join(dir, 'leases.journal');
    const a = await openJournalLeaseStore(path);
    expect(await a.load()).toEqual([]);
    a.put(lease(1));
    a.put(lease(2));
    a.delete('10.0.0.1');
    a.put(lease(3, { state: 'released' }));
    await a.flush();
    // No close: a crash after the flush must lose nothing.
    const b = await openJournalLeaseStore(path);
    expect([...(await b.load())].sort((x, y) => x.address.localeCompare(y.address))).toEqual([
      lease(2),
      lease(3, { state: 'released' }),
    ]);
    await b.close();
    await a.close();
  });

  it('groups concurrent flushes into few writes and resolves them all', async () => {
    const path = join(dir, 'group.journal');
    const s = await openJournalLeaseStore(path);
    const flushes: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      s.put(lease(i));
      flushes.push(s.flush());
    }
    await Promise.all(flushes);
    // All 200 puts of one event-loop turn share one write and one sync.
    expect(s.stats).toEqual({ batches: 1, records: 200, compactions: 0, compactionErrors: 0 });
    const text = await readFile(path, 'utf8');
    expect(decodeJournal(text).records).toHaveLength(201);
    await s.close();
  });

  it('with syncIntervalMs, puts of later turns that arrive within the interval share the next sync', async () => {
    const path = join(dir, 'interval.journal');
    // A long interval, so the later puts certainly arrive inside it; nothing here measures time.
    const s = await openJournalLeaseStore(path, { syncIntervalMs: 1000 });
    s.put(lease(1));
    await s.flush();
    const later: Promise<void>[] = [];
    for (let i = 2; i <= 4; i++) {
      await new Promise((r) => setImmediate(r)); // a separate event-loop turn for each put
      s.put(lease(i));
      later.push(s.flush());
    }
    await Promise.all(later);
    expect(s.stats.batches).toBe(2);
    expect(s.stats.records).toBe(4);
    expect(await reloaded(path)).toHaveLength(4);
    await s.close();
  });

  it('ignores a torn last record on open and appends cleanly after it', async () => {
    const path = join(dir, 'torn.journal');
    const s = await openJournalLeaseStore(path);
    s.put(lease(1));
    await s.flush();
    await s.close();
    // A crash in the middle of a write leaves half a line behind.
    const half = encodeJournalRecord({ t: 'put', l: lease(2) });
    await appendFile(path, half.slice(0, half.length / 2));
    const t = await openJournalLeaseStore(path);
    expect(t.problems.map((p) => p.reason)).toEqual(['torn-tail']);
    expect(await t.load()).toEqual([lease(1)]);
    t.put(lease(3));
    await t.close();
    const u = await openJournalLeaseStore(path);
    expect(u.problems).toEqual([]);
    expect((await u.load()).map((l) => l.address)).toEqual(['10.0.0.1', '10.0.0.3']);
    await u.close();
  });

  it('compacts through a temp file once the journal outgrows the live set', async () => {
    const path = join(dir, 'compact.journal');
    const s = await openJournalLeaseStore(path, { compactAfter: 50, durability: 'none' });
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 20; i++) s.put(lease(i, { expires: round }));
      await s.flush();
      // Each compaction finishes before the next puts (else its tail holds what arrives meanwhile).
      await s.idle();
    }
    const lines = (await readFile(path, 'utf8')).split('\n').length - 1;
    expect(lines).toBeLessThanOrEqual(1 + 20 + 50 + 20);
    expect(s.stats.compactions).toBeGreaterThan(0);
    await s.close();
    const loaded = await reloaded(path);
    expect(loaded.every((l) => l.expires === 9)).toBe(true);
    expect(loaded).toHaveLength(20);
  });

  it('compacts in the background: flushes resolve while a large snapshot is still being written', async () => {
    const path = join(dir, 'background.journal');
    const s = await openJournalLeaseStore(path, { compactAfter: 100, durability: 'none' });
    for (let i = 0; i < 20_000; i++) s.put(lease(i));
    await s.flush();
    // The journal (20,000 records) is not yet larger than the live set plus 100: this batch tips it.
    for (let i = 0; i < 200; i++) s.put(lease(i, { expires: 3 }));
    await s.flush();
    let compacted = false;
    const idle = s.idle().then(() => {
      compacted = true;
    });
    s.put(lease(20_001));
    await s.flush();
    // The snapshot of 20,000 leases is written a slice per turn; this flush did not wait for it.
    expect(compacted).toBe(false);
    await idle;
    expect(s.stats.compactions).toBe(1);
    s.put(lease(20_002));
    await s.flush();
    await s.close();
    const loaded = await reloaded(path);
    expect(loaded).toHaveLength(20_002);
    expect(loaded.filter((l) => l.expires === 3)).toHaveLength(200);
  });

  it('closes in the middle of a compaction without losing anything or leaving the temp file', async () => {
    const path = join(dir, 'close.journal');
    const s = await openJournalLeaseStore(path, { compactAfter: 10, durability: 'none' });
    for (let i = 0; i < 5_000; i++) s.put(lease(i));
    await s.flush();
    for (let i = 0; i < 20; i++) s.put(lease(i, { expires: 5 }));
    await s.flush();
    s.put(lease(5_001));
    await s.close();
    await expect(readFile(`${path}.tmp`)).rejects.toThrow(/ENOENT/);
    const loaded = await reloaded(path);
    expect(loaded).toHaveLength(5_001);
    expect(loaded.filter((l) => l.expires === 5)).toHaveLength(20);
  });

  it('never loses a flushed record while compactions come and go (the file on disk checked after every flush)', async () => {
    const path = join(dir, 'churn.journal');
    const s = await openJournalLeaseStore(path, { compactAfter: 30, durability: 'none' });
    const model = new Map<string, Lease>();
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 60; round++) {
      for (let k = 0; k < 1 + rnd(40); k++) {
        const i = rnd(300);
        const address = lease(i).address;
        if (rnd(5) === 0) {
          s.delete(address);
          model.delete(address);
        } else {
          const l = lease(i, { expires: round * 100 + k });
          s.put(l);
          model.set(address, l);
        }
      }
      await s.flush();
      // Whatever file is in place now (old or compacted) holds everything flushed so far.
      const onDisk = replayJournal(decodeJournal(await readFile(path, 'utf8')).records);
      expect(new Map(onDisk.map((l) => [l.address, l]))).toEqual(model);
      if (rnd(3) === 0) await new Promise((r) => setImmediate(r));
    }
    expect(s.stats.compactions).toBeGreaterThan(0);
    await s.close();
    expect(new Map((await reloaded(path)).map((l) => [l.address, l]))).toEqual(model);
  });

  it('starts from a file with garbage in it, keeping every good record', async () => {
    const path = join(dir, 'garbage.journal');
    await writeFile(
      path,
      `${encodeJournalRecord({ t: 'put', l: lease(1) })}\u0000\u0000garbage\n${encodeJournalRecord({ t: 'put', l: lease(2) })}`,
    );
    const s = await openJournalLeaseStore(path);
    expect(s.problems).toEqual([{ line: 2, reason: 'bad-checksum' }]);
    expect((await s.load()).map((l) => l.address)).toEqual(['10.0.0.1', '10.0.0.2']);
    await s.close();
  });
});

describe('JournalLeaseStore compaction failure', () => {
  it('keeps appending to the old journal when the snapshot cannot be written', async () => {
    const { chmod, mkdir } = await import('node:fs/promises');
    const sub = join(dir, 'ro');
    await mkdir(sub);
    const path = join(sub, 'leases.journal');
    const s = await openJournalLeaseStore(path, { compactAfter: 5, durability: 'none' });
    // A directory the snapshot cannot be created in (root bypasses permissions: take the temp name).
    await mkdir(`${path}.tmp`);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 20; i++) s.put(lease(i, { expires: round }));
      await s.flush();
      await s.idle();
    }
    expect(s.stats.compactionErrors).toBeGreaterThan(0);
    s.put(lease(99));
    await s.flush();
    await s.close();
    await rm(`${path}.tmp`, { recursive: true });
    await chmod(sub, 0o755);
    expect(await reloaded(path)).toHaveLength(21);
  });
});

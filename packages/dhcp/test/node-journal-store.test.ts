import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeJournal, encodeJournalRecord } from '../src/lease/journal.js';
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
    const reopened = await openJournalLeaseStore(path);
    expect(await reopened.load()).toHaveLength(4);
    await reopened.close();
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
    }
    const lines = (await readFile(path, 'utf8')).split('\n').length - 1;
    expect(lines).toBeLessThanOrEqual(1 + 20 + 50 + 20);
    expect(s.stats.compactions).toBeGreaterThan(0);
    await s.close();
    const again = await openJournalLeaseStore(path);
    expect((await again.load()).every((l) => l.expires === 9)).toBe(true);
    expect(await again.load()).toHaveLength(20);
    await again.close();
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
    }
    expect(s.stats.compactionErrors).toBeGreaterThan(0);
    s.put(lease(99));
    await s.flush();
    await s.close();
    await rm(`${path}.tmp`, { recursive: true });
    await chmod(sub, 0o755);
    const again = await openJournalLeaseStore(path);
    expect(await again.load()).toHaveLength(21);
    await again.close();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LeaseTable } from '../src/lease/table.js';
import type { Lease } from '../src/lease/types.js';

const lease = (i: number, expires: number, state: Lease['state'] = 'bound'): Lease => ({
  address: `10.1.${i >> 8}.${i & 255}`,
  subnet: 'a',
  clientKey: `hw:${i}`,
  mac: '02:00:00:00:00:01',
  state,
  start: 0,
  expires,
});

describe('LeaseTable expiry index', () => {
  it('sweeps in expiry order after many renewals (stale entries dropped and the heap rebuilt)', () => {
    fc.assert(
      fc.property(
        // Enough renewals of few leases that the heap is rebuilt (more than 2 × size + 1024 entries).
        fc.array(fc.tuple(fc.nat(39), fc.integer({ min: 1, max: 100_000 })), {
          minLength: 1500,
          maxLength: 3000,
        }),
        (renewals) => {
          const table = new LeaseTable();
          const last = new Map<number, number>();
          for (const [i, expires] of renewals) {
            table.put(lease(i, expires));
            last.set(i, expires);
          }
          const expired: [string, number][] = [];
          for (let now = 10_000; now <= 110_000; now += 10_000) {
            for (const l of table.sweep(now)) expired.push([l.address, l.expires]);
          }
          const want = [...last].map(([i, e]) => [lease(i, e).address, e] as [string, number]);
          expect(expired.map(([, e]) => e)).toEqual([...expired.map(([, e]) => e)].sort((a, b) => a - b));
          expect(new Set(expired.map(([a, e]) => `${a} ${e}`))).toEqual(
            new Set(want.map(([a, e]) => `${a} ${e}`)),
          );
        },
      ),
      { numRuns: 30 },
    );
  });

  it('without the expiry index keeps the last record of each address and sweeps nothing', () => {
    const table = new LeaseTable({ expiryIndex: false });
    for (let k = 0; k < 5; k++) for (let i = 0; i < 10; i++) table.put(lease(i, k + 1));
    expect(table.size).toBe(10);
    expect(table.sweep(Number.MAX_SAFE_INTEGER)).toEqual([]);
    expect(table.ofClient('a', 'hw:3')?.expires).toBe(5);
  });
});

/**
 * The `LeaseStore` seam: where leases live durably. The in-memory table (table.ts) is the working copy;
 * a store keeps what survives a restart. The embedded default is the journal file (node/journal-store.ts);
 * a database store shared by several servers fits the same interface (docs/DESIGN.md, "Scale").
 *
 * Contract: `put` and `delete` queue a change and return at once; `flush` resolves when every change
 * queued before it is durable. The server awaits `flush` before a DHCPACK leaves, so nothing acknowledged
 * is lost. Stores may batch (group commit): many `put`s, one `flush`, one fsync.
 */
import { ipv4ToNumber } from './ipv4.js';
import { LeaseTable } from './table.js';
import type { Lease } from './types.js';

export interface LeaseStore {
  /** Every lease record the store holds (the last state of each address). Called once, at start. */
  load(): Promise<readonly Lease[]>;
  /** Queues the new state of one lease (keyed by address). */
  put(lease: Lease): void;
  /** Queues the removal of the record for `address`. */
  delete(address: string): void;
  /** Resolves when everything queued so far is durable. Rejects if it cannot be made durable. */
  flush(): Promise<void>;
  /** Flushes and releases resources. */
  close(): Promise<void>;
}

/**
 * A store that keeps leases in memory only: for tests, proxy-only servers and deployments that accept
 * losing leases on restart. Each `put` replaces the record for its address, with the table's rule that a
 * client holds one address per subnet.
 */
export class MemoryLeaseStore implements LeaseStore {
  readonly #table = new LeaseTable({ expiryIndex: false });

  constructor(initial: Iterable<Lease> = []) {
    for (const l of initial) this.#table.put(l);
  }

  load(): Promise<readonly Lease[]> {
    return Promise.resolve([...this.#table.values()]);
  }

  put(lease: Lease): void {
    this.#table.put(lease);
  }

  delete(address: string): void {
    this.#table.delete(ipv4ToNumber(address, 'lease'));
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Records currently held (for tests and inspection). */
  snapshot(): Lease[] {
    return [...this.#table.values()];
  }
}

/**
 * The in-memory lease table: every lease the server knows, indexed by address and by client, with a
 * min-heap of expiry times so expiry is found without a scan and the adapter can ask `nextDeadline()`.
 * Synchronous and pure: durability is the `LeaseStore`'s job (store.ts).
 */
import { ipv4ToNumber } from './ipv4.js';
import { INFINITE_LEASE, type Lease } from './types.js';

interface HeapEntry {
  readonly at: number;
  readonly lease: Lease;
}

export interface LeaseTableOptions {
  /**
   * Keep the min-heap of expiry times (default true). A table that only mirrors the last record of each
   * address (a store's copy for compaction) never sweeps and can go without it.
   */
  readonly expiryIndex?: boolean;
}

export class LeaseTable {
  readonly #byAddress = new Map<number, Lease>();
  /** subnet id → client key → lease: two lookups instead of building a joined key string per call. */
  readonly #byClient = new Map<string, Map<string, Lease>>();
  /** Leases that hold an address (offered, bound, declined) per subnet, for `maxLeases`. */
  readonly #holding = new Map<string, number>();
  readonly #heap: HeapEntry[] = [];
  readonly #expiryIndex: boolean;

  constructor(options: LeaseTableOptions = {}) {
    this.#expiryIndex = options.expiryIndex ?? true;
  }

  /** Number of lease records (in every state). */
  get size(): number {
    return this.#byAddress.size;
  }

  at(address: number): Lease | undefined {
    return this.#byAddress.get(address);
  }

  /** The client's lease in a subnet (one per client per subnet), in any state. */
  ofClient(subnet: string, clientKey: string): Lease | undefined {
    return this.#byClient.get(subnet)?.get(clientKey);
  }

  /** Leases holding an address in a subnet (after the last `sweep`). */
  holdingCount(subnet: string): number {
    return this.#holding.get(subnet) ?? 0;
  }

  values(): IterableIterator<Lease> {
    return this.#byAddress.values();
  }

  /**
   * Stores `lease`, replacing any record for the same address and this client's previous record in the
   * same subnet (a client holds one address per subnet).
   */
  put(lease: Lease): void {
    const address = ipv4ToNumber(lease.address, 'lease');
    const old = this.#byAddress.get(address);
    if (old !== undefined) this.#unlink(address, old);
    let clients = this.#byClient.get(lease.subnet);
    if (clients === undefined) {
      clients = new Map();
      this.#byClient.set(lease.subnet, clients);
    }
    const previous = lease.clientKey === '' ? undefined : clients.get(lease.clientKey);
    if (previous !== undefined && previous !== old) {
      // The client moves to another address; its old record stays as history only if nobody else needs
      // it. Dropping it keeps "one address per client per subnet" true.
      this.#unlink(ipv4ToNumber(previous.address), previous);
    }
    this.#byAddress.set(address, lease);
    if (lease.clientKey !== '') clients.set(lease.clientKey, lease);
    if (holds(lease)) {
      this.#holding.set(lease.subnet, (this.#holding.get(lease.subnet) ?? 0) + 1);
      // A lease that never ends (BOOTP) has no deadline to wait for.
      if (this.#expiryIndex && lease.expires < INFINITE_LEASE) this.#push({ at: lease.expires, lease });
    }
  }

  /** Removes the record at `address`, if any. */
  delete(address: number): Lease | undefined {
    const old = this.#byAddress.get(address);
    if (old !== undefined) this.#unlink(address, old);
    return old;
  }

  /**
   * Applies the passage of time: bound leases past `expires` become `expired` (kept, so the client gets
   * the address back), offers and declines past `expires` are forgotten. Returns the leases that changed,
   * in expiry order. Bounded by the number of leases that are due. A table without the expiry index
   * (`expiryIndex: false`) has nothing to sweep.
   */
  sweep(now: number): Lease[] {
    const changed: Lease[] = [];
    for (;;) {
      const top = this.#heap[0];
      if (top === undefined || top.at > now) break;
      this.#pop();
      const address = ipv4ToNumber(top.lease.address);
      if (this.#byAddress.get(address) !== top.lease) continue; // replaced since: stale heap entry
      if (top.lease.state === 'bound') {
        const expired: Lease = { ...top.lease, state: 'expired' };
        this.put(expired);
        changed.push(expired);
      } else {
        this.#unlink(address, top.lease);
        changed.push(top.lease);
      }
    }
    return changed;
  }

  /** The earliest time at which `sweep` has something to do, or undefined. Stale entries may make it early. */
  nextDeadline(): number | undefined {
    return this.#heap[0]?.at;
  }

  #unlink(address: number, lease: Lease): void {
    this.#byAddress.delete(address);
    const clients = this.#byClient.get(lease.subnet);
    if (clients !== undefined && clients.get(lease.clientKey) === lease) clients.delete(lease.clientKey);
    if (holds(lease)) this.#holding.set(lease.subnet, (this.#holding.get(lease.subnet) ?? 1) - 1);
  }

  #push(e: HeapEntry): void {
    const h = this.#heap;
    // Renewals leave stale entries behind; rebuild when they dominate so the heap stays O(leases).
    if (h.length > 2 * this.#byAddress.size + 1024) this.#rebuild();
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.at <= e.at) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }

  /**
   * Drops stale entries: keeps one per lease that holds an address and ends, then restores the heap order
   * bottom-up (Floyd), in O(n). Sorting instead took tens of milliseconds at 65,000 leases, time in which
   * a server under load answers nobody.
   */
  #rebuild(): void {
    const h = this.#heap;
    h.length = 0;
    for (const lease of this.#byAddress.values()) {
      if (holds(lease) && lease.expires < INFINITE_LEASE) h.push({ at: lease.expires, lease });
    }
    for (let i = (h.length >> 1) - 1; i >= 0; i--) this.#siftDown(i, h[i]!);
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    this.#siftDown(0, last);
  }

  /** Places `e` at index `i` or below, moving smaller children up. */
  #siftDown(start: number, e: HeapEntry): void {
    const h = this.#heap;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r]!.at < h[l]!.at ? r : l;
      if (h[c]!.at >= e.at) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = e;
  }
}

function holds(lease: Lease): boolean {
  return lease.state === 'bound' || lease.state === 'offered' || lease.state === 'declined';
}

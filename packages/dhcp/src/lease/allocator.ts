/**
 * The address allocator: picks a free address in a subnet's pools for a client. It knows nothing of
 * lease times or message types (that is the policy's job); it only answers "which address".
 *
 * Stable allocation: the search starts at a hash of the client's identity, so a client tends to get the
 * same address across restarts and even after its lease record is gone (the way dnsmasq hashes the MAC),
 * and the first pass skips addresses that still carry another client's expired or released lease so those
 * clients get theirs back. Only a pool with no never-used address left hands out such addresses.
 */
import { findReservation, inPool, type Reservation, type Subnet } from './subnet.js';
import type { LeaseTable } from './table.js';
import type { Lease } from './types.js';
import { ipv4ToNumber } from './ipv4.js';

/** FNV-1a over the characters of the client key: cheap, stable across processes and platforms. */
export function hashClientKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Whether `address` may be given to `clientKey` now: inside the subnet, not reserved for someone else,
 * and either unleased, leased to this client, or leased to another client whose lease no longer holds it.
 */
export function isAvailableFor(
  subnet: Subnet,
  table: LeaseTable,
  address: number,
  clientKey: string,
  now: number,
): boolean {
  const reservation = subnet.reservedAddresses.get(address);
  if (reservation !== undefined) {
    // A reserved address goes to its owner only; the caller checks ownership via findReservation.
    return false;
  }
  const lease = table.at(address);
  if (lease === undefined) return true;
  if (lease.clientKey === clientKey && lease.state !== 'declined') return true;
  return !holdsAt(lease, now);
}

function holdsAt(lease: Lease, now: number): boolean {
  return (
    (lease.state === 'bound' || lease.state === 'offered' || lease.state === 'declined') &&
    lease.expires > now
  );
}

/**
 * Whether `lease` is held by a client that the same reservation matches (the same machine under another
 * client identity) and is not a decline, which always keeps its quarantine.
 */
export function ownsReservation(subnet: Subnet, lease: Lease, reservation: Reservation): boolean {
  return lease.state !== 'declined' && findReservation(subnet, lease.mac, lease.clientId) === reservation;
}

/** Which of the client's addresses the allocator chose, and why (for the reason trace). */
export type AllocationSource = 'reservation' | 'current' | 'previous' | 'requested' | 'pool';

export type AllocationResult =
  | { readonly ok: true; readonly address: number; readonly source: AllocationSource }
  | { readonly ok: false; readonly reason: 'pool-exhausted' | 'lease-limit' | 'reserved-elsewhere' };

export interface AllocationRequest {
  readonly clientKey: string;
  readonly mac: string;
  readonly clientId?: string | undefined;
  /** Option 50 requested address, if any (RFC 2131 §4.3.1 item 3). */
  readonly requested?: number | undefined;
}

/**
 * Chooses an address for a client in RFC 2131 §4.3.1 order: the client's reservation; its current
 * binding; its previous (expired or released) address if still free; the requested address if valid and
 * free; else a new address from the pools. Bounded: at most two passes over the pool.
 */
export function allocateAddress(
  subnet: Subnet,
  table: LeaseTable,
  req: AllocationRequest,
  now: number,
): AllocationResult {
  const reservation = findReservation(subnet, req.mac, req.clientId);
  if (reservation !== undefined) {
    const address = ipv4ToNumber(reservation.address);
    const lease = table.at(address);
    // A reserved address still held by someone else (an old dynamic lease, or a decline) is not handed out.
    // The exception is the reservation's own machine under another identity: a MAC reservation matches
    // the firmware (option 61 with a UUID, say) and later the installed system (another 61, or none); the
    // newer identity takes the address over.
    if (
      lease !== undefined &&
      lease.clientKey !== req.clientKey &&
      holdsAt(lease, now) &&
      !ownsReservation(subnet, lease, reservation)
    ) {
      return { ok: false, reason: 'reserved-elsewhere' };
    }
    return { ok: true, address, source: 'reservation' };
  }
  const mine = table.ofClient(subnet.id, req.clientKey);
  if (mine !== undefined) {
    const address = ipv4ToNumber(mine.address);
    if (
      (mine.state === 'bound' || mine.state === 'offered') &&
      mine.expires > now &&
      inPool(subnet, address)
    ) {
      return { ok: true, address, source: 'current' };
    }
    if (
      (mine.state === 'expired' || mine.state === 'released' || !holdsAt(mine, now)) &&
      inPool(subnet, address)
    ) {
      if (isAvailableFor(subnet, table, address, req.clientKey, now))
        return { ok: true, address, source: 'previous' };
    }
  }
  // Anything past here is a new holding: enforce the subnet's lease bound.
  if (table.holdingCount(subnet.id) >= subnet.maxLeases) return { ok: false, reason: 'lease-limit' };
  if (req.requested !== undefined && inPool(subnet, req.requested)) {
    if (isAvailableFor(subnet, table, req.requested, req.clientKey, now)) {
      return { ok: true, address: req.requested, source: 'requested' };
    }
  }
  if (subnet.poolSize === 0) return { ok: false, reason: 'pool-exhausted' };
  const start = hashClientKey(req.clientKey) % subnet.poolSize;
  // Pass 1 only looks at never-leased addresses; pass 2 takes any address whose lease no longer holds it.
  const full = table.holdingCount(subnet.id) >= subnet.poolSize;
  if (!full) {
    const a = probe(subnet, start, (addr) => table.at(addr) === undefined);
    if (a !== undefined) return { ok: true, address: a, source: 'pool' };
    const b = probe(subnet, start, (addr) => isAvailableFor(subnet, table, addr, req.clientKey, now));
    if (b !== undefined) return { ok: true, address: b, source: 'pool' };
  }
  return { ok: false, reason: 'pool-exhausted' };
}

/** Walks the pool from index `start`, wrapping once; returns the first address `ok` accepts. */
function probe(subnet: Subnet, start: number, ok: (address: number) => boolean): number | undefined {
  // Locate the range holding `start`.
  let r = 0;
  let offset = start;
  while (r < subnet.ranges.length) {
    const range = subnet.ranges[r]!;
    const n = range.end - range.start + 1;
    if (offset < n) break;
    offset -= n;
    r++;
  }
  for (let step = 0; step < subnet.poolSize; step++) {
    const range = subnet.ranges[r]!;
    const address = range.start + offset;
    if (ok(address)) return address;
    offset++;
    if (range.start + offset > range.end) {
      offset = 0;
      r = (r + 1) % subnet.ranges.length;
    }
  }
  return undefined;
}

/**
 * The lease policy: the pure transitions of a lease (offer, bind, renew, release, decline, expire) on a
 * `LeaseTable`. Each call takes `now` and returns the lease records a store must persist (`writes`) before
 * the reply that depends on them may leave (RFC 2131 §4.3.1: "the server MUST commit the binding ... to
 * persistent storage" before sending DHCPACK). Offers are memory only: losing one loses nothing promised.
 *
 * Which message may cause which transition is the engine's business (engine/); this module only keeps
 * the invariants: one client per address, one holding address per client per subnet, quarantine after a
 * decline, expiry frees.
 */
import { allocateAddress, type AllocationSource, isAvailableFor, ownsReservation } from './allocator.js';
import { ipv4ToNumber, numberToIpv4 } from './ipv4.js';
import { findReservation, inPool, type Subnet } from './subnet.js';
import type { LeaseTable } from './table.js';
import { type ClientIdentity, INFINITE_LEASE, type Lease } from './types.js';

export interface LeasePolicyOptions {
  /** How long an offered address is held for the client, ms. Default 30 000. */
  readonly offerHoldMs?: number;
  /** How long a declined address is kept out of use, ms (RFC 2131 §4.3.3). Default 600 000 (10 min). */
  readonly declineHoldMs?: number;
}

export const DEFAULT_OFFER_HOLD_MS = 30_000;
export const DEFAULT_DECLINE_HOLD_MS = 600_000;

/**
 * The lease time to grant, seconds: the client's option 51 request clamped to the subnet's limits, or the
 * subnet default (RFC 2131 §4.3.1: the server chooses, MAY honour the client's request).
 */
export function grantLeaseTime(subnet: Subnet, requested: number | undefined): number {
  if (requested === undefined) return subnet.leaseTime;
  return Math.min(subnet.maxLeaseTime, Math.max(subnet.minLeaseTime, requested));
}

/** T1 and T2 in seconds for a lease time (RFC 2131 §4.4.5: 0.5 and 0.875 of the lease by default). */
export function renewalTimes(subnet: Subnet, leaseTime: number): { t1: number; t2: number } {
  return {
    t1: Math.floor(leaseTime * subnet.renewalRatio),
    t2: Math.floor(leaseTime * subnet.rebindingRatio),
  };
}

/**
 * A lease for `client`, fields in the journal's order. Built as one literal in the common case (no
 * client id, no host name): no spread of a temporary object per lease.
 */
function clientLease(
  address: string,
  subnet: string,
  client: ClientIdentity,
  state: Lease['state'],
  start: number,
  expires: number,
): Lease {
  if (client.clientId === undefined && client.hostname === undefined) {
    return { address, subnet, clientKey: client.key, mac: client.mac, state, start, expires };
  }
  return {
    address,
    subnet,
    clientKey: client.key,
    mac: client.mac,
    ...(client.clientId === undefined ? {} : { clientId: client.clientId }),
    ...(client.hostname === undefined ? {} : { hostname: client.hostname }),
    state,
    start,
    expires,
  };
}

export type OfferResult =
  | {
      readonly ok: true;
      readonly lease: Lease;
      readonly leaseTime: number;
      readonly source: AllocationSource;
    }
  | { readonly ok: false; readonly reason: 'pool-exhausted' | 'lease-limit' | 'reserved-elsewhere' };

/**
 * DHCPDISCOVER (RFC 2131 §4.3.1): chooses an address and holds it for `offerHoldMs`. A client that
 * already holds a binding keeps it (the offer does not downgrade it). Nothing to persist.
 */
export function offerLease(
  table: LeaseTable,
  subnet: Subnet,
  client: ClientIdentity,
  request: { readonly requested?: number | undefined; readonly leaseTime?: number | undefined },
  now: number,
  options: LeasePolicyOptions = {},
): OfferResult {
  const chosen = allocateAddress(
    subnet,
    table,
    { clientKey: client.key, mac: client.mac, clientId: client.clientId, requested: request.requested },
    now,
  );
  if (!chosen.ok) return chosen;
  const leaseTime = grantLeaseTime(subnet, request.leaseTime);
  const existing = table.at(chosen.address);
  if (
    existing !== undefined &&
    existing.clientKey === client.key &&
    existing.state === 'bound' &&
    existing.expires > now
  ) {
    return { ok: true, lease: existing, leaseTime, source: chosen.source };
  }
  const lease = clientLease(
    numberToIpv4(chosen.address),
    subnet.id,
    client,
    'offered',
    now,
    now + (options.offerHoldMs ?? DEFAULT_OFFER_HOLD_MS),
  );
  table.put(lease);
  return { ok: true, lease, leaseTime, source: chosen.source };
}

export type BindFailure =
  /** Another client holds the address. */
  | 'in-use'
  /** The address is neither in a pool nor reserved for this client. */
  | 'not-in-pool'
  /** The client has a reservation for a different address. */
  | 'not-reserved-address'
  /** The address is reserved for another client. */
  | 'reserved-elsewhere'
  /** The address is quarantined after a DHCPDECLINE. */
  | 'declined'
  /** The subnet's lease bound is reached. */
  | 'lease-limit';

export type BindResult =
  | {
      readonly ok: true;
      readonly lease: Lease;
      readonly leaseTime: number;
      readonly writes: readonly Lease[];
    }
  | { readonly ok: false; readonly reason: BindFailure };

/**
 * DHCPREQUEST that the engine has validated (SELECTING, INIT-REBOOT, RENEWING, REBINDING; RFC 2131 §4.3.2):
 * binds `address` to the client for the granted lease time, if the address may be the client's. The
 * returned `writes` must be durable before the DHCPACK leaves.
 *
 * `fixedLeaseTime` replaces the negotiated time (seconds, or `'infinite'`): a BOOTP binding (RFC 951) has
 * no lease time to negotiate; its `leaseTime` in the result is then 0xffffffff (RFC 2132 §9.2 "infinity").
 */
export function bindLease(
  table: LeaseTable,
  subnet: Subnet,
  client: ClientIdentity,
  address: number,
  requestedLeaseTime: number | undefined,
  now: number,
  fixedLeaseTime?: number | 'infinite',
): BindResult {
  const reservation = findReservation(subnet, client.mac, client.clientId);
  const reservedFor = subnet.reservedAddresses.get(address);
  if (reservation !== undefined) {
    if (ipv4ToNumber(reservation.address) !== address) return { ok: false, reason: 'not-reserved-address' };
  } else if (reservedFor !== undefined) {
    return { ok: false, reason: 'reserved-elsewhere' };
  } else if (!inPool(subnet, address)) {
    return { ok: false, reason: 'not-in-pool' };
  }
  const existing = table.at(address);
  if (existing !== undefined && existing.expires > now) {
    if (existing.state === 'declined') return { ok: false, reason: 'declined' };
    if (
      existing.clientKey !== client.key &&
      (existing.state === 'bound' || existing.state === 'offered') &&
      !(reservation !== undefined && ownsReservation(subnet, existing, reservation))
    ) {
      return { ok: false, reason: 'in-use' };
    }
  }
  if (reservation === undefined && !isAvailableFor(subnet, table, address, client.key, now)) {
    return { ok: false, reason: 'in-use' };
  }
  const mine = table.ofClient(subnet.id, client.key);
  const alreadyHolding =
    mine !== undefined && (mine.state === 'bound' || mine.state === 'offered') && mine.expires > now;
  const replacesOwn =
    existing !== undefined &&
    existing.expires > now &&
    (existing.clientKey === client.key ||
      (reservation !== undefined && ownsReservation(subnet, existing, reservation)));
  if (!alreadyHolding && !replacesOwn && table.holdingCount(subnet.id) >= subnet.maxLeases) {
    return { ok: false, reason: 'lease-limit' };
  }
  const leaseTime =
    fixedLeaseTime === 'infinite'
      ? 0xffffffff
      : (fixedLeaseTime ?? grantLeaseTime(subnet, requestedLeaseTime));
  const lease = clientLease(
    numberToIpv4(address),
    subnet.id,
    client,
    'bound',
    now,
    fixedLeaseTime === 'infinite' ? INFINITE_LEASE : now + leaseTime * 1000,
  );
  table.put(lease);
  return { ok: true, lease, leaseTime, writes: [lease] };
}

/**
 * DHCPRELEASE (RFC 2131 §4.3.4): the client gives `address` back. Only the client holding it may; the
 * record is kept as `released` so the client gets the same address next time.
 */
export function releaseLease(
  table: LeaseTable,
  subnet: Subnet,
  client: ClientIdentity,
  address: number,
  now: number,
): Lease | undefined {
  const lease = table.at(address);
  if (lease === undefined || lease.subnet !== subnet.id || lease.clientKey !== client.key) return undefined;
  if (lease.state !== 'bound' && lease.state !== 'offered') return undefined;
  const released: Lease = { ...lease, state: 'released', expires: now };
  table.put(released);
  return released;
}

/**
 * DHCPDECLINE (RFC 2131 §4.3.3): the client found `address` in use. The server "MUST mark the network
 * address as not available": it is quarantined for `declineHoldMs` and belongs to no client. Only the
 * client the address was offered or bound to can decline it, so one client cannot take addresses away
 * from others.
 */
export function declineAddress(
  table: LeaseTable,
  subnet: Subnet,
  client: ClientIdentity,
  address: number,
  now: number,
  options: LeasePolicyOptions = {},
): Lease | undefined {
  const lease = table.at(address);
  if (lease === undefined || lease.subnet !== subnet.id || lease.clientKey !== client.key) return undefined;
  if ((lease.state !== 'bound' && lease.state !== 'offered') || lease.expires <= now) return undefined;
  const declined: Lease = {
    address: lease.address,
    subnet: subnet.id,
    clientKey: '',
    mac: '',
    state: 'declined',
    start: now,
    expires: now + (options.declineHoldMs ?? DEFAULT_DECLINE_HOLD_MS),
  };
  table.put(declined);
  return declined;
}

/**
 * A DHCPREQUEST naming another server (RFC 2131 §4.3.2: "the client has chosen another server"): the
 * address offered to this client is freed at once instead of waiting for the offer hold.
 */
export function withdrawOffer(table: LeaseTable, subnet: Subnet, client: ClientIdentity): Lease | undefined {
  const lease = table.ofClient(subnet.id, client.key);
  if (lease === undefined || lease.state !== 'offered') return undefined;
  table.delete(ipv4ToNumber(lease.address));
  return lease;
}

/**
 * Normalises leases loaded from a store for a start at `now`: offers are dropped, bound leases past their
 * end become `expired`, finished quarantines are dropped.
 */
export function restoreLeases(leases: Iterable<Lease>, now: number): Lease[] {
  const out: Lease[] = [];
  for (const l of leases) {
    if (l.state === 'offered') continue;
    if (l.state === 'declined' && l.expires <= now) continue;
    out.push(l.state === 'bound' && l.expires <= now ? { ...l, state: 'expired' } : l);
  }
  return out;
}

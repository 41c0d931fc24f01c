/**
 * The lease record shared by the allocator, the stores and the policy.
 *
 * Times are milliseconds since the Unix epoch, passed in by the caller (`now`), never read from a clock
 * here. Addresses are dotted strings, MAC addresses lower-case `aa:bb:cc:dd:ee:ff` (docs/DESIGN.md).
 */

/**
 * Where a lease is in its life.
 * - `offered`: held for a client between DHCPOFFER and DHCPREQUEST (RFC 2131 §4.3.1, "the server SHOULD
 *   reserve the offered address"); memory only, never written to a store.
 * - `bound`: acknowledged (DHCPACK) until `expires`.
 * - `expired`: was bound, `expires` has passed; kept so the client gets the same address back (RFC 2131
 *   §4.3.1 "previous, now expired, address") while another client may still take it if the pool is full.
 * - `released`: the client gave it back (DHCPRELEASE, RFC 2131 §4.3.4); kept for the same reason.
 * - `declined`: a client reported it in use (DHCPDECLINE, RFC 2131 §4.3.3); nobody gets it until `expires`.
 */
export type LeaseState = 'offered' | 'bound' | 'expired' | 'released' | 'declined';

export interface Lease {
  /** The leased address (yiaddr). */
  readonly address: string;
  /** Id of the subnet the address belongs to. */
  readonly subnet: string;
  /** The client's identity: `id:<hex>` from option 61, else `hw:<mac>` (see `clientKeyOf`). */
  readonly clientKey: string;
  /** The client's hardware address (chaddr), lower-case hex with colons. Empty when unknown. */
  readonly mac: string;
  /** Option 61 client identifier as lower-case hex, when the client sent one. */
  readonly clientId?: string;
  /** Option 12 host name, when the client sent one. */
  readonly hostname?: string;
  readonly state: LeaseState;
  /** When the lease (or the offer, or the decline quarantine) started, ms. */
  readonly start: number;
  /** When it ends, ms. For `declined`, the end of the quarantine. */
  readonly expires: number;
}

/**
 * `expires` of a lease that never ends: a BOOTP binding (RFC 951 has no lease time; ISC dhcpd writes
 * `ends never`), or an ISC lease imported with `ends never`. 8.64e15 ms, the last instant a JavaScript
 * `Date` can hold (ECMA-262 §21.4.1.1), so `new Date(expires)` still works for display; later than any real
 * time, and JSON-safe. Test with `expires >= INFINITE_LEASE`.
 */
export const INFINITE_LEASE: number = 8_640_000_000_000_000;

/** How a client is known (RFC 2131 §4.2: "client identifier" option 61 if present, else chaddr). */
export interface ClientIdentity {
  readonly key: string;
  readonly mac: string;
  readonly clientId?: string;
  readonly hostname?: string;
}

/** True for the states in which an address is held by its client and unavailable to others. */
export function isHolding(lease: Lease, now: number): boolean {
  return (
    (lease.state === 'bound' || lease.state === 'offered' || lease.state === 'declined') &&
    lease.expires > now
  );
}

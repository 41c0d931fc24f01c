/**
 * Subnet configuration and its compiled form: pools minus exclusions, reservations indexed by MAC and by
 * client identifier, lease-time limits. Compilation checks everything once, so the hot path never has to.
 */
import { DhcpConfigError } from '../errors.js';
import {
  type Cidr,
  cidrContains,
  hex,
  ipv4ToNumber,
  normaliseMac,
  numberToIpv4,
  parseCidr,
  tryParseHex,
} from './ipv4.js';

/** An inclusive address range. A string form `"10.0.0.100-10.0.0.199"` (or one address) is accepted too. */
export interface AddressRange {
  readonly start: string;
  readonly end: string;
}

/** A fixed address for one client, by MAC address or by option 61 client identifier (hex). */
export interface Reservation {
  readonly address: string;
  readonly mac?: string;
  readonly clientId?: string;
  /** Host name to hand out (option 12). */
  readonly hostname?: string;
}

/** An option value the server adds to every reply from this subnet, as raw bytes. */
export interface RawOption {
  readonly code: number;
  readonly value: Uint8Array;
}

export interface SubnetConfig {
  /** Name used in leases and logs; defaults to `network`. */
  readonly id?: string;
  /** The network in CIDR form, e.g. `10.99.0.0/24`. */
  readonly network: string;
  /** Dynamic pools. Without pools the subnet hands out reservations only. */
  readonly pools?: readonly (AddressRange | string)[];
  /** Addresses inside pools that are never handed out dynamically. */
  readonly exclude?: readonly (AddressRange | string)[];
  readonly reservations?: readonly Reservation[];
  /** Upper bound on leases held at once (offered + bound) in this subnet. Default: unbounded (pool size). */
  readonly maxLeases?: number;
  /** Default lease time, seconds (option 51). Default 3600. */
  readonly leaseTime?: number;
  /** Shortest lease a client may ask for with option 51, seconds. Default 60. */
  readonly minLeaseTime?: number;
  /** Longest lease a client may ask for with option 51, seconds. Default 86400. */
  readonly maxLeaseTime?: number;
  /** T1 as a fraction of the lease time (RFC 2131 §4.4.5: 0.5 by default). */
  readonly renewalRatio?: number;
  /** T2 as a fraction of the lease time (RFC 2131 §4.4.5: 0.875 by default). */
  readonly rebindingRatio?: number;
  /** Option 3 routers. */
  readonly routers?: readonly string[];
  /** Option 6 DNS servers. */
  readonly dnsServers?: readonly string[];
  /** Option 15 domain name. */
  readonly domainName?: string;
  /** The interface this subnet is directly attached to, for requests that arrive unrelayed. */
  readonly interface?: string;
  /** Any further options for replies from this subnet, as raw values. */
  readonly options?: readonly RawOption[];
  /**
   * BOOTP clients (RFC 951: requests without option 53). `'reserved'` (default): only clients with a
   * reservation get a BOOTREPLY, as with ISC dhcpd (ranges without `dynamic-bootp`) and dnsmasq (without
   * `bootp-dynamic`); `'dynamic'`: others get a pool address too; `false`: BOOTP requests are dropped.
   */
  readonly bootp?: BootpMode;
  /**
   * How long a BOOTP binding lasts, seconds, or `'infinite'` (default: BOOTP clients never renew, so ISC
   * dhcpd binds them for ever; a dynamic address then stays taken until the record is removed).
   */
  readonly bootpLeaseTime?: number | 'infinite';
  /**
   * Rapid Commit (RFC 4039): a DHCPDISCOVER carrying option 80 gets a committed DHCPACK at once (two
   * messages instead of four). Default false, as in Kea: only for subnets where this is the only server,
   * since a client that asked several servers may be bound by each of them (RFC 4039 §3).
   */
  readonly rapidCommit?: boolean;
}

/** Which BOOTP clients a subnet serves (see `SubnetConfig.bootp`). */
export type BootpMode = 'reserved' | 'dynamic' | false;

/** An inclusive range of numeric addresses. */
export interface NumericRange {
  readonly start: number;
  readonly end: number;
}

/** A subnet after validation: what the allocator and the engine use. */
export interface Subnet {
  readonly id: string;
  readonly cidr: Cidr;
  readonly config: SubnetConfig;
  /** Pools minus exclusions, sorted, non-overlapping. */
  readonly ranges: readonly NumericRange[];
  /** Number of addresses in `ranges`. */
  readonly poolSize: number;
  readonly maxLeases: number;
  /** Reservation by normalised MAC. */
  readonly reservedByMac: ReadonlyMap<string, Reservation>;
  /** Reservation by lower-case hex client identifier. */
  readonly reservedByClientId: ReadonlyMap<string, Reservation>;
  /** Every reserved address, with the reservation that owns it. */
  readonly reservedAddresses: ReadonlyMap<number, Reservation>;
  readonly leaseTime: number;
  readonly minLeaseTime: number;
  readonly maxLeaseTime: number;
  readonly renewalRatio: number;
  readonly rebindingRatio: number;
  readonly bootp: BootpMode;
  readonly bootpLeaseTime: number | 'infinite';
  readonly rapidCommit: boolean;
}

function parseRange(r: AddressRange | string, field: string, subnet: string): NumericRange {
  let start: string;
  let end: string;
  if (typeof r === 'string') {
    const dash = r.indexOf('-');
    start = (dash < 0 ? r : r.slice(0, dash)).trim();
    end = (dash < 0 ? r : r.slice(dash + 1)).trim();
  } else if (typeof r === 'object' && r !== null) {
    start = r.start;
    end = r.end;
  } else {
    throw new DhcpConfigError(field, `not a range: ${JSON.stringify(r)}`, { subnet });
  }
  const s = ipv4ToNumber(start, field, subnet);
  const e = ipv4ToNumber(end, field, subnet);
  if (s > e) throw new DhcpConfigError(field, `${start} is after ${end}`, { subnet });
  return { start: s, end: e };
}

/** Merges overlapping ranges and subtracts `minus`. */
function subtract(ranges: NumericRange[], minus: NumericRange[]): NumericRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const merged: NumericRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && r.start <= last.end + 1)
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, r.end) };
    else merged.push(r);
  }
  let out = merged;
  for (const m of minus) {
    const next: NumericRange[] = [];
    for (const r of out) {
      if (m.end < r.start || m.start > r.end) next.push(r);
      else {
        if (m.start > r.start) next.push({ start: r.start, end: m.start - 1 });
        if (m.end < r.end) next.push({ start: m.end + 1, end: r.end });
      }
    }
    out = next;
  }
  return out;
}

/**
 * Validates a subnet configuration. Throws a `DhcpConfigError` (`DHCP_ERR_CONFIG`) naming the bad field
 * and the subnet.
 *
 * @example
 * const s = compileSubnet({ network: '10.99.0.0/24', pools: ['10.99.0.100-10.99.0.199'] });
 */
export function compileSubnet(config: SubnetConfig): Subnet {
  const id = config.id ?? config.network;
  const bad = (field: string, message: string): never => {
    throw new DhcpConfigError(field, message, { subnet: id });
  };
  const cidr = parseCidr(config.network, 'network', id);
  const broadcast = (cidr.network | ~cidr.mask) >>> 0;
  // RFC 950: the all-zeros and all-ones host numbers are not host addresses (except on /31 and /32).
  const hostOk = (a: number): boolean =>
    cidrContains(cidr, a) && (cidr.prefix >= 31 || (a !== cidr.network && a !== broadcast));
  const pools = (config.pools ?? []).map((p) => parseRange(p, 'pools', id));
  for (const p of pools) {
    if (!hostOk(p.start) || !hostOk(p.end)) {
      bad('pools', `${numberToIpv4(p.start)}-${numberToIpv4(p.end)} is not inside ${config.network}`);
    }
  }
  const excluded = (config.exclude ?? []).map((p) => parseRange(p, 'exclude', id));
  const reservedByMac = new Map<string, Reservation>();
  const reservedByClientId = new Map<string, Reservation>();
  const reservedAddresses = new Map<number, Reservation>();
  for (const r of config.reservations ?? []) {
    const a = ipv4ToNumber(r.address, 'reservations', id);
    if (!hostOk(a)) bad('reservations', `${r.address} is not inside ${config.network}`);
    if (reservedAddresses.has(a)) bad('reservations', `${r.address} is reserved twice`);
    reservedAddresses.set(a, r);
    if (r.mac === undefined && r.clientId === undefined) {
      bad('reservations', `${r.address} needs a mac or a clientId`);
    }
    if (r.mac !== undefined) {
      const mac = typeof r.mac === 'string' ? normaliseMac(r.mac) : undefined;
      if (mac === undefined) bad('reservations', `${r.address}: bad mac ${JSON.stringify(r.mac)}`);
      reservedByMac.set(mac!, r);
    }
    if (r.clientId !== undefined) {
      const idBytes = typeof r.clientId === 'string' ? tryParseHex(r.clientId) : undefined;
      if (idBytes === undefined || idBytes.length < 2) {
        bad('reservations', `${r.address}: clientId must be hex (type byte + value)`);
      }
      reservedByClientId.set(hex(idBytes!), r);
    }
  }
  // Reserved addresses are never handed out from the pool to someone else.
  const ranges = subtract(pools, [
    ...excluded,
    ...[...reservedAddresses.keys()].map((a) => ({ start: a, end: a })),
  ]);
  let poolSize = 0;
  for (const r of ranges) poolSize += r.end - r.start + 1;
  const leaseTime = config.leaseTime ?? 3600;
  const minLeaseTime = config.minLeaseTime ?? Math.min(60, leaseTime);
  const maxLeaseTime = config.maxLeaseTime ?? Math.max(86400, leaseTime);
  const renewalRatio = config.renewalRatio ?? 0.5;
  const rebindingRatio = config.rebindingRatio ?? 0.875;
  for (const [name, v] of [
    ['leaseTime', leaseTime],
    ['minLeaseTime', minLeaseTime],
    ['maxLeaseTime', maxLeaseTime],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 0xfffffffe) bad(name, `${v} is not 1..4294967294 s`);
  }
  if (!(minLeaseTime <= leaseTime && leaseTime <= maxLeaseTime)) {
    bad(
      'leaseTime',
      `need minLeaseTime <= leaseTime <= maxLeaseTime (${minLeaseTime}, ${leaseTime}, ${maxLeaseTime})`,
    );
  }
  if (!(renewalRatio > 0 && renewalRatio < rebindingRatio && rebindingRatio < 1)) {
    bad(
      config.renewalRatio === undefined ? 'rebindingRatio' : 'renewalRatio',
      'need 0 < renewalRatio < rebindingRatio < 1 (RFC 2131 §4.4.5)',
    );
  }
  const maxLeases = config.maxLeases ?? Number.POSITIVE_INFINITY;
  if (!(maxLeases >= 0)) bad('maxLeases', `${maxLeases} must be >= 0`);
  for (const a of config.routers ?? []) ipv4ToNumber(a, 'routers', id);
  for (const a of config.dnsServers ?? []) ipv4ToNumber(a, 'dnsServers', id);
  for (const o of config.options ?? []) {
    if (!Number.isInteger(o.code) || o.code < 1 || o.code > 254) {
      bad('options', `option code ${o.code} is not 1..254`);
    }
    if (!(o.value instanceof Uint8Array)) bad('options', `option ${o.code}: the value must be a Uint8Array`);
  }
  const bootp = config.bootp ?? 'reserved';
  if (bootp !== 'reserved' && bootp !== 'dynamic' && bootp !== false) {
    bad('bootp', `${JSON.stringify(bootp)} is not 'reserved', 'dynamic' or false`);
  }
  const bootpLeaseTime = config.bootpLeaseTime ?? 'infinite';
  if (
    bootpLeaseTime !== 'infinite' &&
    (typeof bootpLeaseTime !== 'number' ||
      !Number.isInteger(bootpLeaseTime) ||
      bootpLeaseTime < 1 ||
      bootpLeaseTime > 0xfffffffe)
  ) {
    bad('bootpLeaseTime', `${JSON.stringify(bootpLeaseTime)} is neither 'infinite' nor 1..4294967294 s`);
  }
  const rapidCommit = config.rapidCommit ?? false;
  if (typeof rapidCommit !== 'boolean')
    bad('rapidCommit', `${JSON.stringify(rapidCommit)} is not true or false`);
  return {
    id,
    cidr,
    config,
    ranges,
    poolSize,
    maxLeases,
    reservedByMac,
    reservedByClientId,
    reservedAddresses,
    leaseTime,
    minLeaseTime,
    maxLeaseTime,
    renewalRatio,
    rebindingRatio,
    bootp,
    bootpLeaseTime,
    rapidCommit,
  };
}

/** True when `address` may be handed to a client of this subnet at all (inside a pool or reserved). */
export function inPool(subnet: Subnet, address: number): boolean {
  for (const r of subnet.ranges) if (address >= r.start && address <= r.end) return true;
  return false;
}

/** The reservation for a client, by client identifier first (RFC 2131 §4.2), then by MAC. */
export function findReservation(
  subnet: Subnet,
  mac: string,
  clientId: string | undefined,
): Reservation | undefined {
  if (clientId !== undefined) {
    const r = subnet.reservedByClientId.get(clientId);
    if (r !== undefined) return r;
  }
  return mac === '' ? undefined : subnet.reservedByMac.get(mac);
}

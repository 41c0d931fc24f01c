/**
 * The DHCP server engine (RFC 2131 §4.3): a request and a context in, a reply, a silent outcome or a drop
 * with a reason out. Sans-IO: `now` comes in the context, leases live in a `LeaseTable` the engine is
 * given, and lease records that must be durable before the reply leaves come back as `writes`.
 *
 * The work is a pipeline of handlers, registered explicitly (no self-registration, no globals, after
 * coredhcp's own TODO): each handler reads and fills one `Exchange` and may stop the pipeline with a drop
 * or a silent outcome. `defaultServerHandlers()` is the RFC 2131 pipeline; a caller may insert its own
 * handlers (an allow-list, a webhook decision) at any point.
 */
import { allocateAddress } from '../lease/allocator.js';
import { findReservation, type Subnet, compileSubnet, type SubnetConfig } from '../lease/subnet.js';
import { cidrContains, hex, ipv4ToNumber, numberToIpv4, tryParseIpv4, u32Bytes } from '../lease/ipv4.js';
import {
  bindLease,
  declineAddress,
  offerLease,
  releaseLease,
  renewalTimes,
  restoreLeases,
  withdrawOffer,
  type LeasePolicyOptions,
} from '../lease/policy.js';
import { LeaseTable } from '../lease/table.js';
import type { ClientIdentity, Lease } from '../lease/types.js';
import { DhcpConfigError } from '../errors.js';
import { DHCP_MESSAGE_TYPE } from '../wire/constants.js';
import { createDhcpMessage, type DhcpMessage, type DhcpOption, getOptionData } from '../wire/message.js';
import { type BootConfig, type BootDecision, decideBoot } from './boot.js';
import { bootFactsOf, relaySubOption } from './facts.js';
import type { Destination, DropReason, EngineResult, ReplyKind, RequestContext } from './types.js';

const MT = DHCP_MESSAGE_TYPE;
const BROADCAST = 0x8000;
const ZERO = '0.0.0.0';

export interface DhcpServerConfig {
  readonly subnets: readonly SubnetConfig[];
  /**
   * Option 54 server identifier. Default: the address of the interface the request arrived on. Set it
   * when the server must keep one identity whatever its interfaces (a container whose address changes).
   */
  readonly serverId?: string;
  /** Further addresses that count as "this server" in a client's option 54. */
  readonly serverAddresses?: readonly string[];
  /**
   * Authoritative for its subnets (default true): NAKs requests for addresses that are wrong for the
   * client's network or held by others. When false, stays silent instead (RFC 2131 §4.3.2).
   */
  readonly authoritative?: boolean;
  /** How long an offered address is held, ms (default 30 000). */
  readonly offerHoldMs?: number;
  /** How long a declined address stays out of use, ms (default 600 000; RFC 2131 §4.3.3). */
  readonly declineHoldMs?: number;
  /** Relay hop limit (RFC 1542 §4.1.1); requests with more hops are dropped. Default 16. */
  readonly maxHops?: number;
  /** Boot rules; without them replies carry no boot information. */
  readonly boot?: BootConfig;
}

/** The configuration after validation. */
export interface CompiledServerConfig {
  readonly source: DhcpServerConfig;
  readonly subnets: readonly Subnet[];
  readonly authoritative: boolean;
  readonly policy: LeasePolicyOptions;
  readonly maxHops: number;
  readonly boot?: BootConfig;
}

/**
 * Checks that an optional count or duration is a whole number >= 0; throws a `DhcpConfigError` naming
 * `field` otherwise. Shared with the proxy engine.
 */
export function checkCount(field: string, value: number | undefined): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new DhcpConfigError(field, `${String(value)} is not a whole number >= 0`);
  }
}

/**
 * Validates a configuration; throws a `DhcpConfigError` (`DHCP_ERR_CONFIG`) naming the bad field (and the
 * subnet it belongs to).
 */
export function compileServerConfig(config: DhcpServerConfig): CompiledServerConfig {
  if (!Array.isArray(config.subnets)) throw new DhcpConfigError('subnets', 'must be a list of subnets');
  const subnets = config.subnets.map(compileSubnet);
  const ids = new Set<string>();
  for (const s of subnets) {
    if (ids.has(s.id)) throw new DhcpConfigError('id', `subnet id ${s.id} is used twice`, { subnet: s.id });
    ids.add(s.id);
  }
  if (config.serverId !== undefined) ipv4ToNumber(config.serverId, 'serverId');
  for (const a of config.serverAddresses ?? []) ipv4ToNumber(a, 'serverAddresses');
  checkCount('offerHoldMs', config.offerHoldMs);
  checkCount('declineHoldMs', config.declineHoldMs);
  checkCount('maxHops', config.maxHops);
  return {
    source: config,
    subnets,
    authoritative: config.authoritative ?? true,
    policy: {
      ...(config.offerHoldMs === undefined ? {} : { offerHoldMs: config.offerHoldMs }),
      ...(config.declineHoldMs === undefined ? {} : { declineHoldMs: config.declineHoldMs }),
    },
    maxHops: config.maxHops ?? 16,
    ...(config.boot === undefined ? {} : { boot: config.boot }),
  };
}

/** The reply being built. Options are kept in insertion order; the encoder orders them (PRL, 82 last). */
export interface ReplyDraft {
  kind: ReplyKind;
  yiaddr: string;
  ciaddr: string;
  siaddr: string;
  sname: string;
  file: string;
  readonly options: Map<number, Uint8Array>;
  nakReason?: string;
}

/** One request on its way through the pipeline. */
export interface Exchange {
  readonly request: DhcpMessage;
  readonly messageType: number | undefined;
  readonly context: RequestContext;
  readonly config: CompiledServerConfig;
  readonly leases: LeaseTable;
  client?: ClientIdentity;
  subnet?: Subnet;
  /** The option 54 value to send. */
  serverId?: string;
  reply?: ReplyDraft;
  lease?: Lease;
  boot?: BootDecision;
  /** The request is BOOTP (no option 53) and the reply a BOOTREPLY without DHCP options 51–61. */
  bootp?: boolean;
  readonly writes: Lease[];
  readonly trace: string[];
}

/** A handler's verdict: nothing (go on), or an end to the pipeline. */
export type HandlerOutcome =
  | undefined
  | { readonly type: 'drop'; readonly reason: DropReason; readonly detail?: string }
  | { readonly type: 'silent'; readonly kind: 'release' | 'decline' | 'withdrawn' };

export interface Handler {
  readonly name: string;
  handle(x: Exchange): HandlerOutcome;
}

const drop = (reason: DropReason, detail?: string): HandlerOutcome =>
  detail === undefined ? { type: 'drop', reason } : { type: 'drop', reason, detail };

function optAddress(msg: DhcpMessage, code: number): number | undefined | 'bad' {
  const d = getOptionData(msg, code);
  if (d === undefined) return undefined;
  if (d.length !== 4) return 'bad';
  return ((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0;
}

function optU32(msg: DhcpMessage, code: number): number | undefined {
  const d = getOptionData(msg, code);
  if (d === undefined || d.length !== 4) return undefined;
  return ((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0;
}

function u32Option(n: number): Uint8Array {
  return u32Bytes(n >>> 0);
}

// Option values that are the same for every reply of a subnet or server are built once and shared by the
// replies (the encoder only reads them): a reply costs no small arrays for its mask, routers, DNS, lease
// times, message type or server identifier. Bounded caches, keyed by the compiled subnet.

interface SubnetBytes {
  readonly mask: Uint8Array;
  readonly routers: Uint8Array | undefined;
  readonly dns: Uint8Array | undefined;
  readonly domain: Uint8Array | undefined;
  /** lease time (s) → [51, 58, 59] */
  readonly times: Map<number, readonly [Uint8Array, Uint8Array, Uint8Array]>;
}
const subnetBytes = new WeakMap<Subnet, SubnetBytes>();
/** Distinct lease times kept per subnet (clients may ask for any; the usual few are cached). */
const TIMES_PER_SUBNET = 16;

function bytesOf(s: Subnet): SubnetBytes {
  let b = subnetBytes.get(s);
  if (b === undefined) {
    const routers = s.config.routers ?? [];
    const dns = s.config.dnsServers ?? [];
    b = {
      mask: u32Option(s.cidr.mask),
      routers: routers.length > 0 ? concatAddresses(routers) : undefined,
      dns: dns.length > 0 ? concatAddresses(dns) : undefined,
      domain: s.config.domainName === undefined ? undefined : textBytes(s.config.domainName),
      times: new Map(),
    };
    subnetBytes.set(s, b);
  }
  return b;
}

/** The message type option (53) of each reply type, shared. */
const TYPE_BYTES: readonly Uint8Array[] = Array.from({ length: 9 }, (_, t) => Uint8Array.of(t));

/** Option 54 values by server identifier; a relay's 82.11 override can name any, so the map is bounded. */
const serverIdBytes = new Map<string, Uint8Array>();
function serverIdOption(id: string): Uint8Array {
  let b = serverIdBytes.get(id);
  if (b === undefined) {
    b = u32Bytes(ipv4ToNumber(id));
    if (serverIdBytes.size >= 256) serverIdBytes.clear();
    serverIdBytes.set(id, b);
  }
  return b;
}

function textBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 255;
  return out;
}

function newDraft(kind: ReplyKind): ReplyDraft {
  // 53 and 54 first (RFC 2131 table 3): set now, so that `echo` does not have to rebuild the map. 54's
  // value is filled in (or the entry removed) by `echo`.
  const options = new Map<number, Uint8Array>();
  options.set(53, TYPE_BYTES[replyType(kind)]!);
  options.set(54, EMPTY);
  return { kind, yiaddr: ZERO, ciaddr: ZERO, siaddr: ZERO, sname: '', file: '', options };
}
const EMPTY = new Uint8Array(0);

function replyType(kind: ReplyKind): number {
  return kind === 'offer' || kind === 'proxy-offer' ? MT.OFFER : kind === 'nak' ? MT.NAK : MT.ACK;
}

/** True when `address` is one of this server's identities for this exchange. */
function isOurs(x: Exchange, address: number): boolean {
  const mine = [
    x.serverId,
    x.config.source.serverId,
    x.context.interface?.address,
    ...(x.config.source.serverAddresses ?? []),
  ];
  return mine.some((a) => a !== undefined && tryParseIpv4(a) === address);
}

// ---------------------------------------------------------------------------------------------------------
// Handlers of the default pipeline, in order.

/** RFC 2131 §4.1 / RFC 1542 §4.1.1: only well-formed BOOTREQUESTs of a client message type go on. */
export const validateRequest: Handler = {
  name: 'validate',
  handle(x) {
    const r = x.request;
    if (r.op !== 1) return drop('not-a-request', `op ${r.op}`);
    if (r.hlen > 16 || r.htype === 0) return drop('bad-hardware-address', `htype ${r.htype} hlen ${r.hlen}`);
    if (r.hops > x.config.maxHops) return drop('too-many-hops', `${r.hops} hops`);
    const t = x.messageType;
    // No option 53: a BOOTP request (RFC 951); the lease policy decides whether it is served.
    if (t === MT.OFFER || t === MT.ACK || t === MT.NAK) return drop('not-a-request', `message type ${t}`);
    if (
      t !== undefined &&
      t !== MT.DISCOVER &&
      t !== MT.REQUEST &&
      t !== MT.DECLINE &&
      t !== MT.RELEASE &&
      t !== MT.INFORM
    ) {
      return drop('unsupported-message-type', `message type ${t}`);
    }
    if (optAddress(r, 50) === 'bad') return drop('bad-option', 'option 50 is not 4 bytes');
    if (optAddress(r, 54) === 'bad') return drop('bad-option', 'option 54 is not 4 bytes');
    const id = getOptionData(r, 61);
    if (id !== undefined && id.length < 2)
      return drop('bad-option', 'option 61 shorter than 2 bytes (RFC 2132 §9.14)');
    // Without chaddr and without 61 a client has no identity: all such clients would share one lease.
    if (r.hlen === 0 && id === undefined)
      return drop('bad-hardware-address', 'hlen 0 and no client identifier');
    return undefined;
  },
};

/** RFC 2131 §4.2: a client is known by its client identifier (61) if it sent one, else by chaddr. */
export const identifyClient: Handler = {
  name: 'identify',
  handle(x) {
    const r = x.request;
    const mac = hex(r.chaddr.subarray(0, r.hlen), ':');
    const id = getOptionData(r, 61);
    const hostnameBytes = getOptionData(r, 12);
    const hostname =
      hostnameBytes === undefined ? undefined : String.fromCharCode(...hostnameBytes).replace(/\0+$/, '');
    const clientId = id === undefined ? undefined : hex(id);
    const key =
      clientId !== undefined ? `id:${clientId}` : r.htype === 1 ? `hw:${mac}` : `hw${r.htype}:${mac}`;
    const client: { key: string; mac: string; clientId?: string; hostname?: string } = { key, mac };
    if (clientId !== undefined) client.clientId = clientId;
    if (hostname !== undefined && hostname !== '') client.hostname = hostname;
    x.client = client;
    return undefined;
  },
};

/**
 * Chooses the subnet: relay link selection 82.5 (RFC 3527 §3), then subnet selection 118 (RFC 3011 §3),
 * then giaddr (RFC 2131 §4.3.1), then ciaddr for a client that has an address, then the interface the
 * request arrived on. A lone subnet serves requests whose link is unknown.
 */
export const selectSubnet: Handler = {
  name: 'select-subnet',
  handle(x) {
    const r = x.request;
    const subnets = x.config.subnets;
    // In order of precedence, without building a candidate list per request.
    const link = relaySubOption(r, 5);
    const byLink = link !== undefined && link.length === 4 ? readAddress(link) : undefined;
    const v118 = optAddress(r, 118);
    const by118 = v118 === 'bad' ? undefined : v118;
    const byGiaddr = r.giaddr === ZERO ? undefined : tryParseIpv4(r.giaddr);
    let out = subnetByAddress(x, 'relay link selection (82.5)', byLink);
    if (out === undefined) out = subnetByAddress(x, 'subnet selection (118)', by118);
    if (out === undefined) out = subnetByAddress(x, 'giaddr', byGiaddr);
    if (out === undefined)
      out = subnetByAddress(x, 'ciaddr', r.ciaddr === ZERO ? undefined : tryParseIpv4(r.ciaddr));
    if (out !== undefined) return out === 'chosen' ? undefined : out;
    const itf = x.context.interface;
    if (itf !== undefined) {
      const a = tryParseIpv4(itf.address);
      const s =
        subnets.find((sub) => sub.config.interface === itf.name) ??
        (a === undefined ? undefined : subnets.find((sub) => cidrContains(sub.cidr, a)));
      if (s !== undefined) {
        x.subnet = s;
        x.trace.push(`subnet ${s.id} by interface ${itf.name}`);
        return undefined;
      }
    } else if (subnets.length === 1) {
      x.subnet = subnets[0]!;
      x.trace.push(`subnet ${x.subnet.id}: the only one`);
      return undefined;
    }
    return drop('no-subnet', itf === undefined ? 'link unknown' : `interface ${itf.name} has no subnet`);
  },
};

/**
 * One step of subnet selection: `undefined` when `address` is not given (or, for ciaddr, in no subnet:
 * try the interface), 'chosen' when it picked `x.subnet`, a drop when the address is in no subnet.
 */
function subnetByAddress(x: Exchange, why: string, address: number | undefined): HandlerOutcome | 'chosen' {
  if (address === undefined) return undefined;
  const subnets = x.config.subnets;
  let s: Subnet | undefined;
  for (let i = 0; i < subnets.length; i++) {
    if (cidrContains(subnets[i]!.cidr, address)) {
      s = subnets[i]!;
      break;
    }
  }
  if (s === undefined) {
    if (why === 'ciaddr') return undefined; // a client renewing from a foreign address: try the interface
    return drop('no-subnet', `${why} ${numberToIpv4(address)} is in no subnet`);
  }
  x.subnet = s;
  x.trace.push(`subnet ${s.id} by ${why}`);
  return 'chosen';
}

function readAddress(b: Uint8Array): number {
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}

/**
 * Picks the option 54 value: the relay's server identifier override 82.11 (RFC 5107 §4), else the
 * configured `serverId`, else the address of the arrival interface.
 */
export const chooseServerId: Handler = {
  name: 'server-id',
  handle(x) {
    const override = relaySubOption(x.request, 11);
    const id =
      (override !== undefined && override.length === 4 ? numberToIpv4(readAddress(override)) : undefined) ??
      x.config.source.serverId ??
      x.context.interface?.address;
    if (id === undefined) return drop('no-server-id');
    x.serverId = id;
    return undefined;
  },
};

function nak(x: Exchange, reason: string): HandlerOutcome {
  // RFC 2131 §4.3.2 and table 3: DHCPNAK has yiaddr, ciaddr and siaddr zero; 56 says why.
  const d = newDraft('nak');
  d.nakReason = reason;
  x.reply = d;
  x.trace.push(`NAK: ${reason}`);
  return undefined;
}

function ack(x: Exchange, address: number, requestedLeaseTime: number | undefined): HandlerOutcome {
  const subnet = x.subnet!;
  const bound = bindLease(x.leases, subnet, x.client!, address, requestedLeaseTime, x.context.now);
  if (!bound.ok) {
    if (!x.config.authoritative) return drop('not-authoritative', bound.reason);
    return nak(x, `${numberToIpv4(address)}: ${bound.reason}`);
  }
  x.writes.push(...bound.writes);
  x.lease = bound.lease;
  const d = newDraft('ack');
  d.yiaddr = bound.lease.address;
  d.ciaddr = x.request.ciaddr;
  addLeaseTimes(d, subnet, bound.leaseTime);
  x.reply = d;
  x.trace.push(`ACK ${bound.lease.address} for ${bound.leaseTime} s`);
  return undefined;
}

function addLeaseTimes(d: ReplyDraft, subnet: Subnet, leaseTime: number): void {
  const cache = bytesOf(subnet).times;
  let times = cache.get(leaseTime);
  if (times === undefined) {
    const { t1, t2 } = renewalTimes(subnet, leaseTime);
    times = [u32Option(leaseTime), u32Option(t1), u32Option(t2)];
    if (cache.size < TIMES_PER_SUBNET) cache.set(leaseTime, times);
  }
  d.options.set(51, times[0]); // RFC 2132 §9.2
  d.options.set(58, times[1]); // RFC 2132 §9.11, RFC 2131 §4.4.5
  d.options.set(59, times[2]); // RFC 2132 §9.12
}

/** RFC 2131 §4.3.1–§4.3.5: what each client message does to the leases, and the reply it gets. */
export const leasePolicy: Handler = {
  name: 'lease-policy',
  handle(x) {
    const r = x.request;
    const subnet = x.subnet!;
    const client = x.client!;
    const now = x.context.now;
    x.leases.sweep(now);
    const requested = optAddress(r, 50) as number | undefined;
    const serverId = optAddress(r, 54) as number | undefined;
    const leaseTime = optU32(r, 51);
    if (x.messageType === undefined) return bootp(x);
    switch (x.messageType) {
      case MT.DISCOVER: {
        // §4.3.1: current binding, previous address, requested address, or a new one.
        const offered = offerLease(x.leases, subnet, client, { requested, leaseTime }, now, x.config.policy);
        if (!offered.ok) return drop(offered.reason);
        if (subnet.rapidCommit && getOptionData(r, 80) !== undefined) {
          // RFC 4039 §4: commit the address at once and answer with a DHCPACK carrying option 80. The held
          // offer becomes the binding, written before the ACK leaves like any other. Should the binding be
          // refused, the client gets the ordinary OFFER (never a NAK to a DISCOVER).
          const address = ipv4ToNumber(offered.lease.address);
          const bound = bindLease(x.leases, subnet, client, address, leaseTime, now);
          if (bound.ok) {
            x.writes.push(...bound.writes);
            x.lease = bound.lease;
            const d = newDraft('ack');
            d.yiaddr = bound.lease.address;
            addLeaseTimes(d, subnet, bound.leaseTime);
            d.options.set(80, new Uint8Array(0));
            x.reply = d;
            x.trace.push(
              `ACK ${bound.lease.address} for ${bound.leaseTime} s by rapid commit (RFC 4039, ${offered.source})`,
            );
            return undefined;
          }
          x.trace.push(`rapid commit of ${offered.lease.address} refused (${bound.reason}): OFFER instead`);
        }
        x.lease = offered.lease;
        const d = newDraft('offer');
        d.yiaddr = offered.lease.address;
        addLeaseTimes(d, subnet, offered.leaseTime);
        x.reply = d;
        x.trace.push(`OFFER ${offered.lease.address} (${offered.source})`);
        return undefined;
      }
      case MT.REQUEST: {
        if (serverId !== undefined) {
          // SELECTING (§4.3.2): 54 names the chosen server.
          if (!isOurs(x, serverId)) {
            const withdrawn = withdrawOffer(x.leases, subnet, client);
            x.trace.push(
              `client chose server ${numberToIpv4(serverId)}${withdrawn ? `; offer of ${withdrawn.address} withdrawn` : ''}`,
            );
            return { type: 'silent', kind: 'withdrawn' };
          }
          if (requested === undefined) {
            // Some clients put the address in ciaddr while selecting; RFC 2131 says 50 MUST be there.
            const ci = r.ciaddr === ZERO ? undefined : tryParseIpv4(r.ciaddr);
            if (ci === undefined) return drop('malformed-request', 'SELECTING without option 50');
            return ack(x, ci, leaseTime);
          }
          return ack(x, requested, leaseTime);
        }
        if (requested !== undefined) {
          // INIT-REBOOT (§4.3.2): verify the remembered address against the network.
          if (!cidrContains(subnet.cidr, requested)) {
            if (!x.config.authoritative) return drop('not-authoritative', 'wrong network');
            return nak(x, `${numberToIpv4(requested)} is not on network ${subnet.config.network}`);
          }
          return ackKnownOrFree(x, requested, leaseTime);
        }
        if (r.ciaddr !== ZERO) {
          // RENEWING or REBINDING (§4.3.2): ciaddr holds the address; extend it.
          const ci = tryParseIpv4(r.ciaddr)!;
          if (!cidrContains(subnet.cidr, ci)) {
            if (!x.config.authoritative) return drop('not-authoritative', 'wrong network');
            return nak(x, `${r.ciaddr} is not on network ${subnet.config.network}`);
          }
          return ackKnownOrFree(x, ci, leaseTime);
        }
        return drop('malformed-request', 'REQUEST without 54, 50 or ciaddr');
      }
      case MT.DECLINE: {
        // §4.3.3: the client found the address in use; mark it unavailable. No reply.
        if (serverId !== undefined && !isOurs(x, serverId)) return drop('other-server');
        if (requested === undefined) return drop('malformed-request', 'DECLINE without option 50');
        const declined = declineAddress(x.leases, subnet, client, requested, now, x.config.policy);
        if (declined !== undefined) {
          x.writes.push(declined);
          x.lease = declined;
          x.trace.push(`${declined.address} quarantined until ${declined.expires}`);
        } else {
          x.trace.push(`DECLINE of ${numberToIpv4(requested)} ignored: not held by this client`);
        }
        return { type: 'silent', kind: 'decline' };
      }
      case MT.RELEASE: {
        // §4.3.4: the address in ciaddr goes back; keep the record for the client's return.
        if (serverId !== undefined && !isOurs(x, serverId)) return drop('other-server');
        const ci = tryParseIpv4(r.ciaddr);
        const released =
          ci === undefined || ci === 0 ? undefined : releaseLease(x.leases, subnet, client, ci, now);
        if (released !== undefined) {
          x.writes.push(released);
          x.lease = released;
          x.trace.push(`${released.address} released`);
        } else {
          x.trace.push(`RELEASE of ${r.ciaddr} ignored: not held by this client`);
        }
        return { type: 'silent', kind: 'release' };
      }
      case MT.INFORM: {
        // §4.3.5: configuration only; no lease, no lease time, reply to ciaddr.
        if (r.ciaddr === ZERO) return drop('inform-without-ciaddr');
        const d = newDraft('inform');
        d.ciaddr = r.ciaddr;
        x.reply = d;
        x.trace.push(`INFORM from ${r.ciaddr}`);
        return undefined;
      }
      default:
        return drop('unsupported-message-type');
    }
  },
};

/**
 * A BOOTP request (RFC 951 §3, RFC 1542 §2: no option 53): answered with a BOOTREPLY binding the client's
 * reservation, or a pool address when the subnet has `bootp: 'dynamic'`, for `bootpLeaseTime` (default
 * for ever, as ISC dhcpd: a BOOTP client never renews). The binding is written before the reply leaves, as
 * for a DHCPACK; boot file, next server and options are added by the later handlers as for DHCP.
 */
function bootp(x: Exchange): HandlerOutcome {
  const subnet = x.subnet!;
  const client = x.client!;
  const now = x.context.now;
  if (subnet.bootp === false) return drop('bootp-unsupported', `subnet ${subnet.id} has bootp: false`);
  const reservation = findReservation(subnet, client.mac, client.clientId);
  let address: number;
  if (reservation !== undefined) {
    address = ipv4ToNumber(reservation.address);
  } else if (subnet.bootp === 'dynamic') {
    const chosen = allocateAddress(
      subnet,
      x.leases,
      { clientKey: client.key, mac: client.mac, clientId: client.clientId },
      now,
    );
    if (!chosen.ok) return drop(chosen.reason);
    address = chosen.address;
  } else {
    return drop('bootp-no-reservation', `${client.mac} has no reservation in subnet ${subnet.id}`);
  }
  const bound = bindLease(x.leases, subnet, client, address, undefined, now, subnet.bootpLeaseTime);
  if (!bound.ok) {
    const reason =
      bound.reason === 'lease-limit' ? 'lease-limit' : reservation ? 'reserved-elsewhere' : 'pool-exhausted';
    return drop(reason, `${numberToIpv4(address)}: ${bound.reason}`);
  }
  x.writes.push(...bound.writes);
  x.lease = bound.lease;
  x.bootp = true;
  const d = newDraft('ack');
  d.yiaddr = bound.lease.address;
  d.ciaddr = x.request.ciaddr;
  x.reply = d;
  const time = subnet.bootpLeaseTime === 'infinite' ? 'for ever' : `for ${subnet.bootpLeaseTime} s`;
  x.trace.push(`BOOTREPLY ${bound.lease.address} (${reservation ? 'reservation' : 'pool'}) ${time}`);
  return undefined;
}

/**
 * INIT-REBOOT, RENEWING, REBINDING: the address is the client's if our record says so, or if it is free
 * for it (RFC 2131 §4.3.2 lets a server with no record stay silent; with a journal that loses nothing,
 * "no record and free" really means free, so an authoritative server grants it as Kea does). Held by
 * someone else or outside the pools: NAK when authoritative, silence otherwise.
 */
function ackKnownOrFree(x: Exchange, address: number, leaseTime: number | undefined): HandlerOutcome {
  const record = x.leases.at(address);
  const known = record !== undefined && record.clientKey === x.client!.key;
  if (!known && !x.config.authoritative) return drop('not-authoritative', 'no record of this client');
  return ack(x, address, leaseTime);
}

/** Boot information for clients with a matching rule (boot.ts). Not on NAKs. */
export const bootOptions: Handler = {
  name: 'boot',
  handle(x) {
    const d = x.reply;
    const boot = x.config.boot;
    if (d === undefined || d.kind === 'nak' || boot === undefined) return undefined;
    const decision = decideBoot(bootFactsOf(x.request, x.subnet?.id), boot, x.serverId);
    x.trace.push(...decision.trace);
    if (decision.kind === 'none') return undefined;
    x.boot = decision;
    applyBoot(d, decision, x.request);
    return undefined;
  },
};

/** Writes a boot decision into a reply: siaddr, file (and 67 if asked for), 66/sname, 60 echo. */
export function applyBoot(d: ReplyDraft, decision: BootDecision, request: DhcpMessage): void {
  if (decision.nextServer !== undefined) d.siaddr = decision.nextServer;
  // The BOOTP file field holds 128 bytes with a NUL; longer names go in option 67 only (RFC 2132 §9.5).
  if (decision.bootFile.length < 128) d.file = decision.bootFile;
  const prl = getOptionData(request, 55);
  if (decision.bootFile.length >= 128 || prl?.includes(67) || decision.kind !== 'tftp') {
    d.options.set(67, textBytes(decision.bootFile));
  }
  if (decision.tftpServerName !== undefined) {
    if (decision.tftpServerName.length < 64) d.sname = decision.tftpServerName;
    d.options.set(66, textBytes(decision.tftpServerName));
  }
  // UEFI HTTP boot ignores offers without 60 "HTTPClient" (UEFI 2.5 §24.7.2).
  if (decision.vendorClass === 'HTTPClient') d.options.set(60, textBytes('HTTPClient'));
}

/** Subnet configuration options (RFC 2132 §3): mask, routers, DNS, domain, and the subnet's extras. */
export const subnetOptions: Handler = {
  name: 'subnet-options',
  handle(x) {
    const d = x.reply;
    const s = x.subnet;
    if (d === undefined || d.kind === 'nak' || s === undefined) return undefined;
    const b = bytesOf(s);
    d.options.set(1, b.mask);
    if (b.routers !== undefined) d.options.set(3, b.routers);
    if (b.dns !== undefined) d.options.set(6, b.dns);
    if (b.domain !== undefined) d.options.set(15, b.domain);
    const reservation =
      x.client === undefined ? undefined : findReservation(s, x.client.mac, x.client.clientId);
    if (reservation?.hostname !== undefined && d.kind !== 'inform')
      d.options.set(12, textBytes(reservation.hostname));
    for (const o of s.config.options ?? []) d.options.set(o.code, o.value);
    return undefined;
  },
};

function concatAddresses(list: readonly string[]): Uint8Array {
  const out = new Uint8Array(list.length * 4);
  for (let i = 0; i < list.length; i++) out.set(u32Bytes(ipv4ToNumber(list[i]!)), i * 4);
  return out;
}

/**
 * Echoes what the RFCs say to echo: option 82 when relayed (RFC 3046 §2.2, placed last by the encoder),
 * option 61 (RFC 6842 §3), and 53/54 first.
 */
export const echoOptions: Handler = {
  name: 'echo',
  handle(x) {
    const d = x.reply;
    if (d === undefined) return undefined;
    const options = d.options;
    // A BOOTREPLY carries neither 53 nor 54: they are DHCP's (RFC 2132 §9), and a BOOTP client has no use
    // for them.
    if (x.bootp === true) {
      options.delete(53);
      options.delete(54);
    } else if (options.keys().next().value === 53) {
      // The draft's own order (53, 54, then what the other handlers added): only 54 to fill in, unless a
      // handler set its own.
      if (options.get(54) === EMPTY) {
        if (x.serverId !== undefined) options.set(54, serverIdOption(x.serverId));
        else options.delete(54);
      }
    } else {
      // A custom handler rebuilt the map: put 53 and 54 first again (RFC 2131 table 3); a value a handler
      // set for either wins.
      const rest = [...options].filter(([k, v]) => !(k === 54 && v === EMPTY));
      options.clear();
      options.set(53, TYPE_BYTES[replyType(d.kind)]!);
      if (x.serverId !== undefined) options.set(54, serverIdOption(x.serverId));
      for (const [k, v] of rest) options.set(k, v);
    }
    if (d.kind === 'nak' && d.nakReason !== undefined) options.set(56, textBytes(d.nakReason));
    const id = getOptionData(x.request, 61);
    if (id !== undefined) options.set(61, id);
    const relay = getOptionData(x.request, 82);
    if (relay !== undefined && x.request.giaddr !== ZERO) options.set(82, relay);
    return undefined;
  },
};

/** The RFC 2131 pipeline, in order. */
export function defaultServerHandlers(): Handler[] {
  return [
    validateRequest,
    identifyClient,
    selectSubnet,
    chooseServerId,
    leasePolicy,
    bootOptions,
    subnetOptions,
    echoOptions,
  ];
}

/**
 * Reply destination, RFC 2131 §4.1: relayed → the relay's server port (the source port instead when the
 * relay asked with 82.12, RFC 8357); a DHCPNAK → broadcast (relayed: with the broadcast bit, §4.3.2);
 * ciaddr set → unicast to it; broadcast bit set → broadcast; otherwise unicast to chaddr/yiaddr, which
 * plain sockets cannot do, so broadcast with the hint kept.
 */
export function replyDestination(
  request: DhcpMessage,
  kind: ReplyKind,
  yiaddr: string,
  context: RequestContext,
): Destination {
  if (context.localPort === 4011)
    return { address: context.source.address, port: context.source.port, broadcast: false };
  if (request.giaddr !== ZERO) {
    const port = relaySubOption(request, 12) !== undefined ? context.source.port : 67;
    return { address: request.giaddr, port, broadcast: false };
  }
  if (kind === 'nak') return { address: '255.255.255.255', port: 68, broadcast: true };
  if (request.ciaddr !== ZERO) return { address: request.ciaddr, port: 68, broadcast: false };
  if ((request.flags & BROADCAST) !== 0 || yiaddr === ZERO)
    return { address: '255.255.255.255', port: 68, broadcast: true };
  const mac = hex(request.chaddr.subarray(0, request.hlen), ':');
  return { address: '255.255.255.255', port: 68, broadcast: true, unicastTo: { mac, address: yiaddr } };
}

/** Builds the reply message from a draft (RFC 2131 table 3 header fields). */
export function buildReply(request: DhcpMessage, d: ReplyDraft): DhcpMessage {
  const options: DhcpOption[] = [];
  for (const [code, data] of d.options) options.push({ code, data });
  // §4.3.2: a relayed NAK carries the broadcast bit so the relay broadcasts it to the client.
  const flags = d.kind === 'nak' && request.giaddr !== ZERO ? request.flags | BROADCAST : request.flags;
  const reply: DhcpMessage = {
    op: 2,
    htype: request.htype,
    hlen: request.hlen,
    hops: 0,
    xid: request.xid,
    secs: 0,
    flags,
    ciaddr: d.kind === 'nak' ? ZERO : d.ciaddr,
    yiaddr: d.yiaddr,
    siaddr: d.siaddr,
    giaddr: request.giaddr,
    chaddr: request.chaddr,
    sname: d.sname,
    file: d.file,
    options,
  };
  // A whole 16-byte chaddr field is shared with the request rather than copied (both messages are
  // read-only values); anything else goes through createDhcpMessage's checks and copy.
  return request.chaddr.length === 16 ? reply : createDhcpMessage(reply);
}

/** Runs a pipeline over one request. */
export function runPipeline(
  handlers: readonly Handler[],
  request: DhcpMessage,
  context: RequestContext,
  config: CompiledServerConfig,
  leases: LeaseTable,
): EngineResult {
  const d53 = getOptionData(request, 53);
  const x: Exchange = {
    request,
    messageType: d53 !== undefined && d53.length === 1 ? d53[0] : undefined,
    context,
    config,
    leases,
    writes: [],
    trace: [],
  };
  for (const h of handlers) {
    const out = h.handle(x);
    if (out === undefined) continue;
    if (out.type === 'drop') {
      return {
        type: 'drop',
        reason: out.reason,
        ...(out.detail === undefined ? {} : { detail: out.detail }),
        trace: x.trace,
      };
    }
    return {
      type: 'silent',
      kind: out.kind,
      writes: x.writes,
      ...(x.lease === undefined ? {} : { lease: x.lease }),
      trace: x.trace,
    };
  }
  const d = x.reply;
  if (d === undefined) return { type: 'drop', reason: 'no-reply', trace: x.trace };
  return {
    type: 'reply',
    kind: d.kind,
    message: buildReply(request, d),
    destination: replyDestination(request, d.kind, d.yiaddr, context),
    writes: x.writes,
    ...(x.lease === undefined ? {} : { lease: x.lease }),
    ...(x.boot === undefined ? {} : { boot: x.boot }),
    ...(x.bootp === true ? { bootp: true } : {}),
    ...(d.nakReason === undefined ? {} : { nakReason: d.nakReason }),
    trace: x.trace,
  };
}

export interface DhcpServerEngineOptions {
  /** The pipeline; default `defaultServerHandlers()`. */
  readonly handlers?: readonly Handler[];
}

/**
 * An authoritative DHCP server as a sans-IO object: a compiled configuration, a lease table and a
 * pipeline.
 *
 * @example
 * const engine = new DhcpServerEngine({ subnets: [{ network: '10.99.0.0/24', pools: ['10.99.0.100-10.99.0.199'] }] });
 * const result = engine.handle(decodeDhcpMessage(bytes), { now: Date.now(), source, localPort: 67, interface: { name: 'eth0', address: '10.99.0.1' } });
 * if (result.type === 'reply') { await persist(result.writes); send(result.message, result.destination); }
 */
export class DhcpServerEngine {
  readonly config: CompiledServerConfig;
  readonly leases: LeaseTable = new LeaseTable();
  readonly handlers: readonly Handler[];

  constructor(config: DhcpServerConfig, options: DhcpServerEngineOptions = {}) {
    this.config = compileServerConfig(config);
    this.handlers = options.handlers ?? defaultServerHandlers();
  }

  /** Loads leases from a store at start (offers dropped, finished leases marked expired). */
  restore(leases: Iterable<Lease>, now: number): void {
    for (const l of restoreLeases(leases, now)) this.leases.put(l);
  }

  handle(request: DhcpMessage, context: RequestContext): EngineResult {
    return runPipeline(this.handlers, request, context, this.config, this.leases);
  }

  /** When the lease table next has something to expire. */
  nextDeadline(): number | undefined {
    return this.leases.nextDeadline();
  }

  /** Applies expiry up to `now`; returns the leases that changed. */
  tick(now: number): Lease[] {
    return this.leases.sweep(now);
  }
}

/**
 * Types shared by the server and proxy engines: what the adapter tells the engine about a datagram, and
 * what the engine answers. The engines are sans-IO (docs/DESIGN.md): they never touch a socket or a
 * clock; the adapter passes `now` and carries out the result.
 */
import type { Lease } from '../lease/types.js';
import type { DhcpMessage } from '../wire/message.js';
import type { BootDecision } from './boot.js';

/** Where a datagram came from and how it arrived. */
export interface RequestContext {
  /** ms since the epoch. */
  readonly now: number;
  /** The interface the datagram arrived on, when the adapter knows it. */
  readonly interface?: { readonly name: string; readonly address: string } | undefined;
  /** Source address and port of the datagram (a relay's address and port 67 when relayed). */
  readonly source: { readonly address: string; readonly port: number };
  /** The local port it arrived on: 67, or 4011 for the PXE boot server exchange (PXE 2.1 §2.2.5). */
  readonly localPort: number;
}

/**
 * Where a reply goes (RFC 2131 §4.1): to a relay's server port, unicast to the client's address, or
 * broadcast. `unicastTo` is set when the RFC asks for unicast to `chaddr`/`yiaddr` of a client that has no
 * address yet; plain UDP sockets cannot do that without an ARP entry, so it is sent as a broadcast and
 * the hint is kept for adapters that can.
 */
export interface Destination {
  readonly address: string;
  readonly port: number;
  readonly broadcast: boolean;
  readonly unicastTo?: { readonly mac: string; readonly address: string };
}

export type ReplyKind = 'offer' | 'ack' | 'nak' | 'inform' | 'proxy-offer' | 'proxy-ack';

/** Why a request was dropped without a reply. Stable strings, for logs, events and counters. */
export type DropReason =
  /** Not a BOOTREQUEST (op 2, or a server's message type). */
  | 'not-a-request'
  /** hlen above 16, or htype 0. */
  | 'bad-hardware-address'
  /** More relay hops than `maxHops` (RFC 1542 §4.1.1). */
  | 'too-many-hops'
  /** No option 53: a BOOTP request (RFC 951) on a subnet with `bootp: false`, or in proxy mode. */
  | 'bootp-unsupported'
  /** A BOOTP request from a client without a reservation, on a subnet whose `bootp` is not 'dynamic'. */
  | 'bootp-no-reservation'
  /** A DHCP message type the server does not handle (RFC 2131 §3.1 lists the client ones). */
  | 'unsupported-message-type'
  /** An option the handling depends on is malformed (e.g. 50 not 4 bytes). */
  | 'bad-option'
  /** No configured subnet matches the link the request came from. */
  | 'no-subnet'
  /** No server identifier could be chosen (no `serverId`, no interface address). */
  | 'no-server-id'
  /** DHCPREQUEST/DECLINE/RELEASE naming another server in option 54 (RFC 2131 §4.3.2). */
  | 'other-server'
  /** Nothing free in the pools (RFC 2131 §4.3.1: no OFFER). */
  | 'pool-exhausted'
  /** The subnet's `maxLeases` is reached. */
  | 'lease-limit'
  /** The client's reserved address is held by someone else. */
  | 'reserved-elsewhere'
  /** A DHCPREQUEST that fits none of SELECTING, INIT-REBOOT, RENEWING, REBINDING (RFC 2131 §4.3.2). */
  | 'malformed-request'
  /** Non-authoritative and the request is for an address this server cannot vouch for: stay silent. */
  | 'not-authoritative'
  /** DHCPINFORM without ciaddr (RFC 2131 §4.3.5). */
  | 'inform-without-ciaddr'
  /** proxyDHCP: the client is not a PXE or HTTP-boot client. */
  | 'not-a-boot-client'
  /** proxyDHCP: no boot rule applies to the client. */
  | 'no-boot-rule'
  /**
   * proxyDHCP with a PXE menu: a boot server request (43.71) for a type that is no boot file item of the
   * client's menu (unknown, another architecture's, local boot), or asking for credentials (PXE BIS).
   */
  | 'no-boot-item'
  /** A message on port 4011 that is not a DHCPREQUEST/INFORM for the boot server. */
  | 'wrong-port'
  /** The adapter could not decode the datagram (the codec's error code is in `detail`). */
  | 'undecodable'
  /** The engine has no handler that produced a reply. */
  | 'no-reply';

export interface DropResult {
  readonly type: 'drop';
  readonly reason: DropReason;
  readonly detail?: string;
  readonly trace: readonly string[];
}

/** Handled, nothing to send (DHCPRELEASE, DHCPDECLINE, a REQUEST for another server). */
export interface SilentResult {
  readonly type: 'silent';
  readonly kind: 'release' | 'decline' | 'withdrawn';
  /** Lease records that must be persisted. */
  readonly writes: readonly Lease[];
  readonly lease?: Lease;
  readonly trace: readonly string[];
}

export interface ReplyResult {
  readonly type: 'reply';
  readonly kind: ReplyKind;
  readonly message: DhcpMessage;
  readonly destination: Destination;
  /** Lease records that must be durable before the reply is sent (RFC 2131 §4.3.1). */
  readonly writes: readonly Lease[];
  readonly lease?: Lease;
  readonly boot?: BootDecision;
  /**
   * True for a BOOTREPLY to a BOOTP client (RFC 951): `kind` is 'ack' (the binding is made), the message
   * has no option 53 or 54 and no lease times.
   */
  readonly bootp?: boolean;
  /** For a DHCPNAK: why. */
  readonly nakReason?: string;
  readonly trace: readonly string[];
}

export type EngineResult = ReplyResult | SilentResult | DropResult;

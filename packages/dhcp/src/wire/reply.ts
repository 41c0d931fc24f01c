/**
 * Encoding rules for server replies (RFC 2131 §4.1, §4.3.1; RFC 2132 §9.10; RFC 3046 §2.1), as ISC dhcpd
 * applies them: mandatory options first, then the client's parameter request list order, then the rest,
 * relay agent information (82) last, END once, zero padding to 300 bytes, the client's maximum message
 * size respected by spilling into `file`/`sname` (option 52) and, as a last resort, by leaving out the
 * options the client did not ask for.
 */
import { DHCP_ERROR_CODES, DhcpError } from '../errors.js';
import { option } from './message.js';
import {
  BOOTP_MIN_LENGTH,
  DEFAULT_MAX_MESSAGE_SIZE,
  type DhcpMessage,
  type DhcpOption,
  encodeDhcpMessage,
  getOptionData,
} from './message.js';

/** What `createDhcpReply` takes besides the request. */
export interface DhcpReplyInit {
  /** Option 53 of the reply (OFFER, ACK, NAK ...). */
  readonly messageType: number;
  /** Server identifier (54), placed right after 53. Omit only for replies that have none. */
  readonly serverIdentifier?: string;
  readonly yiaddr?: string;
  readonly siaddr?: string;
  /** Defaults to 0.0.0.0; RFC 2131 table 3: the request's ciaddr for an ACK to INFORM/RENEW. */
  readonly ciaddr?: string;
  readonly sname?: string;
  readonly file?: string;
  /** More options, in any order (`encodeDhcpReply` orders them). */
  readonly options?: readonly DhcpOption[];
  /** Copy the request's option 82 (RFC 3046 §2.2: the server MUST echo it). Default true. */
  readonly echoRelayAgentInformation?: boolean;
  /** Copy the request's option 61 (RFC 6842 §3: the server MUST echo it). Default true. */
  readonly echoClientIdentifier?: boolean;
}

/**
 * Builds a reply to `request` with the header fields RFC 2131 table 3 prescribes: op BOOTREPLY, the
 * request's htype, hlen, xid, flags, giaddr and chaddr, hops and secs 0; then 53, 54, the given options,
 * and the echoed 61 and 82.
 *
 * @example
 * const offer = createDhcpReply(discover, {
 *   messageType: DHCP_MESSAGE_TYPE.OFFER, serverIdentifier: '10.0.0.1', yiaddr: '10.0.0.50',
 *   options: [option('ipAddressLeaseTime', 3600), option('subnetMask', '255.255.255.0')],
 * });
 * const { bytes } = encodeDhcpReply(offer, { request: discover });
 */
export function createDhcpReply(request: DhcpMessage, init: DhcpReplyInit): DhcpMessage {
  const options: DhcpOption[] = [{ code: 53, data: Uint8Array.of(init.messageType) }];
  if (init.serverIdentifier !== undefined) options.push(option('serverIdentifier', init.serverIdentifier));
  for (const o of init.options ?? []) if (o.code !== 53 && o.code !== 54) options.push(o);
  const echo = (code: number, wanted: boolean | undefined): void => {
    const d = getOptionData(request, code);
    if (d !== undefined && wanted !== false && !options.some((o) => o.code === code))
      options.push({ code, data: d });
  };
  echo(61, init.echoClientIdentifier);
  echo(RELAY_AGENT_INFORMATION, init.echoRelayAgentInformation);
  return {
    op: 2,
    htype: request.htype,
    hlen: request.hlen,
    hops: 0,
    xid: request.xid,
    secs: 0,
    flags: request.flags,
    ciaddr: init.ciaddr ?? '0.0.0.0',
    yiaddr: init.yiaddr ?? '0.0.0.0',
    siaddr: init.siaddr ?? '0.0.0.0',
    giaddr: request.giaddr,
    chaddr: request.chaddr.slice(),
    sname: init.sname ?? '',
    file: init.file ?? '',
    options,
  };
}

/** Options for `encodeDhcpReply`. */
export interface ReplyEncodeOptions {
  /** The client's message: its 55 sets the order, its 57 the size limit. */
  readonly request?: DhcpMessage;
  /**
   * The size limit (IP datagram bytes), overriding the request's 57. Values below 576 are raised to 576
   * (RFC 2132 §9.10: "The minimum legal value is 576 octets"). Default: the request's 57, else 576.
   */
  readonly maxMessageSize?: number;
  /** Pad to this length (default 300, RFC 1542 §2.1; BOOTP clients need it). */
  readonly minLength?: number;
  /** Codes placed first, in this order (default 53, 54, 51: RFC 2131 table 3's MUSTs for OFFER/ACK). */
  readonly mandatory?: readonly number[];
}

/** The encoded reply and the codes left out because the client's size limit had no room for them. */
export interface EncodedReply {
  readonly bytes: Uint8Array;
  readonly omitted: readonly number[];
  /** The option order that was encoded (after reordering and omissions). */
  readonly order: readonly number[];
}

const RELAY_AGENT_INFORMATION = 82;
const OVERLOAD = 52;
const DEFAULT_MANDATORY: readonly number[] = [53, 54, 51];

/**
 * The size limit a request asks for: its option 57 if well formed, never below 576.
 *
 * @example
 * replySizeLimit(discover); // 1500 for a client that sent 57 = 1500
 */
export function replySizeLimit(request: DhcpMessage | undefined, override?: number): number {
  let limit: number = DEFAULT_MAX_MESSAGE_SIZE;
  if (override !== undefined) limit = override;
  else if (request !== undefined) {
    const d = getOptionData(request, 57);
    if (d !== undefined && d.length === 2) limit = (d[0]! << 8) | d[1]!;
  }
  if (!Number.isInteger(limit))
    throw new DhcpError(DHCP_ERROR_CODES.BAD_VALUE, `size limit ${limit} is not an integer`);
  return Math.max(limit, DEFAULT_MAX_MESSAGE_SIZE);
}

/**
 * Orders a reply's options: mandatory codes first, then those the request's 55 lists (in its order),
 * then the others in their given order, 82 last. Option 52 is dropped (the encoder computes overload).
 */
export function orderReplyOptions(
  options: readonly DhcpOption[],
  request?: DhcpMessage,
  mandatory: readonly number[] = DEFAULT_MANDATORY,
): DhcpOption[] {
  const prl = request === undefined ? undefined : getOptionData(request, 55);
  // Called for every reply: plain scans of the (short) mandatory list and PRL and a stable insertion sort,
  // no Map, closures or intermediate arrays.
  const out: DhcpOption[] = [];
  const keys: number[] = [];
  let i = 0;
  for (const o of options) {
    if (o.code === OVERLOAD) continue;
    const key = o.code === RELAY_AGENT_INFORMATION ? 1_000_000 : rankOf(o.code, mandatory, prl, 10_000 + i);
    i++;
    let j = out.length;
    out.push(o);
    keys.push(key);
    while (j > 0 && keys[j - 1]! > key) {
      out[j] = out[j - 1]!;
      keys[j] = keys[j - 1]!;
      j--;
    }
    out[j] = o;
    keys[j] = key;
  }
  return out;
}

/** The first position of `code` in `mandatory`, else 1000 + its first position in `prl`, else `otherwise`. */
function rankOf(
  code: number,
  mandatory: readonly number[],
  prl: Uint8Array | undefined,
  otherwise: number,
): number {
  for (let k = 0; k < mandatory.length; k++) if (mandatory[k] === code) return k;
  if (prl !== undefined) for (let k = 0; k < prl.length; k++) if (prl[k] === code) return 1000 + k;
  return otherwise;
}

/**
 * Encodes a server reply by the rules above. Throws `DHCP_ERR_TOO_LARGE` only when the mandatory
 * options and 82 alone do not fit.
 *
 * @example
 * const { bytes, omitted } = encodeDhcpReply(offer, { request: discover });
 */
export function encodeDhcpReply(reply: DhcpMessage, opts: ReplyEncodeOptions = {}): EncodedReply {
  const mandatory = opts.mandatory ?? DEFAULT_MANDATORY;
  const limit = replySizeLimit(opts.request, opts.maxMessageSize);
  const ordered = orderReplyOptions(reply.options, opts.request, mandatory);
  const encodeOptions = {
    maxMessageSize: limit,
    minLength: opts.minLength ?? BOOTP_MIN_LENGTH,
    canonical: true,
  };
  // The common case fits at the first attempt; the drop order is only worked out when it does not.
  let first: DhcpError;
  try {
    const bytes = encodeDhcpMessage({ ...reply, options: ordered }, encodeOptions);
    return { bytes, omitted: [], order: codesOf(ordered) };
  } catch (e) {
    if (!(e instanceof DhcpError) || e.code !== DHCP_ERROR_CODES.TOO_LARGE) throw e;
    first = e;
  }
  const prl = opts.request === undefined ? undefined : getOptionData(opts.request, 55);
  const requested = new Set(prl === undefined ? [] : Array.from(prl));
  const keep = new Set([...mandatory, RELAY_AGENT_INFORMATION]);
  // Drop order: unrequested options from the end first, then requested ones from the end of the PRL.
  const dropOrder = [
    ...ordered.filter((o) => !keep.has(o.code) && !requested.has(o.code)).reverse(),
    ...ordered.filter((o) => !keep.has(o.code) && requested.has(o.code)).reverse(),
  ];
  if (dropOrder.length === 0) throw first;
  const omitted: number[] = [];
  let current = ordered;
  for (let attempt = 0; attempt < dropOrder.length; attempt++) {
    const drop = dropOrder[attempt]!;
    omitted.push(drop.code);
    current = current.filter((o) => o !== drop);
    try {
      const bytes = encodeDhcpMessage({ ...reply, options: current }, encodeOptions);
      return { bytes, omitted, order: codesOf(current) };
    } catch (e) {
      if (
        !(e instanceof DhcpError) ||
        e.code !== DHCP_ERROR_CODES.TOO_LARGE ||
        attempt === dropOrder.length - 1
      )
        throw e;
    }
  }
  /* c8 ignore next */
  throw new DhcpError(DHCP_ERROR_CODES.TOO_LARGE, 'reply does not fit');
}

function codesOf(options: readonly DhcpOption[]): number[] {
  const codes: number[] = new Array(options.length);
  for (let i = 0; i < options.length; i++) codes[i] = options[i]!.code;
  return codes;
}

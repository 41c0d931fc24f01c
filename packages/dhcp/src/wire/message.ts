/**
 * The DHCP/BOOTP message: header view, lossless decode, encode.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------+---------------+---------------+---------------+
 * |     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |   0
 * +---------------+---------------+---------------+---------------+
 * |                            xid (4)                            |   4
 * +-------------------------------+-------------------------------+
 * |           secs (2)            |           flags (2)           |   8
 * +-------------------------------+-------------------------------+
 * |                          ciaddr  (4)                          |  12
 * |                          yiaddr  (4)                          |  16
 * |                          siaddr  (4)                          |  20
 * |                          giaddr  (4)                          |  24
 * |                          chaddr  (16)                         |  28
 * |                          sname   (64)                         |  44
 * |                          file    (128)                        | 108
 * |                     magic cookie 99.130.83.99                 | 236
 * |                          options (variable)                   | 240
 * +---------------------------------------------------------------+
 * ```
 * RFC 2131 §2 (figure 1), RFC 951 §3, RFC 1542 §2.
 */
import { DHCP_ERROR_CODES, type DhcpErrorCode, DhcpError, type DhcpProblem } from '../errors.js';
import { allocBytes } from './alloc.js';
import { formatMac, latin1, parseIpv4, parseMac, readIpv4, writeLatin1 } from './bytes.js';
import { encapsulated, tlvList } from './codecs.js';
import {
  type DhcpOptionName,
  type DhcpOptionValues,
  IPXE_SUBOPTIONS,
  PXE_SUBOPTIONS,
  RELAY_AGENT_SUBOPTIONS,
  optionByCode,
  optionByName,
} from './options.js';

/** Byte offsets of the fixed header (RFC 2131 §2). */
export const HEADER = {
  OP: 0,
  HTYPE: 1,
  HLEN: 2,
  HOPS: 3,
  XID: 4,
  SECS: 8,
  FLAGS: 10,
  CIADDR: 12,
  YIADDR: 16,
  SIADDR: 20,
  GIADDR: 24,
  CHADDR: 28,
  SNAME: 44,
  FILE: 108,
  COOKIE: 236,
  OPTIONS: 240,
} as const;

export const CHADDR_LENGTH = 16 as const;
export const SNAME_LENGTH = 64 as const;
export const FILE_LENGTH = 128 as const;
/** The fixed BOOTP header without the cookie (RFC 951). */
export const BOOTP_HEADER_LENGTH = 236 as const;
/** The magic cookie 99.130.83.99 (RFC 2131 §3, RFC 1497). */
export const MAGIC_COOKIE = 0x63825363 as const;
/** A BOOTP message is at least 300 bytes (RFC 951 §3: 64-byte vend field; RFC 1542 §2.1). */
export const BOOTP_MIN_LENGTH = 300 as const;
/** Default maximum IP datagram a client accepts (RFC 2131 §2: 576 minus 28 of IP/UDP = 548 DHCP bytes). */
export const DEFAULT_MAX_MESSAGE_SIZE = 576 as const;
/** IPv4 (20, no options) plus UDP (8) header bytes, subtracted from option 57 (RFC 2132 §9.10). */
export const IP_UDP_HEADER_LENGTH = 28 as const;

const PAD = 0;
const END = 255;
const OVERLOAD = 52;

/**
 * One option: its code and its whole value (instances already concatenated per RFC 3396).
 *
 * After a decode, `data` of an option with one instance on the wire is a view into the decoded bytes
 * (same `.buffer`, no copy); only a value concatenated from several instances has memory of its own. Do
 * not change or reuse the input while the message is in use, or `slice()` the values you keep.
 */
export interface DhcpOption {
  readonly code: number;
  readonly data: Uint8Array;
}

/**
 * One options area as it was on the wire: `tokens` are flat pairs `[code, length, ...]` in wire order;
 * code 0 is a run of `length` pad bytes, code 255 is END (length 0). `tail` is what followed the last token
 * up to the end of the area: a count of zero bytes, or the bytes themselves when not all zero.
 */
export interface LayoutRegion {
  readonly tokens: readonly number[];
  readonly tail: number | Uint8Array;
}

/**
 * What a decoded message needs to re-encode byte for byte: option order, RFC 3396 instance splits, pad
 * runs, overload use and trailing bytes. Opaque to most users; the encoder follows it as long as it still
 * matches the message's options (same codes in the same order with the same total lengths), and falls back
 * to the canonical encoding otherwise.
 */
export interface DhcpWireLayout {
  /** false for a BOOTP message without the magic cookie: bytes from 236 on are `options.tail`. */
  readonly cookie: boolean;
  /** True when every option code appears once: the option tokens then map one to one, in order, to options. */
  readonly single?: boolean;
  readonly options: LayoutRegion;
  /** Options carried in `file` (overload 1 or 3), or the raw field when it is not plain text + zeros. */
  readonly file?: LayoutRegion | Uint8Array | undefined;
  /** Options carried in `sname` (overload 2 or 3), or the raw field when it is not plain text + zeros. */
  readonly sname?: LayoutRegion | Uint8Array | undefined;
}

/**
 * A DHCP (RFC 2131) or BOOTP (RFC 951) message. Field names follow the RFC.
 * Options are raw bytes; read them typed with `getOption`.
 */
export interface DhcpMessage {
  /** Message op code: 1 BOOTREQUEST, 2 BOOTREPLY. */
  readonly op: number;
  /** Hardware address type (1 = Ethernet). */
  readonly htype: number;
  /** Hardware address length (6 for Ethernet). */
  readonly hlen: number;
  /** Relay hops. */
  readonly hops: number;
  /** Transaction ID, unsigned 32-bit. */
  readonly xid: number;
  /** Seconds since the client began acquiring. */
  readonly secs: number;
  /** Flags; 0x8000 is BROADCAST (RFC 1542 §2.2). */
  readonly flags: number;
  /** Client IP address. */
  readonly ciaddr: string;
  /** "Your" (client) IP address. */
  readonly yiaddr: string;
  /** Next server IP address (TFTP server for PXE). */
  readonly siaddr: string;
  /** Relay agent IP address. */
  readonly giaddr: string;
  /**
   * Client hardware address, the whole 16-byte field (the first `hlen` bytes are the address). After a
   * decode, a view into the decoded bytes (see `DhcpOption`).
   */
  readonly chaddr: Uint8Array;
  /** Server host name, up to the first NUL ("" when the field carries options). */
  readonly sname: string;
  /** Boot file name, up to the first NUL ("" when the field carries options). */
  readonly file: string;
  /** Options in wire order of first appearance, each with its whole (concatenated) value. */
  readonly options: readonly DhcpOption[];
  /** Set by decode; lets encode reproduce the original bytes exactly. */
  readonly layout?: DhcpWireLayout;
}

/** Fields accepted by `createDhcpMessage`; everything is optional and `chaddr` may be a MAC string. */
export type DhcpMessageInit = Partial<Omit<DhcpMessage, 'chaddr' | 'layout'>> & {
  readonly chaddr?: Uint8Array | string;
};

/**
 * Builds a message with defaults (BOOTREQUEST, Ethernet, hlen 6, zero addresses, no options).
 *
 * @example
 * const discover = createDhcpMessage({
 *   xid: 0x1234, chaddr: '52:54:00:12:34:56',
 *   options: [option('messageType', DHCP_MESSAGE_TYPE.DISCOVER)],
 * });
 */
export function createDhcpMessage(init: DhcpMessageInit = {}): DhcpMessage {
  const chaddr = new Uint8Array(CHADDR_LENGTH);
  const mac = typeof init.chaddr === 'string' ? parseMac(init.chaddr) : (init.chaddr ?? new Uint8Array(0));
  if (mac.length > CHADDR_LENGTH)
    throw new DhcpError(DHCP_ERROR_CODES.BAD_VALUE, 'chaddr longer than 16 bytes');
  chaddr.set(mac);
  return {
    op: init.op ?? 1,
    htype: init.htype ?? 1,
    hlen: init.hlen ?? (typeof init.chaddr === 'string' ? mac.length : 6),
    hops: init.hops ?? 0,
    xid: init.xid ?? 0,
    secs: init.secs ?? 0,
    flags: init.flags ?? 0,
    ciaddr: init.ciaddr ?? '0.0.0.0',
    yiaddr: init.yiaddr ?? '0.0.0.0',
    siaddr: init.siaddr ?? '0.0.0.0',
    giaddr: init.giaddr ?? '0.0.0.0',
    chaddr,
    sname: init.sname ?? '',
    file: init.file ?? '',
    options: init.options ?? [],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Header view

function u32At(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/**
 * A zero-copy view of the fixed header, for filtering before a full decode (smoltcp's `Packet` idea).
 * Construction checks the length once; after that no accessor can fail. Addresses are 32-bit numbers.
 *
 * @example
 * const h = new DhcpHeaderView(datagram);
 * if (h.op !== BOOTP_OP.BOOTREQUEST) return;
 */
export class DhcpHeaderView {
  readonly bytes: Uint8Array;

  /** Throws `DHCP_ERR_TRUNCATED` when `bytes` is shorter than the 236-byte BOOTP header. */
  constructor(bytes: Uint8Array) {
    if (bytes.length < BOOTP_HEADER_LENGTH) {
      throw new DhcpError(DHCP_ERROR_CODES.TRUNCATED, `${bytes.length} bytes, a BOOTP header needs 236`, {
        offset: bytes.length,
      });
    }
    this.bytes = bytes;
  }

  get op(): number {
    return this.bytes[HEADER.OP]!;
  }
  get htype(): number {
    return this.bytes[HEADER.HTYPE]!;
  }
  get hlen(): number {
    return this.bytes[HEADER.HLEN]!;
  }
  get hops(): number {
    return this.bytes[HEADER.HOPS]!;
  }
  get xid(): number {
    return u32At(this.bytes, HEADER.XID);
  }
  get secs(): number {
    return (this.bytes[HEADER.SECS]! << 8) | this.bytes[HEADER.SECS + 1]!;
  }
  get flags(): number {
    return (this.bytes[HEADER.FLAGS]! << 8) | this.bytes[HEADER.FLAGS + 1]!;
  }
  get ciaddr(): number {
    return u32At(this.bytes, HEADER.CIADDR);
  }
  get yiaddr(): number {
    return u32At(this.bytes, HEADER.YIADDR);
  }
  get siaddr(): number {
    return u32At(this.bytes, HEADER.SIADDR);
  }
  get giaddr(): number {
    return u32At(this.bytes, HEADER.GIADDR);
  }
  /** The first `min(hlen, 16)` bytes of chaddr (a view, not a copy). */
  get chaddr(): Uint8Array {
    return this.bytes.subarray(HEADER.CHADDR, HEADER.CHADDR + Math.min(this.hlen, CHADDR_LENGTH));
  }
  /** chaddr as `aa:bb:cc:dd:ee:ff`. */
  get mac(): string {
    return formatMac(this.chaddr);
  }
  /** True when bytes 236..239 hold the DHCP magic cookie. */
  get hasCookie(): boolean {
    return this.bytes.length >= HEADER.OPTIONS && u32At(this.bytes, HEADER.COOKIE) === MAGIC_COOKIE;
  }
  /**
   * Option 53 from the options field, found by a bounded scan without decoding (not from overloaded
   * fields); undefined for BOOTP or when absent or malformed.
   */
  get messageType(): number | undefined {
    if (!this.hasCookie) return undefined;
    const b = this.bytes;
    let i: number = HEADER.OPTIONS;
    while (i < b.length) {
      const c = b[i]!;
      if (c === PAD) {
        i++;
        continue;
      }
      if (c === END || i + 1 >= b.length) return undefined;
      const n = b[i + 1]!;
      if (c === 53) return n === 1 && i + 2 < b.length ? b[i + 2] : undefined;
      i += 2 + n;
    }
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Decode

/** Result of a tolerant decode. `message` is undefined only when not even the header could be read. */
export interface TolerantDecodeResult {
  readonly message: DhcpMessage | undefined;
  readonly problems: readonly DhcpProblem[];
}

type Report = (code: DhcpErrorCode, offset: number, message: string, option?: number) => void;

const strictReport: Report = (code, offset, message, option) => {
  throw new DhcpError(code, message, option === undefined ? { offset } : { offset, option });
};

interface RegionScan {
  region: LayoutRegion;
  /** The code/offset/length triples of every option instance, flat. */
}

function allZero(b: Uint8Array, start: number, end: number): boolean {
  // OR-accumulate without a branch per byte: the fields checked are almost always all zero.
  let acc = 0;
  for (let i = start; i < end; i++) acc |= b[i]!;
  return acc === 0;
}

function tailOf(b: Uint8Array, start: number, end: number): number | Uint8Array {
  return allZero(b, start, end) ? end - start : b.slice(start, end);
}

/**
 * Scans one options area [start, end). Pushes instances (code, offset, length) to `instances`.
 * RFC 2132 §2: pad (0) and end (255) are single bytes; every other option is code, length, data.
 */
function scanRegion(
  b: Uint8Array,
  start: number,
  end: number,
  instances: number[],
  report: Report,
  where: string,
): RegionScan {
  const tokens: number[] = [];
  let i = start;
  let sawEnd = false;
  let truncated = false;
  while (i < end) {
    const c = b[i]!;
    if (c === PAD) {
      let j = i + 1;
      while (j < end && b[j] === PAD) j++;
      tokens.push(PAD, j - i);
      i = j;
      continue;
    }
    if (c === END) {
      tokens.push(END, 0);
      i++;
      sawEnd = true;
      break;
    }
    if (i + 1 >= end || i + 2 + b[i + 1]! > end) {
      report(
        DHCP_ERROR_CODES.OPTION_TRUNCATED,
        i,
        `option ${c} in ${where} runs past the end of the field`,
        c,
      );
      truncated = true;
      break;
    }
    const n = b[i + 1]!;
    tokens.push(c, n);
    instances.push(c, i + 2, n);
    i += 2 + n;
  }
  if (!sawEnd && !truncated) {
    // A trailing pad run with no END is the common shape of this problem; keep it in tokens.
    report(DHCP_ERROR_CODES.MISSING_END, end, `${where} has no END option`);
  }
  if (sawEnd && !allZero(b, i, end)) {
    let k = i;
    while (b[k] === 0) k++;
    report(DHCP_ERROR_CODES.TRAILING_DATA, k, `non-zero bytes after END in ${where}`);
  }
  return { region: { tokens, tail: tailOf(b, i, end) } };
}

/** Reads a NUL-terminated latin1 field; returns the text and whether the field is text + zeros only. */
function readTextField(b: Uint8Array, start: number, length: number): { text: string; canonical: boolean } {
  let nul = start;
  const end = start + length;
  while (nul < end && b[nul] !== 0) nul++;
  return { text: latin1(b, start, nul), canonical: allZero(b, nul, end) };
}

function decodeInternal(bytes: Uint8Array, report: Report): DhcpMessage | undefined {
  const b = bytes;
  if (b.length < HEADER.OPTIONS) {
    report(DHCP_ERROR_CODES.TRUNCATED, b.length, `${b.length} bytes, a DHCP message needs at least 240`);
    if (b.length < BOOTP_HEADER_LENGTH) return undefined;
  }
  const snameField = readTextField(b, HEADER.SNAME, SNAME_LENGTH);
  const fileField = readTextField(b, HEADER.FILE, FILE_LENGTH);
  let sname = snameField.text;
  let file = fileField.text;
  let options: DhcpOption[];
  let layout: DhcpWireLayout;

  if (b.length < HEADER.OPTIONS || u32At(b, HEADER.COOKIE) !== MAGIC_COOKIE) {
    if (b.length >= HEADER.OPTIONS) {
      report(DHCP_ERROR_CODES.BAD_COOKIE, HEADER.COOKIE, 'bytes 236..239 are not the DHCP magic cookie');
    }
    // A BOOTP message (RFC 951 vend field) or junk: keep everything after the header as raw bytes.
    options = [];
    layout = {
      cookie: false,
      options: { tokens: [], tail: tailOf(b, BOOTP_HEADER_LENGTH, b.length) },
      file: fileField.canonical ? undefined : b.slice(HEADER.FILE, HEADER.FILE + FILE_LENGTH),
      sname: snameField.canonical ? undefined : b.slice(HEADER.SNAME, HEADER.SNAME + SNAME_LENGTH),
    };
  } else {
    const instances: number[] = [];
    const main = scanRegion(b, HEADER.OPTIONS, b.length, instances, report, 'options');

    // RFC 2131 §4.1: options, then file (overload 1 or 3), then sname (2 or 3). 52 counts only from the
    // options field (RFC 2132 §9.3).
    let overload = 0;
    for (let k = 0; k < instances.length; k += 3) {
      if (instances[k] !== OVERLOAD) continue;
      const at = instances[k + 1]!;
      const n = instances[k + 2]!;
      if (overload !== 0 || n !== 1 || b[at]! < 1 || b[at]! > 3) {
        report(
          DHCP_ERROR_CODES.BAD_OVERLOAD,
          at - 2,
          'option 52 must appear once, with one byte 1, 2 or 3',
          OVERLOAD,
        );
        overload = -1;
        continue;
      }
      overload = b[at]!;
    }
    if (overload < 0) overload = 0;

    let fileRegion: LayoutRegion | Uint8Array | undefined;
    let snameRegion: LayoutRegion | Uint8Array | undefined;
    if (overload & 1) {
      fileRegion = scanRegion(b, HEADER.FILE, HEADER.FILE + FILE_LENGTH, instances, report, 'file').region;
      file = '';
    } else if (!fileField.canonical) fileRegion = b.slice(HEADER.FILE, HEADER.FILE + FILE_LENGTH);
    if (overload & 2) {
      snameRegion = scanRegion(
        b,
        HEADER.SNAME,
        HEADER.SNAME + SNAME_LENGTH,
        instances,
        report,
        'sname',
      ).region;
      sname = '';
    } else if (!snameField.canonical) snameRegion = b.slice(HEADER.SNAME, HEADER.SNAME + SNAME_LENGTH);
    const single = !hasRepeats(instances);
    options = gatherOptions(b, instances, single);
    layout = { cookie: true, single, options: main.region, file: fileRegion, sname: snameRegion };
  }
  return {
    op: b[0]!,
    htype: b[1]!,
    hlen: b[2]!,
    hops: b[3]!,
    xid: u32At(b, HEADER.XID),
    secs: (b[HEADER.SECS]! << 8) | b[HEADER.SECS + 1]!,
    flags: (b[HEADER.FLAGS]! << 8) | b[HEADER.FLAGS + 1]!,
    ciaddr: readIpv4(b, HEADER.CIADDR),
    yiaddr: readIpv4(b, HEADER.YIADDR),
    siaddr: readIpv4(b, HEADER.SIADDR),
    giaddr: readIpv4(b, HEADER.GIADDR),
    chaddr: viewOf(b, HEADER.CHADDR, CHADDR_LENGTH),
    sname,
    file,
    options,
    layout,
  };
}

/**
 * A view of `n` bytes of `b` from `at`, sharing its memory (no copy). For a Node `Buffer` input this is a
 * `Buffer` view, as `Buffer#slice` always gave.
 */
function viewOf(b: Uint8Array, at: number, n: number): Uint8Array {
  return b.subarray(at, at + n);
}

/**
 * RFC 3396 §5: all instances of one code, wherever they are, concatenate in read order. A value that has a
 * single instance is a view into the input (no copy: most of a decode's cost was one small allocation per
 * option); only values of several instances are concatenated into an array of their own.
 */
function gatherOptions(b: Uint8Array, instances: number[], single: boolean): DhcpOption[] {
  const options: DhcpOption[] = [];
  if (single) {
    for (let k = 0; k < instances.length; k += 3) {
      options.push({ code: instances[k]!, data: viewOf(b, instances[k + 1]!, instances[k + 2]!) });
    }
    return options;
  }
  // Map: code -> [total length, instance offsets...]; insertion order is first appearance.
  const groups = new Map<number, number[]>();
  for (let k = 0; k < instances.length; k += 3) {
    const c = instances[k]!;
    const g = groups.get(c);
    if (g === undefined) groups.set(c, [instances[k + 2]!, k]);
    else {
      g[0]! += instances[k + 2]!;
      g.push(k);
    }
  }
  for (const [code, g] of groups) {
    if (g.length === 2) {
      const k = g[1]!;
      options.push({ code, data: viewOf(b, instances[k + 1]!, instances[k + 2]!) });
      continue;
    }
    const data = new Uint8Array(g[0]!);
    let filled = 0;
    for (let i = 1; i < g.length; i++) {
      const k = g[i]!;
      const at = instances[k + 1]!;
      const n = instances[k + 2]!;
      data.set(b.subarray(at, at + n), filled);
      filled += n;
    }
    options.push({ code, data });
  }
  return options;
}

/** Whether any code appears twice in the flat (code, offset, length) list: a 256-bit set, linear. */
function hasRepeats(instances: number[]): boolean {
  const seen = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < instances.length; i += 3) {
    const c = instances[i]!;
    const bit = 1 << (c & 31);
    const w = c >>> 5;
    if ((seen[w]! & bit) !== 0) return true;
    seen[w]! |= bit;
  }
  return false;
}

/**
 * Decodes a DHCP or BOOTP message strictly: any framing problem (short header, bad cookie, truncated
 * option, missing END, non-zero bytes after END, bad overload) throws a `DhcpError` with its code and
 * offset. Option values are not checked here; `getOption` checks the ones you read.
 *
 * Zero-copy: `chaddr` and every option value with one instance are views into `bytes` (for a `Buffer`,
 * `Buffer` views). The message is valid as long as `bytes` is not changed; `slice()` what you keep if the
 * caller reuses its receive buffer.
 *
 * @example
 * const msg = decodeDhcpMessage(datagram);
 * getOption(msg, 'messageType'); // 1
 */
export function decodeDhcpMessage(bytes: Uint8Array): DhcpMessage {
  return decodeInternal(bytes, strictReport)!;
}

/** Like `decodeDhcpMessage` but returns `{ ok: false, error }` instead of throwing (for hot paths). */
export function tryDecodeDhcpMessage(
  bytes: Uint8Array,
): { ok: true; value: DhcpMessage } | { ok: false; error: DhcpError } {
  try {
    return { ok: true, value: decodeInternal(bytes, strictReport)! };
  } catch (error) {
    if (error instanceof DhcpError) return { ok: false, error };
    throw error;
  }
}

/**
 * Decodes whatever can be read and lists every problem (the codes a strict decode would throw, plus
 * `DHCP_ERR_BAD_OPTION_VALUE` for each registered option, or registered sub-option of 82, 175 and a PXE
 * client's 43, whose value does not match its format).
 * The returned message still re-encodes to the input bytes. Its values are views into `bytes`, as with
 * `decodeDhcpMessage`.
 *
 * @example
 * const { message, problems } = decodeDhcpMessageTolerant(bytes);
 * for (const p of problems) log(p.code, p.offset);
 */
export function decodeDhcpMessageTolerant(bytes: Uint8Array): TolerantDecodeResult {
  const problems: DhcpProblem[] = [];
  const report: Report = (code, offset, message, option) => {
    problems.push(option === undefined ? { code, offset, message } : { code, offset, message, option });
  };
  const message = decodeInternal(bytes, report);
  if (message !== undefined) {
    const vendor = getOptionData(message, 60);
    const pxe = vendor !== undefined && latin1(vendor).startsWith('PXEClient');
    for (const o of message.options) {
      const d = optionByCode(o.code);
      if (d === undefined) continue;
      const bad = (why: string): void =>
        report(
          DHCP_ERROR_CODES.BAD_OPTION_VALUE,
          optionOffset(message, o.code),
          `option ${o.code} ${d.name}: ${why}`,
          o.code,
        );
      try {
        d.codec.decode(o.data);
        // Encapsulated spaces: 82 (RFC 3046), 175 (iPXE), and 43 for PXE clients (PXE 2.1 §2.4.5).
        const space =
          o.code === 82
            ? RELAY_AGENT_SUBOPTIONS
            : o.code === 175
              ? IPXE_SUBOPTIONS
              : o.code === 43 && pxe
                ? PXE_SUBOPTIONS
                : undefined;
        if (space !== undefined) {
          for (const sub of (o.code === 82 ? tlvList : encapsulated).decode(o.data)) {
            const sd = space.find((e) => e.code === sub.code);
            if (sd === undefined) continue;
            try {
              sd.codec.decode(sub.data);
            } catch (e) {
              bad(`sub-option ${sub.code} ${sd.name}: ${e instanceof Error ? e.message : String(e)}`);
            }
          }
        }
      } catch (e) {
        bad(e instanceof Error ? e.message : String(e));
      }
    }
  }
  return { message, problems };
}

/** Offset of the first instance of `code` in a decoded message (for problem reports); -1 if unknown. */
function optionOffset(msg: DhcpMessage, code: number): number {
  const layout = msg.layout;
  if (layout === undefined) return -1;
  const regions: [LayoutRegion | Uint8Array | undefined, number][] = [
    [layout.options, HEADER.OPTIONS],
    [layout.file, HEADER.FILE],
    [layout.sname, HEADER.SNAME],
  ];
  for (const [r, base] of regions) {
    if (r === undefined || r instanceof Uint8Array) continue;
    let at = base;
    for (let k = 0; k < r.tokens.length; k += 2) {
      const c = r.tokens[k]!;
      const n = r.tokens[k + 1]!;
      if (c === code) return at;
      at += c === PAD ? n : c === END ? 1 : 2 + n;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------------
// Encode

/** Options for `encodeDhcpMessage`. */
export interface EncodeOptions {
  /**
   * Largest IP datagram the receiver takes (option 57 semantics, RFC 2132 §9.10; 28 bytes of IP and UDP
   * header are subtracted). When set and the options do not fit in the options field, they spill into
   * `file` and then `sname` if those are empty, with option 52 (RFC 2131 §4.1). Unset: no limit, no spill.
   */
  readonly maxMessageSize?: number;
  /** Pad the message with zeros up to this length (default 300, the BOOTP minimum, RFC 1542 §2.1). */
  readonly minLength?: number;
  /** Ignore `message.layout` and produce the canonical encoding. */
  readonly canonical?: boolean;
}

interface Placement {
  /** (option index, start in its data, length) triples per region: 0 options, 1 file, 2 sname. */
  readonly regions: number[][];
  readonly length: number;
  readonly overload: number;
}

/** Checks that a layout still describes exactly the message's options. */
function layoutMatches(msg: DhcpMessage, layout: DhcpWireLayout): boolean {
  const opts = msg.options;
  if (!layout.cookie) return opts.length === 0;
  if (layout.single === true) return singleLayoutMatches(msg, layout);
  // code -> index in opts; remaining[index] counts down the bytes the layout still has to place.
  const index = new Map<number, number>();
  const remaining: number[] = [];
  let k = 0;
  for (let r = 0; r < 3; r++) {
    const region = r === 0 ? layout.options : r === 1 ? layout.file : layout.sname;
    if (region === undefined || region instanceof Uint8Array) continue;
    if (r === 1 && msg.file !== '') return false;
    if (r === 2 && msg.sname !== '') return false;
    const t = region.tokens;
    for (let i = 0; i < t.length; i += 2) {
      const c = t[i]!;
      if (c === PAD || c === END) continue;
      let at = index.get(c);
      if (at === undefined) {
        const o = opts[k];
        if (o === undefined || o.code !== c) return false;
        at = k++;
        index.set(c, at);
        remaining.push(o.data.length);
      }
      remaining[at]! -= t[i + 1]!;
      if (remaining[at]! < 0) return false;
    }
  }
  if (k !== opts.length) return false;
  for (const left of remaining) if (left !== 0) return false;
  return true;
}

/** layoutMatches for a layout whose codes are all distinct: the k-th option token is the k-th option. */
function singleLayoutMatches(msg: DhcpMessage, layout: DhcpWireLayout): boolean {
  const opts = msg.options;
  let k = 0;
  for (let r = 0; r < 3; r++) {
    const region = r === 0 ? layout.options : r === 1 ? layout.file : layout.sname;
    if (region === undefined || region instanceof Uint8Array) continue;
    if (r === 1 && msg.file !== '') return false;
    if (r === 2 && msg.sname !== '') return false;
    const t = region.tokens;
    for (let i = 0; i < t.length; i += 2) {
      const c = t[i]!;
      if (c === PAD || c === END) continue;
      const o = opts[k++];
      if (o === undefined || o.code !== c || o.data.length !== t[i + 1]) return false;
    }
  }
  return k === opts.length;
}

function regionLength(region: LayoutRegion): number {
  let n = 0;
  const t = region.tokens;
  for (let i = 0; i < t.length; i += 2) {
    const c = t[i]!;
    n += c === PAD ? t[i + 1]! : c === END ? 1 : 2 + t[i + 1]!;
  }
  return n + (typeof region.tail === 'number' ? region.tail : region.tail.length);
}

function fieldText(raw: Uint8Array): string {
  let nul = 0;
  while (nul < raw.length && raw[nul] !== 0) nul++;
  return latin1(raw, 0, nul);
}

function checkOptions(msg: DhcpMessage): void {
  for (const o of msg.options) {
    if (!Number.isInteger(o.code) || o.code < 1 || o.code > 254) {
      throw new DhcpError(DHCP_ERROR_CODES.BAD_VALUE, `option code ${o.code} is not in 1..254`, {
        option: o.code,
      });
    }
  }
}

/**
 * Places options for the canonical encoding: each option in list order, values over 255 bytes split into
 * 255-byte instances (RFC 3396 §4); when `capacity` is limited, into options, then file, then sname.
 * Option 52 in the list is ignored: overload is computed here.
 */
function placeCanonical(msg: DhcpMessage, opts: EncodeOptions): Placement {
  checkOptions(msg);
  const minLength = opts.minLength ?? BOOTP_MIN_LENGTH;
  // Chunks are (option index, start in its data, length) triples.
  const chunks: number[] = [];
  let total = 0;
  const options = msg.options;
  for (let i = 0; i < options.length; i++) {
    const o = options[i]!;
    if (o.code === OVERLOAD) continue;
    const n = o.data.length;
    if (n === 0) {
      chunks.push(i, 0, 0);
      total += 2;
      continue;
    }
    for (let at = 0; at < n; at += 255) {
      const len = Math.min(255, n - at);
      chunks.push(i, at, len);
      total += 2 + len;
    }
  }
  const max = opts.maxMessageSize;
  if (max === undefined || HEADER.OPTIONS + total + 1 <= max - IP_UDP_HEADER_LENGTH) {
    const length = Math.max(HEADER.OPTIONS + total + 1, minLength);
    return { regions: [chunks], length, overload: 0 };
  }
  if (!Number.isInteger(max) || max < DEFAULT_MAX_MESSAGE_SIZE) {
    // RFC 2132 §9.10: the minimum legal value is 576.
    throw new DhcpError(DHCP_ERROR_CODES.BAD_VALUE, `maxMessageSize ${max} is below 576`);
  }
  // Spill. The options field keeps room for 52 (3 bytes) and END; file and sname each end with END.
  const capacities = [max - IP_UDP_HEADER_LENGTH - HEADER.OPTIONS - 3 - 1];
  const usable: number[] = [0];
  if (msg.file === '') {
    capacities.push(FILE_LENGTH - 1);
    usable.push(1);
  }
  if (msg.sname === '') {
    capacities.push(SNAME_LENGTH - 1);
    usable.push(2);
  }
  const regions: number[][] = [[], [], []];
  let r = 0;
  let used = 0;
  for (let k = 0; k < chunks.length; k += 3) {
    const index = chunks[k]!;
    let start = chunks[k + 1]!;
    let len = chunks[k + 2]!;
    // Values over 255 bytes already rely on RFC 3396 concatenation, so their instances may be cut
    // anywhere to fill a field; shorter values stay whole (not every client concatenates them).
    const splittable = options[index]!.data.length > 255;
    for (;;) {
      if (r >= capacities.length) {
        throw new DhcpError(
          DHCP_ERROR_CODES.TOO_LARGE,
          `options do not fit in ${max} bytes, even with overload`,
        );
      }
      const room = capacities[r]! - used;
      if (2 + len <= room) {
        regions[usable[r]!]!.push(index, start, len);
        used += 2 + len;
        break;
      }
      if (splittable && room >= 3) {
        regions[usable[r]!]!.push(index, start, room - 2);
        start += room - 2;
        len -= room - 2;
      }
      r++;
      used = 0;
    }
  }
  const overload = (regions[1]!.length > 0 ? 1 : 0) | (regions[2]!.length > 0 ? 2 : 0);
  let mainLength = 1;
  for (let k = 0; k < regions[0]!.length; k += 3) mainLength += 2 + regions[0]![k + 2]!;
  if (overload !== 0) mainLength += 3;
  const length = Math.max(HEADER.OPTIONS + mainLength, minLength);
  if (length > max - IP_UDP_HEADER_LENGTH) {
    throw new DhcpError(
      DHCP_ERROR_CODES.TOO_LARGE,
      `message of ${length} bytes exceeds ${max - IP_UDP_HEADER_LENGTH}`,
    );
  }
  return { regions, length, overload };
}

function useLayout(msg: DhcpMessage, opts: EncodeOptions): DhcpWireLayout | undefined {
  const layout = msg.layout;
  if (layout === undefined || opts.canonical === true) return undefined;
  return layoutMatches(msg, layout) ? layout : undefined;
}

/**
 * The number of bytes `encodeDhcpMessage` will produce.
 */
export function dhcpMessageEncodingLength(msg: DhcpMessage, opts: EncodeOptions = {}): number {
  const layout = useLayout(msg, opts);
  if (layout !== undefined) {
    return (layout.cookie ? HEADER.OPTIONS : BOOTP_HEADER_LENGTH) + regionLength(layout.options);
  }
  return placeCanonical(msg, opts).length;
}

/**
 * Encodes a message. A decoded message with an unchanged option list re-encodes to its original bytes
 * (its `layout` is followed); otherwise the canonical encoding is produced: options in list order, long
 * values split (RFC 3396), END once, zero padding to 300 bytes, overload only when `maxMessageSize` needs it.
 *
 * @example
 * const bytes = encodeDhcpMessage(createDhcpMessage({ xid: 1, options: [option('messageType', 1)] }));
 */
export function encodeDhcpMessage(msg: DhcpMessage, opts: EncodeOptions = {}): Uint8Array {
  const layout = useLayout(msg, opts);
  if (layout !== undefined) {
    const out = allocBytes(
      (layout.cookie ? HEADER.OPTIONS : BOOTP_HEADER_LENGTH) + regionLength(layout.options),
    );
    writeWithLayout(msg, layout, out, 0);
    return out;
  }
  const placement = placeCanonical(msg, opts);
  const out = allocBytes(placement.length);
  writeCanonical(msg, placement, out, 0);
  return out;
}

/**
 * Encodes into `target` at `offset`; returns the number of bytes written. Bytes past the message are not
 * touched; padding bytes inside it are written as zeros.
 */
export function encodeDhcpMessageInto(
  msg: DhcpMessage,
  target: Uint8Array,
  offset: number,
  opts: EncodeOptions = {},
): number {
  const layout = useLayout(msg, opts);
  const placement = layout === undefined ? placeCanonical(msg, opts) : undefined;
  const length =
    placement?.length ??
    (layout!.cookie ? HEADER.OPTIONS : BOOTP_HEADER_LENGTH) + regionLength(layout!.options);
  if (!Number.isInteger(offset) || offset < 0 || offset + length > target.length) {
    throw new DhcpError(DHCP_ERROR_CODES.BAD_VALUE, `no room for ${length} bytes at offset ${offset}`);
  }
  target.fill(0, offset, offset + length);
  if (layout !== undefined) writeWithLayout(msg, layout, target, offset);
  else writeCanonical(msg, placement!, target, offset);
  return length;
}

function writeU8(name: string, v: number, t: Uint8Array, o: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 255)
    throw new DhcpError(DHCP_ERROR_CODES.BAD_VALUE, `${name} ${v} not in 0..255`);
  t[o] = v;
}

function writeU16(name: string, v: number, t: Uint8Array, o: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) {
    throw new DhcpError(DHCP_ERROR_CODES.BAD_VALUE, `${name} ${v} not in 0..65535`);
  }
  t[o] = v >>> 8;
  t[o + 1] = v & 255;
}

function writeU32(v: number, t: Uint8Array, o: number): void {
  t[o] = v >>> 24;
  t[o + 1] = (v >>> 16) & 255;
  t[o + 2] = (v >>> 8) & 255;
  t[o + 3] = v & 255;
}

/** Writes the fixed header except sname/file (the target bytes are zero). */
function writeHeader(msg: DhcpMessage, t: Uint8Array, o: number): void {
  writeU8('op', msg.op, t, o);
  writeU8('htype', msg.htype, t, o + 1);
  writeU8('hlen', msg.hlen, t, o + 2);
  writeU8('hops', msg.hops, t, o + 3);
  if (!Number.isInteger(msg.xid) || msg.xid < 0 || msg.xid > 0xffffffff) {
    throw new DhcpError(DHCP_ERROR_CODES.BAD_VALUE, `xid ${msg.xid} not in 0..2^32-1`);
  }
  writeU32(msg.xid, t, o + HEADER.XID);
  writeU16('secs', msg.secs, t, o + HEADER.SECS);
  writeU16('flags', msg.flags, t, o + HEADER.FLAGS);
  writeU32(parseIpv4(msg.ciaddr), t, o + HEADER.CIADDR);
  writeU32(parseIpv4(msg.yiaddr), t, o + HEADER.YIADDR);
  writeU32(parseIpv4(msg.siaddr), t, o + HEADER.SIADDR);
  writeU32(parseIpv4(msg.giaddr), t, o + HEADER.GIADDR);
  if (msg.chaddr.length > CHADDR_LENGTH)
    throw new DhcpError(DHCP_ERROR_CODES.BAD_VALUE, 'chaddr longer than 16 bytes');
  t.set(msg.chaddr, o + HEADER.CHADDR);
}

function writeTextField(name: string, value: string, t: Uint8Array, o: number, size: number): void {
  // The field must keep a terminating NUL unless the name fills it exactly (RFC 2131 §2: "null terminated
  // string"); a NUL inside would be cut on decode.
  if (value.length > size || value.includes('\0')) {
    throw new DhcpError(DHCP_ERROR_CODES.BAD_VALUE, `${name} must be at most ${size} bytes without NUL`);
  }
  writeLatin1(value, t, o);
}

function writeRaw(t: Uint8Array, o: number, raw: Uint8Array): void {
  t.set(raw, o);
}

function writeFixedField(
  name: string,
  value: string,
  region: LayoutRegion | Uint8Array | undefined,
  t: Uint8Array,
  o: number,
  size: number,
): boolean {
  if (region instanceof Uint8Array && fieldText(region) === value) {
    writeRaw(t, o, region);
    return true;
  }
  if (region === undefined || region instanceof Uint8Array) writeTextField(name, value, t, o, size);
  return false;
}

/** Copies `n` bytes of `src` from `start` to `t` at `at`; a plain loop for short runs, `set` for long ones. */
function copy(src: Uint8Array, start: number, n: number, t: Uint8Array, at: number): void {
  if (n <= 32) for (let i = 0; i < n; i++) t[at + i] = src[start + i]!;
  else t.set(src.subarray(start, start + n), at);
}

/**
 * Writes one options area following its layout tokens. With distinct codes (`progress` undefined) the k-th
 * option token is the k-th option, counted by `next`; otherwise `progress` maps code -> [data, bytes already
 * written]. Returns the next option index. A plain function, not a closure, so encoding allocates nothing
 * but its output.
 */
function writeRegion(
  region: LayoutRegion,
  options: readonly DhcpOption[],
  progress: Map<number, [Uint8Array, number]> | undefined,
  next: number,
  t: Uint8Array,
  at: number,
): number {
  const tk = region.tokens;
  for (let i = 0; i < tk.length; i += 2) {
    const c = tk[i]!;
    const n = tk[i + 1]!;
    if (c === PAD) {
      t.fill(0, at, at + n);
      at += n;
    } else if (c === END) t[at++] = END;
    else {
      t[at] = c;
      t[at + 1] = n;
      if (progress === undefined) copy(options[next++]!.data, 0, n, t, at + 2);
      else {
        const p = progress.get(c)!;
        copy(p[0], p[1], n, t, at + 2);
        p[1] += n;
      }
      at += 2 + n;
    }
  }
  const tail = region.tail;
  if (typeof tail === 'number') t.fill(0, at, at + tail);
  else t.set(tail, at);
  return next;
}

function writeWithLayout(msg: DhcpMessage, layout: DhcpWireLayout, t: Uint8Array, o: number): void {
  writeHeader(msg, t, o);
  writeFixedField('sname', msg.sname, layout.sname, t, o + HEADER.SNAME, SNAME_LENGTH);
  writeFixedField('file', msg.file, layout.file, t, o + HEADER.FILE, FILE_LENGTH);
  // The layout was checked to match the options.
  const options = msg.options;
  let progress: Map<number, [Uint8Array, number]> | undefined;
  if (layout.single !== true) {
    progress = new Map();
    for (const opt of options) progress.set(opt.code, [opt.data, 0]);
  }
  let next = 0;
  if (layout.cookie) {
    writeU32(MAGIC_COOKIE, t, o + HEADER.COOKIE);
    next = writeRegion(layout.options, options, progress, next, t, o + HEADER.OPTIONS);
  } else next = writeRegion(layout.options, options, progress, next, t, o + BOOTP_HEADER_LENGTH);
  if (layout.file !== undefined && !(layout.file instanceof Uint8Array))
    next = writeRegion(layout.file, options, progress, next, t, o + HEADER.FILE);
  if (layout.sname !== undefined && !(layout.sname instanceof Uint8Array))
    writeRegion(layout.sname, options, progress, next, t, o + HEADER.SNAME);
}

function writeCanonical(msg: DhcpMessage, placement: Placement, t: Uint8Array, o: number): void {
  writeHeader(msg, t, o);
  if (!(placement.overload & 2)) writeTextField('sname', msg.sname, t, o + HEADER.SNAME, SNAME_LENGTH);
  if (!(placement.overload & 1)) writeTextField('file', msg.file, t, o + HEADER.FILE, FILE_LENGTH);
  writeU32(MAGIC_COOKIE, t, o + HEADER.COOKIE);
  const options = msg.options;
  const writeChunks = (chunks: number[], at: number, overload: number): number => {
    if (overload !== 0) {
      t[at] = OVERLOAD;
      t[at + 1] = 1;
      t[at + 2] = overload;
      at += 3;
    }
    for (let k = 0; k < chunks.length; k += 3) {
      const o = options[chunks[k]!]!;
      const n = chunks[k + 2]!;
      t[at] = o.code;
      t[at + 1] = n;
      copy(o.data, chunks[k + 1]!, n, t, at + 2);
      at += 2 + n;
    }
    t[at] = END;
    return at + 1;
  };
  const end = writeChunks(placement.regions[0]!, o + HEADER.OPTIONS, placement.overload);
  t.fill(0, end, o + placement.length);
  if (placement.overload & 1) writeChunks(placement.regions[1]!, o + HEADER.FILE, 0);
  if (placement.overload & 2) writeChunks(placement.regions[2]!, o + HEADER.SNAME, 0);
}

// ---------------------------------------------------------------------------------------------------------
// Option access

/**
 * Builds an option from a registered name and a typed value.
 *
 * @example
 * option('bootFileName', 'pxelinux.0'); // { code: 67, data: <70 78 65 ...> }
 */
export function option<N extends DhcpOptionName>(name: N, value: DhcpOptionValues[N]): DhcpOption {
  const d = optionByName(name);
  return { code: d.code, data: d.codec.encode(value) };
}

/** The raw (concatenated) value of an option, or undefined. */
export function getOptionData(msg: DhcpMessage, code: number): Uint8Array | undefined {
  for (const o of msg.options) if (o.code === code) return o.data;
  return undefined;
}

/**
 * Reads a registered option as its typed value; undefined when absent. A malformed value throws
 * `DHCP_ERR_BAD_OPTION_VALUE` (with `option` set).
 *
 * @example
 * getOption(msg, 'clientSystemArchitecture'); // [7]
 */
export function getOption<N extends DhcpOptionName>(
  msg: DhcpMessage,
  name: N,
): DhcpOptionValues[N] | undefined {
  const d = optionByName(name);
  const data = getOptionData(msg, d.code);
  if (data === undefined) return undefined;
  try {
    return d.codec.decode(data);
  } catch (e) {
    if (e instanceof DhcpError) {
      throw new DhcpError(e.code, `option ${d.code} ${name}: ${e.message}`, { option: d.code, cause: e });
    }
    throw e;
  }
}

/** A copy of `msg` with option `name` set (replaced in place if present, else appended). */
export function withOption<N extends DhcpOptionName>(
  msg: DhcpMessage,
  name: N,
  value: DhcpOptionValues[N],
): DhcpMessage {
  return withOptionData(msg, optionByName(name).code, optionByName(name).codec.encode(value));
}

/** A copy of `msg` with the raw option `code` set (replaced in place if present, else appended). */
export function withOptionData(msg: DhcpMessage, code: number, data: Uint8Array): DhcpMessage {
  const options = msg.options.slice();
  const i = options.findIndex((o) => o.code === code);
  if (i >= 0) options[i] = { code, data };
  else options.push({ code, data });
  return { ...msg, options };
}

/** A copy of `msg` without option `code`. */
export function withoutOption(msg: DhcpMessage, code: number): DhcpMessage {
  return { ...msg, options: msg.options.filter((o) => o.code !== code) };
}

/** The message type (option 53), or undefined for BOOTP. */
export function getMessageType(msg: DhcpMessage): number | undefined {
  const d = getOptionData(msg, 53);
  return d !== undefined && d.length === 1 ? d[0] : undefined;
}

/** The client hardware address (first `hlen` bytes of chaddr, at most 16) as `aa:bb:cc:...`. */
export function clientHardwareAddress(msg: DhcpMessage): string {
  return formatMac(msg.chaddr.subarray(0, Math.min(msg.hlen, CHADDR_LENGTH)));
}

import { DATA_HEADER_LENGTH, ERROR_CODE, OPCODE } from './constants.js';
import { TFTP_ERR, TftpError } from './errors.js';

/**
 * One option of a request or OACK, as it travels: name and value are kept exactly (case included), so a
 * decoded packet re-encodes byte for byte. Compare names case-insensitively (RFC 2347).
 */
export interface TftpOption {
  readonly name: string;
  readonly value: string;
}

/**
 * RRQ / WRQ (RFC 1350 §5, options from RFC 2347):
 * ```
 *  2 bytes     string    1 byte     string   1 byte   string  1 byte  string  1 byte
 * +---------+----------+------+   +-------+------+  +------+------+  +------+------+
 * | 01 / 02 | Filename |   0  |   | Mode  |   0  |  | opt1 |   0  |  | val1 |   0  | ...
 * +---------+----------+------+   +-------+------+  +------+------+  +------+------+
 * ```
 * Strings are carried as Latin-1 (one char per byte) so any byte a firmware sends survives.
 */
export interface TftpRequest {
  readonly type: 'rrq' | 'wrq';
  readonly filename: string;
  readonly mode: string;
  readonly options: readonly TftpOption[];
}

/**
 * DATA (RFC 1350 §5): `| 03 | Block # (2) | Data (0..blksize) |`. `data` is a view into the datagram
 * when decoded, never a copy.
 */
export interface TftpData {
  readonly type: 'data';
  readonly block: number;
  readonly data: Uint8Array;
}

/** ACK (RFC 1350 §5): `| 04 | Block # (2) |`. Block 0 acknowledges a WRQ or an OACK. */
export interface TftpAck {
  readonly type: 'ack';
  readonly block: number;
}

/** ERROR (RFC 1350 §5): `| 05 | ErrorCode (2) | ErrMsg | 0 |`. */
export interface TftpErrorPacket {
  readonly type: 'error';
  readonly code: number;
  readonly message: string;
}

/** OACK (RFC 2347): `| 06 | opt1 | 0 | value1 | 0 | ... |`. */
export interface TftpOack {
  readonly type: 'oack';
  readonly options: readonly TftpOption[];
}

export type TftpPacket = TftpRequest | TftpData | TftpAck | TftpErrorPacket | TftpOack;

export type DecodeResult = { ok: true; value: TftpPacket } | { ok: false; error: TftpError };

/** Byte offsets shared by every packet (RFC 1350 §5). */
const OFFSET = { OPCODE: 0, BLOCK: 2, ERROR_CODE: 2, PAYLOAD: 4, REQUEST_STRINGS: 2 } as const;

function latin1Length(s: string): number {
  return s.length;
}

function writeLatin1(s: string, target: Uint8Array, offset: number): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A NUL would end the field early; anything past 0xFF has no single-byte form.
    if (c === 0 || c > 0xff) {
      throw new TftpError(TFTP_ERR.ENCODE, `cannot encode character U+${c.toString(16).padStart(4, '0')}`);
    }
    target[offset + i] = c;
  }
  target[offset + s.length] = 0;
  return s.length + 1;
}

function readLatin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  // Chunked so a long string does not blow the argument limit of fromCharCode.
  for (let i = start; i < end; i += 4096) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
  }
  return s;
}

function optionsLength(options: readonly TftpOption[]): number {
  let n = 0;
  for (const o of options) n += latin1Length(o.name) + 1 + latin1Length(o.value) + 1;
  return n;
}

/** Number of bytes `encodePacket(packet)` produces. */
export function packetEncodingLength(packet: TftpPacket): number {
  switch (packet.type) {
    case 'rrq':
    case 'wrq':
      return (
        2 + latin1Length(packet.filename) + 1 + latin1Length(packet.mode) + 1 + optionsLength(packet.options)
      );
    case 'data':
      return DATA_HEADER_LENGTH + packet.data.length;
    case 'ack':
      return 4;
    case 'error':
      return 4 + latin1Length(packet.message) + 1;
    case 'oack':
      return 2 + optionsLength(packet.options);
  }
}

function checkU16(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) {
    throw new TftpError(TFTP_ERR.ENCODE, `${what} must be an integer 0..65535, got ${n}`);
  }
}

/**
 * Writes `packet` into `target` at `offset`; returns the number of bytes written.
 * @throws TftpError `TFTP_ERR_ENCODE` for a field that cannot be represented, or a short target.
 */
export function encodePacketInto(packet: TftpPacket, target: Uint8Array, offset: number): number {
  const length = packetEncodingLength(packet);
  if (offset < 0 || offset + length > target.length) {
    throw new TftpError(TFTP_ERR.ENCODE, `target too small: need ${length} bytes at offset ${offset}`);
  }
  let p = offset;
  const u16 = (n: number): void => {
    target[p] = n >>> 8;
    target[p + 1] = n & 0xff;
    p += 2;
  };
  switch (packet.type) {
    case 'rrq':
    case 'wrq':
      u16(packet.type === 'rrq' ? OPCODE.RRQ : OPCODE.WRQ);
      p += writeLatin1(packet.filename, target, p);
      p += writeLatin1(packet.mode, target, p);
      for (const o of packet.options) {
        p += writeLatin1(o.name, target, p);
        p += writeLatin1(o.value, target, p);
      }
      break;
    case 'data':
      checkU16(packet.block, 'block');
      u16(OPCODE.DATA);
      u16(packet.block);
      target.set(packet.data, p);
      p += packet.data.length;
      break;
    case 'ack':
      checkU16(packet.block, 'block');
      u16(OPCODE.ACK);
      u16(packet.block);
      break;
    case 'error':
      checkU16(packet.code, 'error code');
      u16(OPCODE.ERROR);
      u16(packet.code);
      p += writeLatin1(packet.message, target, p);
      break;
    case 'oack':
      u16(OPCODE.OACK);
      for (const o of packet.options) {
        p += writeLatin1(o.name, target, p);
        p += writeLatin1(o.value, target, p);
      }
      break;
  }
  return p - offset;
}

/**
 * Encodes a packet into a new buffer.
 * @example
 * encodePacket({ type: 'ack', block: 1 }); // Uint8Array [0, 4, 0, 1]
 */
export function encodePacket(packet: TftpPacket): Uint8Array {
  const out = new Uint8Array(packetEncodingLength(packet));
  encodePacketInto(packet, out, 0);
  return out;
}

/** Writes the 4-byte DATA header (opcode 3, block) at `offset`, for adapters that send header + payload. */
export function writeDataHeader(target: Uint8Array, offset: number, block: number): void {
  target[offset] = 0;
  target[offset + 1] = OPCODE.DATA;
  target[offset + 2] = block >>> 8;
  target[offset + 3] = block & 0xff;
}

function fail(
  code: (typeof TFTP_ERR)[keyof typeof TFTP_ERR],
  message: string,
  tftpCode: number,
): DecodeResult {
  return { ok: false, error: new TftpError(code, message, tftpCode) };
}

/**
 * Splits NUL-terminated strings from `start`. Lenient as busybox is: the last string may lack its NUL
 * (HP PA-RISC firmware sends fixed 516-byte requests). Returns undefined when a NUL-free tail follows a
 * NUL-terminated one is impossible to tell apart, i.e. never; callers check counts.
 */
function splitStrings(bytes: Uint8Array, start: number): string[] {
  const out: string[] = [];
  let s = start;
  while (s < bytes.length) {
    let e = bytes.indexOf(0, s);
    if (e < 0) e = bytes.length;
    out.push(readLatin1(bytes, s, e));
    s = e + 1;
  }
  return out;
}

function toOptions(strings: readonly string[], from: number): TftpOption[] {
  const options: TftpOption[] = [];
  // A dangling name without a value is dropped: RFC 2347 pairs are name+value, and a truncated tail
  // (fixed-size firmware requests padded with NULs) must not fail the whole request.
  for (let i = from; i + 1 < strings.length; i += 2) {
    const name = strings[i]!;
    if (name === '') break; // NUL padding after the last option
    options.push({ name, value: strings[i + 1]! });
  }
  return options;
}

/**
 * Decodes one datagram without throwing: the hot-path form.
 * Errors carry the TFTP code to answer with (4 for an unknown opcode or a malformed packet).
 */
export function tryDecodePacket(bytes: Uint8Array): DecodeResult {
  if (bytes.length < 2)
    return fail(TFTP_ERR.TRUNCATED, 'packet shorter than an opcode', ERROR_CODE.ILLEGAL_OPERATION);
  const opcode = (bytes[OFFSET.OPCODE]! << 8) | bytes[OFFSET.OPCODE + 1]!;
  switch (opcode) {
    case OPCODE.RRQ:
    case OPCODE.WRQ: {
      const strings = splitStrings(bytes, OFFSET.REQUEST_STRINGS);
      if (strings.length < 2 || strings[0] === '') {
        return fail(TFTP_ERR.MALFORMED, 'request lacks a filename or mode', ERROR_CODE.ILLEGAL_OPERATION);
      }
      return {
        ok: true,
        value: {
          type: opcode === OPCODE.RRQ ? 'rrq' : 'wrq',
          filename: strings[0]!,
          mode: strings[1]!,
          options: toOptions(strings, 2),
        },
      };
    }
    case OPCODE.DATA:
      if (bytes.length < DATA_HEADER_LENGTH) {
        return fail(TFTP_ERR.TRUNCATED, 'DATA shorter than its header', ERROR_CODE.ILLEGAL_OPERATION);
      }
      return {
        ok: true,
        value: {
          type: 'data',
          block: (bytes[OFFSET.BLOCK]! << 8) | bytes[OFFSET.BLOCK + 1]!,
          data: bytes.subarray(OFFSET.PAYLOAD),
        },
      };
    case OPCODE.ACK:
      // Some stacks pad ACKs; extra bytes after the block number are ignored (be liberal, RFC 1122 §1.2.2).
      if (bytes.length < 4)
        return fail(TFTP_ERR.TRUNCATED, 'ACK shorter than 4 bytes', ERROR_CODE.ILLEGAL_OPERATION);
      return {
        ok: true,
        value: { type: 'ack', block: (bytes[OFFSET.BLOCK]! << 8) | bytes[OFFSET.BLOCK + 1]! },
      };
    case OPCODE.ERROR: {
      // CVE-2019-11365 (atftpd): an ERROR of 3 bytes or less must not be read past its end.
      if (bytes.length < 4)
        return fail(TFTP_ERR.TRUNCATED, 'ERROR shorter than 4 bytes', ERROR_CODE.ILLEGAL_OPERATION);
      let end = bytes.indexOf(0, 4);
      if (end < 0) end = bytes.length;
      return {
        ok: true,
        value: {
          type: 'error',
          code: (bytes[OFFSET.ERROR_CODE]! << 8) | bytes[OFFSET.ERROR_CODE + 1]!,
          message: readLatin1(bytes, 4, end),
        },
      };
    }
    case OPCODE.OACK:
      return { ok: true, value: { type: 'oack', options: toOptions(splitStrings(bytes, 2), 0) } };
    default:
      return fail(TFTP_ERR.BAD_OPCODE, `unknown opcode ${opcode}`, ERROR_CODE.ILLEGAL_OPERATION);
  }
}

/**
 * Decodes one datagram.
 * @throws TftpError `TFTP_ERR_TRUNCATED`, `TFTP_ERR_BAD_OPCODE` or `TFTP_ERR_MALFORMED`.
 * @example
 * decodePacket(new Uint8Array([0, 4, 0, 7])); // { type: 'ack', block: 7 }
 */
export function decodePacket(bytes: Uint8Array): TftpPacket {
  const r = tryDecodePacket(bytes);
  if (!r.ok) throw r.error;
  return r.value;
}

/** Case-insensitive lookup of the first option with this name (RFC 2347: names are case-insensitive). */
export function findOption(options: readonly TftpOption[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const o of options) if (o.name.toLowerCase() === lower) return o.value;
  return undefined;
}

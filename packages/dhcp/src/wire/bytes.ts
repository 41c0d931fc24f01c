/**
 * Small byte helpers shared by the codecs: IPv4 text <-> number, latin1 text, hex.
 * IPv4 addresses are dotted strings at API boundaries and 32-bit unsigned numbers inside (docs/DESIGN.md).
 */
import { DHCP_ERROR_CODES, DhcpError } from '../errors.js';

const ASCII = new TextDecoder('utf-8');

/** Formats a 32-bit unsigned number as a dotted quad. */
export function formatIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Reads 4 bytes at `offset` as a dotted quad. The caller has checked the bounds. */
export function readIpv4(bytes: Uint8Array, offset: number): string {
  const a = bytes[offset]!;
  const b = bytes[offset + 1]!;
  const c = bytes[offset + 2]!;
  const d = bytes[offset + 3]!;
  // Most header addresses of a request are unset: one shared string instead of a new one each.
  if ((a | b | c | d) === 0) return '0.0.0.0';
  return `${a}.${b}.${c}.${d}`;
}

/**
 * Parses a dotted quad ("10.0.0.1") into a 32-bit unsigned number: exactly four decimal parts of 1-3
 * digits, each ≤ 255 (leading zeros are decimal, not octal). Anything else throws `DHCP_ERR_BAD_VALUE`.
 * Hand-written rather than a regular expression because the encoder calls it four times per header.
 */
export function parseIpv4(text: string): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  if (typeof text !== 'string' || text.length > 15) return badIpv4(text);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return badIpv4(text);
    } else if (c === 46 && digits > 0 && dots < 3) {
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else return badIpv4(text);
  }
  if (dots !== 3 || digits === 0) return badIpv4(text);
  return n * 256 + part;
}

function badIpv4(text: unknown): never {
  throw new DhcpError(DHCP_ERROR_CODES.BAD_VALUE, `not an IPv4 address: ${JSON.stringify(text)}`);
}

/** Writes a dotted quad at `offset` (4 bytes). */
export function writeIpv4(text: string, target: Uint8Array, offset: number): void {
  const n = parseIpv4(text);
  target[offset] = n >>> 24;
  target[offset + 1] = (n >>> 16) & 255;
  target[offset + 2] = (n >>> 8) & 255;
  target[offset + 3] = n & 255;
}

/**
 * Decodes bytes as latin1 (one char per byte), so that any byte string, including NVT ASCII text with
 * stray high bytes, re-encodes to exactly the same bytes.
 */
export function latin1(bytes: Uint8Array, start = 0, end: number = bytes.length): string {
  if (end - start <= 8) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  }
  // Pure ASCII (the usual case) decodes the same as UTF-8, and TextDecoder is the fastest way to build it.
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (bytes[i]! > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return ASCII.decode(bytes.subarray(start, end));
  // fromCharCode over whole chunks beats concatenation; 4 KiB keeps the argument count far below limits.
  let s = '';
  for (let at = start; at < end; at += 4096) {
    const chunk = bytes.subarray(at, Math.min(end, at + 4096));
    s += String.fromCharCode.apply(null, chunk as unknown as number[]);
  }
  return s;
}

/** Writes a latin1 string; throws `DHCP_ERR_BAD_VALUE` for characters above U+00FF. */
export function writeLatin1(text: string, target: Uint8Array, offset: number): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255) {
      throw new DhcpError(
        DHCP_ERROR_CODES.BAD_VALUE,
        `character U+${c.toString(16)} is not a single byte (latin1)`,
      );
    }
    target[offset + i] = c;
  }
  return text.length;
}

/** Lower-case hex of bytes, with an optional separator (":" for MAC addresses). */
export function toHex(bytes: Uint8Array, separator = ''): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0) s += separator;
    s += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  }
  return s;
}

/** Parses hex (separators ":", "-", " " allowed) into bytes; throws `DHCP_ERR_BAD_VALUE` on bad input. */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[\s:-]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new DhcpError(DHCP_ERROR_CODES.BAD_VALUE, 'not a hex string');
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Formats a MAC address as lower-case `aa:bb:cc:dd:ee:ff`. */
export function formatMac(bytes: Uint8Array): string {
  return toHex(bytes, ':');
}

/** Parses `aa:bb:cc:dd:ee:ff` (or `-` separated, or bare hex) into bytes. */
export function parseMac(text: string): Uint8Array {
  return fromHex(text);
}

/**
 * IPv4 helpers for the lease layer. Addresses are dotted strings at API boundaries and 32-bit unsigned
 * numbers inside (docs/DESIGN.md). Kept here rather than borrowed from wire/ so the lease layer stands on
 * its own.
 */
import { DhcpConfigError } from '../errors.js';

/**
 * Parses "10.0.0.1" into an unsigned 32-bit number; `undefined` when the text is not a dotted quad
 * (exactly four parts of 1-3 ASCII digits, each ≤ 255; leading zeros are decimal). Hand-written rather
 * than a regular expression: the engine calls it several times per request.
 */
export function tryParseIpv4(text: string): number | undefined {
  if (typeof text !== 'string' || text.length > 15) return undefined;
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3) return undefined;
    } else if (c === 46 && digits > 0 && dots < 3) {
      if (part > 255) return undefined;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0 || part > 255) return undefined;
  return n * 256 + part;
}

/**
 * Parses a dotted quad; throws a `DhcpConfigError` (`DHCP_ERR_CONFIG`) naming the field `what` (and the
 * `subnet`, if given) when it is not one. For configuration values, and values already known to be good.
 */
export function ipv4ToNumber(text: string, what = 'address', subnet?: string): number {
  const n = tryParseIpv4(text);
  if (n === undefined) {
    throw new DhcpConfigError(
      what,
      `not an IPv4 address: ${JSON.stringify(text)}`,
      subnet === undefined ? {} : { subnet },
    );
  }
  return n;
}

/** Formats an unsigned 32-bit number as a dotted quad. */
export function numberToIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Reads 4 bytes at `offset` as an unsigned 32-bit number (network order). */
export function readU32(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>>
    0
  );
}

/** Four bytes in network order. */
export function u32Bytes(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

/** The netmask of a prefix length (0..32) as a number. */
export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** A network in CIDR form, parsed. */
export interface Cidr {
  readonly network: number;
  readonly prefix: number;
  readonly mask: number;
}

/**
 * Parses "10.0.0.0/24"; throws a `DhcpConfigError` naming the field `what` when malformed or when host
 * bits are set.
 */
export function parseCidr(text: string, what = 'network', subnet?: string): Cidr {
  const where = subnet === undefined ? {} : { subnet };
  const slash = typeof text === 'string' ? text.indexOf('/') : -1;
  const prefix = slash < 0 ? Number.NaN : Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) {
    throw new DhcpConfigError(what, `not a CIDR network (a.b.c.d/len): ${JSON.stringify(text)}`, where);
  }
  const address = ipv4ToNumber(text.slice(0, slash), what, subnet);
  const mask = prefixMask(prefix);
  if ((address & ~mask) >>> 0 !== 0) throw new DhcpConfigError(what, `${text}: host bits are set`, where);
  return { network: address, prefix, mask };
}

/** True when `address` lies in `cidr`. */
export function cidrContains(cidr: Cidr, address: number): boolean {
  return (address & cidr.mask) >>> 0 === cidr.network;
}

/** Lower-case hex of bytes with an optional separator. */
export function hex(bytes: Uint8Array, separator = ''): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0) s += separator;
    const b = bytes[i]!;
    s += (b < 16 ? '0' : '') + b.toString(16);
  }
  return s;
}

/** Parses hex with optional ":" "-" or space separators; `undefined` when it is not hex. */
export function tryParseHex(text: string): Uint8Array | undefined {
  const clean = text.replace(/[\s:-]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return undefined;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Normalises a MAC address to lower-case `aa:bb:cc:dd:ee:ff`; `undefined` when it is not hex. */
export function normaliseMac(text: string): string | undefined {
  const bytes = tryParseHex(text);
  return bytes === undefined || bytes.length === 0 ? undefined : hex(bytes, ':');
}

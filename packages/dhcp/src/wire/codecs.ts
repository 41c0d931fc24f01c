/**
 * Value codecs: one per option value format (RFC 2132 §2 and the RFCs of the individual options).
 * Each codec sees exactly one option value (after RFC 3396 concatenation) and follows the house codec trio
 * (`decode`, `encode`, `encodeInto`, `encodingLength`), so the codec laws of @pxekit/testkit apply to each.
 * Decoding bad bytes throws `DHCP_ERR_BAD_OPTION_VALUE`; encoding a bad value throws `DHCP_ERR_BAD_VALUE`.
 */
import { DHCP_ERROR_CODES, DhcpError } from '../errors.js';
import { latin1, readIpv4, writeIpv4, writeLatin1 } from './bytes.js';

/** A codec for one option (or sub-option) value. */
export interface ValueCodec<T> {
  /** Short name of the format, shown in docs and dumps: `ipv4`, `ipv4[]`, `u32`, `text`, ... */
  readonly type: string;
  decode(bytes: Uint8Array): T;
  encode(value: T): Uint8Array;
  /** Writes `value` at `offset`; returns the number of bytes written. */
  encodeInto(value: T, target: Uint8Array, offset: number): number;
  encodingLength(value: T): number;
}

function badBytes(type: string, why: string): never {
  throw new DhcpError(DHCP_ERROR_CODES.BAD_OPTION_VALUE, `${type}: ${why}`);
}

function badValue(type: string, why: string): never {
  throw new DhcpError(DHCP_ERROR_CODES.BAD_VALUE, `${type}: ${why}`);
}

/** Builds a frozen codec from a decoder, a length function and a writer that trusts its bounds. */
export function defineCodec<T>(
  type: string,
  decode: (bytes: Uint8Array) => T,
  length: (value: T) => number,
  write: (value: T, target: Uint8Array, offset: number) => void,
): ValueCodec<T> {
  return Object.freeze({
    type,
    decode,
    encodingLength: length,
    encodeInto(value: T, target: Uint8Array, offset: number): number {
      const n = length(value);
      if (!Number.isInteger(offset) || offset < 0 || offset + n > target.length) {
        badValue(type, `no room for ${n} bytes at offset ${offset}`);
      }
      write(value, target, offset);
      return n;
    },
    encode(value: T): Uint8Array {
      const out = new Uint8Array(length(value));
      write(value, out, 0);
      return out;
    },
  });
}

function checkInt(type: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) badValue(type, `${v} is not an integer in ${min}..${max}`);
}

function exactLength(type: string, bytes: Uint8Array, n: number): void {
  if (bytes.length !== n) badBytes(type, `length ${bytes.length}, expected ${n}`);
}

/** An IPv4 address, 4 bytes (e.g. RFC 2132 §3.3 subnet mask). */
export const ipv4: ValueCodec<string> = defineCodec(
  'ipv4',
  (b) => {
    exactLength('ipv4', b, 4);
    return readIpv4(b, 0);
  },
  () => 4,
  (v, t, o) => writeIpv4(v, t, o),
);

/** One or more IPv4 addresses, 4n bytes, n ≥ 1 (e.g. RFC 2132 §3.5 routers). */
export const ipv4List: ValueCodec<string[]> = defineCodec(
  'ipv4[]',
  (b) => {
    if (b.length === 0 || b.length % 4 !== 0)
      badBytes('ipv4[]', `length ${b.length} is not a positive multiple of 4`);
    const out: string[] = [];
    for (let i = 0; i < b.length; i += 4) out.push(readIpv4(b, i));
    return out;
  },
  (v) => {
    if (v.length === 0) badValue('ipv4[]', 'needs at least one address');
    return v.length * 4;
  },
  (v, t, o) => {
    for (let i = 0; i < v.length; i++) writeIpv4(v[i]!, t, o + i * 4);
  },
);

/** Pairs of IPv4 addresses, 8n bytes, n ≥ 1 (RFC 2132 §4.3 policy filter, §5.8 static routes). */
export const ipv4Pairs: ValueCodec<[string, string][]> = defineCodec(
  'ipv4-pair[]',
  (b) => {
    if (b.length === 0 || b.length % 8 !== 0)
      badBytes('ipv4-pair[]', `length ${b.length} is not a positive multiple of 8`);
    const out: [string, string][] = [];
    for (let i = 0; i < b.length; i += 8) out.push([readIpv4(b, i), readIpv4(b, i + 4)]);
    return out;
  },
  (v) => {
    if (v.length === 0) badValue('ipv4-pair[]', 'needs at least one pair');
    return v.length * 8;
  },
  (v, t, o) => {
    for (let i = 0; i < v.length; i++) {
      writeIpv4(v[i]![0], t, o + i * 8);
      writeIpv4(v[i]![1], t, o + i * 8 + 4);
    }
  },
);

/** An unsigned 8-bit integer. */
export const u8: ValueCodec<number> = defineCodec(
  'u8',
  (b) => {
    exactLength('u8', b, 1);
    return b[0]!;
  },
  (v) => {
    checkInt('u8', v, 0, 255);
    return 1;
  },
  (v, t, o) => {
    t[o] = v;
  },
);

/** An unsigned 16-bit big-endian integer. */
export const u16: ValueCodec<number> = defineCodec(
  'u16',
  (b) => {
    exactLength('u16', b, 2);
    return (b[0]! << 8) | b[1]!;
  },
  (v) => {
    checkInt('u16', v, 0, 0xffff);
    return 2;
  },
  (v, t, o) => {
    t[o] = v >>> 8;
    t[o + 1] = v & 255;
  },
);

function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function writeU32(v: number, t: Uint8Array, o: number): void {
  t[o] = v >>> 24;
  t[o + 1] = (v >>> 16) & 255;
  t[o + 2] = (v >>> 8) & 255;
  t[o + 3] = v & 255;
}

/** An unsigned 32-bit big-endian integer (times in seconds: RFC 2132 §9.2 lease time; 0xffffffff = infinite). */
export const u32: ValueCodec<number> = defineCodec(
  'u32',
  (b) => {
    exactLength('u32', b, 4);
    return readU32(b, 0);
  },
  (v) => {
    checkInt('u32', v, 0, 0xffffffff);
    return 4;
  },
  (v, t, o) => writeU32(v, t, o),
);

/** A signed 32-bit big-endian integer (RFC 2132 §3.4 time offset). */
export const i32: ValueCodec<number> = defineCodec(
  'i32',
  (b) => {
    exactLength('i32', b, 4);
    return readU32(b, 0) | 0;
  },
  (v) => {
    checkInt('i32', v, -0x80000000, 0x7fffffff);
    return 4;
  },
  (v, t, o) => writeU32(v >>> 0, t, o),
);

/** A boolean byte: 0 or 1 only (RFC 2132 §2: "a value of 0 ... 1 ..."). */
export const bool: ValueCodec<boolean> = defineCodec(
  'bool',
  (b) => {
    exactLength('bool', b, 1);
    if (b[0]! > 1) badBytes('bool', `value ${b[0]} is neither 0 nor 1`);
    return b[0] === 1;
  },
  () => 1,
  (v, t, o) => {
    t[o] = v ? 1 : 0;
  },
);

/** A list of bytes, at least one (RFC 2132 §9.8 parameter request list). */
export const u8List: ValueCodec<number[]> = defineCodec(
  'u8[]',
  (b) => {
    if (b.length === 0) badBytes('u8[]', 'empty');
    const out: number[] = [];
    for (let i = 0; i < b.length; i++) out.push(b[i]!);
    return out;
  },
  (v) => {
    if (v.length === 0) badValue('u8[]', 'needs at least one value');
    for (const x of v) checkInt('u8[]', x, 0, 255);
    return v.length;
  },
  (v, t, o) => {
    for (let i = 0; i < v.length; i++) t[o + i] = v[i]!;
  },
);

/** A list of 16-bit integers, at least one (RFC 2132 §5.6 path MTU plateau table, RFC 4578 §2.1 arch). */
export const u16List: ValueCodec<number[]> = defineCodec(
  'u16[]',
  (b) => {
    if (b.length === 0 || b.length % 2 !== 0)
      badBytes('u16[]', `length ${b.length} is not a positive multiple of 2`);
    const out: number[] = [];
    for (let i = 0; i < b.length; i += 2) out.push((b[i]! << 8) | b[i + 1]!);
    return out;
  },
  (v) => {
    if (v.length === 0) badValue('u16[]', 'needs at least one value');
    for (const x of v) checkInt('u16[]', x, 0, 0xffff);
    return v.length * 2;
  },
  (v, t, o) => {
    for (let i = 0; i < v.length; i++) {
      t[o + i * 2] = v[i]! >>> 8;
      t[o + i * 2 + 1] = v[i]! & 255;
    }
  },
);

/**
 * NVT ASCII text (RFC 2132 §3.14 host name, §9.5 boot file ...). Decoded as latin1 so that every byte
 * string, including a trailing NUL some clients send, re-encodes to the same bytes.
 */
export const text: ValueCodec<string> = defineCodec(
  'text',
  (b) => latin1(b),
  (v) => {
    if (typeof v !== 'string') badValue('text', 'not a string');
    for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) > 255) badValue('text', 'character above U+00FF');
    return v.length;
  },
  (v, t, o) => {
    writeLatin1(v, t, o);
  },
);

/** Opaque bytes (unknown options, and values whose meaning depends on context, such as 43). */
export const bytes: ValueCodec<Uint8Array> = defineCodec(
  'bytes',
  (b) => b.slice(),
  (v) => v.length,
  (v, t, o) => t.set(v, o),
);

/** A flag option with no data (RFC 4039 §4 rapid commit): present means `true`. */
export const empty: ValueCodec<true> = defineCodec(
  'empty',
  (b) => {
    exactLength('empty', b, 0);
    return true as const;
  },
  () => 0,
  () => {},
);

/** Client identifier (RFC 2132 §9.14): a type byte and data; type 255 is the RFC 4361 §6.1 IAID + DUID form. */
export type ClientIdentifier =
  | { readonly type: number; readonly data: Uint8Array }
  | { readonly type: 255; readonly iaid: number; readonly duid: Uint8Array };

/** Option 61. Type 1 is an Ethernet address (RFC 1700 hardware types); type 255 is RFC 4361. */
export const clientIdentifier: ValueCodec<ClientIdentifier> = defineCodec(
  'client-id',
  (b): ClientIdentifier => {
    // RFC 2132 §9.14: minimum length 2.
    if (b.length < 2) badBytes('client-id', `length ${b.length} < 2`);
    // RFC 4361 §6.1: type 255 is always a 4-byte IAID then a DUID (RFC 8415 §11: at least 2 bytes).
    if (b[0] === 255) {
      if (b.length < 7)
        badBytes('client-id', `type 255 (RFC 4361) needs IAID and DUID, got ${b.length} bytes`);
      return { type: 255, iaid: readU32(b, 1), duid: b.slice(5) };
    }
    return { type: b[0]!, data: b.slice(1) };
  },
  (v) => {
    checkInt('client-id', v.type, 0, 255);
    if ('duid' in v) {
      checkInt('client-id', v.iaid, 0, 0xffffffff);
      if (v.duid.length < 2) badValue('client-id', 'DUID shorter than 2 bytes');
      return 5 + v.duid.length;
    }
    if (v.data.length < 1) badValue('client-id', 'needs at least one byte after the type');
    if (v.type === 255) badValue('client-id', 'type 255 is the RFC 4361 form: give iaid and duid');
    return 1 + v.data.length;
  },
  (v, t, o) => {
    t[o] = v.type;
    if ('duid' in v) {
      writeU32(v.iaid, t, o + 1);
      t.set(v.duid, o + 5);
    } else t.set(v.data, o + 1);
  },
);

/**
 * User class (RFC 3004 §4): a list of length-prefixed class names. Many clients (iPXE sends "iPXE",
 * Windows sends a plain string) put a bare string here instead, so a value that does not parse as
 * RFC 3004 is kept whole in `raw`.
 */
export type UserClass = { readonly classes: readonly string[] } | { readonly raw: string };

function parseRfc3004(b: Uint8Array): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < b.length) {
    const n = b[i]!;
    // RFC 3004 §4: each UC_Len_i is at least 1.
    if (n === 0 || i + 1 + n > b.length) return undefined;
    out.push(latin1(b, i + 1, i + 1 + n));
    i += 1 + n;
  }
  return out.length > 0 ? out : undefined;
}

/** Option 77 with the raw fallback. */
export const userClass: ValueCodec<UserClass> = defineCodec(
  'user-class',
  (b): UserClass => {
    const classes = parseRfc3004(b);
    return classes === undefined ? { raw: latin1(b) } : { classes };
  },
  (v) => {
    if ('classes' in v) {
      if (v.classes.length === 0) badValue('user-class', 'needs at least one class');
      let n = 0;
      for (const c of v.classes) {
        if (c.length < 1 || c.length > 255) badValue('user-class', 'class length must be 1..255');
        n += 1 + text.encodingLength(c);
      }
      return n;
    }
    const n = text.encodingLength(v.raw);
    const probe = new Uint8Array(n);
    writeLatin1(v.raw, probe, 0);
    if (parseRfc3004(probe) !== undefined)
      badValue('user-class', 'raw value would parse as RFC 3004 classes');
    return n;
  },
  (v, t, o) => {
    if ('raw' in v) {
      writeLatin1(v.raw, t, o);
      return;
    }
    for (const c of v.classes) {
      t[o++] = c.length;
      o += writeLatin1(c, t, o);
    }
  },
);

/**
 * Reads a run of DNS labels (RFC 1035 §3.1) at `start` in `b`, following compression pointers
 * (RFC 1035 §4.1.4) only backwards, which bounds the walk. Returns the name (no trailing dot; the root is
 * "") and the offset after the name in the original run. `allowPartial` accepts a name that ends at the end
 * of `b` without the root label (RFC 4702 §2.1 partial names); then `complete` is false.
 */
export function readDnsName(
  b: Uint8Array,
  start: number,
  allowPointers: boolean,
  allowPartial: boolean,
): { name: string; next: number; complete: boolean } {
  const labels: string[] = [];
  let i = start;
  let next = -1;
  let limit = start; // pointers must go strictly before the start of the name they are in
  let total = 0;
  for (let guard = 0; guard < 256; guard++) {
    if (i >= b.length) {
      if (allowPartial && next < 0 && i === b.length)
        return { name: labels.join('.'), next: i, complete: false };
      badBytes('dns-name', 'name runs past the end');
    }
    const len = b[i]!;
    if (len === 0) {
      if (next < 0) next = i + 1;
      return { name: labels.join('.'), next, complete: true };
    }
    if ((len & 0xc0) === 0xc0) {
      if (!allowPointers) badBytes('dns-name', 'compression pointer not allowed here');
      if (i + 1 >= b.length) badBytes('dns-name', 'truncated pointer');
      const target = ((len & 0x3f) << 8) | b[i + 1]!;
      if (next < 0) next = i + 2;
      if (target >= limit) badBytes('dns-name', 'compression pointer does not point backwards');
      limit = target;
      i = target;
      continue;
    }
    if ((len & 0xc0) !== 0) badBytes('dns-name', `reserved label type 0x${len.toString(16)}`);
    if (i + 1 + len > b.length) badBytes('dns-name', 'label runs past the end');
    const label = latin1(b, i + 1, i + 1 + len);
    if (label.includes('.')) badBytes('dns-name', 'label contains a dot');
    total += len + 1;
    // RFC 1035 §2.3.4: 255 octets at most.
    if (total > 255) badBytes('dns-name', 'name longer than 255 octets');
    labels.push(label);
    i += 1 + len;
  }
  return badBytes('dns-name', 'too many labels');
}

function nameLabels(type: string, name: string): string[] {
  if (name === '') return [];
  const labels = name.split('.');
  let total = 1;
  for (const l of labels) {
    if (l.length < 1 || l.length > 63)
      badValue(type, `label length ${l.length} not in 1..63 in ${JSON.stringify(name)}`);
    for (let i = 0; i < l.length; i++) if (l.charCodeAt(i) > 255) badValue(type, 'character above U+00FF');
    total += l.length + 1;
  }
  if (total > 255) badValue(type, 'name longer than 255 octets');
  return labels;
}

/**
 * Domain search list (RFC 3397 §2): DNS names in wire format, compressed with pointers relative to the
 * start of the (concatenated, RFC 3396) option data. Encoding compresses every repeated suffix.
 */
function planSearchList(names: readonly string[]): {
  length: number;
  write: (t: Uint8Array, o: number) => void;
} {
  const suffixes = new Map<string, number>();
  const parts: ({ label: string } | { pointer: number } | { end: true })[] = [];
  let pos = 0;
  for (const name of names) {
    const labels = nameLabels('domain-search', name);
    let k = 0;
    for (; k < labels.length; k++) {
      const suffix = labels.slice(k).join('.').toLowerCase();
      const at = suffixes.get(suffix);
      if (at !== undefined) break;
      // Pointers hold 14 bits of offset (RFC 1035 §4.1.4).
      if (pos < 0x4000) suffixes.set(suffix, pos);
      parts.push({ label: labels[k]! });
      pos += 1 + labels[k]!.length;
    }
    if (k < labels.length) {
      parts.push({ pointer: suffixes.get(labels.slice(k).join('.').toLowerCase())! });
      pos += 2;
    } else {
      parts.push({ end: true });
      pos += 1;
    }
  }
  return {
    length: pos,
    write(t, o) {
      for (const p of parts) {
        if ('label' in p) {
          t[o++] = p.label.length;
          o += writeLatin1(p.label, t, o);
        } else if ('pointer' in p) {
          t[o++] = 0xc0 | (p.pointer >> 8);
          t[o++] = p.pointer & 255;
        } else t[o++] = 0;
      }
    },
  };
}

/** Option 119: a list of domain names, e.g. `['example.com', 'lab.example.com']`. */
export const domainSearch: ValueCodec<string[]> = defineCodec(
  'domain-search',
  (b) => {
    const out: string[] = [];
    let i = 0;
    while (i < b.length) {
      const r = readDnsName(b, i, true, false);
      out.push(r.name);
      i = r.next;
    }
    return out;
  },
  (v) => planSearchList(v).length,
  (v, t, o) => planSearchList(v).write(t, o),
);

/** FQDN option (RFC 4702 §2): flags, two deprecated RCODE bytes, then the name. */
export interface ClientFqdn {
  /** Bits: S 0x01 (server updates A), O 0x02 (server override), E 0x04 (canonical wire encoding), N 0x08. */
  readonly flags: number;
  readonly rcode1: number;
  readonly rcode2: number;
  /**
   * The domain name. With the E flag it is in DNS wire format on the wire: a fully qualified name is written
   * here with a trailing dot ("host.example.com."), a partial one (RFC 4702 §2.1) without. Without E it is
   * the deprecated ASCII form, kept as is.
   */
  readonly name: string;
}

/** Option 81. */
export const clientFqdn: ValueCodec<ClientFqdn> = defineCodec(
  'fqdn',
  (b): ClientFqdn => {
    if (b.length < 3) badBytes('fqdn', `length ${b.length} < 3`);
    const flags = b[0]!;
    if ((flags & 0x04) === 0) return { flags, rcode1: b[1]!, rcode2: b[2]!, name: latin1(b, 3) };
    if (b.length === 3) return { flags, rcode1: b[1]!, rcode2: b[2]!, name: '' };
    const body = b.subarray(3);
    const r = readDnsName(body, 0, false, true);
    if (r.next !== body.length) badBytes('fqdn', 'bytes after the name');
    if (r.complete && r.name === '') return { flags, rcode1: b[1]!, rcode2: b[2]!, name: '.' };
    return { flags, rcode1: b[1]!, rcode2: b[2]!, name: r.complete ? `${r.name}.` : r.name };
  },
  (v) => {
    checkInt('fqdn', v.flags, 0, 255);
    checkInt('fqdn', v.rcode1, 0, 255);
    checkInt('fqdn', v.rcode2, 0, 255);
    if ((v.flags & 0x04) === 0) return 3 + text.encodingLength(v.name);
    if (v.name === '') return 3;
    if (v.name === '.') return 4;
    const full = v.name.endsWith('.');
    const labels = nameLabels('fqdn', full ? v.name.slice(0, -1) : v.name);
    let n = 3;
    for (const l of labels) n += 1 + l.length;
    return full ? n + 1 : n;
  },
  (v, t, o) => {
    t[o] = v.flags;
    t[o + 1] = v.rcode1;
    t[o + 2] = v.rcode2;
    o += 3;
    if ((v.flags & 0x04) === 0) {
      writeLatin1(v.name, t, o);
      return;
    }
    if (v.name === '') return;
    if (v.name === '.') {
      t[o] = 0;
      return;
    }
    const full = v.name.endsWith('.');
    for (const l of (full ? v.name.slice(0, -1) : v.name).split('.')) {
      t[o++] = l.length;
      o += writeLatin1(l, t, o);
    }
    if (full) t[o] = 0;
  },
);

/** One classless static route (RFC 3442 §3). */
export interface ClasslessRoute {
  /** Destination network, e.g. "10.0.0.0". Only the first ceil(prefixLength / 8) bytes go on the wire. */
  readonly destination: string;
  /** 0..32 */
  readonly prefixLength: number;
  readonly router: string;
}

/** Options 121 (RFC 3442) and 249 (Microsoft's pre-standard copy of it). */
export const classlessRoutes: ValueCodec<ClasslessRoute[]> = defineCodec(
  'classless-routes',
  (b) => {
    const out: ClasslessRoute[] = [];
    let i = 0;
    while (i < b.length) {
      const width = b[i]!;
      if (width > 32) badBytes('classless-routes', `prefix length ${width} > 32`);
      const significant = (width + 7) >> 3;
      if (i + 1 + significant + 4 > b.length) badBytes('classless-routes', 'route runs past the end');
      const d = [0, 0, 0, 0];
      for (let k = 0; k < significant; k++) d[k] = b[i + 1 + k]!;
      out.push({ destination: d.join('.'), prefixLength: width, router: readIpv4(b, i + 1 + significant) });
      i += 1 + significant + 4;
    }
    if (out.length === 0) badBytes('classless-routes', 'empty');
    return out;
  },
  (v) => {
    if (v.length === 0) badValue('classless-routes', 'needs at least one route');
    let n = 0;
    const probe = new Uint8Array(4);
    for (const r of v) {
      checkInt('classless-routes', r.prefixLength, 0, 32);
      const significant = (r.prefixLength + 7) >> 3;
      writeIpv4(r.destination, probe, 0);
      // Bytes past the significant ones are not sent, so they must be zero to round-trip.
      for (let k = significant; k < 4; k++) {
        if (probe[k] !== 0)
          badValue('classless-routes', `${r.destination}/${r.prefixLength} has bits past the prefix bytes`);
      }
      n += 1 + significant + 4;
    }
    return n;
  },
  (v, t, o) => {
    const probe = new Uint8Array(4);
    for (const r of v) {
      const significant = (r.prefixLength + 7) >> 3;
      t[o++] = r.prefixLength;
      writeIpv4(r.destination, probe, 0);
      for (let k = 0; k < significant; k++) t[o++] = probe[k]!;
      writeIpv4(r.router, t, o);
      o += 4;
    }
  },
);

/**
 * One encapsulated sub-option. In spaces that use DHCP framing (43 PXE, 175 iPXE: RFC 2132 §8.4), code 0
 * (pad) and 255 (end) are single bytes with empty `data`; they are kept so values re-encode exactly.
 */
export interface SubOption {
  readonly code: number;
  readonly data: Uint8Array;
}

/**
 * A code/length/value list. `padEnd` selects DHCP framing, where 0 and 255 are one-byte pad and end
 * (vendor options, RFC 2132 §8.4); without it every code has a length byte (RFC 3046 §2.0 relay agent
 * sub-options, RFC 3925 §4 vendor sub-options).
 */
export function subOptions(padEnd: boolean): ValueCodec<SubOption[]> {
  const type = padEnd ? 'sub-options' : 'tlv[]';
  return defineCodec(
    type,
    (b) => {
      const out: SubOption[] = [];
      let i = 0;
      while (i < b.length) {
        const code = b[i]!;
        if (padEnd && (code === 0 || code === 255)) {
          out.push({ code, data: new Uint8Array(0) });
          i++;
          continue;
        }
        if (i + 1 >= b.length) badBytes(type, `sub-option ${code} has no length byte`);
        const n = b[i + 1]!;
        if (i + 2 + n > b.length) badBytes(type, `sub-option ${code} runs past the end`);
        out.push({ code, data: b.slice(i + 2, i + 2 + n) });
        i += 2 + n;
      }
      return out;
    },
    (v) => {
      let n = 0;
      for (const s of v) {
        checkInt(type, s.code, 0, 255);
        if (padEnd && (s.code === 0 || s.code === 255)) {
          if (s.data.length !== 0) badValue(type, `pad/end sub-option ${s.code} cannot carry data`);
          n += 1;
          continue;
        }
        if (s.data.length > 255) badValue(type, `sub-option ${s.code} longer than 255 bytes`);
        n += 2 + s.data.length;
      }
      return n;
    },
    (v, t, o) => {
      for (const s of v) {
        t[o++] = s.code;
        if (padEnd && (s.code === 0 || s.code === 255)) continue;
        t[o++] = s.data.length;
        t.set(s.data, o);
        o += s.data.length;
      }
    },
  );
}

/** DHCP-framed encapsulated options (43 for PXE, 175 iPXE). */
export const encapsulated: ValueCodec<SubOption[]> = subOptions(true);
/** Plain TLV list (82 relay agent information). */
export const tlvList: ValueCodec<SubOption[]> = subOptions(false);

/** One enterprise block of option 124 or 125 (RFC 3925 §3, §4). */
export interface VendorBlock {
  /** IANA private enterprise number. */
  readonly enterprise: number;
  /** Option 124: the vendor class data; option 125: the vendor's sub-options (decode with `tlvList`). */
  readonly data: Uint8Array;
}

/** Options 124 (V-I vendor class) and 125 (V-I vendor-specific information), RFC 3925. */
export const vendorBlocks: ValueCodec<VendorBlock[]> = defineCodec(
  'vendor-blocks',
  (b) => {
    const out: VendorBlock[] = [];
    let i = 0;
    while (i < b.length) {
      if (i + 5 > b.length) badBytes('vendor-blocks', 'enterprise block header runs past the end');
      const n = b[i + 4]!;
      if (i + 5 + n > b.length) badBytes('vendor-blocks', 'enterprise data runs past the end');
      out.push({ enterprise: readU32(b, i), data: b.slice(i + 5, i + 5 + n) });
      i += 5 + n;
    }
    if (out.length === 0) badBytes('vendor-blocks', 'empty');
    return out;
  },
  (v) => {
    if (v.length === 0) badValue('vendor-blocks', 'needs at least one block');
    let n = 0;
    for (const blk of v) {
      checkInt('vendor-blocks', blk.enterprise, 0, 0xffffffff);
      if (blk.data.length > 255) badValue('vendor-blocks', 'data longer than 255 bytes');
      n += 5 + blk.data.length;
    }
    return n;
  },
  (v, t, o) => {
    for (const blk of v) {
      writeU32(blk.enterprise, t, o);
      t[o + 4] = blk.data.length;
      t.set(blk.data, o + 5);
      o += 5 + blk.data.length;
    }
  },
);

/** Client network interface identifier (RFC 4578 §2.2): type 1 = UNDI, then major and minor version. */
export interface NetworkInterfaceId {
  readonly type: number;
  readonly major: number;
  readonly minor: number;
}

/** Option 94. */
export const networkInterfaceId: ValueCodec<NetworkInterfaceId> = defineCodec(
  'ndi',
  (b) => {
    exactLength('ndi', b, 3);
    return { type: b[0]!, major: b[1]!, minor: b[2]! };
  },
  (v) => {
    checkInt('ndi', v.type, 0, 255);
    checkInt('ndi', v.major, 0, 255);
    checkInt('ndi', v.minor, 0, 255);
    return 3;
  },
  (v, t, o) => {
    t[o] = v.type;
    t[o + 1] = v.major;
    t[o + 2] = v.minor;
  },
);

/** Client machine identifier (RFC 4578 §2.3): type 0 followed by a 16-byte GUID. */
export interface MachineId {
  readonly type: number;
  /** Usually 16 bytes. Some firmware sends other lengths; they are kept. */
  readonly id: Uint8Array;
}

/** Option 97. */
export const machineId: ValueCodec<MachineId> = defineCodec(
  'machine-id',
  (b) => {
    if (b.length < 1) badBytes('machine-id', 'empty');
    return { type: b[0]!, id: b.slice(1) };
  },
  (v) => {
    checkInt('machine-id', v.type, 0, 255);
    return 1 + v.id.length;
  },
  (v, t, o) => {
    t[o] = v.type;
    t.set(v.id, o + 1);
  },
);

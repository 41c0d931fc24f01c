/**
 * Address and duration helpers shared by the config loader, the importer and the boot decision.
 * IPv4 addresses are dotted strings at API boundaries and 32-bit unsigned numbers inside (DESIGN.md).
 */

/** Parses a dotted-quad IPv4 address to an unsigned 32-bit number, or undefined. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** An IPv4 network in CIDR form. */
export interface Ipv4Network {
  /** Network address, dotted. */
  readonly network: string;
  readonly prefix: number;
}

export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Netmask `255.255.255.0` → 24; undefined for a non-contiguous mask. */
export function maskToPrefix(mask: string): number | undefined {
  const n = parseIpv4(mask);
  if (n === undefined) return undefined;
  for (let p = 0; p <= 32; p++) if (prefixMask(p) === n) return p;
  return undefined;
}

export function parseCidr(text: string): Ipv4Network | { error: string } {
  const m = /^([0-9.]+)\/([0-9]{1,2})$/.exec(text);
  if (m === null) return { error: `${JSON.stringify(text)} is not in CIDR form` };
  const addr = parseIpv4(m[1]!);
  const prefix = Number(m[2]);
  if (addr === undefined) return { error: `${JSON.stringify(m[1])} is not an IPv4 address` };
  if (prefix > 32) return { error: `prefix /${prefix} is longer than 32` };
  const net = (addr & prefixMask(prefix)) >>> 0;
  if (net !== addr) {
    return { error: `${text} has host bits set; did you mean ${formatIpv4(net)}/${prefix}?` };
  }
  return { network: formatIpv4(net), prefix };
}

export function inNetwork(address: string, net: Ipv4Network): boolean {
  const a = parseIpv4(address);
  const n = parseIpv4(net.network);
  if (a === undefined || n === undefined) return false;
  return (a & prefixMask(net.prefix)) >>> 0 === n;
}

/**
 * Normalises a MAC address to lower-case `aa:bb:cc:dd:ee:ff`. Accepts `:` or `-` separators and one-digit
 * octets (ISC dhcpd writes `0:0:c0:5d:bd:95`), or 12 bare hex digits.
 */
export function normalizeMac(text: string): string | undefined {
  const t = text.trim();
  let octets: string[];
  if (/^[0-9a-fA-F]{12}$/.test(t)) octets = t.match(/../g) ?? [];
  else octets = t.split(/[:-]/);
  if (octets.length !== 6 || !octets.every((o) => /^[0-9a-fA-F]{1,2}$/.test(o))) return undefined;
  return octets.map((o) => o.padStart(2, '0').toLowerCase()).join(':');
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Parses `90`, `90s`, `10m`, `12h`, `7d`, `1h30m` to whole seconds. */
export function parseDuration(value: string | number): number | { error: string } {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) return { error: `${value} is not a whole number of seconds` };
    return value;
  }
  const t = value.trim();
  if (/^[0-9]+$/.test(t)) return Number(t);
  const re = /([0-9]+)([smhdw])/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(t); m !== null; m = re.exec(t)) {
    total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
    consumed = re.lastIndex;
  }
  if (consumed !== t.length || t.length === 0) {
    return { error: `${JSON.stringify(value)} is not a duration` };
  }
  return total;
}

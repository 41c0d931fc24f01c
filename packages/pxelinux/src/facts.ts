/**
 * Client facts (what PXELINUX learns from DHCP and the firmware) and the strings they turn
 * into: SYSAPPEND/IPAPPEND options and the config file names pxelinux tries.
 */

import { PXELINUX_ERROR_CODES, PxelinuxError } from './errors.js';
import { SYSAPPEND_NAMES } from './keywords.js';
import type { SysappendStrings } from './model.js';

export interface ClientFacts {
  /** Hardware address, `aa:bb:cc:dd:ee:ff` (dashes also accepted; any length of bytes). */
  readonly mac?: string;
  /** ARP hardware type (DHCP htype); 1 = Ethernet. */
  readonly arpType?: number;
  /** Client IPv4 address (yiaddr). */
  readonly ip?: string;
  /** Boot server IPv4 address (siaddr). */
  readonly serverIp?: string;
  readonly gateway?: string;
  readonly netmask?: string;
  /** Client UUID (DHCP option 97 / SMBIOS), 8-4-4-4-12 hex. */
  readonly uuid?: string;
  /** Other SYSAPPEND values by name (CPU, SYSVENDOR, …, FSUUID), without the `NAME=` prefix. */
  readonly sysappend?: Readonly<Partial<Record<string, string>>>;
}

function bad(message: string): never {
  throw new PxelinuxError(PXELINUX_ERROR_CODES.INVALID_FACTS, message);
}

/** MAC string to bytes; throws PXELINUX_ERR_INVALID_FACTS when malformed. */
export function macBytes(mac: string): number[] {
  const parts = mac.split(/[:-]/);
  if (parts.length < 1 || parts.length > 16 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) {
    bad(`not a hardware address: ${JSON.stringify(mac)}`);
  }
  return parts.map((p) => Number.parseInt(p, 16));
}

/** Dotted IPv4 to a 32-bit number; throws PXELINUX_ERR_INVALID_FACTS when malformed. */
export function ipv4ToNumber(ip: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) bad(`not an IPv4 address: ${JSON.stringify(ip)}`);
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) bad(`not an IPv4 address: ${JSON.stringify(ip)}`);
    n = n * 256 + o;
  }
  return n;
}

function uuidBytes(uuid: string): number[] {
  const hex = uuid.replaceAll('-', '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex) || !/^[0-9a-fA-F-]+$/.test(uuid))
    bad(`not a UUID: ${JSON.stringify(uuid)}`);
  return Array.from({ length: 16 }, (_, i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

/**
 * `sysappend_set_uuid()` accepts a UUID only if byte 6 (the version nibble) is neither 0 nor 15,
 * which filters the all-zero and all-ones UUIDs of broken BIOSes. Returns the lower-case form
 * or undefined.
 */
export function validUuid(uuid: string): string | undefined {
  const b = uuidBytes(uuid);
  const v = b[6] as number;
  if (v < 0x10 || v >= 0xf0) return undefined;
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `BOOTIF=01-88-99-aa-bb-cc-dd` value part: ARP type then the address bytes, lower-case hex. */
export function bootifName(mac: string, arpType = 1): string {
  // One byte (DHCP htype); masking a larger value would name another client's file.
  if (!Number.isInteger(arpType) || arpType < 0 || arpType > 0xff)
    bad(`not an ARP hardware type: ${arpType}`);
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return [hex(arpType), ...macBytes(mac).map(hex)].join('-');
}

/**
 * The SYSAPPEND strings for these facts, by bit (core/sysappend.c, core/fs/pxe/pxe.c):
 * bit 0 `ip=<client>:<server>:<gw>:<mask>`, bit 1 `BOOTIF=…`, bit 2 `SYSUUID=…`, then the
 * named ones. Missing facts give no string (and SYSLINUX adds nothing for that bit).
 */
export function sysappendStrings(facts: ClientFacts): SysappendStrings {
  const out: (string | undefined)[] = [];
  if (facts.ip !== undefined) {
    const parts = [facts.ip, facts.serverIp, facts.gateway, facts.netmask].map((x) => {
      if (x === undefined) return '0.0.0.0';
      ipv4ToNumber(x);
      return x;
    });
    out[0] = `ip=${parts.join(':')}`;
  }
  if (facts.mac !== undefined) out[1] = `BOOTIF=${bootifName(facts.mac, facts.arpType ?? 1)}`;
  if (facts.uuid !== undefined) {
    const u = validUuid(facts.uuid);
    if (u !== undefined) out[2] = `SYSUUID=${u}`;
  }
  const extra = facts.sysappend ?? {};
  for (let i = 3; i < SYSAPPEND_NAMES.length; i++) {
    const name = SYSAPPEND_NAMES[i] as string;
    const v = extra[name];
    if (v !== undefined) out[i] = `${name}=${v}`;
  }
  return out;
}

export interface ConfigLookupFacts {
  readonly uuid?: string;
  readonly mac?: string;
  readonly arpType?: number;
  readonly ip?: string;
  /** DHCP option 209 (pxelinux.configfile): tried first, relative to the prefix. */
  readonly option209?: string;
  /** DHCP option 210 (pxelinux.pathprefix): used verbatim as the prefix. */
  readonly option210?: string;
  /** Boot file name (DHCP option 67 / BOOTP file); the prefix is derived from it without 210. */
  readonly bootFile?: string;
}

/**
 * `get_prefix()`: without option 210 the prefix is the boot file name minus its trailing run of
 * `[A-Za-z0-9.-]`, e.g. `pxelinux/pxelinux.0` → `pxelinux/`.
 */
export function pathPrefix(facts: Pick<ConfigLookupFacts, 'option210' | 'bootFile'>): string {
  if (facts.option210 !== undefined) return facts.option210;
  const f = facts.bootFile ?? '';
  let i = f.length;
  while (i > 0 && /[A-Za-z0-9.-]/.test(f.charAt(i - 1))) i--;
  return f.slice(0, i);
}

/**
 * The config files pxelinux 6 tries, in order (`pxe_open_config()`), as paths from the TFTP root:
 * option 209; `pxelinux.cfg/<uuid>` (if a valid UUID); `pxelinux.cfg/01-<mac>`; the client IPv4 in
 * upper-case hex shortened one digit at a time (8 names); `pxelinux.cfg/default`.
 *
 * @example
 * configFileCandidates({ mac: '88:99:aa:bb:cc:dd', ip: '192.0.2.91' });
 * // ['pxelinux.cfg/01-88-99-aa-bb-cc-dd', 'pxelinux.cfg/C000025B', …, 'pxelinux.cfg/C', 'pxelinux.cfg/default']
 */
export function configFileCandidates(facts: ConfigLookupFacts): string[] {
  const prefix = pathPrefix(facts);
  const out: string[] = [];
  if (facts.option209 !== undefined && facts.option209 !== '') out.push(prefix + facts.option209);
  const dir = `${prefix}pxelinux.cfg/`;
  if (facts.uuid !== undefined) {
    const u = validUuid(facts.uuid);
    if (u !== undefined) out.push(dir + u);
  }
  if (facts.mac !== undefined) out.push(dir + bootifName(facts.mac, facts.arpType ?? 1));
  if (facts.ip !== undefined) {
    const hex = ipv4ToNumber(facts.ip).toString(16).toUpperCase().padStart(8, '0');
    for (let n = 8; n >= 1; n--) out.push(dir + hex.slice(0, n));
  }
  out.push(`${dir}default`);
  return out;
}

/**
 * Value codecs for the PXE 2.1 vendor sub-options carried in option 43 when option 60 starts with
 * "PXEClient" (Intel PXE Specification 2.1, §2.4.5 "PXE Vendor Options", table 2-1).
 */
import { DHCP_ERROR_CODES, DhcpError } from '../errors.js';
import { latin1, readIpv4, writeIpv4, writeLatin1 } from './bytes.js';
import { defineCodec, text, type ValueCodec } from './codecs.js';

function badBytes(type: string, why: string): never {
  throw new DhcpError(DHCP_ERROR_CODES.BAD_OPTION_VALUE, `${type}: ${why}`);
}

function badValue(type: string, why: string): never {
  throw new DhcpError(DHCP_ERROR_CODES.BAD_VALUE, `${type}: ${why}`);
}

function checkInt(type: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) badValue(type, `${v} is not an integer in ${min}..${max}`);
}

/** PXE boot server type (PXE 2.1 table 2-2): 0 = PXE bootstrap server, 1..: vendor types, 65535 = API test. */
export interface PxeBootServer {
  readonly type: number;
  readonly addresses: readonly string[];
}

/** Sub-option 8, PXE_BOOT_SERVERS: repeated {type u16, count u8, count × IPv4}. */
export const pxeBootServers: ValueCodec<PxeBootServer[]> = defineCodec(
  'pxe-boot-servers',
  (b) => {
    const out: PxeBootServer[] = [];
    let i = 0;
    while (i < b.length) {
      if (i + 3 > b.length) badBytes('pxe-boot-servers', 'entry header runs past the end');
      const count = b[i + 2]!;
      if (i + 3 + count * 4 > b.length) badBytes('pxe-boot-servers', 'address list runs past the end');
      const addresses: string[] = [];
      for (let k = 0; k < count; k++) addresses.push(readIpv4(b, i + 3 + k * 4));
      out.push({ type: (b[i]! << 8) | b[i + 1]!, addresses });
      i += 3 + count * 4;
    }
    if (out.length === 0) badBytes('pxe-boot-servers', 'empty');
    return out;
  },
  (v) => {
    if (v.length === 0) badValue('pxe-boot-servers', 'needs at least one entry');
    let n = 0;
    for (const s of v) {
      checkInt('pxe-boot-servers', s.type, 0, 0xffff);
      if (s.addresses.length > 255) badValue('pxe-boot-servers', 'more than 255 addresses');
      n += 3 + s.addresses.length * 4;
    }
    return n;
  },
  (v, t, o) => {
    for (const s of v) {
      t[o] = s.type >>> 8;
      t[o + 1] = s.type & 255;
      t[o + 2] = s.addresses.length;
      o += 3;
      for (const a of s.addresses) {
        writeIpv4(a, t, o);
        o += 4;
      }
    }
  },
);

/** One PXE boot menu entry. */
export interface PxeMenuEntry {
  readonly type: number;
  readonly description: string;
}

/** Sub-option 9, PXE_BOOT_MENU: repeated {type u16, length u8, description}. */
export const pxeBootMenu: ValueCodec<PxeMenuEntry[]> = defineCodec(
  'pxe-boot-menu',
  (b) => {
    const out: PxeMenuEntry[] = [];
    let i = 0;
    while (i < b.length) {
      if (i + 3 > b.length) badBytes('pxe-boot-menu', 'entry header runs past the end');
      const n = b[i + 2]!;
      if (i + 3 + n > b.length) badBytes('pxe-boot-menu', 'description runs past the end');
      out.push({ type: (b[i]! << 8) | b[i + 1]!, description: latin1(b, i + 3, i + 3 + n) });
      i += 3 + n;
    }
    if (out.length === 0) badBytes('pxe-boot-menu', 'empty');
    return out;
  },
  (v) => {
    if (v.length === 0) badValue('pxe-boot-menu', 'needs at least one entry');
    let n = 0;
    for (const e of v) {
      checkInt('pxe-boot-menu', e.type, 0, 0xffff);
      const len = text.encodingLength(e.description);
      if (len > 255) badValue('pxe-boot-menu', 'description longer than 255 bytes');
      n += 3 + len;
    }
    return n;
  },
  (v, t, o) => {
    for (const e of v) {
      t[o] = e.type >>> 8;
      t[o + 1] = e.type & 255;
      t[o + 2] = e.description.length;
      o += 3 + writeLatin1(e.description, t, o + 3);
    }
  },
);

/** Sub-option 10, PXE_MENU_PROMPT: timeout in seconds (0 = none, 255 = wait for a key), then text. */
export interface PxeMenuPrompt {
  readonly timeout: number;
  readonly prompt: string;
}

export const pxeMenuPrompt: ValueCodec<PxeMenuPrompt> = defineCodec(
  'pxe-menu-prompt',
  (b) => {
    if (b.length < 1) badBytes('pxe-menu-prompt', 'empty');
    return { timeout: b[0]!, prompt: latin1(b, 1) };
  },
  (v) => {
    checkInt('pxe-menu-prompt', v.timeout, 0, 255);
    return 1 + text.encodingLength(v.prompt);
  },
  (v, t, o) => {
    t[o] = v.timeout;
    writeLatin1(v.prompt, t, o + 1);
  },
);

/** Sub-option 71, PXE_BOOT_ITEM: boot server type and layer (bit 15 = credentials request). */
export interface PxeBootItem {
  readonly type: number;
  readonly layer: number;
}

export const pxeBootItem: ValueCodec<PxeBootItem> = defineCodec(
  'pxe-boot-item',
  (b) => {
    if (b.length !== 4) badBytes('pxe-boot-item', `length ${b.length}, expected 4`);
    return { type: (b[0]! << 8) | b[1]!, layer: (b[2]! << 8) | b[3]! };
  },
  (v) => {
    checkInt('pxe-boot-item', v.type, 0, 0xffff);
    checkInt('pxe-boot-item', v.layer, 0, 0xffff);
    return 4;
  },
  (v, t, o) => {
    t[o] = v.type >>> 8;
    t[o + 1] = v.type & 255;
    t[o + 2] = v.layer >>> 8;
    t[o + 3] = v.layer & 255;
  },
);

/**
 * Bits of sub-option 6, PXE_DISCOVERY_CONTROL (PXE 2.1 §2.4.5): how the client looks for a boot server
 * once a menu item is chosen.
 */
export const PXE_DISCOVERY_CONTROL = {
  /** Bit 0: no broadcast discovery. */
  NO_BROADCAST: 1,
  /** Bit 1: no multicast discovery. */
  NO_MULTICAST: 2,
  /** Bit 2: accept only the servers listed in sub-option 8. */
  ONLY_LISTED_SERVERS: 4,
  /** Bit 3: a boot file in the offer is downloaded at once: no prompt, menu or discovery. */
  USE_BOOT_FILE: 8,
} as const;

/** The PXE sub-options a server sends in option 43, typed. Absent fields are not sent. */
export interface PxeVendorOptions {
  /** Sub-option 6: `PXE_DISCOVERY_CONTROL` bits. */
  readonly discoveryControl?: number;
  /** Sub-option 8: boot servers by type. */
  readonly bootServers?: readonly PxeBootServer[];
  /** Sub-option 9: the boot menu. */
  readonly bootMenu?: readonly PxeMenuEntry[];
  /** Sub-option 10: the prompt and its timeout. */
  readonly menuPrompt?: PxeMenuPrompt;
  /** Sub-option 71: the boot item a boot server answers for (echoed from the client's request). */
  readonly bootItem?: PxeBootItem;
}

function putSubOption(out: number[], code: number, value: Uint8Array): void {
  if (value.length > 255) badValue('pxe-vendor-options', `sub-option ${code} longer than 255 bytes`);
  out.push(code, value.length, ...value);
}

/**
 * Encodes PXE vendor sub-options as the value of option 43: in code order (6, 8, 9, 10, 71) and closed
 * with END (255), as PXE ROMs expect (PXE 2.1 §2.4.5: "the last sub-option must be END"). Throws
 * `DHCP_ERR_BAD_VALUE` when a value cannot be encoded or a sub-option exceeds 255 bytes.
 *
 * @example
 * encodePxeVendorOptions({ discoveryControl: PXE_DISCOVERY_CONTROL.USE_BOOT_FILE }); // 6 1 8 255
 */
export function encodePxeVendorOptions(v: PxeVendorOptions): Uint8Array {
  const out: number[] = [];
  if (v.discoveryControl !== undefined) {
    checkInt('pxe-discovery-control', v.discoveryControl, 0, 255);
    out.push(6, 1, v.discoveryControl);
  }
  if (v.bootServers !== undefined) putSubOption(out, 8, pxeBootServers.encode([...v.bootServers]));
  if (v.bootMenu !== undefined) putSubOption(out, 9, pxeBootMenu.encode([...v.bootMenu]));
  if (v.menuPrompt !== undefined) putSubOption(out, 10, pxeMenuPrompt.encode(v.menuPrompt));
  if (v.bootItem !== undefined) putSubOption(out, 71, pxeBootItem.encode(v.bootItem));
  out.push(255);
  return Uint8Array.from(out);
}

/**
 * Sub-option 71 (boot item) of a request's option 43 value, or `undefined` when it is absent or
 * malformed. Never throws: it reads what a client sent (PXE 2.1 §2.2.5, boot server discovery).
 */
export function readPxeBootItem(value: Uint8Array): PxeBootItem | undefined {
  let i = 0;
  while (i < value.length) {
    const code = value[i]!;
    if (code === 255) return undefined;
    if (code === 0) {
      i++;
      continue;
    }
    if (i + 1 >= value.length) return undefined;
    const len = value[i + 1]!;
    if (i + 2 + len > value.length) return undefined;
    if (code === 71) {
      if (len !== 4) return undefined;
      const b = i + 2;
      return { type: (value[b]! << 8) | value[b + 1]!, layer: (value[b + 2]! << 8) | value[b + 3]! };
    }
    i += 2 + len;
  }
  return undefined;
}

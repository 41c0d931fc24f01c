/**
 * Human-readable dumps of messages, in the spirit of `tshark -V` and `dnsmasq --log-dhcp`: one header
 * block, then one line per option with its code, name, length and decoded value, sub-options indented.
 * Malformed values are shown as hex with the reason, never thrown.
 */
import { latin1, toHex } from './bytes.js';
import { type SubOption, encapsulated, tlvList } from './codecs.js';
import { clientArchitectureName, messageTypeName } from './constants.js';
import { type DhcpMessage, clientHardwareAddress, getOptionData } from './message.js';
import {
  IPXE_SUBOPTIONS,
  type OptionDef,
  PXE_SUBOPTIONS,
  RELAY_AGENT_SUBOPTIONS,
  optionByCode,
  optionName,
} from './options.js';

/** Options for `formatDhcpMessage`. */
export interface FormatOptions {
  /** Encoded length to show in the first line (e.g. the datagram size). */
  readonly length?: number;
  /** Show pad/end framing and the layout (instance splits, overload). Default false. */
  readonly wire?: boolean;
}

const HTYPES: Readonly<Record<number, string>> = { 1: 'Ethernet', 6: 'IEEE 802', 32: 'InfiniBand' };

function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) out += `\\${s[i]}`;
    else if (c < 0x20 || c > 0x7e) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += s[i];
  }
  return `${out}"`;
}

function hexOrText(b: Uint8Array): string {
  let printable = b.length > 0;
  for (const x of b) if (x < 0x20 || x > 0x7e) printable = false;
  return printable ? `${quote(latin1(b))} (${toHex(b, ':')})` : toHex(b, ':') || '(empty)';
}

function uuid(id: Uint8Array): string {
  if (id.length !== 16) return toHex(id, ':');
  const h = toHex(id);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Formats any decoded value: strings quoted, bytes as hex, arrays comma separated, objects key=value. */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return hexOrText(v);
  if (Array.isArray(v)) return v.map(formatValue).join(', ');
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}=${formatValue(x)}`)
      .join(' ')}}`;
  }
  return String(v);
}

/** Value text for options whose generic form would hide meaning. */
function formatOptionValue(code: number, type: string, value: unknown, msg: DhcpMessage): string {
  // Addresses print bare, as tshark and dnsmasq show them.
  if (type === 'ipv4') return value as string;
  if (type === 'ipv4[]') return (value as string[]).join(', ');
  if (type === 'ipv4-pair[]') return (value as [string, string][]).map((p) => `${p[0]} ${p[1]}`).join(', ');
  switch (code) {
    case 82:
    case 175:
      return `${(value as unknown[]).length} sub-options`;
    case 53:
      return `${messageTypeName(value as number)} (${value})`;
    case 55:
    case 145:
      return (value as number[]).map((c) => `${c} ${optionName(c)}`).join(', ');
    case 51:
    case 58:
    case 59: {
      const s = value as number;
      return s === 0xffffffff ? 'infinite' : `${s}s`;
    }
    case 93:
      return (value as number[]).map((a) => `${a} ${clientArchitectureName(a)}`).join(', ');
    case 97: {
      const m = value as { type: number; id: Uint8Array };
      return `type ${m.type} ${uuid(m.id)}`;
    }
    case 61: {
      const c = value as { type: number; data?: Uint8Array; iaid?: number; duid?: Uint8Array };
      if (c.duid !== undefined) return `type 255 iaid ${c.iaid} duid ${toHex(c.duid, ':')}`;
      return `type ${c.type} ${toHex(c.data!, ':')}`;
    }
    case 121:
    case 249:
      return (value as { destination: string; prefixLength: number; router: string }[])
        .map((r) => `${r.destination}/${r.prefixLength} via ${r.router}`)
        .join(', ');
    case 43: {
      const vendor = getOptionData(msg, 60);
      if (vendor !== undefined && latin1(vendor).startsWith('PXEClient')) return 'PXE vendor options';
      return formatValue(value);
    }
    default:
      return formatValue(value);
  }
}

function formatSubOptions(list: readonly SubOption[], space: readonly OptionDef[], indent: string): string[] {
  const lines: string[] = [];
  for (const s of list) {
    if (s.code === 0 || s.code === 255) continue;
    const d = space.find((e) => e.code === s.code);
    let text: string;
    try {
      text = d === undefined ? hexOrText(s.data) : formatValue(d.codec.decode(s.data));
    } catch (e) {
      text = `${toHex(s.data, ':')} (malformed: ${(e as Error).message})`;
    }
    lines.push(
      `${indent}sub-option ${String(s.code).padStart(3)} ${d?.name ?? `unknown(${s.code})`} (${s.data.length}): ${text}`,
    );
  }
  return lines;
}

function subOptionSpace(
  code: number,
  msg: DhcpMessage,
): { space: readonly OptionDef[]; codec: typeof encapsulated } | undefined {
  if (code === 82) return { space: RELAY_AGENT_SUBOPTIONS, codec: tlvList };
  if (code === 175) return { space: IPXE_SUBOPTIONS, codec: encapsulated };
  if (code === 43) {
    const vendor = getOptionData(msg, 60);
    if (vendor !== undefined && latin1(vendor).startsWith('PXEClient'))
      return { space: PXE_SUBOPTIONS, codec: encapsulated };
  }
  return undefined;
}

function flagsText(flags: number): string {
  const parts = [flags & 0x8000 ? 'broadcast' : 'unicast'];
  if (flags & 0x7fff) parts.push(`reserved bits 0x${(flags & 0x7fff).toString(16)}`);
  return parts.join(', ');
}

/**
 * A multi-line dump of a message.
 *
 * @example
 * console.log(formatDhcpMessage(decodeDhcpMessage(bytes)));
 * // DHCP DISCOVER xid 0x5bf95f7f from 52:54:00:99:31:02 (300 bytes)
 * //   op 1 BOOTREQUEST, htype 1 Ethernet, hlen 6, hops 0, secs 0, flags 0x0000 (unicast)
 * //   ...
 * //   option  53 messageType (1): DISCOVER (1)
 */
export function formatDhcpMessage(msg: DhcpMessage, opts: FormatOptions = {}): string {
  const typeData = getOptionData(msg, 53);
  const type =
    typeData !== undefined && typeData.length === 1 ? `DHCP ${messageTypeName(typeData[0]!)}` : 'BOOTP';
  const size = opts.length === undefined ? '' : ` (${opts.length} bytes)`;
  const dir = msg.op === 2 ? 'to' : 'from';
  const lines = [
    `${type} xid 0x${msg.xid.toString(16).padStart(8, '0')} ${dir} ${clientHardwareAddress(msg)}${size}`,
    `  op ${msg.op} ${msg.op === 1 ? 'BOOTREQUEST' : msg.op === 2 ? 'BOOTREPLY' : 'unknown'}, htype ${msg.htype} ${HTYPES[msg.htype] ?? 'unknown'}, hlen ${msg.hlen}, hops ${msg.hops}, secs ${msg.secs}, flags 0x${msg.flags.toString(16).padStart(4, '0')} (${flagsText(msg.flags)})`,
    `  ciaddr ${msg.ciaddr}  yiaddr ${msg.yiaddr}  siaddr ${msg.siaddr}  giaddr ${msg.giaddr}`,
    `  chaddr ${toHex(msg.chaddr, ':')}`,
  ];
  if (msg.sname !== '') lines.push(`  sname ${quote(msg.sname)}`);
  if (msg.file !== '') lines.push(`  file ${quote(msg.file)}`);
  const layout = msg.layout;
  if (layout !== undefined && !layout.cookie)
    lines.push('  (no DHCP magic cookie: BOOTP vendor area kept raw)');
  for (const o of msg.options) {
    const d = optionByCode(o.code);
    const head = `  option ${String(o.code).padStart(3)} ${d?.name ?? `unknown(${o.code})`} (${o.data.length})`;
    if (d === undefined) {
      lines.push(`${head}: ${hexOrText(o.data)}`);
      continue;
    }
    let value: unknown;
    try {
      value = d.codec.decode(o.data);
    } catch (e) {
      lines.push(`${head}: ${toHex(o.data, ':')} (malformed: ${(e as Error).message})`);
      continue;
    }
    lines.push(`${head}: ${formatOptionValue(o.code, d.codec.type, value, msg)}`);
    const sub = subOptionSpace(o.code, msg);
    if (sub !== undefined) {
      try {
        lines.push(...formatSubOptions(sub.codec.decode(o.data), sub.space, '      '));
      } catch (e) {
        lines.push(`      (sub-options malformed: ${(e as Error).message})`);
      }
    }
  }
  if (opts.wire === true && layout !== undefined && layout.cookie) {
    const region = (name: string, r: unknown): void => {
      if (r === undefined || r instanceof Uint8Array) return;
      const { tokens, tail } = r as { tokens: readonly number[]; tail: number | Uint8Array };
      const parts: string[] = [];
      for (let i = 0; i < tokens.length; i += 2) {
        const c = tokens[i]!;
        parts.push(c === 0 ? `pad×${tokens[i + 1]}` : c === 255 ? 'end' : `${c}[${tokens[i + 1]}]`);
      }
      const t =
        typeof tail === 'number' ? (tail === 0 ? '' : `, then ${tail} zero bytes`) : `, then ${toHex(tail)}`;
      lines.push(`  wire ${name}: ${parts.join(' ')}${t}`);
    };
    region('options', layout.options);
    region('file', layout.file);
    region('sname', layout.sname);
  }
  return lines.join('\n');
}

/**
 * A one-line summary for logs, like dnsmasq's `DHCPDISCOVER(eth0) 52:54:00:12:34:56` lines plus what a
 * boot server cares about. Never throws.
 *
 * @example
 * formatDhcpSummary(msg);
 * // 'DISCOVER xid 0x5bf95f7f 52:54:00:99:31:02 arch 7 (x64 UEFI) vendor "PXEClient:Arch:00007:UNDI:003000"'
 */
export function formatDhcpSummary(msg: DhcpMessage): string {
  const typeData = getOptionData(msg, 53);
  const parts = [
    typeData !== undefined && typeData.length === 1
      ? messageTypeName(typeData[0]!)
      : msg.op === 2
        ? 'BOOTREPLY'
        : 'BOOTREQUEST',
    `xid 0x${msg.xid.toString(16).padStart(8, '0')}`,
    clientHardwareAddress(msg),
  ];
  const read = <T>(code: number): T | undefined => {
    const d = optionByCode(code);
    const data = getOptionData(msg, code);
    if (d === undefined || data === undefined) return undefined;
    try {
      return d.codec.decode(data) as T;
    } catch {
      return undefined;
    }
  };
  if (msg.ciaddr !== '0.0.0.0') parts.push(`ciaddr ${msg.ciaddr}`);
  if (msg.yiaddr !== '0.0.0.0') parts.push(`yiaddr ${msg.yiaddr}`);
  if (msg.giaddr !== '0.0.0.0') parts.push(`via ${msg.giaddr}`);
  const requested = read<string>(50);
  if (requested !== undefined) parts.push(`requested ${requested}`);
  const server = read<string>(54);
  if (server !== undefined) parts.push(`server ${server}`);
  const arch = read<number[]>(93);
  if (arch !== undefined)
    parts.push(`arch ${arch.map((a) => `${a} (${clientArchitectureName(a)})`).join(', ')}`);
  const vendor = read<string>(60);
  if (vendor !== undefined) parts.push(`vendor ${quote(vendor)}`);
  const user = read<{ classes?: string[]; raw?: string }>(77);
  if (user !== undefined) parts.push(`user-class ${quote(user.raw ?? (user.classes ?? []).join(','))}`);
  const host = read<string>(12);
  if (host !== undefined) parts.push(`host ${quote(host)}`);
  if (msg.siaddr !== '0.0.0.0') parts.push(`next-server ${msg.siaddr}`);
  const file = msg.file !== '' ? msg.file : read<string>(67);
  if (file !== undefined) parts.push(`file ${quote(file)}`);
  return parts.join(' ');
}

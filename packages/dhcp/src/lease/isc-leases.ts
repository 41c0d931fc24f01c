/**
 * Import and export of ISC dhcpd's lease file, `dhcpd.leases` (format per the dhcpd.leases(5) manual
 * page of ISC DHCP 4.4): a sequence of `lease <address> { ... }` blocks, later blocks for an address
 * overriding earlier ones, other top-level statements (`server-duid`, `authoring-byte-order`,
 * `failover peer ... { }`) ignored on import. Dates are `<weekday> <yyyy/mm/dd> <hh:mm:ss>` in UTC,
 * `epoch <seconds>`, or `never`.
 *
 * Pure text in, text out. The import never throws: what it cannot use is listed in `problems` with the
 * line it was found on.
 */
import { hex, tryParseHex, tryParseIpv4 } from './ipv4.js';
import { INFINITE_LEASE, type Lease } from './types.js';

/** One `lease` block as dhcpd writes it, before it is mapped to a pxekit lease. */
export interface IscLease {
  readonly address: string;
  /** ms since the epoch; undefined for `never` or when absent. */
  readonly starts?: number;
  readonly ends?: number;
  readonly cltt?: number;
  /** `binding state` — active, free, expired, released, abandoned, reset, backup. */
  readonly bindingState?: string;
  /** `hardware ethernet` (type 1) address, lower-case with colons. */
  readonly mac?: string;
  /** `uid`: the option 61 client identifier bytes. */
  readonly uid?: Uint8Array;
  readonly hostname?: string;
  /** 1-based line where the block starts. */
  readonly line: number;
}

export interface IscLeasesProblem {
  readonly line: number;
  readonly message: string;
}

export interface ParsedIscLeases {
  /** The blocks in file order (several may name the same address; the last one wins in dhcpd). */
  readonly blocks: IscLease[];
  readonly problems: IscLeasesProblem[];
}

type Token = { readonly kind: 'word' | 'string' | 'punct'; readonly text: string; readonly line: number };

function tokenize(text: string, problems: IscLeasesProblem[]): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '{' || c === '}' || c === ';' || c === '=') {
      out.push({ kind: 'punct', text: c, line });
      i++;
    } else if (c === '"') {
      const start = line;
      let s = '';
      i++;
      for (;;) {
        if (i >= n) {
          problems.push({ line: start, message: 'unterminated string' });
          break;
        }
        const d = text[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\n') line++;
        if (d === '\\' && i + 1 < n) {
          const e = text[i + 1]!;
          // dhcpd writes non-printable bytes as three octal digits.
          if (/[0-7]/.test(e)) {
            let j = i + 1;
            let v = 0;
            while (j < n && j < i + 4 && /[0-7]/.test(text[j]!)) v = v * 8 + Number(text[j++]!);
            s += String.fromCharCode(v & 255);
            i = j;
          } else {
            s += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
            i += 2;
          }
          continue;
        }
        s += d;
        i++;
      }
      out.push({ kind: 'string', text: s, line: start });
    } else {
      let j = i;
      while (j < n && !/[\s{};="#]/.test(text[j]!)) j++;
      out.push({ kind: 'word', text: text.slice(i, j), line });
      i = j;
    }
  }
  return out;
}

/** `2 2026/11/24 15:00:00` (UTC) or `epoch 1790000000` or `never`. */
function parseDate(words: readonly Token[]): number | undefined | 'bad' {
  const w0 = words[0]?.text;
  if (w0 === 'never') return undefined;
  if (w0 === 'epoch') {
    const s = Number(words[1]?.text);
    return Number.isFinite(s) ? s * 1000 : 'bad';
  }
  const m = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(words[1]?.text ?? '');
  const t = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(words[2]?.text ?? '');
  if (m === null || t === null) return 'bad';
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(t[1]), Number(t[2]), Number(t[3]));
}

function latin1Bytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 255;
  return b;
}

/**
 * Parses the text of a `dhcpd.leases` file.
 *
 * @example
 * const { blocks, problems } = parseIscLeases(await readFile('/var/lib/dhcp/dhcpd.leases', 'latin1'));
 */
export function parseIscLeases(text: string): ParsedIscLeases {
  const problems: IscLeasesProblem[] = [];
  const tokens = tokenize(text, problems);
  const blocks: IscLease[] = [];
  let i = 0;
  // Skips one statement: words up to ';', or a balanced { } block.
  const skipStatement = (): void => {
    let depth = 0;
    while (i < tokens.length) {
      const t = tokens[i++]!;
      if (t.kind === 'punct' && t.text === '{') depth++;
      else if (t.kind === 'punct' && t.text === '}') {
        depth--;
        if (depth <= 0) return;
      } else if (t.kind === 'punct' && t.text === ';' && depth === 0) return;
    }
  };
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.kind !== 'word' || t.text !== 'lease') {
      skipStatement();
      continue;
    }
    const addressToken = tokens[i + 1];
    const open = tokens[i + 2];
    if (addressToken === undefined || open?.text !== '{') {
      problems.push({ line: t.line, message: 'lease without an address and a { block' });
      i++;
      skipStatement();
      continue;
    }
    i += 3;
    const block: {
      -readonly [K in keyof IscLease]: IscLease[K];
    } = { address: addressToken.text, line: t.line };
    const addressOk = tryParseIpv4(addressToken.text) !== undefined;
    if (!addressOk) problems.push({ line: t.line, message: `not an IPv4 address: ${addressToken.text}` });
    // Statements inside the block.
    while (i < tokens.length && tokens[i]!.text !== '}') {
      const words: Token[] = [];
      let nested = false;
      while (i < tokens.length) {
        const w = tokens[i]!;
        if (w.kind === 'punct' && w.text === ';') {
          i++;
          break;
        }
        if (w.kind === 'punct' && w.text === '{') {
          nested = true; // `on commit { ... }`: not lease state.
          skipStatement();
          break;
        }
        if (w.kind === 'punct' && w.text === '}') break;
        words.push(w);
        i++;
      }
      if (nested || words.length === 0) continue;
      const key = words[0]!.text;
      const line = words[0]!.line;
      if (key === 'starts' || key === 'ends' || key === 'cltt') {
        const d = parseDate(words.slice(1));
        if (d === 'bad') problems.push({ line, message: `bad date in ${key}` });
        else if (d !== undefined) block[key] = d;
      } else if (key === 'binding' && words[1]?.text === 'state' && words[2] !== undefined) {
        block.bindingState = words[2].text;
      } else if (key === 'hardware' && words[2] !== undefined) {
        const mac = tryParseHex(words[2].text);
        if (words[1]?.text === 'ethernet' && mac !== undefined && mac.length > 0) block.mac = hex(mac, ':');
        else problems.push({ line, message: `unsupported hardware ${words[1]?.text ?? ''}` });
      } else if (key === 'uid' && words[1] !== undefined) {
        const w = words[1];
        const bytes = w.kind === 'string' ? latin1Bytes(w.text) : tryParseHex(w.text);
        if (bytes === undefined || bytes.length === 0) problems.push({ line, message: 'bad uid' });
        else block.uid = bytes;
      } else if (key === 'client-hostname' && words[1]?.kind === 'string') {
        block.hostname = words[1].text;
      }
      // Everything else (next binding state, set ..., option agent.*, tstp, atsfp) is not lease state here.
    }
    if (tokens[i]?.text === '}') {
      i++;
      if (addressOk) blocks.push(block);
    } else {
      // A truncated file: dhcpd never used a half-written block either.
      problems.push({ line: t.line, message: 'unterminated lease block' });
    }
  }
  return { blocks, problems };
}

export interface ImportIscLeasesOptions {
  /** Which subnet an address belongs to; blocks whose address has no subnet are reported and skipped. */
  readonly subnetOf: (address: string) => string | undefined;
}

/**
 * Maps parsed blocks to pxekit leases: `active` → bound, `expired` → expired, `released` → released,
 * `abandoned` → declined (dhcpd's quarantine); `free`, `backup` and `reset` carry no client and are
 * skipped. The last block for an address wins, as in dhcpd.
 */
export function leasesFromIsc(
  parsed: ParsedIscLeases,
  options: ImportIscLeasesOptions,
): {
  leases: Lease[];
  problems: IscLeasesProblem[];
} {
  const problems = [...parsed.problems];
  const last = new Map<string, IscLease>();
  for (const b of parsed.blocks) {
    last.delete(b.address);
    last.set(b.address, b);
  }
  const leases: Lease[] = [];
  for (const b of last.values()) {
    const state =
      b.bindingState === 'active'
        ? 'bound'
        : b.bindingState === 'expired'
          ? 'expired'
          : b.bindingState === 'released'
            ? 'released'
            : b.bindingState === 'abandoned'
              ? 'declined'
              : undefined;
    if (state === undefined) continue;
    const subnet = options.subnetOf(b.address);
    if (subnet === undefined) {
      problems.push({ line: b.line, message: `${b.address} is in no configured subnet` });
      continue;
    }
    if (state !== 'declined' && b.mac === undefined && b.uid === undefined) {
      problems.push({ line: b.line, message: `${b.address}: no hardware address and no uid` });
      continue;
    }
    const clientId = b.uid === undefined ? undefined : hex(b.uid);
    const mac = b.mac ?? '';
    const start = b.starts ?? b.cltt ?? 0;
    const expires = b.ends ?? INFINITE_LEASE;
    leases.push({
      address: b.address,
      subnet,
      clientKey: state === 'declined' ? '' : clientId !== undefined ? `id:${clientId}` : `hw:${mac}`,
      mac: state === 'declined' ? '' : mac,
      ...(clientId === undefined || state === 'declined' ? {} : { clientId }),
      ...(b.hostname === undefined || state === 'declined' ? {} : { hostname: b.hostname }),
      state,
      start,
      expires,
    });
  }
  return { leases, problems };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** A date as dhcpd writes it: `<weekday 0=Sunday> yyyy/mm/dd hh:mm:ss`, UTC. */
export function formatIscDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCDay()} ${d.getUTCFullYear()}/${pad2(d.getUTCMonth() + 1)}/${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** A dhcpd string: printable ASCII as is (but `"` and `\`), other bytes as three octal digits. */
function iscString(bytes: Uint8Array): string {
  let s = '"';
  for (const b of bytes) {
    if (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c) s += String.fromCharCode(b);
    else s += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return `${s}"`;
}

const BINDING: Readonly<Record<string, string>> = {
  bound: 'active',
  expired: 'expired',
  released: 'released',
  declined: 'abandoned',
};

/**
 * Writes leases in `dhcpd.leases` form (offers are skipped: dhcpd does not record them). The result can
 * be read back by `parseIscLeases` and by ISC dhcpd itself.
 */
export function formatIscLeases(leases: Iterable<Lease>, comment = 'written by pxekit'): string {
  let out = `# The format of this file is documented in the dhcpd.leases(5) manual page.\n# ${comment}\n\n`;
  for (const l of leases) {
    const binding = BINDING[l.state];
    if (binding === undefined) continue;
    out += `lease ${l.address} {\n`;
    out += `  starts ${formatIscDate(l.start)};\n`;
    out += l.expires >= INFINITE_LEASE ? '  ends never;\n' : `  ends ${formatIscDate(l.expires)};\n`;
    out += `  cltt ${formatIscDate(l.start)};\n`;
    out += `  binding state ${binding};\n`;
    out += '  next binding state free;\n';
    if (l.mac !== '') out += `  hardware ethernet ${l.mac};\n`;
    if (l.clientId !== undefined) {
      const id = tryParseHex(l.clientId);
      if (id !== undefined && id.length > 0) out += `  uid ${iscString(id)};\n`;
    }
    if (l.hostname !== undefined) out += `  client-hostname ${iscString(latin1Bytes(l.hostname))};\n`;
    out += '}\n';
  }
  return out;
}

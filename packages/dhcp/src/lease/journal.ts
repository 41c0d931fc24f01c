/**
 * The lease journal's record format and replay: pure, no file access (the file part is
 * node/journal-store.ts).
 *
 * A journal is UTF-8 text, one record per line, each line `<crc32> <json>\n`, where `<crc32>` is the
 * CRC-32 (IEEE 802.3) of the JSON's UTF-8 bytes as 8 lower-case hex digits. Records:
 *
 * | json                                              | meaning                                   |
 * |---------------------------------------------------|-------------------------------------------|
 * | `{"t":"hdr","format":"pxekit-leases","v":1}`      | first line of every journal and snapshot  |
 * | `{"t":"put","l":{...Lease}}`                      | the new state of the lease at `l.address` |
 * | `{"t":"del","a":"10.0.0.7"}`                      | the record for an address is gone         |
 *
 * Text and a checksum per line keep the file inspectable with `less` and make a torn write detectable:
 * a crash can leave the last line without its newline, or with bytes that do not match its checksum.
 * That last record was never acknowledged (the ACK waits for the fsync that covers it), so it is ignored,
 * not fatal. A damaged line elsewhere is skipped and reported; replay continues.
 */
import { tryParseIpv4 } from './ipv4.js';
import { LeaseTable } from './table.js';
import type { Lease, LeaseState } from './types.js';

export const JOURNAL_FORMAT = 'pxekit-leases';
export const JOURNAL_VERSION = 1;

export type JournalRecord =
  | { readonly t: 'hdr'; readonly format: string; readonly v: number }
  | { readonly t: 'put'; readonly l: Lease }
  | { readonly t: 'del'; readonly a: string };

const CRC_TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, reflected, as in zlib) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const utf8 = new TextEncoder();

/**
 * CRC-32 of the UTF-8 encoding of `text`. An ASCII string (every record the server writes, unless a host
 * name or client id has other characters) is its own UTF-8, so it is summed without encoding it first.
 */
function crc32OfText(text: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch > 0x7f) return crc32(utf8.encode(text));
    c = CRC_TABLE[(c ^ ch) & 0xff]! ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** One journal line, newline included. */
export function encodeJournalRecord(record: JournalRecord): string {
  const json = record.t === 'put' ? leaseRecordJson(record.l) : JSON.stringify(record);
  return `${crc32OfText(json).toString(16).padStart(8, '0')} ${json}\n`;
}

/**
 * `{"t":"put","l":{...}}` for a lease, written field by field (a `put` per DHCPACK: JSON.stringify of the
 * nested record was the largest single cost of an ACK). The same JSON as JSON.stringify gives for a lease
 * whose fields are in the order of `Lease`; only the known fields are written, as the decoder keeps only
 * those.
 */
function leaseRecordJson(l: Lease): string {
  let json = `{"t":"put","l":{"address":${jsonString(l.address)},"subnet":${jsonString(l.subnet)},"clientKey":${jsonString(l.clientKey)},"mac":${jsonString(l.mac)}`;
  if (l.clientId !== undefined) json += `,"clientId":${jsonString(l.clientId)}`;
  if (l.hostname !== undefined) json += `,"hostname":${jsonString(l.hostname)}`;
  return `${json},"state":${jsonString(l.state)},"start":${jsonNumber(l.start)},"expires":${jsonNumber(l.expires)}}}`;
}

/** A JSON string literal: quoted as is when nothing needs escaping (the usual case), else JSON.stringify. */
function jsonString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) return JSON.stringify(s);
  }
  return `"${s}"`;
}

function jsonNumber(n: number): string {
  return Number.isFinite(n) ? `${n}` : 'null';
}

/** The header line every journal and snapshot starts with. */
export function journalHeader(): string {
  return encodeJournalRecord({ t: 'hdr', format: JOURNAL_FORMAT, v: JOURNAL_VERSION });
}

/** Why a line of a journal was not used. */
export interface JournalProblem {
  /** 1-based line number. */
  readonly line: number;
  readonly reason:
    | 'torn-tail'
    | 'bad-checksum'
    | 'bad-json'
    | 'bad-record'
    | 'bad-header'
    | 'unsupported-version';
}

export interface DecodedJournal {
  readonly records: JournalRecord[];
  readonly problems: JournalProblem[];
  /** Lines that were complete (ended in a newline), including damaged ones. */
  readonly lines: number;
}

const STATES: ReadonlySet<string> = new Set<LeaseState>([
  'offered',
  'bound',
  'expired',
  'released',
  'declined',
]);

function isLease(v: unknown): v is Lease {
  if (typeof v !== 'object' || v === null) return false;
  const l = v as Record<string, unknown>;
  return (
    typeof l['address'] === 'string' &&
    tryParseIpv4(l['address']) !== undefined &&
    typeof l['subnet'] === 'string' &&
    typeof l['clientKey'] === 'string' &&
    typeof l['mac'] === 'string' &&
    (l['clientId'] === undefined || typeof l['clientId'] === 'string') &&
    (l['hostname'] === undefined || typeof l['hostname'] === 'string') &&
    typeof l['state'] === 'string' &&
    STATES.has(l['state']) &&
    Number.isFinite(l['start']) &&
    Number.isFinite(l['expires'])
  );
}

function toRecord(v: unknown): JournalRecord | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  if (r['t'] === 'put' && isLease(r['l'])) {
    const l = r['l'];
    // Keep only known fields, so a record from a newer writer cannot smuggle extra state in.
    const lease: Lease = {
      address: l.address,
      subnet: l.subnet,
      clientKey: l.clientKey,
      mac: l.mac,
      ...(l.clientId === undefined ? {} : { clientId: l.clientId }),
      ...(l.hostname === undefined ? {} : { hostname: l.hostname }),
      state: l.state,
      start: l.start,
      expires: l.expires,
    };
    return { t: 'put', l: lease };
  }
  if (r['t'] === 'del' && typeof r['a'] === 'string' && tryParseIpv4(r['a']) !== undefined)
    return { t: 'del', a: r['a'] };
  if (r['t'] === 'hdr' && typeof r['format'] === 'string' && typeof r['v'] === 'number') {
    return { t: 'hdr', format: r['format'], v: r['v'] };
  }
  return undefined;
}

/**
 * Decodes journal text. Never throws: damaged lines are reported in `problems` and skipped; text after
 * the last newline is a torn write and is ignored. An empty text is an empty journal.
 */
export function decodeJournal(text: string): DecodedJournal {
  const records: JournalRecord[] = [];
  const problems: JournalProblem[] = [];
  let lineNo = 0;
  let pos = 0;
  for (;;) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) {
      if (pos < text.length) problems.push({ line: lineNo + 1, reason: 'torn-tail' });
      break;
    }
    lineNo++;
    const line = text.slice(pos, nl);
    pos = nl + 1;
    const space = line.indexOf(' ');
    if (space !== 8) {
      problems.push({ line: lineNo, reason: 'bad-checksum' });
      continue;
    }
    const json = line.slice(9);
    if (
      Number.parseInt(line.slice(0, 8), 16) !== crc32(utf8.encode(json)) ||
      !/^[0-9a-f]{8}$/.test(line.slice(0, 8))
    ) {
      problems.push({ line: lineNo, reason: 'bad-checksum' });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      problems.push({ line: lineNo, reason: 'bad-json' });
      continue;
    }
    const record = toRecord(value);
    if (record === undefined) {
      problems.push({ line: lineNo, reason: 'bad-record' });
      continue;
    }
    if (record.t === 'hdr') {
      if (record.format !== JOURNAL_FORMAT) {
        problems.push({ line: lineNo, reason: 'bad-header' });
        continue;
      }
      if (record.v > JOURNAL_VERSION) {
        problems.push({ line: lineNo, reason: 'unsupported-version' });
        continue;
      }
    }
    records.push(record);
  }
  return { records, problems, lines: lineNo };
}

/**
 * Replays records in order into the final lease set, with the same rules as the live table (a `put`
 * replaces the address's record and the client's previous record in that subnet).
 */
export function replayJournal(records: Iterable<JournalRecord>): Lease[] {
  const table = new LeaseTable({ expiryIndex: false });
  for (const r of records) {
    if (r.t === 'put') table.put(r.l);
    else if (r.t === 'del') table.delete(tryParseIpv4(r.a)!);
  }
  return [...table.values()];
}

/** A whole snapshot (header + one `put` per lease), as compaction writes it. */
export function encodeJournalSnapshot(leases: Iterable<Lease>): string {
  let out = journalHeader();
  for (const l of leases) out += encodeJournalRecord({ t: 'put', l });
  return out;
}

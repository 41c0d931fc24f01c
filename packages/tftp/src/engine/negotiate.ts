import {
  DEFAULT_BLOCK_SIZE,
  ERROR_CODE,
  MAX_BLOCK_SIZE,
  MAX_WINDOW_SIZE,
  MIN_BLOCK_SIZE,
} from '../wire/constants.js';
import { TFTP_ERR, TftpError } from '../wire/errors.js';
import { parseOptionNumber } from '../wire/options.js';
import type { TftpOption } from '../wire/packet.js';
import type { TransferParams } from './types.js';

/** Server-side limits applied while negotiating. */
export interface NegotiationLimits {
  /**
   * Largest blksize granted. Default 1468: an IPv4 datagram on a 1500-byte MTU without fragmentation
   * (1500 − 20 IP − 8 UDP − 4 TFTP). Larger requests are clamped, which RFC 2348 allows (reply ≤ request).
   */
  readonly maxBlockSize?: number;
  /** Largest windowsize granted (RFC 7440 §3 lets the server answer less). Default 64. */
  readonly maxWindowSize?: number;
  /** Honour the `timeout` option (RFC 2349). Default true. */
  readonly acceptTimeout?: boolean;
  /** Honour tftp-hpa's `rollover` option. Default true. */
  readonly acceptRollover?: boolean;
  /** Base retransmission timeout in ms when the client does not negotiate one. Default 1000. */
  readonly defaultTimeoutMs?: number;
}

export interface NegotiateRequest {
  readonly kind: 'rrq' | 'wrq';
  /** Lower-cased mode; tsize is left out for netascii (its wire size is unknown without a pre-pass). */
  readonly mode: 'octet' | 'netascii';
  readonly options: readonly TftpOption[];
  /** RRQ: the file's size if known (tsize reply). */
  readonly fileSize?: number;
  /** WRQ: largest accepted upload; a larger tsize gets ERROR 3 (RFC 2349). */
  readonly maxWriteSize?: number;
}

export type NegotiateResult =
  | {
      readonly ok: true;
      /** Options to acknowledge, spelled as the client spelled them; undefined means send no OACK. */
      readonly oack: TftpOption[] | undefined;
      readonly params: TransferParams;
    }
  | { readonly ok: false; readonly error: TftpError };

export const DEFAULT_MAX_BLOCK_SIZE = 1468;
export const DEFAULT_MAX_WINDOW_SIZE = 64;
export const DEFAULT_TIMEOUT_MS = 1000;

function refuse(message: string, tftpCode: number = ERROR_CODE.OPTION_REFUSED): NegotiateResult {
  return { ok: false, error: new TftpError(TFTP_ERR.OPTION, message, tftpCode) };
}

/**
 * Pure server-side option negotiation (RFC 2347 plus 2348, 2349, 7440).
 * - only options the client asked for are acknowledged; nothing acknowledged, no OACK;
 * - the first occurrence of a repeated option wins (RFC 2347 allows each once; never echo two);
 * - unknown options and malformed values of optional features are ignored;
 * - blksize below 8 is refused with ERROR 8: a client asking for tiny blocks may not cope with 512.
 *
 * @example
 * negotiateOptions({ kind: 'rrq', mode: 'octet', options: [{ name: 'tsize', value: '0' }], fileSize: 9 });
 * // { ok: true, oack: [{ name: 'tsize', value: '9' }], params: { blockSize: 512, ... } }
 */
export function negotiateOptions(req: NegotiateRequest, limits: NegotiationLimits = {}): NegotiateResult {
  const maxBlock = Math.min(
    MAX_BLOCK_SIZE,
    Math.max(MIN_BLOCK_SIZE, limits.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE),
  );
  const maxWindow = Math.min(MAX_WINDOW_SIZE, Math.max(1, limits.maxWindowSize ?? DEFAULT_MAX_WINDOW_SIZE));
  let blockSize: number = DEFAULT_BLOCK_SIZE;
  let windowSize = 1;
  let timeoutMs = limits.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  let rollover: 0 | 1 = 0;
  let tsize: number | undefined;
  const oack: TftpOption[] = [];
  const seen = new Set<string>();

  for (const { name, value } of req.options) {
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const n = parseOptionNumber(value.trim());
    switch (key) {
      case 'blksize':
        // RFC 2348: valid values 8..65464. Above: clamp (the reply may be smaller than the request).
        if (n === undefined || n < MIN_BLOCK_SIZE)
          return refuse(`blksize ${JSON.stringify(value)} out of range`);
        blockSize = Math.min(n, maxBlock);
        oack.push({ name, value: String(blockSize) });
        break;
      case 'timeout':
        // RFC 2349: 1..255 s, and the OACK must carry the same value: accept exactly or omit.
        if (limits.acceptTimeout !== false && n !== undefined && n >= 1 && n <= 255) {
          timeoutMs = n * 1000;
          oack.push({ name, value: String(n) });
        }
        break;
      case 'tsize':
        if (n === undefined) break;
        if (req.kind === 'rrq') {
          // Only when the size is known and exact on the wire (octet): netascii changes lengths.
          if (req.fileSize !== undefined && req.mode === 'octet') {
            tsize = req.fileSize;
            oack.push({ name, value: String(req.fileSize) });
          }
        } else {
          if (req.maxWriteSize !== undefined && n > req.maxWriteSize) {
            return refuse(`tsize ${n} exceeds the ${req.maxWriteSize}-byte limit`, ERROR_CODE.DISK_FULL);
          }
          tsize = n;
          oack.push({ name, value: String(n) });
        }
        break;
      case 'windowsize':
        // RFC 7440 §3: 1..65535; the server may answer a smaller value. Out of range: omit (window 1).
        if (n !== undefined && n >= 1 && n <= MAX_WINDOW_SIZE) {
          windowSize = Math.min(n, maxWindow);
          oack.push({ name, value: String(windowSize) });
        }
        break;
      case 'rollover':
        if (limits.acceptRollover !== false && (n === 0 || n === 1)) {
          rollover = n;
          oack.push({ name, value: String(n) });
        }
        break;
      default:
        break; // unknown: omitted (RFC 2347)
    }
  }
  const params: TransferParams =
    tsize === undefined
      ? { blockSize, windowSize, timeoutMs, rollover }
      : { blockSize, windowSize, timeoutMs, rollover, tsize };
  return { ok: true, oack: oack.length > 0 ? oack : undefined, params };
}

/** Options a client asks for. */
export interface ClientOptionRequest {
  readonly blockSize?: number;
  readonly windowSize?: number;
  /** Seconds, 1..255 (RFC 2349). Never milliseconds. */
  readonly timeoutSeconds?: number;
  /** RRQ: ask for the size (sends 0). WRQ: the size to announce. */
  readonly tsize?: boolean | number;
}

/** Builds the request options in a stable order. */
export function buildRequestOptions(req: ClientOptionRequest, kind: 'rrq' | 'wrq'): TftpOption[] {
  const out: TftpOption[] = [];
  if (req.blockSize !== undefined) out.push({ name: 'blksize', value: String(req.blockSize) });
  if (req.timeoutSeconds !== undefined) out.push({ name: 'timeout', value: String(req.timeoutSeconds) });
  if (req.tsize !== undefined && req.tsize !== false) {
    out.push({ name: 'tsize', value: kind === 'rrq' || req.tsize === true ? '0' : String(req.tsize) });
  }
  if (req.windowSize !== undefined) out.push({ name: 'windowsize', value: String(req.windowSize) });
  return out;
}

/**
 * Client-side check of an OACK against what was asked, with the rules UEFI's Mtftp4 enforces: no option
 * that was not requested, blksize and windowsize no larger than asked, timeout unchanged (RFC 2347–2349,
 * RFC 7440). Returns the parameters to use or the error to send (ERROR 8).
 */
export function acceptOack(
  requested: readonly TftpOption[],
  oack: readonly TftpOption[],
  defaultTimeoutMs: number = DEFAULT_TIMEOUT_MS,
): { ok: true; params: TransferParams } | { ok: false; error: TftpError } {
  const asked = new Map<string, number | undefined>();
  for (const o of requested) {
    const k = o.name.toLowerCase();
    if (!asked.has(k)) asked.set(k, parseOptionNumber(o.value));
  }
  let blockSize: number = DEFAULT_BLOCK_SIZE;
  let windowSize = 1;
  let timeoutMs = defaultTimeoutMs;
  let rollover: 0 | 1 = 0;
  let tsize: number | undefined;
  const seen = new Set<string>();
  const bad = (m: string) => ({
    ok: false as const,
    error: new TftpError(TFTP_ERR.OPTION, m, ERROR_CODE.OPTION_REFUSED),
  });
  for (const { name, value } of oack) {
    const k = name.toLowerCase();
    if (!asked.has(k)) return bad(`OACK carries option ${JSON.stringify(name)} that was not requested`);
    if (seen.has(k)) return bad(`OACK repeats option ${JSON.stringify(name)}`);
    seen.add(k);
    const n = parseOptionNumber(value.trim());
    const want = asked.get(k);
    if (n === undefined) return bad(`OACK ${name} value ${JSON.stringify(value)} is not a number`);
    switch (k) {
      case 'blksize':
        if (n < MIN_BLOCK_SIZE || (want !== undefined && n > want))
          return bad(`OACK blksize ${n} not acceptable`);
        blockSize = n;
        break;
      case 'windowsize':
        if (n < 1 || (want !== undefined && n > want)) return bad(`OACK windowsize ${n} not acceptable`);
        windowSize = n;
        break;
      case 'timeout':
        if (n !== want) return bad(`OACK timeout ${n} differs from the requested ${want}`);
        timeoutMs = n * 1000;
        break;
      case 'tsize':
        tsize = n;
        break;
      case 'rollover':
        if (n !== 0 && n !== 1) return bad(`OACK rollover ${n} not acceptable`);
        rollover = n;
        break;
      default:
        break; // we asked for it ourselves, so it is ours to ignore
    }
  }
  const params: TransferParams =
    tsize === undefined
      ? { blockSize, windowSize, timeoutMs, rollover }
      : { blockSize, windowSize, timeoutMs, rollover, tsize };
  return { ok: true, params };
}

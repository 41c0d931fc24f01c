import {
  MAX_BLOCK_SIZE,
  MAX_TIMEOUT_S,
  MAX_WINDOW_SIZE,
  MIN_BLOCK_SIZE,
  MIN_TIMEOUT_S,
} from './constants.js';

/** One entry of the TFTP option registry. Names are lower case; compare case-insensitively (RFC 2347). */
export interface TftpOptionSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly rfc: string;
  readonly description: string;
}

/**
 * The options this package negotiates. Anything else a client sends is ignored and left out of the OACK
 * (RFC 2347: "the server ... should simply omit" options it does not support).
 */
export const TFTP_OPTIONS: readonly TftpOptionSpec[] = Object.freeze([
  {
    name: 'blksize',
    min: MIN_BLOCK_SIZE,
    max: MAX_BLOCK_SIZE,
    rfc: 'RFC 2348',
    description: 'data bytes per DATA packet',
  },
  {
    name: 'timeout',
    min: MIN_TIMEOUT_S,
    max: MAX_TIMEOUT_S,
    rfc: 'RFC 2349 §"Timeout Interval Option"',
    description: 'retransmission timeout in seconds; the server echoes it exactly or omits it',
  },
  {
    name: 'tsize',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    rfc: 'RFC 2349 §"Transfer Size Option"',
    description: 'file size in bytes: 0 on RRQ asks for it, the real size on WRQ',
  },
  {
    name: 'windowsize',
    min: 1,
    max: MAX_WINDOW_SIZE,
    rfc: 'RFC 7440 §3',
    description: 'DATA packets sent before waiting for an ACK',
  },
  {
    name: 'rollover',
    min: 0,
    max: 1,
    rfc: 'tftp-hpa extension (no RFC)',
    description: 'block number after 65535: 0 (the common convention) or 1',
  },
]);

/**
 * Parses an option value as a non-negative decimal integer. Returns undefined for anything else (sign,
 * spaces, hex, empty, or beyond 2^53 − 1) so that huge or negative values never become numbers.
 */
export function parseOptionNumber(value: string): number | undefined {
  if (value.length === 0 || value.length > 16) return undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

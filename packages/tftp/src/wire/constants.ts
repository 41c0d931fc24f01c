/**
 * TFTP wire constants (RFC 1350 §5 and Appendix, RFC 2347 for OACK and error code 8).
 * `as const` objects, not enums, so the package works under `verbatimModuleSyntax`.
 */

/** The well-known server port (RFC 1350 §4: "the server listens on port 69"). */
export const TFTP_PORT = 69 as const;

/** Opcodes, the first two bytes of every packet (RFC 1350 §5; OACK from RFC 2347). */
export const OPCODE = {
  RRQ: 1,
  WRQ: 2,
  DATA: 3,
  ACK: 4,
  ERROR: 5,
  OACK: 6,
} as const;
export type Opcode = (typeof OPCODE)[keyof typeof OPCODE];

/** Error codes carried in ERROR packets (RFC 1350 Appendix; 8 from RFC 2347). */
export const ERROR_CODE = {
  /** Not defined, see the error message. */
  NOT_DEFINED: 0,
  FILE_NOT_FOUND: 1,
  ACCESS_VIOLATION: 2,
  /** Disk full or allocation exceeded (also "tsize too big", RFC 2349). */
  DISK_FULL: 3,
  ILLEGAL_OPERATION: 4,
  UNKNOWN_TID: 5,
  FILE_EXISTS: 6,
  NO_SUCH_USER: 7,
  /** Option negotiation refused; also the client's "terminate after OACK" (RFC 2347). */
  OPTION_REFUSED: 8,
} as const;
export type ErrorCode = (typeof ERROR_CODE)[keyof typeof ERROR_CODE];

/** Block size used when none is negotiated (RFC 1350 §2). */
export const DEFAULT_BLOCK_SIZE = 512 as const;
/** RFC 2348: blksize is 8..65464 (65464 + 4-byte header fills the 65468-byte limit the RFC picked). */
export const MIN_BLOCK_SIZE = 8 as const;
export const MAX_BLOCK_SIZE = 65464 as const;
/** RFC 7440 §3: windowsize is 1..65535. */
export const MAX_WINDOW_SIZE = 65535 as const;
/** RFC 2349 §"Timeout Interval Option": 1..255 seconds. */
export const MIN_TIMEOUT_S = 1 as const;
export const MAX_TIMEOUT_S = 255 as const;
/** RFC 2347: "the total length of the request packet must not exceed 512 octets". */
export const MAX_REQUEST_LENGTH = 512 as const;
/** Header bytes before the payload of a DATA packet: opcode (2) + block (2). */
export const DATA_HEADER_LENGTH = 4 as const;

const OPCODE_NAMES: Record<number, string> = {
  1: 'RRQ',
  2: 'WRQ',
  3: 'DATA',
  4: 'ACK',
  5: 'ERROR',
  6: 'OACK',
};

/** Name of an opcode, or `unknown(n)` for a value this package does not know. */
export function opcodeName(opcode: number): string {
  return OPCODE_NAMES[opcode] ?? `unknown(${opcode})`;
}

const ERROR_NAMES: Record<number, string> = {
  0: 'not defined',
  1: 'file not found',
  2: 'access violation',
  3: 'disk full or allocation exceeded',
  4: 'illegal TFTP operation',
  5: 'unknown transfer ID',
  6: 'file already exists',
  7: 'no such user',
  8: 'option negotiation refused',
};

/** Short description of a TFTP error code, or `unknown(n)`. */
export function errorCodeName(code: number): string {
  return ERROR_NAMES[code] ?? `unknown(${code})`;
}

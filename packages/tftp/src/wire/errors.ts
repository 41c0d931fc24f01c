import { ERROR_CODE } from './constants.js';

/** Stable string codes of every error this package throws or reports (see docs/errors.md). */
export const TFTP_ERR = {
  TRUNCATED: 'TFTP_ERR_TRUNCATED',
  BAD_OPCODE: 'TFTP_ERR_BAD_OPCODE',
  MALFORMED: 'TFTP_ERR_MALFORMED',
  ENCODE: 'TFTP_ERR_ENCODE',
  BAD_MODE: 'TFTP_ERR_BAD_MODE',
  OPTION: 'TFTP_ERR_OPTION',
  NOT_FOUND: 'TFTP_ERR_NOT_FOUND',
  ACCESS: 'TFTP_ERR_ACCESS',
  EXISTS: 'TFTP_ERR_EXISTS',
  PEER: 'TFTP_ERR_PEER',
  TIMEOUT: 'TFTP_ERR_TIMEOUT',
  PROTOCOL: 'TFTP_ERR_PROTOCOL',
  ABORTED: 'TFTP_ERR_ABORTED',
  TOO_LARGE: 'TFTP_ERR_TOO_LARGE',
  BUSY: 'TFTP_ERR_BUSY',
  SOURCE: 'TFTP_ERR_SOURCE',
} as const;
export type TftpErrorCode = (typeof TFTP_ERR)[keyof typeof TFTP_ERR];

const BRAND = Symbol.for('@pxekit/tftp.TftpError');

/**
 * Every error of this package. `code` is stable; `tftpCode` is the RFC 1350 error code (0–8) to put on
 * the wire or that the peer sent.
 */
export class TftpError extends Error {
  readonly code: TftpErrorCode;
  readonly tftpCode: number;

  constructor(
    code: TftpErrorCode,
    message: string,
    tftpCode: number = ERROR_CODE.NOT_DEFINED,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TftpError';
    this.code = code;
    this.tftpCode = tftpCode;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** `instanceof` that also works across two copies of this package. */
  static is(value: unknown): value is TftpError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

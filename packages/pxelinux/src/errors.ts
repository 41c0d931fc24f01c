/** Stable error codes; each one is documented in docs/errors.md (section @pxekit/pxelinux). */
export const PXELINUX_ERROR_CODES: {
  readonly INVALID_INPUT: 'PXELINUX_ERR_INVALID_INPUT';
  readonly TOO_LARGE: 'PXELINUX_ERR_TOO_LARGE';
  readonly INVALID_VALUE: 'PXELINUX_ERR_INVALID_VALUE';
  readonly NO_SUCH_LABEL: 'PXELINUX_ERR_NO_SUCH_LABEL';
  readonly INVALID_FACTS: 'PXELINUX_ERR_INVALID_FACTS';
  readonly INCLUDE_DEPTH: 'PXELINUX_ERR_INCLUDE_DEPTH';
  readonly INCLUDE_CYCLE: 'PXELINUX_ERR_INCLUDE_CYCLE';
  readonly INCLUDE_LIMIT: 'PXELINUX_ERR_INCLUDE_LIMIT';
} = Object.freeze({
  /** The input is not a string / Uint8Array. */
  INVALID_INPUT: 'PXELINUX_ERR_INVALID_INPUT',
  /** The input is larger than `maxBytes`. */
  TOO_LARGE: 'PXELINUX_ERR_TOO_LARGE',
  /** A value given to the builder or editor cannot be written as one config line. */
  INVALID_VALUE: 'PXELINUX_ERR_INVALID_VALUE',
  /** The editor was asked to change a label that is not in the file. */
  NO_SUCH_LABEL: 'PXELINUX_ERR_NO_SUCH_LABEL',
  /** Client facts given to `configFileCandidates` / `resolveBoot` are malformed. */
  INVALID_FACTS: 'PXELINUX_ERR_INVALID_FACTS',
  /** An include chain is deeper than `maxIncludeDepth` (thrown only with `includeErrors: 'throw'`). */
  INCLUDE_DEPTH: 'PXELINUX_ERR_INCLUDE_DEPTH',
  /** A file includes itself, directly or not (thrown only with `includeErrors: 'throw'`). */
  INCLUDE_CYCLE: 'PXELINUX_ERR_INCLUDE_CYCLE',
  /** More files than `maxIncludeFiles` were read through includes. */
  INCLUDE_LIMIT: 'PXELINUX_ERR_INCLUDE_LIMIT',
} as const);

export type PxelinuxErrorCode = (typeof PXELINUX_ERROR_CODES)[keyof typeof PXELINUX_ERROR_CODES];

export interface PxelinuxErrorOptions {
  readonly cause?: unknown;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/** Every error this package throws. `code` is stable; `line`/`column` are 1-based when known. */
export class PxelinuxError extends Error {
  readonly code: PxelinuxErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(code: PxelinuxErrorCode, message: string, options: PxelinuxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PxelinuxError';
    this.code = code;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
  }
}

/**
 * Thrown by the parser. SYSLINUX itself never rejects a file (it ignores what it does not
 * understand), so only conditions outside the language are fatal: wrong input type, size.
 */
export class ParseError extends PxelinuxError {
  constructor(code: PxelinuxErrorCode, message: string, options: PxelinuxErrorOptions = {}) {
    super(code, message, options);
    this.name = 'ParseError';
  }
}

/**
 * Errors the library *throws* (programming errors and unrepresentable values) and the findings it
 * *reports* (problems in a kickstart). Every code is documented in docs/errors.md.
 */

export type KickstartErrorCode =
  /** A value cannot be written on a kickstart line (line break, comma inside a list item, `#` in a package name). */
  | 'KS_ERR_UNREPRESENTABLE'
  /** An edit named a line that is not a command of the expected kind. */
  | 'KS_ERR_NO_SUCH_LINE'
  /** A caller-supplied version name the registry does not support (`interpretKickstart`, edits). */
  | 'KS_ERR_UNKNOWN_VERSION'
  /** A command or section name the builder does not know. */
  | 'KS_ERR_UNKNOWN_NAME'
  /** Bytes given to `decodeKickstart` are not valid UTF-8 (pykickstart decodes strictly). */
  | 'KS_ERR_ENCODING'
  /** `parseKickstart` was given something other than a string (bytes: `decodeKickstart` first). */
  | 'KS_ERR_INVALID_INPUT'
  /** `loadKickstart`: the file does not exist. */
  | 'KS_ERR_NOT_FOUND'
  /** A file is larger than the configured limit. */
  | 'KS_ERR_TOO_LARGE';

export class KickstartError extends Error {
  readonly code: KickstartErrorCode;
  constructor(code: KickstartErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KickstartError';
    this.code = code;
  }
}

export type Severity = 'error' | 'warning' | 'info';

/** One problem found in a kickstart. Lines and columns are 1-based; columns count UTF-16 code units. */
export interface Finding {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  /** Column just past the offending text, when it has a width. */
  readonly endColumn?: number;
  /** The file the line belongs to, for findings in resolved includes. */
  readonly file?: string;
}

/**
 * pxekit's error codes. Each is documented in docs/errors.md (`## pxekit`), with the CLI exit code it
 * maps to.
 */
export type PxekitErrorCode =
  | 'PXEKIT_ERR_CONFIG'
  | 'PXEKIT_ERR_CONFIG_READ'
  | 'PXEKIT_ERR_LOADER_MISSING'
  | 'PXEKIT_ERR_ROOT_UNREADABLE'
  | 'PXEKIT_ERR_STATE'
  | 'PXEKIT_ERR_TEMPLATE'
  | 'PXEKIT_ERR_IMPORT'
  | 'PXEKIT_ERR_USAGE'
  | 'PXEKIT_ERR_LISTEN'
  | 'PXEKIT_ERR_PRIVILEGES';

export class PxekitError extends Error {
  readonly code: PxekitErrorCode;
  /** Extra lines (one problem each) shown under the message, e.g. every config issue. */
  readonly details: readonly string[];

  constructor(
    code: PxekitErrorCode,
    message: string,
    opts: { cause?: unknown; details?: readonly string[] } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PxekitError';
    this.code = code;
    this.details = opts.details ?? [];
  }
}

/** Stable codes for everything the lab reports as an error. */
export const LabErrorCode = {
  /** The lab cannot be used here: not root, no `ip netns`, not Debian, an install failed. */
  UNAVAILABLE: 'LAB_ERR_UNAVAILABLE',
  /** `apt-get` or `dpkg` failed; the message names the packages and quotes apt. */
  APT: 'LAB_ERR_APT',
  /** A command ran longer than its `timeoutMs` and was killed. */
  TIMEOUT: 'LAB_ERR_TIMEOUT',
  /** A command exited with a non-zero status where success was required. */
  COMMAND: 'LAB_ERR_COMMAND',
  /** A process exited before printing what `waitForOutput` waited for. */
  EXITED: 'LAB_ERR_EXITED',
  /** A file the lab needs (boot loader, kernel, module) is not on this machine. */
  MISSING_FILE: 'LAB_ERR_MISSING_FILE',
} as const;

export type LabErrorCode = (typeof LabErrorCode)[keyof typeof LabErrorCode];

export class LabError extends Error {
  readonly code: LabErrorCode;

  constructor(code: LabErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabError';
    this.code = code;
  }
}

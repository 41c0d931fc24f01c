/**
 * Errors of @pxekit/dhcp. Every failure carries a stable string `code` (documented in docs/errors.md) and,
 * for decoding, the byte `offset` where the problem was found.
 */

/** Every code this package throws or reports as a problem. */
export const DHCP_ERROR_CODES = {
  /** The message is shorter than the 236-byte BOOTP header (RFC 951), or a field runs past the end. */
  TRUNCATED: 'DHCP_ERR_TRUNCATED',
  /** Bytes 236..239 are not the magic cookie 99.130.83.99 (RFC 2131 §3). */
  BAD_COOKIE: 'DHCP_ERR_BAD_COOKIE',
  /** An option's length byte points past the end of its field (RFC 2132 §2). */
  OPTION_TRUNCATED: 'DHCP_ERR_OPTION_TRUNCATED',
  /** An options field ends without the END option (255) (RFC 2131 §4.1). */
  MISSING_END: 'DHCP_ERR_MISSING_END',
  /** Non-zero bytes follow the END option (RFC 2131 §4.1: only pad may follow). */
  TRAILING_DATA: 'DHCP_ERR_TRAILING_DATA',
  /** Option 52 has a bad length or a value other than 1, 2 or 3 (RFC 2132 §9.3). */
  BAD_OVERLOAD: 'DHCP_ERR_BAD_OVERLOAD',
  /** An option value does not match the format its RFC defines. */
  BAD_OPTION_VALUE: 'DHCP_ERR_BAD_OPTION_VALUE',
  /** A value handed to an encoder is out of range or of the wrong shape. */
  BAD_VALUE: 'DHCP_ERR_BAD_VALUE',
  /** The message does not fit in the allowed size even after overload and dropping optional options. */
  TOO_LARGE: 'DHCP_ERR_TOO_LARGE',
  /** An option name is not in the registry. */
  UNKNOWN_OPTION: 'DHCP_ERR_UNKNOWN_OPTION',
  /** A pcap/pcapng file is damaged or of a format the reader does not know. */
  PCAP_FORMAT: 'DHCP_ERR_PCAP_FORMAT',
  /** A server, subnet or proxy configuration value is invalid; thrown as a `DhcpConfigError`. */
  CONFIG: 'DHCP_ERR_CONFIG',
} as const;

export type DhcpErrorCode = (typeof DHCP_ERROR_CODES)[keyof typeof DHCP_ERROR_CODES];

export interface DhcpErrorOptions {
  /** Byte offset in the input where the problem was found. */
  offset?: number;
  /** Option code the problem belongs to. */
  option?: number;
  cause?: unknown;
}

/**
 * The one error class @pxekit/dhcp throws.
 *
 * @example
 * try { decodeDhcpMessage(bytes) } catch (e) { if (e instanceof DhcpError) log(e.code, e.offset) }
 */
export class DhcpError extends Error {
  readonly code: DhcpErrorCode;
  /** Byte offset in the input, when the error came from decoding. */
  readonly offset: number | undefined;
  /** The option code involved, if any. */
  readonly option: number | undefined;

  constructor(code: DhcpErrorCode, message: string, options: DhcpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DhcpError';
    this.code = code;
    this.offset = options.offset;
    this.option = options.option;
  }
}

export interface DhcpConfigErrorOptions {
  /** Id of the subnet the field belongs to, when it belongs to one. */
  subnet?: string;
  cause?: unknown;
}

/**
 * A configuration value the server, a subnet or the proxy cannot use: code `DHCP_ERR_CONFIG`, the name of
 * the bad `field` (as spelled in the configuration, e.g. `pools`, `leaseTime`, `serverId`) and the
 * `subnet` id when the field belongs to a subnet. Thrown when a configuration is compiled (creating an
 * engine or a server), never while serving.
 *
 * @example
 * try { new DhcpServerEngine(config) } catch (e) { if (e instanceof DhcpConfigError) console.error(e.field, e.message) }
 */
export class DhcpConfigError extends DhcpError {
  /** The configuration key whose value is bad. */
  readonly field: string;
  /** The id of the subnet the key belongs to, if any. */
  readonly subnet: string | undefined;

  constructor(field: string, message: string, options: DhcpConfigErrorOptions = {}) {
    const where = options.subnet === undefined ? field : `subnet ${options.subnet}: ${field}`;
    super(DHCP_ERROR_CODES.CONFIG, `${where}: ${message}`, {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = 'DhcpConfigError';
    this.field = field;
    this.subnet = options.subnet;
  }
}

/** A problem found by a tolerant decode: the same code and offset a strict decode would have thrown. */
export interface DhcpProblem {
  readonly code: DhcpErrorCode;
  readonly offset: number;
  readonly message: string;
  readonly option?: number;
}

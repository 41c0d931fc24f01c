import { ERROR_CODE } from '../wire/constants.js';
import { TFTP_ERR, TftpError } from '../wire/errors.js';

/**
 * One filename rewrite rule, applied in order like tftp-hpa's map file (`r` rules): the first rule whose
 * `match` hits rewrites the name; `stop` ends processing after it (tftp-hpa's `e` flag), otherwise later
 * rules see the rewritten name.
 */
export interface RemapRule {
  readonly match: RegExp;
  readonly replace: string | ((match: string, ...groups: string[]) => string);
  readonly stop?: boolean;
}

export interface FilenameOptions {
  /**
   * Cut the name at the first control character or 0xFF. Some PXE ROMs send bytes past the end of DHCP
   * option 67 ("pxelinux.0\xff…", "pxelinux.bin\n…"). Default true.
   */
  readonly stripGarbage?: boolean;
  /** Turn `\` into `/` (Windows clients; dnsmasq does it always). Default true. */
  readonly backslashes?: boolean;
  /** Lower-case the name (dnsmasq `--tftp-lowercase`). Default false. */
  readonly lowercase?: boolean;
  readonly remap?: readonly RemapRule[];
  /** Longest accepted name in bytes (UTF-8). Default 255. */
  readonly maxLength?: number;
}

export type FilenameResult =
  | { readonly ok: true; readonly path: string; readonly segments: readonly string[] }
  | { readonly ok: false; readonly error: TftpError };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function reject(
  message: string,
  code: 'TFTP_ERR_ACCESS' | 'TFTP_ERR_NOT_FOUND' = TFTP_ERR.ACCESS,
): FilenameResult {
  return {
    ok: false,
    error: new TftpError(
      code,
      message,
      code === TFTP_ERR.ACCESS ? ERROR_CODE.ACCESS_VIOLATION : ERROR_CODE.FILE_NOT_FOUND,
    ),
  };
}

/**
 * Turns a request's filename (Latin-1 string of wire bytes) into safe relative path segments, or refuses
 * it. Order follows tftp-hpa 5.4: clean up, remap, then check — so a remap rule cannot produce an escape.
 * A leading `/` is taken as relative to the root (many PXE configs write `/pxelinux.0`); `..`, NUL and
 * control characters are refused, whatever the remapping produced.
 *
 * @example
 * sanitizeFilename('/pxelinux.cfg\\default\xff'); // { ok: true, path: 'pxelinux.cfg/default', ... }
 */
export function sanitizeFilename(wireName: string, opts: FilenameOptions = {}): FilenameResult {
  let name = wireName;
  if (opts.stripGarbage !== false) {
    let cut = name.length;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c < 0x20 || c === 0x7f || c === 0xff) {
        cut = i;
        break;
      }
    }
    name = name.slice(0, cut);
  }
  // The wire carries bytes; names on disk are UTF-8.
  const bytes = new Uint8Array(name.length);
  for (let i = 0; i < name.length; i++) bytes[i] = name.charCodeAt(i) & 0xff;
  try {
    name = utf8.decode(bytes);
  } catch {
    return reject('filename is not valid UTF-8');
  }
  if (opts.backslashes !== false) name = name.replaceAll('\\', '/');
  if (opts.lowercase) name = name.toLowerCase();
  for (const rule of opts.remap ?? []) {
    rule.match.lastIndex = 0;
    if (!rule.match.test(name)) continue;
    rule.match.lastIndex = 0;
    name =
      typeof rule.replace === 'string'
        ? name.replace(rule.match, rule.replace)
        : name.replace(rule.match, rule.replace);
    if (rule.stop) break;
  }
  const max = opts.maxLength ?? 255;
  if (new TextEncoder().encode(name).length > max) return reject('filename too long');
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return reject('filename contains a control character');
  }
  const segments: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return reject('filename leaves the root');
    segments.push(part);
  }
  if (segments.length === 0) return reject('filename names no file', TFTP_ERR.NOT_FOUND);
  return { ok: true, path: segments.join('/'), segments };
}

/** Mode field (RFC 1350 §5), case-insensitive. `mail` is refused (RFC 1123 §4.2.2.1: SHOULD NOT support). */
export function parseMode(mode: string): 'octet' | 'netascii' | undefined {
  const m = mode.toLowerCase();
  if (m === 'octet') return 'octet';
  if (m === 'netascii') return 'netascii';
  return undefined;
}

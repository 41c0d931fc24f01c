import { ERROR_CODE } from '../wire/constants.js';
import { TFTP_ERR, TftpError } from '../wire/errors.js';

/**
 * One filename rewrite rule, applied in order like tftp-hpa's map file (`r` rules): the first rule whose
 * `match` hits rewrites the name; `stop` ends processing after it (tftp-hpa's `e` flag), otherwise later
 * rules see the rewritten name.
 */
export interface RemapRule {
  readonly match: RegExp;
  /** A `String.replace` replacement, or a function of the match, its groups and the request context. */
  readonly replace: string | ((match: string, groups: readonly string[], ctx: RemapContext) => string);
  readonly stop?: boolean;
  /** Refuse the request (ERROR 2) when the rule matches (tftp-hpa's `a` flag). */
  readonly deny?: boolean;
  /** After a match, start again from the first rule (tftp-hpa's `s` flag; bounded). */
  readonly restart?: boolean;
  /** Apply only to read (`rrq`) or write (`wrq`) requests (tftp-hpa's `G` / `P`). */
  readonly only?: 'rrq' | 'wrq';
}

/** What a rule may use besides the name: tftp-hpa's `\\i` (client IP) and `\\x` (client IP in hex). */
export interface RemapContext {
  readonly remoteAddress?: string;
  readonly kind?: 'rrq' | 'wrq';
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
  /** Request facts the remap rules may use. */
  readonly context?: RemapContext;
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
  const rules = opts.remap ?? [];
  const ctx = opts.context ?? {};
  let restarts = 0;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (rule.only !== undefined && ctx.kind !== undefined && rule.only !== ctx.kind) continue;
    rule.match.lastIndex = 0;
    if (!rule.match.test(name)) continue;
    if (rule.deny) return reject('filename refused by a remap rule');
    rule.match.lastIndex = 0;
    const replace = rule.replace;
    if (typeof replace === 'string') name = name.replace(rule.match, replace);
    else {
      const groupCount = countGroups(rule.match);
      // String.replace passes (match, g1..gn, offset, input[, named]): keep the n groups.
      name = name.replace(rule.match, (m: string, ...rest: unknown[]) =>
        replace(
          m,
          rest.slice(0, groupCount).map((x) => (typeof x === 'string' ? x : '')),
          ctx,
        ),
      );
    }
    if (rule.stop) break;
    if (rule.restart && restarts++ < 32) i = -1;
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

function countGroups(re: RegExp): number {
  return (new RegExp(`${re.source}|`).exec('')?.length ?? 1) - 1;
}

function ipHex(address: string | undefined): string {
  const m = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address ?? '');
  if (!m) return '';
  return m
    .slice(1)
    .map((x) => Number(x).toString(16).toUpperCase().padStart(2, '0'))
    .join('');
}

/**
 * Parses a tftp-hpa map file (`--map-file`): one rule per line, `<flags> <regex> [<replacement>]`, `#`
 * comments. Flags: `r` replace, `g` every match, `i` ignore case, `e` end after this rule, `s` start over,
 * `a` refuse the request, `G` / `P` only for reads / writes. In the replacement `\0` is the whole match,
 * `\1`–`\9` the groups, `\i` the client IP, `\x` the client IP in hex (as pxelinux names its files),
 * `\\` a backslash; `\ ` in a field is a space. Regexes are JavaScript's, not POSIX ERE: most map files
 * need no change.
 *
 * @example
 * parseRemapFile('rg \\\\ /\nr ^/tftpboot/\n');
 * @throws TftpError `TFTP_ERR_MALFORMED` with the line number for a bad line or regex.
 */
export function parseRemapFile(text: string): RemapRule[] {
  const rules: RemapRule[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const [flags, pattern, replacement = ''] = splitFields(line);
    const bad = (why: string) =>
      new TftpError(TFTP_ERR.MALFORMED, `remap line ${n + 1}: ${why}`, ERROR_CODE.NOT_DEFINED);
    if (flags === undefined || pattern === undefined || !/^[rgieasGP]+$/.test(flags)) {
      throw bad('expected "<flags> <regex> [<replacement>]"');
    }
    let match: RegExp;
    try {
      match = new RegExp(pattern, `${flags.includes('g') ? 'g' : ''}${flags.includes('i') ? 'i' : ''}`);
    } catch (err) {
      throw bad(`bad regex: ${(err as Error).message}`);
    }
    const only = flags.includes('G') ? 'rrq' : flags.includes('P') ? 'wrq' : undefined;
    rules.push({
      match,
      replace: (m, groups, ctx) =>
        replacement.replace(/\\([0-9ix\\])/g, (_e, c: string) => {
          if (c === '\\') return '\\';
          if (c === 'i') return (ctx.remoteAddress ?? '').replace(/^::ffff:/, '');
          if (c === 'x') return ipHex(ctx.remoteAddress);
          return c === '0' ? m : (groups[Number(c) - 1] ?? '');
        }),
      ...(flags.includes('e') ? { stop: true } : {}),
      ...(flags.includes('a') ? { deny: true } : {}),
      ...(flags.includes('s') ? { restart: true } : {}),
      ...(only ? { only } : {}),
    });
  }
  return rules;
}

/** Splits on unescaped blanks; `\ ` inside a field is a space. */
function splitFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let any = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      // `\ ` is a space inside the field; any other escape is kept whole for the regex / replacement.
      cur += line[i + 1] === ' ' ? ' ' : c + line[i + 1];
      i++;
      any = true;
    } else if (c === ' ' || c === '\t') {
      if (any) out.push(cur);
      cur = '';
      any = false;
    } else {
      cur += c;
      any = true;
    }
  }
  if (any) out.push(cur);
  return out;
}

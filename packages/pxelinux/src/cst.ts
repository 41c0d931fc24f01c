/**
 * Lossless concrete syntax tree: a file is a list of lines, each keeping its exact text, line
 * terminator and the offsets at which the SYSLINUX reader finds indentation, keyword and value.
 * `format(parse(text)) === text` for every string.
 *
 * Line reading follows `parse_config_file()` in readconfig.c (ldlinux and menu.c32 alike):
 * - `fgets()` into a 4096-byte buffer: a physical line longer than 4095 bytes (terminator
 *   included) is read as several lines. Each piece is its own node here (`segment > 0`).
 * - The line is cut at the first CR (anywhere, not only before LF), then at LF; a NUL ends
 *   the C string too. What follows the cut is kept in `raw` but ignored (`contentEnd`).
 * - Leading `skipspace()`; the keyword is matched case-insensitively and must be followed by
 *   a byte ≤ 0x20, DEL or the end of the line (`looking_at()`).
 * - Inside TEXT … ENDTEXT the lines are read raw (CR kept) until one whose first word is ENDTEXT.
 */

import { charBytesAt, isKeywordEnd, skipSpace, strtoul, type TextEncoding, wordEnd } from './chars.js';
import { ParseError, PXELINUX_ERROR_CODES } from './errors.js';
import { MENU_SUBCOMMANDS, TOP_KEYWORDS } from './keywords.js';

/** `MAX_LINE` in readconfig.c: fgets() reads at most this minus one byte per call. */
export const PXELINUX_MAX_LINE = 4096 as const;

/**
 * - `blank`: nothing but spaces.
 * - `comment`: starts with `#`; SYSLINUX has no comment syntax, such a line is ignored only
 *   because it matches no keyword.
 * - `directive`: a keyword the readers know (see `keyword`).
 * - `unknown`: anything else; SYSLINUX ignores it silently.
 * - `text-body`: a line inside TEXT … ENDTEXT; `text-end`: the ENDTEXT line.
 */
export type LineKind = 'blank' | 'comment' | 'directive' | 'unknown' | 'text-body' | 'text-end';

export type LineEnding = '' | '\n' | '\r\n';

export interface ConfigLine {
  /** The text of this line without its terminator. */
  readonly raw: string;
  readonly eol: LineEnding;
  readonly kind: LineKind;
  /** Canonical keyword of a `directive`: `append`, `menu label`, `text help`, `f1`… */
  readonly keyword?: string;
  /** Offset of the first non-blank character. */
  readonly indentEnd: number;
  /** Offset just past the keyword (for MENU lines, past the subcommand). */
  readonly keywordEnd: number;
  /** Offset of the value: the keyword end plus `skipspace()`. */
  readonly valueStart: number;
  /** Offset at which the reader stops: first CR or NUL, or the end of `raw`. */
  readonly contentEnd: number;
  /** 1-based physical line number. */
  readonly line: number;
  /** 0 for the first `fgets()` piece of a physical line, then 1, 2… for over-long lines. */
  readonly segment: number;
  /** Code-unit offset of `raw` within its physical line (non-zero only when `segment > 0`). */
  readonly column0: number;
}

export interface ConfigDocument {
  readonly lines: readonly ConfigLine[];
  /** How code units map to bytes (line-length limits, Latin-1 NBSP). */
  readonly encoding: TextEncoding;
}

export interface ParseOptions {
  /** `utf-8` (default) or `latin1` (one code unit per byte; what `parseBytes` uses). */
  readonly encoding?: TextEncoding;
  /** Refuse inputs longer than this many code units (default 16 MiB). */
  readonly maxLength?: number;
}

const DEFAULT_MAX_LENGTH = 16 * 1024 * 1024;

/** The value text of a line: from `valueStart` to `contentEnd`. */
export function lineValue(line: ConfigLine): string {
  return line.raw.slice(line.valueStart, line.contentEnd);
}

/** The keyword as spelled in the file (for MENU lines including `MENU` and the blanks). */
export function lineKeywordText(line: ConfigLine): string {
  return line.raw.slice(line.indentEnd, line.keywordEnd);
}

/** 1-based column of a code-unit offset within `line.raw`. */
export function columnOf(line: ConfigLine, offset: number): number {
  return line.column0 + offset + 1;
}

function lowerAscii(s: string): string {
  // looking_at() folds by clearing bit 0x20; for the letters of a keyword that is exactly ASCII case
  // folding. Not toLowerCase(): it maps e.g. U+212A KELVIN SIGN to "k".
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c | 0x20) : s.charAt(i);
  }
  return out;
}

interface ClassifyState {
  inText: boolean;
}

function cutAt(raw: string, cr: boolean): number {
  let end = raw.length;
  const nul = raw.indexOf('\0');
  if (nul >= 0) end = nul;
  if (cr) {
    const r = raw.indexOf('\r');
    if (r >= 0 && r < end) end = r;
  }
  return end;
}

type Classified = Pick<ConfigLine, 'kind' | 'indentEnd' | 'keywordEnd' | 'valueStart' | 'contentEnd'> & {
  keyword?: string;
};

function classify(raw: string, state: ClassifyState, encoding: TextEncoding): Classified {
  if (state.inText) {
    // Text bodies are not CR-cut: `p = skipspace(line); looking_at(p, "endtext")` on the raw buffer.
    const end = cutAt(raw, false);
    const indentEnd = skipSpace(raw, 0, end, encoding);
    const w = wordEnd(raw, indentEnd, end);
    if (lowerAscii(raw.slice(indentEnd, w)) === 'endtext') {
      state.inText = false;
      return {
        kind: 'text-end',
        keyword: 'endtext',
        indentEnd,
        keywordEnd: w,
        valueStart: w,
        contentEnd: end,
      };
    }
    return { kind: 'text-body', indentEnd, keywordEnd: indentEnd, valueStart: indentEnd, contentEnd: end };
  }
  const end = cutAt(raw, true);
  const indentEnd = skipSpace(raw, 0, end, encoding);
  if (indentEnd === end)
    return { kind: 'blank', indentEnd, keywordEnd: end, valueStart: end, contentEnd: end };
  const w = wordEnd(raw, indentEnd, end);
  const word = lowerAscii(raw.slice(indentEnd, w));
  const directive = (keyword: string, keywordEnd: number): Classified => ({
    kind: 'directive',
    keyword,
    indentEnd,
    keywordEnd,
    valueStart: skipSpace(raw, keywordEnd, end, encoding),
    contentEnd: end,
  });
  const unknown = (): Classified => ({
    kind: raw.charCodeAt(indentEnd) === 0x23 ? 'comment' : 'unknown',
    indentEnd,
    keywordEnd: indentEnd,
    valueStart: indentEnd,
    contentEnd: end,
  });

  if (word === 'menu') {
    const s = skipSpace(raw, w, end, encoding);
    const sw = wordEnd(raw, s, end);
    const sub = lowerAscii(raw.slice(s, sw));
    if (sub === 'master') {
      const s2 = skipSpace(raw, sw, end, encoding);
      const w2 = wordEnd(raw, s2, end);
      if (lowerAscii(raw.slice(s2, w2)) === 'passwd') return directive('menu master passwd', w2);
      return unknown();
    }
    if (sub !== '' && MENU_SUBCOMMANDS.has(sub)) return directive(`menu ${sub}`, sw);
    return unknown();
  }
  if (word === 'text') {
    state.inText = true;
    const s = skipSpace(raw, w, end, encoding);
    const sw = wordEnd(raw, s, end);
    if (lowerAscii(raw.slice(s, sw)) === 'help') return directive('text help', sw);
    return directive('text', w);
  }
  const first = raw.charCodeAt(indentEnd) | 0x20;
  if (first === 0x66) {
    // is_fkey(): 'F', then strtoul(…, 10) which skips blanks and takes a sign; with no digits the
    // end pointer stays right after the F (so a bare "F" is F0). Must end at a blank, 0 ≤ n ≤ 12.
    const digitsFrom = indentEnd + 1;
    const r = strtoul(raw.slice(digitsFrom, end), 10, encoding);
    const q = r.end === 0 ? digitsFrom : digitsFrom + r.end;
    if (q >= end || isKeywordEnd(raw.charCodeAt(q))) {
      const no = r.value | 0;
      if (no >= 0 && no <= 12) return directive(`f${no}`, q);
    }
  }
  if (TOP_KEYWORDS.has(word)) return directive(word, w);
  return unknown();
}

function checkInput(text: unknown, maxLength: number): asserts text is string {
  if (typeof text !== 'string') {
    throw new ParseError(PXELINUX_ERROR_CODES.INVALID_INPUT, `expected a string, got ${typeof text}`);
  }
  if (text.length > maxLength) {
    throw new ParseError(
      PXELINUX_ERROR_CODES.TOO_LARGE,
      `config is ${text.length} characters, more than maxLength ${maxLength}`,
    );
  }
}

/**
 * Parse a SYSLINUX/PXELINUX config into a lossless line tree. Never fails on content: what
 * SYSLINUX ignores is kept as `unknown`/`comment` lines (and reported by `lint`).
 *
 * @example
 * const doc = parse('DEFAULT linux\nLABEL linux\n  KERNEL vmlinuz\n');
 * format(doc); // the same text
 */
export function parse(text: string, options: ParseOptions = {}): ConfigDocument {
  const encoding = options.encoding ?? 'utf-8';
  checkInput(text, options.maxLength ?? DEFAULT_MAX_LENGTH);
  const lines: ConfigLine[] = [];
  const state: ClassifyState = { inText: false };
  const limit = PXELINUX_MAX_LINE - 1;
  let pos = 0;
  let lineNo = 1;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const physEnd = nl < 0 ? text.length : nl + 1;
    let segStart = pos;
    let segment = 0;
    // Fast path: a line that cannot exceed 4095 bytes even at 3 bytes per code unit.
    const mayBeLong = (physEnd - pos) * (encoding === 'latin1' ? 1 : 3) > limit;
    while (segStart < physEnd) {
      let segEnd = physEnd;
      if (mayBeLong) {
        let bytes = 0;
        let i = segStart;
        while (i < physEnd) {
          const [b, u] = charBytesAt(text, i, encoding);
          if (bytes + b > limit) break;
          bytes += b;
          i += u;
        }
        segEnd = i === segStart ? Math.min(physEnd, segStart + 1) : i;
      }
      const chunk = text.slice(segStart, segEnd);
      let raw = chunk;
      let eol: LineEnding = '';
      if (chunk.endsWith('\r\n')) {
        raw = chunk.slice(0, -2);
        eol = '\r\n';
      } else if (chunk.endsWith('\n')) {
        raw = chunk.slice(0, -1);
        eol = '\n';
      }
      const c = classify(raw, state, encoding);
      const node: { -readonly [K in keyof ConfigLine]: ConfigLine[K] } = {
        raw,
        eol,
        kind: c.kind,
        indentEnd: c.indentEnd,
        keywordEnd: c.keywordEnd,
        valueStart: c.valueStart,
        contentEnd: c.contentEnd,
        line: lineNo,
        segment,
        column0: segStart - pos,
      };
      if (c.keyword !== undefined) node.keyword = c.keyword;
      lines.push(node);
      segStart = segEnd;
      segment++;
    }
    pos = physEnd;
    lineNo++;
  }
  return { lines, encoding };
}

/** Write a document back: the concatenation of every line and its terminator. */
export function format(doc: ConfigDocument): string {
  let out = '';
  for (const l of doc.lines) out += l.raw + l.eol;
  return out;
}

/** Parse bytes as SYSLINUX does: one character per byte (Latin-1), so the round trip is exact. */
export function parseBytes(bytes: Uint8Array, options: Omit<ParseOptions, 'encoding'> = {}): ConfigDocument {
  if (!(bytes instanceof Uint8Array)) {
    throw new ParseError(PXELINUX_ERROR_CODES.INVALID_INPUT, 'expected a Uint8Array');
  }
  // Not TextDecoder('latin1'): WHATWG maps that label to windows-1252, which is not byte-exact.
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return parse(text, { ...options, encoding: 'latin1' });
}

/** Encode a document back to bytes: Latin-1 for `latin1` documents, UTF-8 otherwise. */
export function formatBytes(doc: ConfigDocument): Uint8Array {
  const text = format(doc);
  if (doc.encoding === 'utf-8') return new TextEncoder().encode(text);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/**
 * Re-classify a list of lines from scratch (after an edit), keeping their text. Line numbers are
 * renumbered; continuation segments stay attached to their physical line.
 */
export function reparse(doc: ConfigDocument): ConfigDocument {
  return parse(format(doc), { encoding: doc.encoding, maxLength: Number.MAX_SAFE_INTEGER });
}

/**
 * Line splitting exactly as pykickstart does it.
 *
 * pykickstart reads the whole file and calls Python's `str.splitlines(keepends=True)`, so every
 * character that `splitlines` treats as a boundary ends a kickstart line: `\n`, `\r\n`, `\r`,
 * `\v`, `\f`, `\x1c`, `\x1d`, `\x1e`, `\x85`, `\u2028` and `\u2029`. We keep each line's text and
 * its terminator apart, so joining `text + eol` over all lines gives back the input byte for byte.
 */

/** One physical line: its text without the terminator, and the terminator itself ('' on the last line). */
export interface KsLine {
  readonly text: string;
  readonly eol: string;
}

/** Characters Python's `str.splitlines()` breaks on (besides the `\r\n` pair). */
const BREAKS = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;

/**
 * Splits text into lines the way pykickstart does. An empty string has no lines; a trailing
 * terminator does not open an extra empty line (same as `splitlines`).
 *
 * @example splitLines('a\r\nb') // [{ text: 'a', eol: '\r\n' }, { text: 'b', eol: '' }]
 */
export function splitLines(text: string): KsLine[] {
  const lines: KsLine[] = [];
  let start = 0;
  BREAKS.lastIndex = 0;
  for (let m = BREAKS.exec(text); m !== null; m = BREAKS.exec(text)) {
    lines.push({ text: text.slice(start, m.index), eol: m[0] });
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push({ text: text.slice(start), eol: '' });
  return lines;
}

/** Joins lines back into text. `joinLines(splitLines(s)) === s` for every string. */
export function joinLines(lines: readonly KsLine[]): string {
  let out = '';
  for (const l of lines) out += l.text + l.eol;
  return out;
}

/** True when the string contains a character that would end a kickstart line. */
export function hasLineBreak(s: string): boolean {
  BREAKS.lastIndex = 0;
  return BREAKS.test(s);
}

/**
 * Python's `str.isspace()` for a whole line (used for "blank line" the way pykickstart decides it):
 * the empty string and lines made only of Unicode whitespace count as blank.
 */
export function isBlank(text: string): boolean {
  return PY_BLANK_LINE.test(text);
}

/**
 * Python's whitespace (`str.isspace`, `str.strip`): unlike JavaScript's `\s` it includes
 * `\x1c`-`\x1f` and `\x85` and excludes U+FEFF, so a byte order mark is *not* blank to pykickstart.
 */
const PY_WS =
  '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_BLANK_LINE = new RegExp(`^[${PY_WS}]*$`, 'u');
const PY_LEADING = new RegExp(`^[${PY_WS}]+`, 'u');

const PY_FIRST_WORD = new RegExp(`^[^${PY_WS}]*`, 'u');

/** Python's `line.split()[0]` (first whitespace-separated word), or '' for a blank line. */
export function firstWord(text: string): string {
  return PY_FIRST_WORD.exec(lstrip(text))![0];
}

/** Python's `str.lstrip()`. */
export function lstrip(text: string): string {
  return text.replace(PY_LEADING, '');
}

/**
 * A port of Python's `shlex.split(line, comments=True)` (POSIX mode, `whitespace_split=True`),
 * which is how pykickstart splits every command line and section header. We also record where each
 * token starts and ends in the line so findings can point at a column and the CST keeps the original
 * spelling (quotes, escapes) next to the value.
 *
 * The rules, as `shlex.read_token` applies them:
 * - whitespace is only space, tab, CR and LF (other Unicode blanks are word characters);
 * - `'...'` keeps everything literally; `"..."` lets a backslash escape only `"` and `\`
 *   (before any other character the backslash stays); outside quotes a backslash escapes the next
 *   character, whatever it is;
 * - quotes may be glued to text: `--opt="a b"c` is one token `--opt=a bc`; `''` is an empty token;
 * - `#` starts a comment where a token could start **and in the middle of an unquoted word**:
 *   `rootpw foo#bar` gives `['rootpw', 'foo']`. Inside quotes or after a backslash it is literal;
 * - an unclosed quote is `ValueError("No closing quotation")`; a backslash at the very end of the
 *   text is `ValueError("No escaped character")`. pykickstart hands shlex the line *with* its
 *   newline, so a trailing backslash there escapes the newline and yields a stray `'\n'` — there is
 *   no line continuation in kickstart. We report both as lexing problems instead of guessing.
 */

/** One shell word of a line. Offsets are UTF-16 code unit offsets into the line text. */
export interface Token {
  /** The value after quote removal and escapes, as the program sees it. */
  readonly value: string;
  /** Offset of the first character of the raw word (quotes included). */
  readonly start: number;
  /** Offset just past the raw word. */
  readonly end: number;
  /** True when any part of the word was quoted (so `''` is a real, empty token). */
  readonly quoted: boolean;
}

/** Why a line could not be split completely. */
export interface LexProblem {
  /** `unclosed-quote`: a quote was opened and never closed; `trailing-backslash`: the line ends in `\`. */
  readonly kind: 'unclosed-quote' | 'trailing-backslash';
  /** Offset of the opening quote or of the backslash. */
  readonly offset: number;
}

export interface SplitResult {
  /** Complete tokens before the comment (a token cut short by a problem is included). */
  readonly tokens: Token[];
  /** Offset of the `#` that starts a comment, or -1. */
  readonly commentStart: number;
  readonly problem: LexProblem | null;
}

/** Characters that end a plain run inside a word: whitespace, `#`, quotes, backslash. */
const SPECIAL: ReadonlySet<number> = new Set([0x20, 0x09, 0x0d, 0x0a, 0x23, 0x27, 0x22, 0x5c]);

const isWs = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/**
 * Splits one line like `shlex.split(line, comments=True)`.
 *
 * @example splitWords('network --bootproto=dhcp # eth0').tokens.map((t) => t.value) // ['network', '--bootproto=dhcp']
 */
export function splitWords(line: string): SplitResult {
  const tokens: Token[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i]!;
    if (isWs(c)) {
      i++;
      continue;
    }
    if (c === '#') return { tokens, commentStart: i, problem: null };
    // Start of a word: read until unquoted whitespace, an unquoted `#`, or the end.
    const start = i;
    let value = '';
    let quoted = false;
    while (i < n) {
      const ch = line[i]!;
      if (isWs(ch)) break;
      if (ch === '#') {
        tokens.push({ value, start, end: i, quoted });
        return { tokens, commentStart: i, problem: null };
      }
      if (ch === "'") {
        quoted = true;
        const close = line.indexOf("'", i + 1);
        if (close < 0) {
          tokens.push({ value: value + line.slice(i + 1), start, end: n, quoted });
          return { tokens, commentStart: -1, problem: { kind: 'unclosed-quote', offset: i } };
        }
        value += line.slice(i + 1, close);
        i = close + 1;
        continue;
      }
      if (ch === '"') {
        quoted = true;
        const open = i;
        i++;
        let closed = false;
        while (i < n) {
          const q = line[i]!;
          if (q === '"') {
            closed = true;
            i++;
            break;
          }
          if (q === '\\' && i + 1 < n) {
            const next = line[i + 1]!;
            // In POSIX double quotes the backslash only escapes `"` and itself.
            value += next === '"' || next === '\\' ? next : `\\${next}`;
            i += 2;
            continue;
          }
          value += q;
          i++;
        }
        if (!closed) {
          tokens.push({ value, start, end: n, quoted });
          return { tokens, commentStart: -1, problem: { kind: 'unclosed-quote', offset: open } };
        }
        continue;
      }
      if (ch === '\\') {
        if (i + 1 >= n) {
          tokens.push({ value, start, end: n, quoted });
          return { tokens, commentStart: -1, problem: { kind: 'trailing-backslash', offset: i } };
        }
        value += line[i + 1]!;
        i += 2;
        continue;
      }
      // Plain run: copy it in one slice instead of character by character.
      let j = i + 1;
      while (j < n && !SPECIAL.has(line.charCodeAt(j))) j++;
      value += line.slice(i, j);
      i = j;
    }
    tokens.push({ value, start, end: i, quoted });
  }
  return { tokens, commentStart: -1, problem: null };
}

/** Characters that never need quoting in a kickstart word. */
const SAFE = /^[A-Za-z0-9_@%+=:,./^~!?*[\]{}()<>|&;$`-]+$/;

/**
 * Quotes a value so that `splitWords` gives it back as exactly one token with the same value
 * (pykickstart's own writer does not do this: `rootpw a b` is written unquoted and no longer parses).
 * Values that are safe are written as they are; anything else is single-quoted, with each `'`
 * written as `'"'"'`. Line breaks cannot be represented on a kickstart line: check with
 * `hasLineBreak` first (the builder throws `KS_ERR_UNREPRESENTABLE`).
 *
 * @example quoteWord('a b#c') // "'a b#c'"
 */
export function quoteWord(value: string): string {
  if (value !== '' && SAFE.test(value)) return value;
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

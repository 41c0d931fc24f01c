/**
 * Character classes and number parsers exactly as the SYSLINUX 6.x config readers use them.
 *
 * The readers are C code working on bytes. A JS string stands for those bytes: with the
 * `latin1` encoding every code unit is one byte (what `parseBytes` produces); with `utf-8`
 * (the default for `parse(text)`) code units ≥ 0x80 are multi-byte characters, which never
 * match any of the classes below.
 */

/** How a string maps to the bytes the firmware reads. */
export type TextEncoding = 'utf-8' | 'latin1';

/**
 * `my_isspace()` (com32/include/menu.h): every byte ≤ 0x20 and DEL. This is the test that
 * ends a keyword (`looking_at`) and a word (`refdup_word`, `find_command`); the string's
 * end (NUL) also counts, which callers handle by bounds.
 */
export function isKeywordEnd(code: number): boolean {
  return code <= 0x20 || code === 0x7f;
}

/**
 * klibc `isspace()` as used by `skipspace()` (com32/lib/ctypes.c, ISO 8859-1 table): BS,
 * TAB, LF, VT, FF, CR, space and, in Latin-1, NBSP (0xA0). Note BS (0x08) is in the table
 * and that the table differs from glibc's.
 */
export function isSkipSpace(code: number, encoding: TextEncoding): boolean {
  return (code >= 0x08 && code <= 0x0d) || code === 0x20 || (code === 0xa0 && encoding === 'latin1');
}

/** `skipspace()`: index of the first non-space at or after `pos`, bounded by `end`. */
export function skipSpace(s: string, pos: number, end: number, encoding: TextEncoding): number {
  let i = pos;
  while (i < end && isSkipSpace(s.charCodeAt(i), encoding)) i++;
  return i;
}

/** End of the word starting at `pos` (first `my_isspace` byte or `end`). */
export function wordEnd(s: string, pos: number, end: number): number {
  let i = pos;
  while (i < end && !isKeywordEnd(s.charCodeAt(i))) i++;
  return i;
}

/**
 * `atoi()` (klibc: `strntoumax` base 10 after optional blanks and sign). Leading junk gives 0,
 * trailing junk is ignored: `TIMEOUT 50s` is 50, `MENU INDENT count 5` is 0. The result is a
 * 32-bit `int`.
 */
export function atoi(s: string, encoding: TextEncoding = 'utf-8'): number {
  const r = strtoulRaw(s, 10, encoding);
  return r.value | 0;
}

/**
 * `strtoul(s, &end, base)` for a 32-bit `unsigned long` (com32 is i386): optional space, sign,
 * `0x` prefix (base 0 or 16), leading `0` means octal in base 0, saturates at 2^32 − 1 on
 * overflow, negates modulo 2^32 on `-`. `end` is the index after the digits, or 0 if none.
 */
export function strtoul(
  s: string,
  base: 0 | 10 | 16 = 0,
  encoding: TextEncoding = 'utf-8',
): { value: number; end: number } {
  return strtoulRaw(s, base, encoding);
}

function digitValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x7a) return lower - 0x61 + 10;
  return 99;
}

function strtoulRaw(s: string, base: 0 | 10 | 16, encoding: TextEncoding): { value: number; end: number } {
  let i = 0;
  while (i < s.length && isSkipSpace(s.charCodeAt(i), encoding)) i++;
  let negative = false;
  const sign = s.charCodeAt(i);
  if (sign === 0x2b || sign === 0x2d) {
    negative = sign === 0x2d;
    i++;
  }
  let b: number = base;
  if ((b === 0 || b === 16) && s.charCodeAt(i) === 0x30 && (s.charCodeAt(i + 1) | 0x20) === 0x78) {
    // "0x" is only consumed when a hex digit follows, as in C.
    if (digitValue(s.charCodeAt(i + 2)) < 16) {
      i += 2;
      b = 16;
    }
  }
  if (b === 0) b = s.charCodeAt(i) === 0x30 ? 8 : 10;
  const start = i;
  let value = 0;
  let overflow = false;
  for (; i < s.length; i++) {
    const d = digitValue(s.charCodeAt(i));
    if (d >= b) break;
    value = value * b + d;
    if (value > 0xffffffff) overflow = true;
  }
  if (i === start) return { value: 0, end: 0 };
  if (overflow) value = 0xffffffff;
  else if (negative) value = (0x100000000 - value) % 0x100000000;
  return { value, end: i };
}

/** Byte length of one UTF-16 code unit run, as the file would hold it in `encoding`. */
export function byteLength(s: string, encoding: TextEncoding): number {
  if (encoding === 'latin1') return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Bytes of the code unit (pair) at `i` and how many code units it spans. */
export function charBytesAt(s: string, i: number, encoding: TextEncoding): [bytes: number, units: number] {
  const c = s.charCodeAt(i);
  if (encoding === 'latin1' || c < 0x80) return [1, 1];
  if (c < 0x800) return [2, 1];
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const next = s.charCodeAt(i + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return [4, 2];
  }
  return [3, 1];
}

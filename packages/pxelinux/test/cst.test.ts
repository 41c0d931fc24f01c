import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  format,
  formatBytes,
  lineKeywordText,
  lineValue,
  PXELINUX_MAX_LINE,
  ParseError,
  parse,
  parseBytes,
} from '../src/index.js';

const kinds = (text: string) => parse(text).lines.map((l) => [l.kind, l.keyword ?? null, lineValue(l)]);

/** Strings built from pieces that stress the reader: keywords, blanks of every kind, CR, NUL, long runs. */
const configish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'LABEL',
        'label',
        'MENU',
        'menu ',
        'TEXT HELP',
        'ENDTEXT',
        'APPEND',
        'F1',
        'f',
        'KERNEL',
        'INCLUDE',
        'master passwd',
        '#',
        ' ',
        '\t',
        '\v',
        '\f',
        '\b',
        '\r',
        '\n',
        '\r\n',
        '\0',
        '\x7f',
        '\u00a0',
        'é',
        '😀',
        '\ud800',
      ),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

describe('lossless round trip', () => {
  test.prop([fc.string({ unit: 'binary', maxLength: 300 })], { numRuns: 300 })('any string', (s) => {
    expect(format(parse(s))).toBe(s);
  });
  test.prop([configish], { numRuns: 500 })('config-like strings', (s) => {
    expect(format(parse(s))).toBe(s);
    expect(format(parse(s, { encoding: 'latin1' }))).toBe(s);
  });
  test.prop([fc.uint8Array({ maxLength: 300 })], { numRuns: 200 })('any bytes via parseBytes', (b) => {
    expect(Array.from(formatBytes(parseBytes(b)))).toEqual(Array.from(b));
  });
  it('keeps CRLF, tabs, trailing blanks and a missing final newline', () => {
    const t = 'DEFAULT a \r\n\tLABEL a\t\r\n  KERNEL vmlinuz  \nAPPEND x';
    const d = parse(t);
    expect(d.lines.map((l) => l.eol)).toEqual(['\r\n', '\r\n', '\n', '']);
    expect(format(d)).toBe(t);
    expect(lineValue(d.lines[0]!)).toBe('a ');
  });
  it('handles the empty file and a lone newline', () => {
    expect(parse('').lines).toEqual([]);
    expect(format(parse('\n'))).toBe('\n');
  });
});

describe('line classification (readconfig.c)', () => {
  it('matches keywords case-insensitively and only when followed by a blank', () => {
    expect(kinds('LABEL a\nlabel b\nLaBeL\tc\nLABELd\n')).toEqual([
      ['directive', 'label', 'a'],
      ['directive', 'label', 'b'],
      ['directive', 'label', 'c'],
      ['unknown', null, 'LABELd'],
    ]);
  });
  it('accepts any byte <= 0x20 or DEL as keyword terminator but skips only isspace() after it', () => {
    const d = parse('APPEND\x01x\nAPPEND\x7fy\n');
    expect(d.lines.map((l) => [l.keyword, lineValue(l)])).toEqual([
      ['append', '\x01x'],
      ['append', '\x7fy'],
    ]);
  });
  it('treats BS as a blank (klibc ctype table) and NBSP only in Latin-1', () => {
    expect(kinds('\bTIMEOUT 5')).toEqual([['directive', 'timeout', '5']]);
    expect(kinds('\u00a0TIMEOUT 5')[0]?.[0]).toBe('unknown');
    expect(parse('\u00a0TIMEOUT 5', { encoding: 'latin1' }).lines[0]?.keyword).toBe('timeout');
  });
  it('has no comment syntax: # lines are ignored lines, # inside values is data', () => {
    expect(kinds('# hi\n  #x\nAPPEND quiet # debug\n')).toEqual([
      ['comment', null, '# hi'],
      ['comment', null, '#x'],
      ['directive', 'append', 'quiet # debug'],
    ]);
  });
  it('cuts a line at the first CR anywhere and at NUL', () => {
    const d = parse('APPEND a\rb c\nKERNEL k\0junk\n');
    expect(lineValue(d.lines[0]!)).toBe('a');
    expect(lineValue(d.lines[1]!)).toBe('k');
    expect(format(d)).toBe('APPEND a\rb c\nKERNEL k\0junk\n');
  });
  it('classifies MENU subcommands including MASTER PASSWD and keeps the spelling', () => {
    const d = parse(
      '  Menu   Label ^Install\nMENU MASTER PASSWD secret \nMENU MASTER x\nMENU TIMEOUT 5\nMENU\n',
    );
    expect(d.lines.map((l) => [l.kind, l.keyword ?? null, lineValue(l)])).toEqual([
      ['directive', 'menu label', '^Install'],
      ['directive', 'menu master passwd', 'secret '],
      ['unknown', null, 'MENU MASTER x'],
      ['unknown', null, 'MENU TIMEOUT 5'],
      ['unknown', null, 'MENU'],
    ]);
    expect(lineKeywordText(d.lines[0]!)).toBe('Menu   Label');
  });
  it('parses F-keys like is_fkey(): F0..F12, strtoul skips blanks, bare F is F0', () => {
    expect(kinds('F1 a.txt\nf12 b\nF0 c\nF13 d\nF 2 e\nF f\nF1x g\nFONT h\nF+3 i\n')).toEqual([
      ['directive', 'f1', 'a.txt'],
      ['directive', 'f12', 'b'],
      ['directive', 'f0', 'c'],
      ['unknown', null, 'F13 d'],
      ['directive', 'f2', 'e'],
      ['directive', 'f0', 'f'],
      ['unknown', null, 'F1x g'],
      ['directive', 'font', 'h'],
      ['directive', 'f3', 'i'],
    ]);
  });
  it('reads TEXT HELP bodies raw until a line whose first word is ENDTEXT', () => {
    const d = parse('TEXT HELP\n  LABEL inside\r\n\tendtext\nLABEL after\n');
    expect(d.lines.map((l) => l.kind)).toEqual(['directive', 'text-body', 'text-end', 'directive']);
    expect(d.lines[0]?.keyword).toBe('text help');
  });
  it('lets a missing ENDTEXT swallow the rest of the file', () => {
    const d = parse('TEXT HELP\nLABEL x\nKERNEL y');
    expect(d.lines.map((l) => l.kind)).toEqual(['directive', 'text-body', 'text-body']);
  });
  it('splits lines longer than 4095 bytes like fgets() and parses the tail as a new line', () => {
    const head = `APPEND ${'x'.repeat(PXELINUX_MAX_LINE - 1 - 7)}`;
    const t = `${head}LABEL tail\nKERNEL k\n`;
    const d = parse(t);
    expect(d.lines.length).toBe(3);
    expect(d.lines[0]?.raw.length).toBe(4095);
    expect(d.lines[0]?.eol).toBe('');
    expect(d.lines[1]).toMatchObject({
      kind: 'directive',
      keyword: 'label',
      line: 1,
      segment: 1,
      column0: 4095,
    });
    expect(d.lines[2]?.line).toBe(2);
    expect(format(d)).toBe(t);
  });
  it('counts bytes, not characters, for the 4095 limit in UTF-8 and Latin-1', () => {
    const t = `${'é'.repeat(2100)}\n`;
    expect(parse(t).lines.length).toBe(2);
    expect(parse(t, { encoding: 'latin1' }).lines.length).toBe(1);
  });
  it('throws a typed error for non-strings and oversized input', () => {
    expect(() => parse(42 as unknown as string)).toThrow(ParseError);
    expect(() => parse(42 as unknown as string)).toThrow(
      expect.objectContaining({ code: 'PXELINUX_ERR_INVALID_INPUT' }),
    );
    expect(() => parseBytes('text' as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'PXELINUX_ERR_INVALID_INPUT' }),
    );
    try {
      parse('abc', { maxLength: 2 });
      expect.unreachable();
    } catch (e) {
      expect((e as ParseError).code).toBe('PXELINUX_ERR_TOO_LARGE');
    }
  });
});

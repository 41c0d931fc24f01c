import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasLineBreak, joinLines, quoteWord, splitLines, splitWords } from '../src/index.js';

const values = (line: string): string[] => splitWords(line).tokens.map((t) => t.value);

describe('splitWords (shlex.split(line, comments=True), POSIX)', () => {
  it.each([
    ['rootpw secret', ['rootpw', 'secret']],
    ['  network   --bootproto=dhcp\t--device=eth0  ', ['network', '--bootproto=dhcp', '--device=eth0']],
    ["--opt='a b'", ['--opt=a b']],
    ['--opt="a b"c', ['--opt=a bc']],
    ["''", ['']],
    ['a "" b', ['a', '', 'b']],
    ['rootpw foo#bar baz', ['rootpw', 'foo']],
    ['rootpw "foo#bar" baz', ['rootpw', 'foo#bar', 'baz']],
    ['rootpw foo\\#bar', ['rootpw', 'foo#bar']],
    ['a # comment "unclosed', ['a']],
    ['#only a comment', []],
    ['a\\ b', ['a b']],
    ['"a\\"b"', ['a"b']],
    ['"a\\\\b"', ['a\\b']],
    ['"a\\nb"', ['a\\nb']],
    ["'a\\nb'", ['a\\nb']],
    ['$6$rounds=5000$abc', ['$6$rounds=5000$abc']],
    ["--xlayouts='us','de (nodeadkeys)'", ['--xlayouts=us,de (nodeadkeys)']],
    ['a\u00a0b', ['a\u00a0b']],
  ])('%j', (line, expected) => {
    expect(values(line)).toEqual(expected);
  });

  it('records spans of raw words', () => {
    const r = splitWords('  part  "/x y" --size=1 # c');
    expect(r.tokens.map((t) => [t.start, t.end])).toEqual([
      [2, 6],
      [8, 14],
      [15, 23],
    ]);
    expect(r.commentStart).toBe(24);
  });

  it('reports an unclosed quote at the quote', () => {
    const r = splitWords('rootpw "abc');
    expect(r.problem).toEqual({ kind: 'unclosed-quote', offset: 7 });
    expect(splitWords("x 'a").problem?.kind).toBe('unclosed-quote');
  });

  it('reports a trailing backslash (kickstart has no line continuation)', () => {
    expect(splitWords('part / --size=1 \\').problem).toEqual({ kind: 'trailing-backslash', offset: 16 });
  });

  it('quoteWord gives back exactly one word with the same value, for any string without line breaks', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        fc.pre(!hasLineBreak(s));
        const r = splitWords(`cmd ${quoteWord(s)} tail`);
        expect(r.problem).toBeNull();
        expect(r.tokens.map((t) => t.value)).toEqual(['cmd', s, 'tail']);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws and keeps token spans inside the line', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', ' ', '\t', '"', "'", '\\', '#', '=', '-') }),
        (s) => {
          const r = splitWords(s);
          for (const t of r.tokens) {
            expect(t.start).toBeGreaterThanOrEqual(0);
            expect(t.end).toBeLessThanOrEqual(s.length);
            expect(t.start).toBeLessThanOrEqual(t.end);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('splitLines (str.splitlines(keepends=True))', () => {
  it('splits on every Python line boundary and keeps the terminators', () => {
    expect(splitLines('a\r\nb\rc\nd\ve\ff\x1cg\x85h\u2028i')).toEqual([
      { text: 'a', eol: '\r\n' },
      { text: 'b', eol: '\r' },
      { text: 'c', eol: '\n' },
      { text: 'd', eol: '\v' },
      { text: 'e', eol: '\f' },
      { text: 'f', eol: '\x1c' },
      { text: 'g', eol: '\x85' },
      { text: 'h', eol: '\u2028' },
      { text: 'i', eol: '' },
    ]);
    expect(splitLines('')).toEqual([]);
    expect(splitLines('x\n')).toEqual([{ text: 'x', eol: '\n' }]);
    expect(splitLines('\n\n')).toHaveLength(2);
  });

  it('joinLines(splitLines(s)) === s for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(joinLines(splitLines(s))).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatKickstart,
  type KickstartDocument,
  parseKickstart,
  type SectionNode,
  walkNodes,
} from '../src/index.js';
import { ksText } from './arbitraries.js';

const kinds = (doc: KickstartDocument): string[] => doc.nodes.map((n) => n.kind);
const sections = (doc: KickstartDocument): SectionNode[] =>
  doc.nodes.filter((n): n is SectionNode => n.kind === 'section');

describe('lossless round trip', () => {
  it('format(parse(text)) === text for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(formatKickstart(parseKickstart(s))).toBe(s);
      }),
      { numRuns: 1500 },
    );
  });

  it('format(parse(text)) === text for kickstart-like text, and every line is classified once', () => {
    fc.assert(
      fc.property(ksText, (s) => {
        const doc = parseKickstart(s);
        expect(formatKickstart(doc)).toBe(s);
        const seen = new Set<number>();
        for (const n of walkNodes(doc)) {
          if (n.kind === 'section') {
            for (const l of [n.header.line, ...(n.end ? [n.end.line] : [])]) {
              expect(seen.has(l)).toBe(false);
              seen.add(l);
            }
          } else {
            expect(seen.has(n.line)).toBe(false);
            seen.add(n.line);
          }
        }
        expect(seen.size).toBe(doc.lines.length);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('bad input', () => {
  it('throws KS_ERR_INVALID_INPUT for anything but a string (bytes need decodeKickstart first)', () => {
    for (const bad of [new TextEncoder().encode('lang x\n'), 42, null, undefined])
      expect(() => parseKickstart(bad as unknown as string), String(bad)).toThrow(
        expect.objectContaining({ code: 'KS_ERR_INVALID_INPUT' }),
      );
  });
});

describe('line classification (pykickstart state machine)', () => {
  it('separates commands, comments, blanks and sections', () => {
    const doc = parseKickstart('# c\n\nlang en_US\n%packages\n@core\n%end\n');
    expect(kinds(doc)).toEqual(['comment', 'blank', 'command', 'section']);
    const s = sections(doc)[0]!;
    expect(s.name).toBe('%packages');
    expect(s.end?.line).toBe(5);
    expect(s.body).toEqual([{ kind: 'body', line: 4 }]);
  });

  it('accepts %end with leading blanks and trailing words', () => {
    const s = sections(parseKickstart('%post\necho\n   %end # done\nlang x\n'))[0]!;
    expect(s.end?.line).toBe(2);
  });

  it('decides body lines by the plain first word, as pykickstart does (quoted or glued %end is body text)', () => {
    const s = sections(parseKickstart('%post\n"%end"\n%end#x\n%end\t# real end\n'))[0]!;
    expect(s.body.map((b) => b.kind)).toEqual(['body', 'body']);
    expect(s.end?.line).toBe(3);
  });

  it('keeps heredocs, %define, %{macros} and "%end-of..." lines as body text', () => {
    const text = '%post\ncat <<EOF\n%define x 1\n%{name}\n%end-of-day\nrootpw x\nEOF\n%end\n';
    const s = sections(parseKickstart(text))[0]!;
    expect(s.body.map((b) => b.kind)).toEqual(['body', 'body', 'body', 'body', 'body', 'body']);
    expect(s.end?.line).toBe(7);
  });

  it('a registered section tag closes an open section without %end; an unregistered one does not', () => {
    const doc = parseKickstart('%post\n%bogus\n%pre\necho\n%end\n');
    const [post, pre] = sections(doc);
    expect(post!.end).toBeNull();
    expect(post!.body).toHaveLength(1);
    expect(pre!.name).toBe('%pre');
  });

  it('reads %include inside a section as a directive that continues the section', () => {
    const s = sections(parseKickstart('%post\n%include /tmp/frag\necho\n%end\n'))[0]!;
    expect(s.body.map((b) => b.kind)).toEqual(['include', 'body']);
    expect(s.body[0]).toMatchObject({ target: '/tmp/frag' });
  });

  it('reads %ksappend anywhere, with the target pykickstart would use', () => {
    const doc = parseKickstart('%ksappend a.ks\n%ksappend\tb.ks\n%post\n%ksappend c.ks\n%end\n');
    expect(doc.nodes[0]).toMatchObject({ kind: 'ksappend', target: 'a.ks', intended: 'a.ks' });
    expect(doc.nodes[1]).toMatchObject({ kind: 'ksappend', target: '', intended: 'b.ks' });
    expect(sections(doc)[0]!.body[0]).toMatchObject({ kind: 'ksappend', target: 'c.ks' });
  });

  it('opens an unknown section (case-sensitive tags) that swallows its body up to %end', () => {
    const doc = parseKickstart('%PRE\nrootpw x\n%end\nlang x\n');
    expect(kinds(doc)).toEqual(['section', 'command']);
    expect(sections(doc)[0]).toMatchObject({ name: '%PRE', known: false });
  });

  it('marks a stray %end', () => {
    expect(kinds(parseKickstart('lang x\n%end\n'))).toEqual(['command', 'stray-end']);
  });

  it('keeps CR LF terminators outside the text', () => {
    const doc = parseKickstart('lang x\r\n%post\r\necho\r\n%end\r\n');
    expect(doc.lines.map((l) => l.eol)).toEqual(['\r\n', '\r\n', '\r\n', '\r\n']);
    expect(kinds(doc)).toEqual(['command', 'section']);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  flattenKickstart,
  type IncludeReader,
  interpretKickstart,
  mapFindings,
  parseKickstart,
  resolveIncludes,
  validateKickstart,
} from '../src/index.js';
import { ksText } from './arbitraries.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const fixtureReader: IncludeReader = (target) => {
  try {
    return { id: target, text: readFileSync(join(fixtures, target), 'utf8') };
  } catch {
    return null;
  }
};
const memory =
  (files: Record<string, string>): IncludeReader =>
  (target) =>
    target in files ? { id: target, text: files[target]! } : null;

describe('%include / %ksappend resolution', () => {
  it('resolves nested includes, keeps /tmp targets for install time, and includes inside %post', async () => {
    const root = readFileSync(join(fixtures, 'include-main.ks'), 'utf8');
    const r = await resolveIncludes(parseKickstart(root), { reader: fixtureReader, file: 'include-main.ks' });
    expect(r.files).toEqual(['common.ks', 'repos.ks', 'post-fragment.ks']);
    expect(r.findings.map((f) => f.code)).toEqual(['KS_INCLUDE_RUNTIME']);
    expect(r.text).toMatchSnapshot();
    const m = interpretKickstart(r.document);
    expect(m.commands.map((c) => c.name)).toEqual(['lang', 'keyboard', 'timezone', 'url', 'repo']);
    expect(m.scripts.find((s) => s.type === '%post')?.body).toContain(
      'fragment line that would be an unknown command',
    );
    // The post fragment is invalid stand-alone but fine in place.
    expect(
      validateKickstart(parseKickstart(readFileSync(join(fixtures, 'post-fragment.ks'), 'utf8'))).ok,
    ).toBe(false);
    expect(validateKickstart(r.document).ok).toBe(true);
  });

  it('keeps %ksappend content (ksflatten drops it), inside sections too', async () => {
    const root = readFileSync(join(fixtures, 'ksappend.ks'), 'utf8');
    const flat = await flattenKickstart(parseKickstart(root), { reader: fixtureReader });
    const m = interpretKickstart(parseKickstart(flat));
    expect(m.commands.map((c) => c.name)).toEqual(['url', 'repo', 'url', 'repo', 'rootpw']);
    expect(m.scripts[0]?.body).toContain('fragment line');
  });

  it('reports cycles, depth, missing files and reader failures without hanging', async () => {
    const cyc = await resolveIncludes(parseKickstart('%include a.ks\n'), {
      reader: memory({ 'a.ks': '%include b.ks\n', 'b.ks': '%include a.ks\n' }),
      file: 'root.ks',
    });
    expect(cyc.findings.map((f) => [f.code, f.file])).toEqual([['KS_INCLUDE_CYCLE', 'b.ks']]);
    const self = await resolveIncludes(parseKickstart('%include root.ks\n'), {
      reader: memory({ 'root.ks': 'x' }),
      file: 'root.ks',
    });
    expect(self.findings.map((f) => f.code)).toEqual(['KS_INCLUDE_CYCLE']);

    const chain: Record<string, string> = {};
    for (let i = 0; i < 20; i++) chain[`f${i}.ks`] = `%include f${i + 1}.ks\n`;
    const deep = await resolveIncludes(parseKickstart('%include f0.ks\n'), {
      reader: memory(chain),
      maxDepth: 5,
    });
    expect(deep.findings.map((f) => f.code)).toEqual(['KS_INCLUDE_DEPTH']);
    expect(deep.files).toHaveLength(5);

    const missing = await resolveIncludes(parseKickstart('lang x\n%include nope.ks\n'), {
      reader: memory({}),
    });
    expect(missing.findings[0]).toMatchObject({ code: 'KS_INCLUDE_NOT_FOUND', line: 2 });
    expect(missing.text).toBe('lang x\n%include nope.ks\n');

    const failing = await resolveIncludes(parseKickstart('%include http://x/ks\n'), {
      reader: async () => {
        throw new Error('ECONNREFUSED');
      },
    });
    expect(failing.findings[0]?.message).toContain('ECONNREFUSED');

    const big = await resolveIncludes(parseKickstart('%include a\n%include a\n'), {
      reader: memory({ a: 'x'.repeat(100) }),
      maxTotalSize: 150,
    });
    expect(big.findings.map((f) => f.code)).toEqual(['KS_INCLUDE_TOO_LARGE']);
  });

  it('maps findings on the flattened file back to the file and line they came from', async () => {
    const r = await resolveIncludes(parseKickstart('lang x\n%include bad.ks\nskipx'), {
      reader: memory({ 'bad.ks': 'FOO\nrootpw\n' }),
      file: 'root.ks',
    });
    expect(r.text).toBe('lang x\n#%include bad.ks\nFOO\nrootpw\nskipx');
    const mapped = mapFindings(r, validateKickstart(r.document).findings);
    expect(mapped.map((f) => [f.code, f.file, f.line])).toEqual([
      ['KS_UNKNOWN_COMMAND', 'bad.ks', 1],
      ['KS_MISSING_ARGUMENT', 'bad.ks', 2],
    ]);
  });

  it('does not glue an included file without a final newline to the next line', async () => {
    const flat = await flattenKickstart(parseKickstart('%include a\nskipx\n'), {
      reader: memory({ a: 'lang x' }),
      keepDirectives: false,
    });
    expect(flat).toBe('lang x\nskipx\n');
  });
});

it('resolves any include graph (cycles, missing files, odd line endings) with one origin per output line', async () => {
  const names = ['a.ks', 'b.ks', 'c.ks'];
  const fileArb = fc
    .tuple(ksText, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...names, 'missing.ks'), fc.boolean())))
    .map(([text, incs]) => {
      const lines = text.split('\n');
      for (const [at, name, append] of incs)
        lines.splice(at % (lines.length + 1), 0, `${append ? '%ksappend' : '%include'} ${name}`);
      return lines.join('\n');
    });
  await fc.assert(
    fc.asyncProperty(fileArb, fc.tuple(fileArb, fileArb, fileArb), async (root, files) => {
      const reader = memory(Object.fromEntries(names.map((n, i) => [n, files[i]!])));
      const r = await resolveIncludes(parseKickstart(root), { reader, file: 'root.ks', maxDepth: 4 });
      expect(r.origins.length).toBe(r.document.lines.length);
      for (const f of r.findings) expect(f.code).toMatch(/^KS_INCLUDE_/);
    }),
    { numRuns: 200 },
  );
});

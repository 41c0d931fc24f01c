/**
 * Every fixture: identity round trip, golden findings and golden model. The fixtures are our own
 * files, each reproducing quirks seen in real kickstarts (see test/fixtures/README.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatKickstart, interpretKickstart, parseKickstart, validateKickstart } from '../src/index.js';

const dir = join(import.meta.dirname, 'fixtures');
const files = readdirSync(dir)
  .filter((f) => /\.(ks|cfg|in)$/.test(f))
  .sort();

describe.each(files)('fixture %s', (name) => {
  const text = readFileSync(join(dir, name), 'utf8');
  const doc = parseKickstart(text);

  it('round-trips byte for byte', () => {
    expect(formatKickstart(doc)).toBe(text);
  });

  it('validates to the golden findings', () => {
    const r = validateKickstart(doc, { templates: name.endsWith('.in') });
    expect({
      version: r.version.name,
      from: r.versionSource,
      findings: r.findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.code}: ${f.message}`),
    }).toMatchSnapshot();
  });

  it('interprets to the golden model', () => {
    expect(interpretKickstart(doc)).toMatchSnapshot();
  });
});

it('has fixtures for every quirk listed in the README', () => {
  expect(files.length).toBeGreaterThanOrEqual(14);
});

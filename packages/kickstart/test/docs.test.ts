import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { interpretKickstart, KickstartError, parseKickstart, setOption } from '../src/index.js';

const root = join(import.meta.dirname, '..');

it('documents every code the package uses in its section of docs/errors.md', () => {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((e) => (statSync(join(d, e)).isDirectory() ? walk(join(d, e)) : [join(d, e)]));
  const used = new Set(
    walk(join(root, 'src')).flatMap((f) => readFileSync(f, 'utf8').match(/'KS_[A-Z_]+'/g) ?? []),
  );
  const errors = readFileSync(join(root, '..', '..', 'docs', 'errors.md'), 'utf8');
  const start = errors.indexOf('## @pxekit/kickstart');
  const section = errors.slice(start, errors.indexOf('\n## ', start + 1));
  const missing = [...used].map((c) => c.slice(1, -1)).filter((c) => !section.includes(`\`${c}\``));
  expect(missing).toEqual([]);
  // ...and documents no code the package no longer uses.
  const documented = [...new Set(section.match(/`KS_[A-Z_]+`/g) ?? [])].map((c) => c.slice(1, -1));
  expect(documented.filter((c) => !used.has(`'${c}'`))).toEqual([]);
});

it('throws KS_ERR_UNKNOWN_VERSION for a caller version it does not support', () => {
  expect(() => interpretKickstart(parseKickstart(''), { version: 'RHEL5' })).toThrow(KickstartError);
  expect(() => setOption(parseKickstart('lang x\n'), 1, '--addsupport', 'a', { version: 'F99' })).toThrow(
    expect.objectContaining({ code: 'KS_ERR_UNKNOWN_VERSION' }),
  );
});

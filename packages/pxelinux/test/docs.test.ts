import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

it('documents every code the package uses in its section of docs/errors.md, and no other', () => {
  const used = new Set(
    readdirSync(join(root, 'src'))
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => readFileSync(join(root, 'src', f), 'utf8').match(/'PXELINUX_[A-Z_]+'/g) ?? [])
      .map((c) => c.slice(1, -1)),
  );
  expect(used.size).toBeGreaterThan(40);
  const errors = readFileSync(join(root, '..', '..', 'docs', 'errors.md'), 'utf8');
  const start = errors.indexOf('## @pxekit/pxelinux');
  expect(start).toBeGreaterThanOrEqual(0);
  const section = errors.slice(start, errors.indexOf('\n## ', start + 1));
  const documented = new Set((section.match(/`PXELINUX_[A-Z_]+`/g) ?? []).map((c) => c.slice(1, -1)));
  expect([...used].filter((c) => !documented.has(c))).toEqual([]);
  expect([...documented].filter((c) => !used.has(c))).toEqual([]);
});

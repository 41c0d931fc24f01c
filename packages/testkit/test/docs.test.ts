import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LabErrorCode } from '../src/lab/index.js';

it('documents every LabError code in its section of docs/errors.md, and no other', () => {
  const codes = Object.values(LabErrorCode);
  const errors = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'errors.md'), 'utf8');
  const start = errors.indexOf('## @pxekit/testkit');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = errors.indexOf('\n## ', start + 1);
  const section = errors.slice(start, end < 0 ? undefined : end);
  const documented = new Set((section.match(/`LAB_ERR_[A-Z_]+`/g) ?? []).map((c) => c.slice(1, -1)));
  expect(codes.filter((c) => !documented.has(c))).toEqual([]);
  expect([...documented].filter((c) => !(codes as string[]).includes(c))).toEqual([]);
});

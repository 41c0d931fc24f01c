import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// The library has no I/O layer: files come through injected readers, so no source file may import
// node:* (and it then runs in browsers and other runtimes too).
it('imports nothing from node:* in src/', () => {
  const dir = join(import.meta.dirname, '..', 'src');
  const offenders = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .filter((f) =>
      /(?:from\s+|import\s*\(?\s*|require\(\s*)['"]node:/.test(readFileSync(join(dir, f), 'utf8')),
    );
  expect(offenders).toEqual([]);
});

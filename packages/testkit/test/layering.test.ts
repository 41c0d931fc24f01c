import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The sans-IO rule (docs/architecture.md): only src/node/ may import node:* in the protocol packages,
// and the text-format packages import no node:* at all.
const root = join(import.meta.dirname, '../../..');

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const NODE_IMPORT =
  /(?:from\s+|import\s*\(\s*|import\s+|require\s*\(\s*)['"](node:[^'"]+|fs|path|dgram|net|os|child_process|timers)['"]/;

describe('layering', () => {
  for (const pkg of ['dhcp', 'tftp', 'pxelinux', 'kickstart']) {
    it(`@pxekit/${pkg} imports node:* only from src/node/`, () => {
      const src = join(root, 'packages', pkg, 'src');
      const offenders = files(src)
        .filter((f) => !relative(src, f).startsWith('node/'))
        .filter((f) => NODE_IMPORT.test(readFileSync(f, 'utf8')))
        .map((f) => relative(root, f));
      expect(offenders).toEqual([]);
    });
  }

  it('the guard itself catches a node: import', () => {
    expect(NODE_IMPORT.test("import { createSocket } from 'node:dgram';")).toBe(true);
    expect(NODE_IMPORT.test("import 'node:diagnostics_channel';")).toBe(true);
    expect(NODE_IMPORT.test("const fs = await import('node:fs');")).toBe(true);
    expect(NODE_IMPORT.test("export { readFile } from 'node:fs/promises';")).toBe(true);
    expect(NODE_IMPORT.test("import { x } from './node/index.js';")).toBe(false);
  });
});

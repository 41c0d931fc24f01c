import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileCache } from '../src/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pxekit-tftp-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function load(cache: FileCache, name: string, size: number) {
  const p = join(dir, name);
  writeFileSync(p, Buffer.alloc(size, name.charCodeAt(0)));
  const fh = await open(p);
  try {
    return await cache.get(name, size, fh);
  } finally {
    await fh.close();
  }
}

describe('FileCache', () => {
  it('reads once per key, evicts least recently used past maxBytes', async () => {
    const cache = new FileCache({ maxBytes: 250 });
    await load(cache, 'a', 100);
    await load(cache, 'b', 100);
    await load(cache, 'a', 100); // a is now the most recent
    expect(cache).toMatchObject({ hits: 1, misses: 2, bytes: 200 });
    await load(cache, 'c', 100); // evicts b
    expect(cache.bytes).toBe(200);
    await load(cache, 'a', 100);
    expect(cache.hits).toBe(2);
    await load(cache, 'b', 100);
    expect(cache.misses).toBe(4);
  });

  it('shares one read between concurrent callers', async () => {
    const cache = new FileCache();
    const p = join(dir, 'shared');
    writeFileSync(p, Buffer.alloc(1000, 7));
    const fh = await open(p);
    const [x, y] = await Promise.all([cache.get('k', 1000, fh), cache.get('k', 1000, fh)]);
    await fh.close();
    expect(x).toBe(y);
    expect(cache).toMatchObject({ hits: 1, misses: 1 });
  });
});

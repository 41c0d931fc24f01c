import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { interpretKickstart, KickstartError, parseKickstart, resolveIncludes } from '../src/index.js';
import { createFileReader, decodeKickstart, loadKickstart } from '../src/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pxekit-ks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('node adapter', () => {
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'main.ks'), 'lang en_US\n%include sub/a.ks\n');
  writeFileSync(join(dir, 'sub', 'a.ks'), '%include b.ks\n');
  writeFileSync(join(dir, 'sub', 'b.ks'), 'skipx\n');

  it('loads a file and resolves includes as given, then relative to the including file', async () => {
    const r = await loadKickstart('main.ks', { cwd: dir });
    expect(r.findings).toEqual([]);
    expect(interpretKickstart(r.document).commands.map((c) => c.name)).toEqual(['lang', 'skipx']);
    expect(r.files).toEqual([join(dir, 'sub', 'a.ks'), join(dir, 'sub', 'b.ks')]);
  });

  it('reports missing files, refuses URLs unless allowed, and throws typed errors', async () => {
    const r = await resolveIncludes(
      parseKickstart('%include nope.ks\n%include http://example.invalid/ks\n'),
      {
        reader: createFileReader({ cwd: dir }),
      },
    );
    expect(r.findings.map((f) => f.code)).toEqual(['KS_INCLUDE_NOT_FOUND', 'KS_INCLUDE_NOT_FOUND']);
    expect(r.findings[1]?.message).toContain('allowUrls');
    await expect(loadKickstart('missing.ks', { cwd: dir })).rejects.toMatchObject({
      code: 'KS_ERR_NOT_FOUND',
    });
  });

  it('decodes strictly as UTF-8', () => {
    expect(decodeKickstart(new TextEncoder().encode('lang é\n'))).toBe('lang é\n');
    expect(() => decodeKickstart(new Uint8Array([0x6c, 0xff]))).toThrow(KickstartError);
    expect(() => decodeKickstart(new Uint8Array([0x6c, 0xff]))).toThrow(
      expect.objectContaining({ code: 'KS_ERR_ENCODING' }),
    );
  });

  it('refuses files that are not UTF-8 or larger than maxFileSize with typed errors', async () => {
    writeFileSync(join(dir, 'latin1.ks'), Uint8Array.of(0x6c, 0x61, 0x6e, 0x67, 0x20, 0xe9, 0x0a));
    await expect(loadKickstart('latin1.ks', { cwd: dir })).rejects.toMatchObject({ code: 'KS_ERR_ENCODING' });
    await expect(loadKickstart('main.ks', { cwd: dir, maxFileSize: 4 })).rejects.toMatchObject({
      code: 'KS_ERR_TOO_LARGE',
    });
  });
});

it('imports node:* only under src/node (sans-IO core)', () => {
  const src = join(import.meta.dirname, '..', 'src');
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((e) => (statSync(join(d, e)).isDirectory() ? walk(join(d, e)) : [join(d, e)]));
  const offenders = walk(src).filter(
    (f) => !f.includes(`${join('src', 'node')}`) && /from ['"]node:/.test(readFileSync(f, 'utf8')),
  );
  expect(offenders).toEqual([]);
});

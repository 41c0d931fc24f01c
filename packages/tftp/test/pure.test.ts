import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NetasciiDecoder,
  NetasciiEncoder,
  parseMode,
  parseOptionNumber,
  parseRemapFile,
  sanitizeFilename,
} from '../src/index.js';

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

describe('netascii', () => {
  const textish = fc
    .uint8Array({ maxLength: 300 })
    .map((b) => b.map((x) => [0x0a, 0x0d, 0x00, 0x41, x][x % 5]!));

  it('decode(encode(x)) = x however both streams are split', () => {
    fc.assert(
      fc.property(
        textish,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (text, c1, c2) => {
          const enc = new NetasciiEncoder();
          const wire = Buffer.concat(splitAt(text, c1).map((c) => enc.push(c)));
          const dec = new NetasciiDecoder();
          const back = Buffer.concat([...splitAt(wire, c2).map((c) => dec.push(c)), dec.end()]);
          expect(Buffer.compare(back, Buffer.from(text))).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never leaves a bare CR or LF on the wire', () => {
    fc.assert(
      fc.property(textish, (text) => {
        const wire = new NetasciiEncoder().push(text);
        for (let i = 0; i < wire.length; i++) {
          if (wire[i] === 0x0d) expect([0x0a, 0x00]).toContain(wire[i + 1]);
          if (wire[i] === 0x0a) expect(wire[i - 1]).toBe(0x0d);
        }
      }),
    );
  });

  it('keeps a CR that is followed by anything else (invalid netascii) instead of dropping bytes', () => {
    const d = new NetasciiDecoder();
    expect(Array.from(d.push(new Uint8Array([0x41, 0x0d, 0x42])))).toEqual([0x41, 0x0d, 0x42]);
  });
});

describe('sanitizeFilename', () => {
  it.each([
    ['pxelinux.0', 'pxelinux.0'],
    ['/pxelinux.0', 'pxelinux.0'],
    ['//a///b/./c', 'a/b/c'],
    ['pxelinux.cfg\\default', 'pxelinux.cfg/default'],
    ['lpxelinux.0\xff', 'lpxelinux.0'],
    ['pxelinux.bin\n#012junk', 'pxelinux.bin'],
    ['caf\xc3\xa9.txt', 'café.txt'],
  ])('%j → %j', (raw, path) => {
    expect(sanitizeFilename(raw)).toMatchObject({ ok: true, path });
  });

  it.each([
    ['..', 2],
    ['a/../../b', 2],
    ['a\\..\\b', 2],
    ['\xc3(', 2],
    ['x'.repeat(256), 2],
    ['/', 1],
    ['./.', 1],
  ])('refuses %j with TFTP code %i', (raw, code) => {
    const r = sanitizeFilename(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.tftpCode).toBe(code);
  });

  it('refuses control characters when garbage stripping is off', () => {
    expect(sanitizeFilename('a\x01b', { stripGarbage: false })).toMatchObject({ ok: false });
    expect(sanitizeFilename('a\\b', { backslashes: false })).toMatchObject({ ok: true, path: 'a\\b' });
  });

  it('applies remap rules in order, stops on `stop`, and checks the result', () => {
    const remap = [
      { match: /^\/?tftpboot\//, replace: '' },
      { match: /^(.*)\.PXE$/i, replace: '$1.0', stop: true },
      { match: /^pxelinux\.0$/, replace: 'never.0' },
    ];
    expect(sanitizeFilename('/tftpboot/pxelinux.PXE', { remap })).toMatchObject({
      ok: true,
      path: 'pxelinux.0',
    });
    expect(sanitizeFilename('x', { remap: [{ match: /x/, replace: '../../etc/passwd' }] })).toMatchObject({
      ok: false,
    });
    expect(sanitizeFilename('BOOT.0', { lowercase: true })).toMatchObject({ path: 'boot.0' });
  });

  it('never yields a path with "..", an empty or absolute part, for any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (raw) => {
        const latin1 = Array.from(raw, (c) => String.fromCharCode(c.charCodeAt(0) & 0xff)).join('');
        const r = sanitizeFilename(latin1);
        if (r.ok) {
          expect(r.path.startsWith('/')).toBe(false);
          expect(r.segments).not.toContain('..');
          expect(r.segments).not.toContain('');
          expect(r.path).not.toMatch(/[\x00-\x1f\x7f\\]/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('small parsers', () => {
  it('parses option numbers strictly', () => {
    expect(parseOptionNumber('1468')).toBe(1468);
    expect(parseOptionNumber('007')).toBe(7);
    for (const bad of ['', '-1', '+1', '1e3', ' 1', '0x10', '99999999999999999'])
      expect(parseOptionNumber(bad)).toBeUndefined();
  });

  it('parses modes case-insensitively and refuses mail', () => {
    expect(parseMode('NetAscii')).toBe('netascii');
    expect(parseMode('OCTET')).toBe('octet');
    expect(parseMode('mail')).toBeUndefined();
  });
});

describe('parseRemapFile (tftp-hpa map file)', () => {
  const rules = parseRemapFile(
    [
      '# migrated from /etc/tftpd.map',
      'rg \\\\ /',
      'r ^/tftpboot/',
      'ri ^PXELINUX\\.0$ pxelinux.0',
      're ^(.*)\\.menu$ menus/\\1-\\i-\\x',
      'a ^secret',
      'rP ^up/ incoming/',
      '  ',
    ].join('\n'),
  );
  const map = (raw: string, kind: 'rrq' | 'wrq' = 'rrq') =>
    sanitizeFilename(raw, {
      remap: rules,
      backslashes: false,
      context: { remoteAddress: '::ffff:10.0.0.5', kind },
    });

  it('rewrites like tftp-hpa: backslashes, prefixes, case-insensitive names, groups and \\i/\\x', () => {
    expect(map('\\tftpboot\\PxeLinux.0')).toMatchObject({ ok: true, path: 'pxelinux.0' });
    expect(map('boot.menu')).toMatchObject({ ok: true, path: 'menus/boot-10.0.0.5-0A000005' });
  });

  it('refuses with `a`, and applies G/P rules to one direction only', () => {
    expect(map('secret/key')).toMatchObject({ ok: false, error: { tftpCode: 2 } });
    expect(map('up/file', 'wrq')).toMatchObject({ ok: true, path: 'incoming/file' });
    expect(map('up/file', 'rrq')).toMatchObject({ ok: true, path: 'up/file' });
  });

  it('reports the line of a bad rule', () => {
    expect(() => parseRemapFile('r ^ok$ x\nq bad')).toThrowError(/line 2/);
    expect(() => parseRemapFile('r (unclosed')).toThrowError(/line 1: bad regex/);
  });
});

import { describe, expect, it } from 'vitest';
import { buildModel, lint, loadIncludes, parse } from '../src/index.js';

const codes = (t: string, o: Parameters<typeof lint>[1] = {}) =>
  lint(parse(t), o).map((f) => `${f.line}:${f.column} ${f.code}`);

describe('lint', () => {
  it('reports positions as 1-based line and column', () => {
    expect(lint(parse('LABEL a\n  KERNEL k\n  APPEND x # y\n'))).toEqual([
      expect.objectContaining({ code: 'PXELINUX_HASH_IN_VALUE', line: 3, column: 12, severity: 'warning' }),
    ]);
  });
  it('flags lines over 4095 bytes where SYSLINUX splits them', () => {
    const t = `LABEL a\n  APPEND ${'x'.repeat(5000)}\n`;
    expect(codes(t)).toContain('2:4096 PXELINUX_LINE_TOO_LONG');
  });
  it('flags command lines of 2048 bytes or more', () => {
    expect(codes(`LABEL a\n  KERNEL k\n  APPEND ${'y'.repeat(2100)}\n`)).toContain(
      '1:1 PXELINUX_CMDLINE_TOO_LONG',
    );
  });
  it('flags NUL bytes and SERIAL that is not first', () => {
    expect(codes('UI menu.c32\nSERIAL 0 115200\nLABEL a\x00b\nKERNEL k\n')).toEqual([
      '2:1 PXELINUX_SERIAL_NOT_FIRST',
      '3:8 PXELINUX_NUL_IN_LINE',
    ]);
  });
  it('checks files through the exists callback, skipping placeholders', () => {
    const exists = (n: string) => n === 'vmlinuz' || n === 'menu.c32';
    expect(
      codes('UI vesamenu\nLABEL a\nKERNEL vmlinuz\nINITRD a.img,vmlinuz\nLABEL b\nKERNEL {{k}}\n', {
        exists,
      }),
    ).toEqual([
      '1:4 PXELINUX_MISSING_FILE',
      '2:1 PXELINUX_MISSING_FILE',
      '6:1 PXELINUX_TEMPLATE_PLACEHOLDER',
    ]);
  });
  it('reports include cycles, depth and missing files when a reader is given', () => {
    const files: Record<string, string> = {
      'a.cfg': 'INCLUDE a.cfg\n',
      'b.cfg': 'INCLUDE c.cfg\n',
      'c.cfg': 'LABEL c\nKERNEL k\n',
    };
    const include = (n: string) => files[n];
    expect(codes('INCLUDE a.cfg\nINCLUDE nope.cfg\n', { include })).toEqual([
      '1:1 PXELINUX_INCLUDE_CYCLE',
      '2:1 PXELINUX_INCLUDE_MISSING',
    ]);
    expect(codes('INCLUDE b.cfg\n', { include, maxIncludeDepth: 1 })).toEqual(['1:1 PXELINUX_INCLUDE_DEPTH']);
    expect(codes('INCLUDE nope.cfg\n')).toEqual([]);
  });
  it('notes menu.c32-only directives in a file that starts no menu', () => {
    expect(codes('DEFAULT a\nMENU IMMEDIATE\nINCLUDE x.cfg Sub\nLABEL a\nKERNEL k\n')).toEqual([
      '2:1 PXELINUX_MENU_ONLY_DIRECTIVE',
      '3:1 PXELINUX_MENU_ONLY_DIRECTIVE',
    ]);
    expect(codes('UI vesamenu.c32\nMENU IMMEDIATE\nLABEL a\nKERNEL k\n')).toEqual([]);
  });
  it('is quiet on a clean builder-style file', () => {
    expect(
      lint(parse('UI menu.c32\nDEFAULT a\nTIMEOUT 50\nLABEL a\n  KERNEL vmlinuz\n  APPEND quiet\n')),
    ).toEqual([]);
  });
});

describe('loadIncludes', () => {
  it('reads the include tree once through an async reader and feeds the sync model', async () => {
    const files: Record<string, string> = {
      'm.cfg': 'INCLUDE a.cfg\nMENU INCLUDE b.cfg Sub menu\nINCLUDE m.cfg\n',
      'a.cfg': 'LABEL a\nINCLUDE b.cfg\n',
      'b.cfg': 'LABEL b\n',
    };
    const reads: string[] = [];
    const tree = await loadIncludes(parse(files['m.cfg']!), async (n) => {
      reads.push(n);
      return files[n];
    });
    expect(reads).toEqual(['a.cfg', 'b.cfg', 'm.cfg']);
    const m = buildModel(parse(files['m.cfg']!), { include: tree.include, file: 'm.cfg', reader: 'menu' });
    // m.cfg including itself is a cycle: not followed again.
    expect(m.entries.filter((e) => e.label).map((e) => e.label)).toEqual(['a', 'b', 'b']);
    expect(m.includes.map((i) => i.status)).toEqual(['ok', 'ok', 'ok', 'cycle']);
  });
  it('throws a typed error past maxIncludeFiles', async () => {
    const t = Array.from({ length: 5 }, (_, i) => `INCLUDE f${i}.cfg`).join('\n');
    await expect(loadIncludes(parse(t), async () => '', { maxIncludeFiles: 3 })).rejects.toMatchObject({
      code: 'PXELINUX_ERR_INCLUDE_LIMIT',
    });
  });
});

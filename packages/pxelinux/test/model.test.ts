import { describe, expect, it } from 'vitest';
import { buildModel, type ConfigModel, entryCommandLine, parse } from '../src/index.js';

const core = (t: string) => buildModel(parse(t), { reader: 'core' });
const menu = (t: string) => buildModel(parse(t), { reader: 'menu' });
const labels = (m: ConfigModel) => m.entries.filter((e) => e.label !== null).map((e) => e.label);

describe('semantic model', () => {
  it('names labels by first word in ldlinux and by the whole line in menu.c32', () => {
    const t = 'LABEL linux text mode \nKERNEL vmlinuz\n';
    expect(labels(core(t))).toEqual(['linux']);
    expect(labels(menu(t))).toEqual(['linux text mode ']);
  });
  it('defaults the kernel to the label name and infers nothing at parse time', () => {
    const e = core('LABEL memtest\n').entries[0]!;
    expect(e.kernel).toBe('memtest');
    expect(e.kernelType).toBe('kernel');
  });
  it('captures the global APPEND in force when the label closes, and APPEND - means none', () => {
    const m = core(
      'APPEND g1\nLABEL a\nKERNEL k\nLABEL b\nKERNEL k\nAPPEND -\nLABEL c\nKERNEL k\nAPPEND\nLABEL d\nAPPEND x\nAPPEND y\n',
    );
    const [a, b, c, d] = m.entries;
    expect(entryCommandLine(a!)).toBe('k g1');
    expect(entryCommandLine(b!)).toBe('k');
    expect(b!.globalAppend).toBe('g1');
    // An empty APPEND inside a label overrides the global one.
    expect(entryCommandLine(c!)).toBe('k');
    // Inside a label every APPEND is the label's; the last wins, the global one is untouched.
    expect(entryCommandLine(d!)).toBe('d y');
    expect(m.globals.append).toBe('g1');
  });
  it('builds the command line like record(): kernel, append, initrd, sysappend strings', () => {
    const m = core('SYSAPPEND 2\nLABEL a\nLINUX vmlinuz quiet\nAPPEND ro\nINITRD a.img,b.img\n');
    const e = m.entries[0]!;
    expect(e.ipappend).toBe(2);
    expect(entryCommandLine(e, [undefined, 'BOOTIF=01-aa-bb'])).toBe(
      '.linux vmlinuz quiet ro initrd=a.img,b.img BOOTIF=01-aa-bb',
    );
  });
  it('ignores label-only directives outside a label', () => {
    const m = core('KERNEL lost\nINITRD lost\nMENU LABEL lost\nLABEL a\n');
    expect(m.entries).toHaveLength(1);
    expect(m.entries[0]!.kernel).toBe('a');
    expect(m.entries[0]!.initrd).toBeNull();
  });
  it('builds a menu tree with MENU BEGIN/END, titles, GOTO and EXIT resolved after EOF', () => {
    const t = [
      'UI menu.c32',
      'MENU TITLE Main',
      'LABEL a',
      '  MENU LABEL ^Alpha',
      '  MENU GOTO tools',
      'MENU BEGIN tools',
      '  MENU TITLE Tools',
      '  LABEL back',
      '    MENU EXIT',
      '  LABEL nowhere',
      '    MENU GOTO missing',
      'MENU END',
      '',
    ].join('\n');
    const m = menu(t);
    expect(m.menus.map((x) => [x.tag, x.title, x.parent])).toEqual([
      ['.top', 'Main', null],
      ['.hidden', '', null],
      ['tools', 'Tools', 0],
    ]);
    const byLabel = (l: string) => m.entries.find((e) => e.label === l)!;
    expect(byLabel('a')).toMatchObject({ action: 'goto', target: 2, hotkey: 'A' });
    expect(byLabel('back')).toMatchObject({ action: 'exit', target: 0 });
    expect(m.entries.find((e) => e.gotoTag === 'missing')).toMatchObject({ action: 'disabled' });
    const sub = m.entries.find((e) => e.action === 'submenu')!;
    expect(sub.displayName).toBe('Tools');
  });
  it('sets the submenu entry name from MENU LABEL after MENU BEGIN and the title from it', () => {
    const m = menu('MENU BEGIN adv\nMENU LABEL ^Advanced options\nLABEL x\nMENU END\n');
    const sub = m.entries.find((e) => e.action === 'submenu')!;
    expect(sub.displayName).toBe('^Advanced options');
    expect(m.menus[2]!.title).toBe('Advanced options');
  });
  it('keeps TIMEOUT and ONTIMEOUT per menu in menu.c32 and global in ldlinux', () => {
    const t = 'TIMEOUT 50\nMENU BEGIN s\nTIMEOUT 10\nLABEL x\nMENU END\n';
    expect(core(t).globals.timeout).toBe(10);
    const m = menu(t);
    expect(m.menus[0]!.timeout).toBe(50);
    expect(m.menus[2]!.timeout).toBe(10);
  });
  it('marks MENU DEFAULT and applies DEFAULT (menu.c32 only with UI)', () => {
    const t = 'DEFAULT b\nLABEL a\nMENU DEFAULT\nLABEL b\n';
    expect(menu(t).menus[0]!.defaultEntry).toBe(0);
    expect(menu(`UI menu.c32\n${t}`).menus[0]!.defaultEntry).toBe(1);
    expect(core(t).menus[0]!.defaultEntry).toBe(1);
  });
  it('moves MENU HIDE entries to the hidden menu, still bootable by name', () => {
    const m = core('LABEL a\nMENU HIDE\nLABEL b\n');
    expect(m.menus[1]!.entries).toEqual([0]);
    expect(m.entries[0]!.hidden).toBe(true);
  });
  it('gives the hotkey to the first entry and records the loser', () => {
    const m = menu('LABEL a\nMENU LABEL ^install\nLABEL b\nMENU LABEL ^Install again\n');
    expect(m.entries.map((e) => [e.hotkey, e.hotkeyLost])).toEqual([
      ['I', null],
      [null, 'I'],
    ]);
  });
  it('reads numbers with atoi/strtoul quirks', () => {
    const m = core('TIMEOUT 50s\nPROMPT 01\nIPAPPEND 0x3\nLABEL a\nMENU INDENT count 5\nLOCALBOOT 0xffff\n');
    expect(m.globals.timeout).toBe(50);
    expect(m.globals.prompt).toBe(1);
    expect(m.globals.sysappend).toBe(3);
    expect(m.entries[0]!.indent).toBe(0);
    expect(m.entries[0]).toMatchObject({ kernelType: 'localboot', kernel: '0xffff' });
  });
  it('reads NOHALT two bytes past the keyword and SAY one byte past it', () => {
    const m = core('NOHALT 1\nSAY  hello \n');
    expect(m.globals.noHalt).toBe(0);
    expect(core('NOHALT  1\n').globals.noHalt).toBe(1);
    expect(m.globals.say).toEqual([' hello ']);
  });
  it('collects TEXT HELP bodies verbatim with their terminators, discarding other TEXT blocks', () => {
    const m = menu('LABEL a\nTEXT HELP\n  line one\r\n\tline two\nENDTEXT\nTEXT other\nnot kept\nENDTEXT\n');
    expect(m.entries[0]!.helpText).toBe('  line one\r\n\tline two\n');
  });
  it('makes a separator entry that closes the label and is disabled', () => {
    const m = menu('LABEL a\nMENU SEPARATOR # a comment that is ignored\nLABEL b\n');
    expect(m.entries.map((e) => [e.label, e.action, e.displayName])).toEqual([
      ['a', 'cmd', 'a'],
      [null, 'disabled', ''],
      ['b', 'cmd', 'b'],
    ]);
  });
  it('parses F-keys (F0 binds the F11 slot, as is_fkey maps 0 to index 10)', () => {
    const m = core('F1 help.txt bg.png\nF0 ten.txt\n');
    expect(m.menus[0]!.fkeys[0]).toEqual({ file: 'help.txt', background: 'bg.png' });
    expect(m.menus[0]!.fkeys[10]).toEqual({ file: 'ten.txt', background: null });
  });
  it('parses MENU COLOR like parse_argb()', () => {
    const m = menu(
      'MENU COLOR sel 7;37;40 #e0ffffff #20ffffff all\nMENU COLOR title * #fff * none\nMENU COLOR bogus 1\n',
    );
    expect(m.menus[0]!.colors).toEqual({
      sel: { ansi: '7;37;40', fg: 0xe0ffffff, bg: 0x20ffffff, shadow: 'all' },
      title: { fg: 0xffffffff, shadow: 'none' },
    });
  });
  it('expands ONTIMEOUT naming a label after the whole file is read', () => {
    const m = menu('TIMEOUT 10\nONTIMEOUT local\nLABEL local\nLOCALBOOT 0\n');
    expect(m.menus[0]!.ontimeout).toBe('.localboot 0');
  });
});

describe('includes', () => {
  const files: Record<string, string> = {
    'a.cfg': 'LABEL from-a\nINCLUDE b.cfg\n',
    'b.cfg': 'LABEL from-b\n',
    'loop.cfg': 'INCLUDE loop.cfg\nLABEL looped\n',
    'deep.cfg': 'INCLUDE deep2.cfg\n',
    'deep2.cfg': 'INCLUDE deep.cfg\n',
  };
  const include = (n: string) => files[n];
  it('reads includes inline through the injected reader, in order', () => {
    expect(labels(buildModel(parse('LABEL first\nINCLUDE a.cfg\nLABEL last\n'), { include }))).toEqual([
      'first',
      'from-a',
      'from-b',
      'last',
    ]);
  });
  it('turns INCLUDE file tag into a submenu in menu.c32 only', () => {
    const t = 'INCLUDE b.cfg Extra stuff\n';
    expect(buildModel(parse(t), { reader: 'core', include }).menus).toHaveLength(2);
    const m = buildModel(parse(t), { reader: 'menu', include });
    expect(m.menus[2]!.tag).toBe('Extra stuff');
    expect(m.entries.find((e) => e.label === 'from-b')!.menu).toBe(2);
  });
  it('stops cycles and over-deep chains and records why', () => {
    const m = buildModel(parse('INCLUDE loop.cfg\n'), { include });
    expect(m.includes.map((i) => i.status)).toEqual(['ok', 'cycle']);
    expect(labels(m)).toEqual(['looped']);
    const d = buildModel(parse('INCLUDE deep.cfg\n'), { include, maxIncludeDepth: 50 });
    expect(d.includes.at(-1)!.status).toBe('cycle');
    const shallow = buildModel(parse('INCLUDE a.cfg\n'), { include, maxIncludeDepth: 1 });
    expect(shallow.includes.map((i) => i.status)).toEqual(['ok', 'depth']);
    expect(() => buildModel(parse('INCLUDE loop.cfg\n'), { include, includeErrors: 'throw' })).toThrow(
      expect.objectContaining({ code: 'PXELINUX_ERR_INCLUDE_CYCLE' }),
    );
    expect(() =>
      buildModel(parse('INCLUDE a.cfg\n'), { include, maxIncludeDepth: 1, includeErrors: 'throw' }),
    ).toThrow(expect.objectContaining({ code: 'PXELINUX_ERR_INCLUDE_DEPTH' }));
  });
  it('records missing files without failing (SYSLINUX skips them)', () => {
    const m = buildModel(parse('INCLUDE nope.cfg\nLABEL a\n'), { include });
    expect(m.includes[0]!.status).toBe('missing');
    expect(labels(m)).toEqual(['a']);
  });
});

/**
 * Our own fixtures, one per quirk seen in real files (see the package README): identity round trip,
 * golden model snapshots, and the findings each fixture exists for.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildModel,
  type ConfigModel,
  formatBytes,
  type LintCode,
  lint,
  lineValue,
  parseBytes,
  resolveBoot,
} from '../src/index.js';

const dir = join(import.meta.dirname, 'fixtures');
const read = (name: string) => readFileSync(join(dir, name));
const include = (name: string) => {
  const p = join(dir, name);
  return existsSync(p) && statSync(p).isFile() ? readFileSync(p, 'latin1') : undefined;
};
const PRESENT = new Set([
  'vmlinuz',
  'initrd.img',
  'menu.c32',
  'vesamenu.c32',
  'boot-screens/vesamenu.c32',
  'boot-screens/prompt.cfg',
  'installer/linux',
  'installer/initrd.gz',
]);
const exists = (name: string) => PRESENT.has(name) || existsSync(join(dir, name));
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.cfg'));

/** The model without defaults, for readable snapshots. */
function summary(m: ConfigModel) {
  const g = Object.fromEntries(
    Object.entries(m.globals).filter(
      ([, v]) =>
        v !== null &&
        v !== false &&
        !(Array.isArray(v) && v.length === 0) &&
        !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0),
    ),
  );
  return {
    globals: g,
    startMenu: m.startMenu,
    menus: m.menus.map((x) => ({
      tag: x.tag,
      title: x.title,
      parent: x.parent,
      entries: x.entries,
      defaultEntry: x.defaultEntry,
      timeout: x.timeout,
      ...(x.ontimeout !== null ? { ontimeout: x.ontimeout } : {}),
      ...(x.masterPasswd !== null ? { masterPasswd: x.masterPasswd } : {}),
      ...(Object.keys(x.colors).length > 0 ? { colors: Object.keys(x.colors) } : {}),
      fkeys: x.fkeys.flatMap((f, i) => (f ? [`F${i + 1}=${f.file}`] : [])),
    })),
    entries: m.entries.map((e) =>
      Object.fromEntries(
        Object.entries({ ...e, source: `${e.source.file}:${e.source.line}` }).filter(
          ([k, v]) =>
            v !== null && v !== false && !(k === 'ipappend' && v === 0) && !(k === 'indent' && v === 0),
        ),
      ),
    ),
    includes: m.includes.map(
      (i) => `${i.from.file}:${i.from.line} ${i.target} ${i.status}${i.tag ? ` [${i.tag}]` : ''}`,
    ),
  };
}

describe('fixtures', () => {
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(15));
  for (const name of fixtures) {
    describe(name, () => {
      const bytes = read(name);
      const doc = parseBytes(bytes);
      it('round-trips byte for byte', () => {
        expect(Buffer.from(formatBytes(doc)).equals(bytes)).toBe(true);
      });
      it('matches its golden model, findings and boot resolution', () => {
        const lines = doc.lines.map(
          (l) =>
            `${l.line}${l.segment ? `.${l.segment}` : ''} ${l.kind}${l.keyword ? ` ${l.keyword}` : ''}${l.kind === 'directive' ? ` = ${JSON.stringify(lineValue(l))}` : ''}`,
        );
        const core = summary(buildModel(doc, { reader: 'core', include, file: name }));
        const menu = summary(buildModel(doc, { reader: 'menu', include, file: name }));
        const findings = lint(doc, { include, exists, file: name }).map(
          (f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.code}: ${f.message}`,
        );
        const boot = resolveBoot(doc, {
          include,
          exists,
          file: name,
          facts: {
            mac: '52:54:00:12:34:56',
            ip: '10.99.0.10',
            serverIp: '10.99.0.1',
            netmask: '255.255.255.0',
          },
        });
        expect({ lines, core, menu, findings, boot }).toMatchSnapshot();
      });
    });
  }
});

const codes = (name: string) =>
  new Set(lint(parseBytes(read(name)), { include, exists, file: name }).map((f) => f.code));
const expectCodes = (name: string, want: LintCode[]) => {
  const got = codes(name);
  for (const c of want) expect(got, `${name} should report ${c}`).toContain(c);
};

describe('each fixture shows its quirk', () => {
  it('crlf: CRLF kept, text after a stray CR reported and ignored', () => {
    const doc = parseBytes(read('crlf.cfg'));
    expect(doc.lines.every((l) => l.eol === '\r\n')).toBe(true);
    expect(buildModel(doc).entries[0]?.append).toBe('initrd=initrd.img quiet');
    expectCodes('crlf.cfg', ['PXELINUX_CR_IN_LINE']);
  });
  it('hash-not-comment: # reaches the kernel and the menu', () => {
    const m = buildModel(parseBytes(read('hash-not-comment.cfg')), { reader: 'menu' });
    expect(m.entries[0]).toMatchObject({
      append: 'root=/dev/sda1 ro # debug',
      displayName: 'Linux # the part after # is shown in the menu',
    });
    expectCodes('hash-not-comment.cfg', ['PXELINUX_HASH_IN_VALUE']);
  });
  it('text-help: verbatim bodies, blocks concatenate, a missing ENDTEXT swallows the rest', () => {
    const m = buildModel(parseBytes(read('text-help.cfg')), { reader: 'menu' });
    expect(m.entries.map((e) => e.label)).toEqual(['first', 'second']);
    expect(m.entries[0]?.helpText).toBe(
      '\tHelp comes before the MENU LABEL here.\n\n\t  Blank lines and odd indentation are kept verbatim.\nA second block is appended to the first.\n',
    );
    expectCodes('text-help.cfg', ['PXELINUX_TEXT_UNTERMINATED', 'PXELINUX_LABEL_ONLY_DIRECTIVE']);
  });
  it('default-missing-label: DEFAULT nil with UI is an error, the menu starts on its first entry', () => {
    expectCodes('default-missing-label.cfg', [
      'PXELINUX_DEFAULT_MISSING_LABEL',
      'PXELINUX_ONTIMEOUT_MISSING_LABEL',
    ]);
    const r = resolveBoot(parseBytes(read('default-missing-label.cfg')));
    expect(r).toMatchObject({ chosenBy: 'menu', command: 'nil', kernel: 'nil' });
  });
  it('ipxe-kernel: iPXE script on a KERNEL line is kept verbatim as arguments', () => {
    const e = buildModel(parseBytes(read('ipxe-kernel.cfg'))).entries[0];
    expect(e?.kernel).toMatch(
      /^ipxe\.krn dhcp && chain http:\/\/\$\{next-server\}\/boot\/menu\.php\?mac=\$\{net0\/mac\}&arch=\$\{buildarch\}$/,
    );
    expect(codes('ipxe-kernel.cfg').has('PXELINUX_TEMPLATE_PLACEHOLDER')).toBe(false);
  });
  it('fkeys-path-include: F0..F12, F13 ignored, tagged includes become submenus only for menu.c32', () => {
    const doc = parseBytes(read('fkeys-path-include.cfg'));
    const core = buildModel(doc, { include });
    const menu = buildModel(doc, { include, reader: 'menu' });
    expect(core.globals.path).toEqual(['boot/modules/', 'boot/more/']);
    expect(menu.menus.map((m) => m.tag)).toEqual([
      '.top',
      '.hidden',
      'Extra entries',
      'More entries',
      'tools',
      'deep',
    ]);
    expect(core.menus.map((m) => m.tag)).toEqual(['.top', '.hidden', 'More entries', 'tools', 'deep']);
    expect(menu.entries.find((e) => e.label === 'top')).toMatchObject({ action: 'goto', target: 0 });
    expectCodes('fkeys-path-include.cfg', [
      'PXELINUX_UNKNOWN_KEYWORD',
      'PXELINUX_MENU_UNBALANCED',
      'PXELINUX_DUPLICATE_LABEL',
    ]);
  });
  it('templates: every engine is flagged, runtime $-brace variables are not', () => {
    const f = lint(parseBytes(read('templates.cfg')));
    const lines = f.filter((x) => x.code === 'PXELINUX_TEMPLATE_PLACEHOLDER').map((x) => x.line);
    expect(lines).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
  it('lowercase-iso: atoi("count 5") is 0, LOCALBOOT 0xffff is an ISOLINUX value', () => {
    const m = buildModel(parseBytes(read('lowercase-iso.cfg')), { reader: 'menu' });
    expect(m.entries.find((e) => e.label === 'basic')?.indent).toBe(0);
    expectCodes('lowercase-iso.cfg', [
      'PXELINUX_NOT_A_NUMBER',
      'PXELINUX_LOCALBOOT_VALUE',
      'PXELINUX_BAD_COLOR',
    ]);
    expect(codes('lowercase-iso.cfg').has('PXELINUX_HASH_IN_VALUE')).toBe(false);
  });
  it('serial-archlike: SERIAL first, INITRD list, SYSAPPEND 3 expands ip= and BOOTIF=', () => {
    const r = resolveBoot(parseBytes(read('serial-archlike.cfg')), {
      facts: { mac: '52:54:00:12:34:56', ip: '10.99.0.10', serverIp: '10.99.0.1' },
    });
    expect(r.initrd).toEqual([
      '::/live/boot/intel-ucode.img',
      '::/live/boot/amd-ucode.img',
      '::/live/boot/x86_64/initramfs.img',
    ]);
    expect(r.cmdline).toMatch(
      / ip=10\.99\.0\.10:10\.99\.0\.1:0\.0\.0\.0:0\.0\.0\.0 BOOTIF=01-52-54-00-12-34-56$/,
    );
    expect(codes('serial-archlike.cfg').has('PXELINUX_SERIAL_NOT_FIRST')).toBe(false);
  });
  it('foreman-like: DEFAULT menu without UI, ONTIMEOUT label, empty KERNEL', () => {
    const r = resolveBoot(parseBytes(read('foreman-like.cfg')));
    expect(r).toMatchObject({
      chosenBy: 'menu',
      label: 'local',
      imageType: 'localboot',
      kernel: '0',
      timeout: 100,
    });
    const e = buildModel(parseBytes(read('foreman-like.cfg'))).entries.find((x) => x.label === 'installer');
    expect(e).toMatchObject({ kernel: '', explicitKernel: true, ipappend: 2 });
    expectCodes('foreman-like.cfg', ['PXELINUX_LOCALBOOT_VALUE']);
  });
  it('mistakes: every silent failure is reported', () => {
    expectCodes('mistakes.cfg', [
      'PXELINUX_KEYWORD_GLUED',
      'PXELINUX_UNKNOWN_KEYWORD',
      'PXELINUX_UNKNOWN_MENU_SUBCOMMAND',
      'PXELINUX_NOHALT_QUIRK',
      'PXELINUX_LABEL_ONLY_DIRECTIVE',
      'PXELINUX_TRAILING_BLANK',
      'PXELINUX_LABEL_NAME_BLANKS',
      'PXELINUX_UPPERCASE_EXTENSION',
      'PXELINUX_DEAD_KERNEL_TYPE',
      'PXELINUX_DUPLICATE_LABEL',
      'PXELINUX_MULTIPLE_MENU_DEFAULT',
      'PXELINUX_HOTKEY_CLASH',
      'PXELINUX_LABEL_NO_KERNEL',
      'PXELINUX_MENU_SAVE_IGNORED',
      'PXELINUX_EXIT_OUTSIDE_SUBMENU',
      'PXELINUX_MENU_UNBALANCED',
      'PXELINUX_GOTO_UNKNOWN_TAG',
    ]);
  });
  it('mboot: mboot.c32 is COM32, bare mboot is a Linux kernel name', () => {
    const r = resolveBoot(parseBytes(read('mboot.cfg')));
    expect(r).toMatchObject({
      kernel: 'mboot.c32',
      imageType: 'com32',
      args: 'xen.gz dom0_mem=1024M --- vmlinuz console=hvc0 --- initrd.img',
    });
  });
  it('hidden-menu: hidden entries, hidden keys, passwords, MENU START with DEFAULT', () => {
    const m = buildModel(parseBytes(read('hidden-menu.cfg')), { reader: 'menu' });
    expect(m.globals).toMatchObject({
      hiddenMenu: true,
      shiftKey: true,
      hiddenKeys: { Tab: 'vmlinuz rescue', Enter: 'vmlinuz rescue' },
    });
    expect(m.menus[1]?.entries.map((i) => m.entries[i]?.label)).toEqual(['rescue']);
    expect(m.startMenu).toBe(2);
    expect(m.menus[0]?.ontimeout).toBe('vmlinuz quiet extra=1');
  });
  it('netboot-default: the d-i shape resolves to the installer on the menu', () => {
    const r = resolveBoot(parseBytes(read('netboot-default.cfg')), { include, exists });
    expect(r).toMatchObject({
      chosenBy: 'menu',
      outcome: 'wait',
      label: 'install',
      kernel: 'installer/linux',
      initrd: ['installer/initrd.gz'],
    });
    expect(
      lint(parseBytes(read('netboot-default.cfg')), { include, exists }).filter(
        (f) => f.severity === 'error',
      ),
    ).toEqual([]);
  });
  it('no-final-newline: the last line has no terminator and still counts', () => {
    const doc = parseBytes(read('no-final-newline.cfg'));
    expect(doc.lines.at(-1)?.eol).toBe('');
    expect(resolveBoot(doc)).toMatchObject({ imageType: 'localboot', kernel: '-1' });
  });
});

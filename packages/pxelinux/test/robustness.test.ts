import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { buildModel, configFileCandidates, lint, parse, resolveBoot } from '../src/index.js';

/** Lines made of real keywords and junk, so that every code path of the model is reached. */
const line = fc.oneof(
  fc.constantFrom(
    'LABEL a',
    'LABEL b c',
    'label a',
    'KERNEL k.c32',
    'LINUX vmlinuz',
    'COM32 menu',
    'LOCALBOOT -1',
    'CONFIG other.cfg',
    'APPEND -',
    'APPEND x initrd=i',
    'INITRD a,b',
    'IPAPPEND 3',
    'SYSAPPEND 0x7',
    'DEFAULT a',
    'DEFAULT menu',
    'UI menu.c32',
    'UI hdt.c32',
    'PROMPT 1',
    'TIMEOUT 10',
    'ONTIMEOUT b',
    'IMPLICIT 0',
    'ALLOWOPTIONS 0',
    'INCLUDE self.cfg',
    'INCLUDE other.cfg tag',
    'MENU INCLUDE self.cfg t',
    'MENU BEGIN x',
    'MENU BEGIN',
    'MENU END',
    'MENU GOTO x',
    'MENU GOTO .top',
    'MENU EXIT',
    'MENU EXIT x',
    'MENU QUIT',
    'MENU HELP f.txt bg',
    'MENU LABEL ^A',
    'MENU TITLE T',
    'MENU DEFAULT',
    'MENU HIDE',
    'MENU DISABLE',
    'MENU SEPARATOR',
    'MENU START',
    'MENU PASSWD p',
    'MENU INDENT 3',
    'MENU COLOR sel 1 #fff #000 all',
    'MENU HIDDENKEY Tab,^X a',
    'MENU RESOLUTION 640 480',
    'TEXT HELP',
    'ENDTEXT',
    'F1 f.txt',
    'SERIAL 0 115200 0xab03',
    'SAY hi',
    'PATH a:b',
    'NOHALT  1',
    '#c',
    '',
  ),
  fc.string({ maxLength: 20 }),
);
const config = fc.array(line, { maxLength: 30 }).map((ls) => ls.join('\n'));

test.prop([config, config, config], { numRuns: 300 })(
  'model, lint and boot resolution never throw and always terminate, includes and all',
  (main, self, other) => {
    const files: Record<string, string> = { 'self.cfg': self, 'other.cfg': other };
    const include = (n: string) => files[n];
    const doc = parse(main);
    for (const reader of ['core', 'menu'] as const) {
      const m = buildModel(doc, { reader, include, file: 'self.cfg' });
      // Every entry belongs to a menu that lists it.
      for (const e of m.entries) expect(m.menus[e.menu]?.entries).toContain(e.index);
    }
    expect(Array.isArray(lint(doc, { include, exists: (n) => n.length % 2 === 0 }))).toBe(true);
    const r = resolveBoot(doc, { include, facts: { mac: '52:54:00:00:00:01', ip: '10.0.0.1' } });
    expect(['boot', 'wait', 'none', 'ui', 'error']).toContain(r.outcome);
  },
);

test.prop([
  fc.record(
    {
      mac: fc
        .uint8Array({ minLength: 6, maxLength: 6 })
        .map((b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':')),
      ip: fc.ipV4(),
      uuid: fc.uuid(),
      option209: fc.stringMatching(/^[a-z0-9/._-]{1,20}$/),
      bootFile: fc.stringMatching(/^[a-z0-9/._-]{0,30}$/),
    },
    { requiredKeys: [] },
  ),
])('configFileCandidates always ends with default and has at most 12 names', (facts) => {
  const c = configFileCandidates(facts);
  expect(c.at(-1)?.endsWith('pxelinux.cfg/default')).toBe(true);
  expect(c.length).toBeLessThanOrEqual(12);
  if (facts.ip !== undefined)
    expect(c.filter((n) => /pxelinux\.cfg\/[0-9A-F]{1,8}$/.test(n))).toHaveLength(8);
});

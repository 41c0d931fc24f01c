import { describe, expect, it } from 'vitest';
import { effectiveCommand, interpretKickstart, parseKickstart } from '../src/index.js';

const model = (text: string, version = 'F45') => interpretKickstart(parseKickstart(text), { version });

describe('semantic model', () => {
  it('keeps every occurrence and marks overridden singletons (aliases share one object)', () => {
    const m = model(
      'graphical\nlang a\ntext --non-interactive\nlang b\nnetwork --device=a\nnetwork --device=b\n',
    );
    expect(m.commands.map((c) => [c.name, c.overridden])).toEqual([
      ['graphical', true],
      ['lang', true],
      ['text', false],
      ['lang', false],
      ['network', false],
      ['network', false],
    ]);
    expect(effectiveCommand(m, 'cmdline')?.name).toBe('text');
    expect(effectiveCommand(m, 'lang')?.args).toEqual(['b']);
  });

  it('canonicalises options: abbreviations, aliases, old spellings, lists and repeatable options', () => {
    const m = model(
      'timezone UTC --isUtc\nfirewall --enable --trust=eth0 --trust=eth1 --service=ssh,http\nnetwork --boot dhcp --device eth0\n',
      'RHEL7',
    );
    // Deprecated options are ignored (pykickstart warns): --isUtc no longer sets --utc from F40.
    expect(model('timezone UTC --isUtc\n', 'RHEL9').commands[0]?.options).toEqual({ '--utc': true });
    expect(model('timezone UTC --isUtc\n', 'F40').commands[0]?.options).toEqual({});
    expect(m.commands.map((c) => c.options)).toEqual([
      { '--utc': true },
      { '--enabled': true, '--trust': ['eth0', 'eth1'], '--service': ['ssh', 'http'] },
      { '--bootproto': 'dhcp', '--device': 'eth0' },
    ]);
  });

  it('leaves out lines pykickstart does not act on, and flags deprecated ones', () => {
    const m = model('install\nauth --enableshadow\nFOO\nrootpw "x\nlang x\n', 'RHEL8');
    expect(m.commands.map((c) => [c.name, c.deprecated])).toEqual([
      ['install', true],
      ['auth', false], // warns on RHEL 8, still applied
      ['lang', false],
    ]);
    expect(model('install\nlang x\n', 'RHEL9').commands.map((c) => c.name)).toEqual(['lang']);
  });

  it('merges %packages lines in file order with pykickstart semantics (checked against pykickstart 3.74)', () => {
    const m = model(
      '%packages --excludedocs\n@^a\n@core\n@core --optional\nvim\n-@dialup\n@dialup\n%end\n%packages\n@^b\n-@^b\n-vim\nvim\n@x:1/p\n%end\n',
    );
    expect(m.packages).toEqual({
      options: { '--excludedocs': true },
      environment: null,
      groups: [
        { name: 'core', include: 'default' },
        { name: 'dialup', include: 'default' },
      ],
      modules: [{ name: 'x', stream: '1', profile: 'p' }],
      packages: ['vim'], // -vim then vim: the later line wins
      excludedPackages: [],
      excludedGroups: ['dialup'],
    });
    expect(model('lang x\n').packages).toBeNull();
    // -@^env that is not the current environment is kept as an excluded group named ^env.
    expect(model('%packages\n@^a\n-@^b\n%end\n').packages).toMatchObject({
      environment: 'a',
      excludedGroups: ['^b'],
    });
  });

  it('reads scripts: defaults, --log alias, exact body, empty scripts dropped', () => {
    const m = model('%pre\n%end\n%post --log=/root/ks.log --nochroot\r\necho a\r\n  echo b\r\n%end\r\n');
    expect(m.scripts).toEqual([
      {
        type: '%post',
        line: 3,
        interpreter: '/bin/sh',
        logfile: '/root/ks.log',
        errorOnFail: false,
        nochroot: true,
        body: 'echo a\r\n  echo b\r\n',
      },
    ]);
  });

  it('keeps %addon, %anaconda and unknown sections opaque', () => {
    const m = model(
      '%addon com_redhat_kdump --enable --reserve-mb=auto\n%end\n%anaconda\npwpolicy root --minlen=6\n%end\n',
    );
    expect(m.sections).toEqual([
      { type: '%addon', line: 1, args: ['com_redhat_kdump', '--enable', '--reserve-mb=auto'], body: '' },
      { type: '%anaconda', line: 3, args: [], body: 'pwpolicy root --minlen=6\n' },
    ]);
  });

  it('takes the version from #version= when the caller gives none', () => {
    expect(interpretKickstart(parseKickstart('#version=RHEL7\ninstall\n')).commands[0]?.deprecated).toBe(
      false,
    );
  });
});

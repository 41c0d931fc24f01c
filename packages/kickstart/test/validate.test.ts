import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Finding, parseKickstart, type ValidateOptions, validateKickstart } from '../src/index.js';

const check = (text: string, options: ValidateOptions = {}): Finding[] => [
  ...validateKickstart(parseKickstart(text), options).findings,
];
const codes = (text: string, options: ValidateOptions = {}): string[] =>
  check(text, options).map((f) => f.code);

describe('target version', () => {
  it('uses the caller version over #version=, and #version= over the DEVEL default', () => {
    const doc = parseKickstart('#version=RHEL7\ninstall\n');
    expect(validateKickstart(doc).version.name).toBe('RHEL7');
    expect(validateKickstart(doc).versionSource).toBe('file');
    expect(validateKickstart(doc, { version: 'RHEL9' }).versionSource).toBe('caller');
    expect(codes('#version=RHEL7\ninstall\n')).toEqual([]);
    expect(codes('#version=RHEL7\ninstall\n', { version: 'RHEL9' })).toEqual(['KS_COMMAND_REMOVED']);
    expect(validateKickstart(parseKickstart('lang x\n')).version.name).toBe('F45');
  });

  it('warns about a version it does not support and falls back to DEVEL', () => {
    expect(codes('#version=RHEL4\nlang x\n')).toEqual(['KS_UNKNOWN_VERSION']);
    expect(codes('lang x\n', { version: 'Windows' })).toEqual(['KS_UNKNOWN_VERSION']);
  });
});

describe('findings carry line, column, severity and code', () => {
  it('points at the offending word', () => {
    const [f] = check('lang en_US\nnetwork  --bootproto=magic\n');
    expect(f).toEqual({
      code: 'KS_INVALID_CHOICE',
      severity: 'error',
      message: 'network --bootproto must be one of dhcp, bootp, static, query, ibft, got "magic"',
      line: 2,
      column: 10,
      endColumn: 27,
    });
  });

  it('reports every finding, not the first', () => {
    expect(codes('FOO\nBAR\nrootpw\n')).toEqual([
      'KS_UNKNOWN_COMMAND',
      'KS_UNKNOWN_COMMAND',
      'KS_MISSING_ARGUMENT',
    ]);
  });

  it('puts the file name on findings when given', () => {
    expect(check('FOO\n', { file: 'a.ks' })[0]?.file).toBe('a.ks');
  });
});

describe('commands', () => {
  it('reports deprecated (warning), removed (error) and not-yet-added (error) commands', () => {
    expect(check('install\n', { version: 'RHEL8' })[0]).toMatchObject({
      code: 'KS_COMMAND_DEPRECATED',
      severity: 'warning',
    });
    expect(check('install\n', { version: 'RHEL9' })[0]).toMatchObject({
      code: 'KS_COMMAND_REMOVED',
      severity: 'error',
    });
    expect(check('timesource --ntp-pool=x\n', { version: 'RHEL8' })[0]?.message).toContain('added in RHEL9');
    expect(check('rhsm --organization=x\n', { version: 'F45' })[0]?.message).toContain(
      'does not exist on Fedora',
    );
  });

  it('treats command names as case-sensitive', () => {
    expect(check('Lang en_US\n')[0]?.message).toContain('did you mean lang?');
  });

  it('accepts unique prefixes and both value forms, rejects ambiguous prefixes', () => {
    expect(codes('network --boot dhcp --device=eth0\n')).toEqual(['KS_OPTION_ABBREVIATED']);
    expect(codes('part / --size=1 --on=sda\n')).toEqual(['KS_AMBIGUOUS_OPTION']);
    // argparse counts spellings: two aliases of one option still make a prefix ambiguous.
    expect(codes('firewall --enab\n')).toEqual(['KS_AMBIGUOUS_OPTION']);
    expect(codes('firewall --enable\n')).toEqual([]);
  });

  it('follows argparse for values that start with "-"', () => {
    expect(codes('part / --size=1 --mkfsoptions "-m bigtime=0"\n')).toEqual([]);
    expect(codes('part / --size=1 --mkfsoptions -m\n')).toEqual([
      'KS_OPTION_MISSING_VALUE',
      'KS_UNKNOWN_OPTION',
    ]);
    expect(codes('part / --size -1\n')).toEqual([]);
    expect(codes('rootpw --plaintext -- -secret\n')).toEqual([]);
  });

  it('checks types: int, ksboolean, choices', () => {
    expect(codes('part / --size=1_000\n')).toEqual([]);
    expect(codes('part / --size=10G\n')).toEqual(['KS_INVALID_INT']);
    expect(codes('network --onboot=YES --device=x\n')).toEqual([]);
    expect(codes('network --onboot=sometimes --device=x\n')).toEqual(['KS_INVALID_BOOLEAN']);
    expect(codes('autopart --type=LVM\n')).toEqual([]);
    expect(codes('autopart --type=btrfs\n', { version: 'RHEL9' })).toEqual(['KS_INVALID_CHOICE']);
  });

  it('flags given a value, options missing a value, unknown and removed options', () => {
    expect(codes('skipx --x\n')).toEqual(['KS_UNKNOWN_OPTION']);
    expect(codes('selinux --enforcing=1\n')).toEqual(['KS_OPTION_UNEXPECTED_VALUE']);
    expect(codes('lang en_US --addsupport\n')).toEqual(['KS_OPTION_MISSING_VALUE']);
    expect(codes('timezone UTC --isUtc\n', { version: 'RHEL9' })).toEqual(['KS_OPTION_DEPRECATED']);
    expect(codes('timezone UTC --isUtc\n', { version: 'RHEL10' })).toEqual(['KS_OPTION_REMOVED']);
  });

  it('checks positional arity, required options and exclusive options', () => {
    expect(codes('lang\n')).toEqual(['KS_MISSING_ARGUMENT']);
    expect(codes('lang a b\n')).toEqual(['KS_UNEXPECTED_ARGUMENTS']);
    expect(codes('rootpw --lock\n')).toEqual([]);
    expect(codes('rootpw --iscrypted --plaintext x\n')).toEqual(['KS_CONFLICTING_OPTIONS']);
    expect(codes('user --password=x\n')).toEqual(['KS_MISSING_REQUIRED_OPTION']);
    expect(codes('url --proxy=http://p\n')).toEqual(['KS_MISSING_REQUIRED_OPTION']);
    expect(codes('timezone\n')).toEqual(['KS_MISSING_REQUIRED_OPTION']);
    expect(codes('timezone --utc\n')).toEqual([]);
    expect(codes('volgroup vg0 --useexisting\n')).toEqual([]);
    expect(codes('volgroup vg0 --useexisting pv.01\n')).toEqual(['KS_UNEXPECTED_ARGUMENTS']);
    expect(codes('volgroup vg0 --noformat pv.01\n')).toEqual(['KS_UNEXPECTED_ARGUMENTS']);
    expect(codes('btrfs / --useexisting\n')).toEqual(['KS_MISSING_ARGUMENT']);
    expect(codes('btrfs /home --subvol --name=home LABEL=x\n')).toEqual([]);
    expect(codes('timezone UTC --nontp --ntpservers=a\n', { version: 'RHEL8' })).toEqual([
      'KS_CONFLICTING_OPTIONS',
    ]);
    expect(codes('zerombr yes\n', { version: 'RHEL7' })).toEqual(['KS_UNEXPECTED_ARGUMENTS']);
    expect(codes('network --bootproto=dhcp\nnetwork --hostname=x\n')).toEqual(['KS_DUPLICATE_DEFINITION']);
    expect(codes('ostreesetup --osname=a --ref=b --url=ftp://x\n')).toEqual(['KS_INVALID_URL']);
  });

  it('warns when a singleton is repeated (last wins) and when multi entries collide', () => {
    expect(check('lang a\nlang b\n')[0]).toMatchObject({
      code: 'KS_DUPLICATE_COMMAND',
      line: 2,
      severity: 'warning',
    });
    expect(codes('text\ngraphical\n')).toEqual(['KS_DUPLICATE_COMMAND']);
    expect(codes('network --device=eth0\nnetwork --device=eth1\n')).toEqual([]);
    expect(codes('network --device=eth0\nnetwork --device=eth0\n')).toEqual(['KS_DUPLICATE_DEFINITION']);
    expect(codes('part swap --size=1\npart swap --size=1\n')).toEqual([]);
    expect(codes('user --name=a\nuser --name=a\n')).toEqual(['KS_DUPLICATE_DEFINITION']);
  });

  it('reports conflicting commands and more than one install source', () => {
    expect(codes('autopart\npart / --size=1\n')).toEqual(['KS_CONFLICTING_COMMANDS']);
    expect(codes('reqpart\nautopart\n')).toEqual([]);
    expect(codes('cdrom\nurl --url=http://x\n')).toEqual(['KS_MULTIPLE_SOURCES']);
    expect(codes('url --url=http://a\nurl --url=http://b\n')).toEqual(['KS_DUPLICATE_COMMAND']);
  });

  it('reports shlex failures like pykickstart\'s "General error", and line continuation', () => {
    expect(check('rootpw "abc\n')[0]).toMatchObject({ code: 'KS_UNCLOSED_QUOTE', column: 8 });
    expect(codes('part / --size=1 \\\n--grow\n')).toEqual(['KS_LINE_CONTINUATION', 'KS_UNKNOWN_COMMAND']);
  });

  it('reports a byte order mark the way pykickstart sees it (part of the first word)', () => {
    expect(codes('\ufeff#version=RHEL9\nlang x\n')).toEqual(['KS_BOM']);
    expect(codes('\ufefflang x\n')).toEqual(['KS_BOM']);
  });

  it('notes an option given twice on one line (the last value wins)', () => {
    expect(check('network --device=eth0 --device=eth1\n')[0]).toMatchObject({
      code: 'KS_OPTION_REPEATED',
      severity: 'info',
      line: 1,
      column: 23,
    });
  });

  it('follows pykickstart on options that set the same value (last wins) versus real conflicts', () => {
    expect(check('selinux --enforcing --disabled\n')[0]).toMatchObject({
      code: 'KS_CONFLICTING_OPTIONS',
      severity: 'warning',
    });
    expect(check('rescue --nomount --romount\n')[0]).toMatchObject({
      code: 'KS_CONFLICTING_OPTIONS',
      severity: 'error',
    });
    expect(check('repo --name=a\n')[0]).toMatchObject({
      code: 'KS_MISSING_REQUIRED_OPTION',
      severity: 'warning',
    });
    expect(codes('services --enabled=\n')).toEqual(['KS_MISSING_REQUIRED_OPTION', 'KS_EMPTY_OPTION_VALUE']);
    expect(codes('logging --port=514\n')).toEqual(['KS_MISSING_REQUIRED_OPTION']);
    expect(codes('updates\n', { version: 'RHEL8' })).toEqual([]);
    expect(codes('updates\n', { version: 'RHEL9' })).toEqual(['KS_MISSING_ARGUMENT']);
    expect(codes('nvdimm frobnicate\n', { version: 'RHEL9' })).toEqual(['KS_INVALID_CHOICE']);
    expect(codes('zfcp --devnum=0.0.4000 --wwpn=0x5005\n')).toEqual(['KS_MISSING_REQUIRED_OPTION']);
    expect(codes('cmdline --non-interactive\n')).toEqual(['KS_UNKNOWN_OPTION']);
    expect(codes("rootpw ''\n")).toEqual(['KS_MISSING_ARGUMENT']);
    expect(codes('driverdisk\n')).toEqual(['KS_MISSING_REQUIRED_OPTION']);
    expect(codes('driverdisk sdb1\n')).toEqual([]);
    expect(codes('sshkey --username "" "ssh-ed25519 AAAA"\n')).toEqual([]); // argparse required: presence only
    expect(codes('rhsm --organization=o\n', { version: 'RHEL9' })).toEqual(['KS_MISSING_REQUIRED_OPTION']);
    expect(codes('mount /dev/sda1 boot\n')).toEqual(['KS_INVALID_CHOICE']);
    expect(codes('mount /dev/sda1 none\n')).toEqual([]);
    expect(codes('rootpw foo#bar\n')).toEqual(['KS_COMMENT_IN_WORD']);
    expect(codes('driverdisk sdb1 --source=nfs:host:/dd.img\n')).toEqual(['KS_CONFLICTING_OPTIONS']);
    expect(codes('btrfs / --data=RAID1 --metadata=single btrfs.01 btrfs.02\n')).toEqual([]);
    expect(codes('btrfs / --data=raid5 btrfs.01 btrfs.02\n')).toEqual(['KS_INVALID_CHOICE']);
  });

  it('reports the blank-after-equals mistake of copied guides', () => {
    expect(codes('url --url= "http://x/os"\n')).toEqual([
      'KS_MISSING_REQUIRED_OPTION', // an empty --url does not count (pykickstart: `if not ns.url`)
      'KS_EMPTY_OPTION_VALUE',
      'KS_UNEXPECTED_ARGUMENTS',
    ]);
  });

  it('warns about authconfig syntax given to authselect', () => {
    expect(codes('authselect --useshadow --passalgo=sha512\n')).toEqual(['KS_AUTHSELECT_SYNTAX']);
    expect(codes('authselect select sssd with-mkhomedir\n')).toEqual([]);
  });
});

it('recognises files of other installers once', () => {
  expect(
    codes(
      'vmaccepteula\ninstall --firstdisk --overwritevmfs\n%firstboot --interpreter=busybox\necho\n%end\n',
    ),
  ).toEqual(['KS_FOREIGN_DIALECT', 'KS_UNKNOWN_COMMAND', 'KS_COMMAND_REMOVED', 'KS_UNKNOWN_SECTION']);
  expect(codes('d-i debian-installer/locale string en_US\n')).toEqual([
    'KS_FOREIGN_DIALECT',
    'KS_UNKNOWN_COMMAND',
  ]);
});

describe('template mode', () => {
  it('accepts placeholders as values and whole lines only when asked', () => {
    const text = '@KSINCLUDE@\niscsi --ipaddr=@ADDR@ --port=@PORT@\nnetwork --ip={{ ip }} --device=x\n';
    expect(codes(text)).toEqual(['KS_UNKNOWN_COMMAND', 'KS_INVALID_INT', 'KS_UNEXPECTED_ARGUMENTS']);
    expect(check(text, { templates: true }).map((f) => `${f.severity} ${f.code}`)).toEqual([
      'info KS_TEMPLATE_LINE',
    ]);
  });
});

describe('sections', () => {
  it('requires %end and reports stray %end, unknown and case-mismatched tags', () => {
    expect(codes('%post\necho\n')).toEqual(['KS_MISSING_END']);
    expect(codes('%post\necho\n%pre\necho\n%end\n')).toEqual(['KS_MISSING_END']);
    expect(codes('%end\n')).toEqual(['KS_STRAY_END']);
    expect(check('%Post\necho\n%end\n')[0]?.message).toContain('did you mean %post?');
  });

  it('checks section header options', () => {
    expect(codes('%post --nochroot --log=/x --erroronfail --interpreter=/bin/bash\necho\n%end\n')).toEqual(
      [],
    );
    expect(codes('%pre --nochroot\necho\n%end\n')).toEqual(['KS_UNKNOWN_OPTION']);
    expect(codes('%packages --nobase --default\n%end\n', { version: 'RHEL6' })).toEqual([
      'KS_CONFLICTING_OPTIONS',
    ]);
    expect(codes('%packages --ignorebroken\n%end\n', { version: 'RHEL9' })).toEqual([
      'KS_OPTION_UNAVAILABLE',
    ]);
    expect(codes('%addon com_redhat_kdump --enable --reserve-mb=auto\n%end\n')).toEqual([]);
    expect(codes('%addon\n%end\n')).toEqual(['KS_MISSING_ARGUMENT']);
  });

  it('reports empty scripts (dropped), CRLF scripts and %traceback deprecation', () => {
    expect(check('%post\n\n%end\n')[0]).toMatchObject({ code: 'KS_EMPTY_SECTION', severity: 'info' });
    expect(codes('%post\r\necho\r\n%end\r\n')).toEqual(['KS_SCRIPT_CRLF']);
    expect(codes('%traceback\necho\n%end\n', { version: 'RHEL9' })).toEqual(['KS_SECTION_DEPRECATED']);
    expect(codes('%pre-install\necho\n%end\n', { version: 'RHEL6' })).toEqual(['KS_SECTION_UNAVAILABLE']);
    expect(codes('%pre-install\necho\n%end\n', { version: 'RHEL7' })).toEqual([]);
  });

  it('checks %certificate', () => {
    expect(codes('%certificate --filename=ca.pem --dir=/etc/pki\nPEM\n%end\n', { version: 'F45' })).toEqual(
      [],
    );
    expect(codes('%certificate --dir=/etc/pki\n%end\n', { version: 'F45' })).toEqual([
      'KS_MISSING_REQUIRED_OPTION',
      'KS_EMPTY_SECTION',
    ]);
  });

  it('checks %ksappend separators and %include targets', () => {
    expect(codes('%ksappend  a.ks\n')).toEqual(['KS_KSAPPEND_SEPARATOR']);
    expect(codes('%ksappend a.ks\n')).toEqual([]);
    expect(codes('%include\n')).toEqual(['KS_INCLUDE_MISSING_TARGET']);
  });

  it('checks %packages lines', () => {
    expect(codes('%packages\n@core --nodefaults --optional\n%end\n')).toEqual([
      'KS_PACKAGES_GROUP_OPTION_CONFLICT',
    ]);
    expect(codes('%packages\n@^a\n@^b\n%end\n')).toEqual(['KS_PACKAGES_MULTIPLE_ENVIRONMENTS']);
    expect(codes('%packages\n@nodejs:18\n%end\n', { version: 'RHEL7' })).toEqual([
      'KS_PACKAGES_MODULE_UNAVAILABLE',
    ]);
    expect(codes('%packages\n@core --nodef\n%end\n')).toEqual([]);
  });
});

it('never throws on arbitrary input', async () => {
  const fc = (await import('fast-check')).default;
  const { ksText } = await import('./arbitraries.js');
  fc.assert(
    fc.property(
      ksText,
      fc.constantFrom('RHEL6', 'RHEL7', 'RHEL8', 'RHEL9', 'RHEL10', 'F45'),
      (text, version) => {
        const r = validateKickstart(parseKickstart(text), { version, templates: true });
        for (const f of r.findings) {
          expect(f.line).toBeGreaterThanOrEqual(1);
          expect(f.column).toBeGreaterThanOrEqual(1);
          expect(f.code).toMatch(/^KS_[A-Z_]+$/);
        }
      },
    ),
    { numRuns: 500 },
  );
});

describe('a CentOS 6/7 PXE-guide kickstart (fixture in the shape of the seed guide)', () => {
  const text = readFileSync(join(import.meta.dirname, 'fixtures', 'centos-guide-style.cfg'), 'utf8');
  it.each(['RHEL6', 'RHEL7'])('reports only the copy-paste damage for %s', (version) => {
    const found = check(text, { version }).map((f) => `${f.line}:${f.column} ${f.code}`);
    expect(found).toEqual([
      '5:20 KS_EMPTY_OPTION_VALUE',
      '5:31 KS_UNEXPECTED_ARGUMENTS',
      '7:1 KS_MISSING_REQUIRED_OPTION',
      '7:5 KS_EMPTY_OPTION_VALUE',
      '7:12 KS_UNEXPECTED_ARGUMENTS',
      '17:18 KS_UNEXPECTED_ARGUMENTS',
      '19:12 KS_EMPTY_OPTION_VALUE',
      '19:22 KS_UNEXPECTED_ARGUMENTS',
      '19:68 KS_EMPTY_OPTION_VALUE',
      '22:14 KS_EMPTY_OPTION_VALUE',
      '22:24 KS_UNEXPECTED_ARGUMENTS',
    ]);
  });

  it('reports what a RHEL 9 install would reject on top', () => {
    const found = check(text, { version: 'RHEL9' }).map((f) => f.code);
    expect(found).toContain('KS_COMMAND_REMOVED'); // install
    expect(found).toContain('KS_COMMAND_DEPRECATED'); // auth
    expect(found).toContain('KS_OPTION_DEPRECATED'); // logging --level
  });
});

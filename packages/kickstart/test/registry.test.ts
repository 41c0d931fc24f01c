import { describe, expect, it } from 'vitest';
import {
  COMMANDS,
  getCommand,
  getSection,
  type KickstartVersion,
  lifeIn,
  listVersions,
  parseKickstart,
  parseVersion,
  SECTIONS,
  validateKickstart,
} from '../src/index.js';

const v = (name: string): KickstartVersion => parseVersion(name)!;
const cmdStatus = (name: string, version: string): string =>
  lifeIn(getCommand(name)!.life, v(version)).status;
const optStatus = (cmd: string, opt: string, version: string): string => {
  const spec =
    getCommand(cmd)?.options.find((o) => o.name === opt) ??
    getSection(cmd)?.options.find((o) => o.name === opt);
  return lifeIn(spec!.life, v(version)).status;
};

describe('versions', () => {
  it('parses the names pykickstart and #version= lines use', () => {
    expect(parseVersion('RHEL9')).toEqual({ family: 'rhel', major: 9, name: 'RHEL9' });
    expect(parseVersion('DEVEL')?.name).toBe('F45');
    expect(parseVersion('F38')?.name).toBe('F38');
    expect(parseVersion('FC14')?.name).toBe('F14');
    expect(parseVersion('Fedora 40')?.name).toBe('F40');
    expect(parseVersion('Red Hat Enterprise Linux 8.6')?.name).toBe('RHEL8');
    expect(parseVersion('RHEL5')).toBeNull();
    expect(parseVersion('RHEL11')).toBeNull();
    expect(parseVersion('nonsense')).toBeNull();
    expect(listVersions().map((x) => x.name)).toContain('RHEL10');
  });
});

describe('registry integrity', () => {
  it('has unique command and section names, and option names unique per command', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of [...COMMANDS, ...SECTIONS]) {
      const opts = c.options.flatMap((o) => [o.name, ...(o.aliases ?? [])]);
      expect(new Set(opts).size, c.name).toBe(opts.length);
      for (const o of c.options) {
        expect(o.name, `${c.name} ${o.name}`).toMatch(/^--[A-Za-z0-9-]+$/);
        if (o.kind === 'choice') expect(o.choices?.length, `${c.name} ${o.name}`).toBeGreaterThan(0);
        if (o.dest)
          expect(
            c.options.some((x) => x.name === o.dest),
            `${c.name} ${o.name} dest`,
          ).toBe(true);
      }
    }
  });

  it('only names existing options in required / requireOneOf / exclusive', () => {
    for (const c of COMMANDS) {
      const opts = new Set(c.options.flatMap((o) => [o.name, ...(o.aliases ?? [])]));
      for (const r of [...(c.required ?? []), ...(c.requireOneOf ?? []), ...(c.exclusive ?? []).flat()])
        expect(opts.has(r), `${c.name} ${r}`).toBe(true);
    }
  });

  it('keeps life tuples ordered (since <= deprecated <= removed)', () => {
    const all = [...COMMANDS, ...SECTIONS].flatMap((c) => [c.life, ...c.options.map((o) => o.life)]);
    for (const life of all) {
      for (const t of [life?.rhel, life?.fedora]) {
        if (!t) continue;
        const [since, dep, rem] = t;
        if (dep != null) expect(dep).toBeGreaterThanOrEqual(since);
        if (rem != null) expect(rem).toBeGreaterThanOrEqual(dep ?? since);
      }
    }
  });
});

describe('version facts from the research notes (pykickstart 3.74)', () => {
  it.each([
    ['install', 'RHEL7', 'ok'],
    ['install', 'RHEL8', 'deprecated'],
    ['install', 'RHEL9', 'removed'],
    ['install', 'F34', 'removed'],
    ['auth', 'RHEL7', 'ok'],
    ['auth', 'RHEL9', 'ok'], // warns "will be deprecated" but still applies (see below)
    ['auth', 'RHEL10', 'removed'],
    ['authconfig', 'F35', 'removed'],
    ['authselect', 'RHEL7', 'unavailable'],
    ['authselect', 'RHEL8', 'ok'],
    ['upgrade', 'RHEL7', 'deprecated'],
    ['interactive', 'RHEL6', 'ok'],
    ['key', 'RHEL6', 'ok'],
    ['key', 'RHEL7', 'removed'],
    ['unsupported_hardware', 'RHEL7', 'ok'],
    ['method', 'RHEL9', 'deprecated'],
    ['autostep', 'RHEL10', 'removed'],
    ['device', 'RHEL8', 'deprecated'],
    ['multipath', 'RHEL9', 'removed'],
    ['btrfs', 'RHEL8', 'deprecated'],
    ['btrfs', 'RHEL10', 'removed'],
    ['btrfs', 'F40', 'ok'],
    ['nvdimm', 'RHEL10', 'removed'],
    ['nvdimm', 'F40', 'deprecated'],
    ['module', 'RHEL10', 'deprecated'],
    ['module', 'F45', 'removed'],
    ['vnc', 'RHEL10', 'deprecated'],
    ['vnc', 'F45', 'removed'],
    ['rdp', 'RHEL10', 'ok'],
    ['rdp', 'RHEL9', 'unavailable'],
    ['bootc', 'F43', 'ok'],
    ['ostreecontainer', 'RHEL9', 'ok'],
    ['timesource', 'RHEL8', 'unavailable'],
    ['timesource', 'F33', 'ok'],
    ['rhsm', 'F45', 'unavailable'],
    ['syspurpose', 'RHEL9', 'ok'],
    ['sshkey', 'RHEL7', 'unavailable'],
    ['monitor', 'RHEL6', 'deprecated'],
  ])('%s in %s is %s', (name, version, status) => {
    expect(cmdStatus(name, version)).toBe(status);
  });

  it.each([
    ['timezone', '--isUtc', 'RHEL9', 'ok'],
    ['timezone', '--isUtc', 'F40', 'deprecated'],
    ['timezone', '--isUtc', 'RHEL10', 'removed'],
    ['timezone', '--nontp', 'RHEL10', 'removed'],
    ['timezone', '--ntpservers', 'RHEL10', 'removed'],
    ['%packages', '--instLangs', 'RHEL9', 'ok'],
    ['%packages', '--instLangs', 'F40', 'deprecated'],
    ['%packages', '--instLangs', 'RHEL10', 'removed'],
    ['%packages', '--inst-langs', 'RHEL9', 'ok'],
    ['%packages', '--excludeWeakdeps', 'RHEL10', 'removed'],
    ['%packages', '--ignorebroken', 'RHEL9', 'unavailable'],
    ['%packages', '--nocore', 'RHEL7', 'ok'],
    ['logging', '--level', 'RHEL9', 'deprecated'],
    ['repo', '--ignoregroups', 'F40', 'removed'],
    ['network', '--teamslaves', 'RHEL10', 'deprecated'],
    ['bootloader', '--upgrade', 'RHEL8', 'deprecated'],
    ['part', '--active', 'RHEL7', 'ok'],
    ['part', '--active', 'RHEL8', 'deprecated'],
    ['part', '--active', 'RHEL9', 'removed'],
  ])('%s %s in %s is %s', (cmd, opt, version, status) => {
    expect(optStatus(cmd, opt, version)).toBe(status);
  });

  it('warns where pykickstart announces a future deprecation but still applies the value', () => {
    const codes = (text: string, version: string) =>
      validateKickstart(parseKickstart(text), { version }).findings.map((f) => `${f.severity} ${f.code}`);
    expect(codes('auth --useshadow\n', 'RHEL7')).toEqual([]);
    expect(codes('auth --useshadow\n', 'RHEL8')).toEqual(['warning KS_COMMAND_DEPRECATED']);
    expect(codes('timezone UTC --isUtc --nontp\n', 'RHEL9')).toEqual([
      'warning KS_OPTION_DEPRECATED',
      'warning KS_OPTION_DEPRECATED',
    ]);
    expect(codes('%packages --instLangs=en --excludeWeakdeps\n%end\n', 'RHEL9')).toEqual([
      'warning KS_OPTION_DEPRECATED',
      'warning KS_OPTION_DEPRECATED',
    ]);
    expect(codes('%packages --instLangs=en\n%end\n', 'RHEL8')).toEqual([]);
  });

  it('requires %end from RHEL 6 on', () => {
    const r = validateKickstart(parseKickstart('%packages\n@core\n'), { version: 'RHEL6' });
    expect(r.findings.map((f) => f.code)).toEqual(['KS_MISSING_END']);
  });

  it('aliases share one object: text/graphical/cmdline, reboot/poweroff/shutdown/halt, part/partition, auth/authconfig', () => {
    const obj = (n: string) => getCommand(n)!.object ?? n;
    expect(new Set(['text', 'graphical', 'cmdline'].map(obj)).size).toBe(1);
    expect(new Set(['reboot', 'poweroff', 'shutdown', 'halt'].map(obj)).size).toBe(1);
    expect(obj('part')).toBe(obj('partition'));
    expect(obj('auth')).toBe(obj('authconfig'));
    expect(getCommand('partition')!.options.length).toBe(getCommand('part')!.options.length);
  });
});

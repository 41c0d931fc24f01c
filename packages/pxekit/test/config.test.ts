import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue, loadConfig } from '../src/index.js';

const FILE = '/etc/pxekit/pxekit.yaml';

function issues(text: string): string[] {
  const r = loadConfig(text, { file: FILE });
  if (r.ok) throw new Error('expected the config to be rejected');
  return r.issues.map(formatIssue);
}

function ok(text: string) {
  const r = loadConfig(text, { file: FILE });
  if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
  return r.config;
}

describe('loadConfig: the bundled example', () => {
  it('loads and resolves paths against the config folder', () => {
    const file = join(import.meta.dirname, '../example/pxekit.yaml');
    const r = loadConfig(readFileSync(file, 'utf8'), { file });
    if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
    expect(r.warnings).toEqual([]);
    const c = r.config;
    expect(c.dhcp.mode).toBe('authoritative');
    expect(c.tftp.root).toBe(join(import.meta.dirname, '../example/tftp'));
    expect(c.http.roots).toEqual([
      { prefix: '/centos/7/x86_64/', dir: join(import.meta.dirname, '../example/trees/centos7') },
    ]);
    expect(c.hosts.map((h) => h.mac)).toEqual(['52:54:00:00:99:01', '52:54:00:00:99:02']);
    expect(c.menus.get('install')?.timeout).toBe(10);
    expect(c.profiles.get('default')?.bios).toEqual({ kind: 'pxelinux' });
    expect(c.defaults.profile).toBe('default');
  });
});

describe('loadConfig: defaults and normalisation', () => {
  it('an empty file is a valid config that serves nothing', () => {
    const c = ok('');
    expect(c.dhcp).toEqual({ mode: 'off' });
    expect(c.tftp.enabled).toBe(false);
    expect(c.http.enabled).toBe(false);
  });

  it('normalises MACs, durations and ranges in both forms', () => {
    const c = ok(`
dhcp:
  mode: authoritative
  subnets:
    - subnet: 192.168.10.0/24
      ranges: ["192.168.10.100 - 192.168.10.150", { start: 192.168.10.160, end: 192.168.10.170 }]
      leaseTime: 1h30m
hosts:
  - mac: 0:0:C0:5D:BD:95
    address: 192.168.10.5
`);
    expect(c.hosts[0]?.mac).toBe('00:00:c0:5d:bd:95');
    if (c.dhcp.mode !== 'authoritative') throw new Error('mode');
    expect(c.dhcp.subnets[0]?.leaseTime).toBe(5400);
    expect(c.dhcp.subnets[0]?.ranges).toEqual([
      { start: '192.168.10.100', end: '192.168.10.150' },
      { start: '192.168.10.160', end: '192.168.10.170' },
    ]);
    expect(c.dhcp.leaseFile).toBe('/var/lib/pxekit/leases.journal');
  });

  it('an httpBoot URL may start with a template variable written with spaces', () => {
    const c = ok('profiles:\n  default: { httpBoot: "{{ server.httpUrl }}/boot/http/lab.efi" }\n');
    expect(c.profiles.get('default')?.httpBoot).toBe('{{ server.httpUrl }}/boot/http/lab.efi');
    expect(issues('profiles:\n  default: { httpBoot: "{{ server.httpUrl }} /x" }\n').join('\n')).toMatch(
      /profiles\.default\.httpBoot/,
    );
  });
});

describe('loadConfig: error messages point at the mistake', () => {
  it('YAML syntax errors carry line and column', () => {
    expect(issues('tftp:\n  root: [a, b\n')).toEqual([
      expect.stringMatching(/^\/etc\/pxekit\/pxekit\.yaml:\d+:\d+: error Flow sequence.*\]$/),
    ]);
  });

  it('duplicate keys are YAML errors', () => {
    const [m] = issues('tftp:\n  port: 69\n  port: 70\n');
    expect(m).toMatch(/^\/etc\/pxekit\/pxekit\.yaml:3:3: error/);
    expect(m).toMatch(/unique/i);
  });

  it('a misspelt key gets a suggestion and the list of keys', () => {
    expect(issues('tftp:\n  rot: /srv/tftp\n')).toEqual([
      '/etc/pxekit/pxekit.yaml:2:3: error tftp.rot: unknown key "rot"; did you mean "root"? (expected one of enabled, root, port, maxBlockSize)',
    ]);
  });

  it('a wrong type says what it got and what was expected', () => {
    expect(issues('tftp:\n  port: "69"\n')).toEqual([
      '/etc/pxekit/pxekit.yaml:2:9: error tftp.port: got the string "69" (expected an integer from 1 to 65535)',
    ]);
  });

  it('an unknown enum value gets a suggestion', () => {
    expect(issues('dhcp:\n  mode: proxi\n')).toEqual([
      '/etc/pxekit/pxekit.yaml:2:9: error dhcp.mode: "proxi" is not allowed; did you mean "proxy"? (expected one of "off", "authoritative", "proxy")',
    ]);
  });

  it('reports every mistake at once, each at its own line', () => {
    const all = issues(`
dhcp:
  mode: authoritative
  subnets:
    - subnet: 10.0.0.5/24
      ranges: [10.0.0.200-10.0.0.100]
hosts:
  - mac: 52:54:00:zz:00:01
  - name: nomac
`);
    expect(all).toEqual([
      '/etc/pxekit/pxekit.yaml:5:15: error dhcp.subnets[0].subnet: 10.0.0.5/24 has host bits set; did you mean 10.0.0.0/24? (expected a network in CIDR form like 10.0.0.0/24)',
      '/etc/pxekit/pxekit.yaml:6:16: error dhcp.subnets[0].ranges[0]: range starts at 10.0.0.200, after its end 10.0.0.100 (expected a range like 10.0.0.100-10.0.0.200)',
      '/etc/pxekit/pxekit.yaml:8:10: error hosts[0].mac: "52:54:00:zz:00:01" is not a MAC address (expected a MAC address like 52:54:00:12:34:56)',
      '/etc/pxekit/pxekit.yaml:9:5: error hosts[1].mac: missing required key "mac"',
    ]);
  });

  it('checks addresses against subnets and ranges', () => {
    const all = issues(`
dhcp:
  mode: authoritative
  subnets:
    - subnet: 10.0.0.0/24
      ranges: [10.0.0.100-10.0.0.200, 10.0.0.150-10.0.0.160, 10.0.1.1-10.0.1.9]
      routers: 10.0.9.1
hosts:
  - mac: 52:54:00:00:00:01
    address: 10.0.0.120
  - mac: 52:54:00:00:00:02
    address: 192.168.1.1
  - mac: 52-54-00-00-00-01
`);
    expect(all).toEqual([
      '/etc/pxekit/pxekit.yaml:6:39: error dhcp.subnets[0].ranges[1]: range overlaps ranges[0] 10.0.0.100-10.0.0.200',
      '/etc/pxekit/pxekit.yaml:6:62: error dhcp.subnets[0].ranges[2]: range 10.0.1.1-10.0.1.9 is not inside 10.0.0.0/24',
      '/etc/pxekit/pxekit.yaml:7:16: error dhcp.subnets[0].routers: router 10.0.9.1 is not inside 10.0.0.0/24',
      '/etc/pxekit/pxekit.yaml:10:14: error hosts[0].address: address 10.0.0.120 is inside a dynamic range; reserve it outside the ranges so no other client can lease it',
      '/etc/pxekit/pxekit.yaml:12:14: error hosts[1].address: address 192.168.1.1 is in none of dhcp.subnets, so it cannot be handed out',
      '/etc/pxekit/pxekit.yaml:13:10: error hosts[2].mac: MAC address 52:54:00:00:00:01 is already used by hosts[0]',
    ]);
  });

  it('checks references between profiles, menus, kickstarts and hosts', () => {
    const all = issues(`
profiles:
  default: { menu: mian, bios: pxelinux }
  empty: {}
menus:
  main:
    default: nope
    entries:
      - { id: a, kernel: vmlinuz, kickstart: c7 }
      - { id: a, localBoot: true }
      - { id: b, kernel: vmlinuz, localBoot: true }
hosts:
  - { mac: 52:54:00:00:00:01, profile: other }
`);
    expect(all).toEqual([
      '/etc/pxekit/pxekit.yaml:4:10: error profiles.empty: a profile needs at least one of bios, uefiX64, arm64, httpBoot, ipxe',
      '/etc/pxekit/pxekit.yaml:11:9: error menus.main.entries[2]: an entry has exactly one of kernel, localBoot: true, separator: true',
      '/etc/pxekit/pxekit.yaml:10:15: error menus.main.entries[1].id: entry id "a" is used twice in this menu',
      '/etc/pxekit/pxekit.yaml:7:14: error menus.main.default: no entry with id "nope" in this menu (expected one of a)',
      '/etc/pxekit/pxekit.yaml:3:20: error profiles.default.menu: no menu named "mian" (expected one of main)',
      '/etc/pxekit/pxekit.yaml:9:46: error menus.main.entries[0].kickstart: no kickstart named "c7" (expected a name defined in the file (there are none))',
      '/etc/pxekit/pxekit.yaml:13:40: error hosts[0].profile: no profile named "other" (expected one of default, empty)',
    ]);
  });

  it('proxy mode refuses subnets', () => {
    expect(issues('dhcp:\n  mode: proxy\n  subnets: []\n')).toEqual([
      '/etc/pxekit/pxekit.yaml:3:12: error dhcp.subnets: proxy mode hands out no addresses, so it takes no subnets',
    ]);
  });

  it('the root must be a mapping', () => {
    expect(issues('- a\n- b\n')).toEqual([
      '/etc/pxekit/pxekit.yaml:1:1: error got a list (expected a pxekit config mapping)',
    ]);
  });
});

describe('loadConfig: DHCP options are checked against the @pxekit/dhcp registry', () => {
  const subnet = (options: string) => `
dhcp:
  mode: authoritative
  subnets:
    - subnet: 10.0.0.0/24
      options:
${options}
`;

  it('encodes known options by name and by code, and raw hex for unknown codes', () => {
    const c = ok(subnet('        ntpServers: 10.0.0.1\n        2: -18000\n        224: "01:02:ff"'));
    if (c.dhcp.mode !== 'authoritative') throw new Error('mode');
    expect(c.dhcp.subnets[0]?.options.map((o) => [o.key, o.code, [...o.data]])).toEqual([
      ['ntpServers', 42, [10, 0, 0, 1]],
      ['2', 2, [0xff, 0xff, 0xb9, 0xb0]],
      ['224', 224, [1, 2, 255]],
    ]);
  });

  it('rejects unknown names, bad values and options pxekit sets itself', () => {
    const all = issues(
      subnet(
        '        ntpServer: 10.0.0.1\n        ntpServers: banana\n        routers: 10.0.0.1\n        3: 10.0.0.1\n        250: "zz"',
      ),
    );
    expect(all).toEqual([
      expect.stringMatching(
        /:7:20: error dhcp\.subnets\[0\]\.options\.ntpServer: unknown DHCP option "ntpServer"; did you mean "ntpServers"\?/,
      ),
      expect.stringMatching(
        /:8:21: error dhcp\.subnets\[0\]\.options\.ntpServers: ntpServers: .* \(expected a value of type ipv4\[\]\)$/,
      ),
      expect.stringMatching(
        /:9:18: error dhcp\.subnets\[0\]\.options\.routers: unknown DHCP option "routers"; did you mean "router"\?/,
      ),
      '/etc/pxekit/pxekit.yaml:10:12: error dhcp.subnets[0].options.3: option 3 (router) is set from routers, not here',
      '/etc/pxekit/pxekit.yaml:11:14: error dhcp.subnets[0].options.250: option 250 is not in the registry, so its value must be hex bytes (expected hex bytes like 01:02:0a)',
    ]);
  });
});

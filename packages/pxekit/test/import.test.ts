import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue, importDhcpdConf, loadConfig, PxekitError } from '../src/index.js';

const fixture = readFileSync(join(import.meta.dirname, 'fixtures/dhcpd.conf'), 'utf8');

describe('importDhcpdConf', () => {
  const result = importDhcpdConf(fixture, 'dhcpd.conf');

  it('carries subnets, ranges, options, hosts, next-server and filename over', () => {
    expect(result.config).toEqual({
      server: { address: '172.20.0.10' },
      dhcp: {
        mode: 'authoritative',
        subnets: [
          {
            subnet: '172.20.0.0/24',
            ranges: ['172.20.0.150-172.20.0.220'],
            routers: ['172.20.0.1'],
            dns: ['172.20.0.53', '172.20.0.54'],
            domain: 'lab.example',
            leaseTime: 900,
            maxLeaseTime: 14400,
            nextServer: '172.20.0.10',
            options: { ntpServers: '172.20.0.1', timeOffset: 28800 },
          },
        ],
      },
      tftp: { root: '/var/lib/tftpboot' },
      profiles: { pxelinux: { bios: 'pxelinux' }, grub: { uefiX64: 'grub' } },
      defaults: { profile: 'pxelinux' },
      hosts: [
        { mac: '00:16:3e:0a:0b:0c', name: 'builder', address: '172.20.0.31' },
        { mac: '00:16:3e:11:22:33', name: 'efi-box', address: '172.20.0.32', profile: 'grub' },
      ],
    });
  });

  it('lists what it left out, with lines', () => {
    expect(result.notes.map((n) => `${n.line}: ${n.message}`)).toEqual([
      '0: several boot files (pxelinux.0, grubx64.efi): hosts got their own profiles; check defaults.profile',
      '2: ddns-update-style none: not needed with pxekit; left out',
      '3: ignore client-updates: not needed with pxekit; left out',
      '4: authoritative: not needed with pxekit; left out',
      '5: log-facility local7: not needed with pxekit; left out',
      '14: option subnet-mask 255.255.255.0 in subnet 172.20.0.0: derived from the subnet in pxekit; left out',
      '15: option broadcast-address 172.20.0.255 in subnet 172.20.0.0: derived from the subnet in pxekit; left out',
      '21: allow booting: not needed with pxekit; left out',
      '22: allow bootp: not needed with pxekit; left out',
      '34: host efi-box: server-name is not needed with pxekit; left out',
      '37: host printer has no hardware ethernet; left out',
    ]);
  });

  it('writes YAML that pxekit loads as it is', () => {
    const r = loadConfig(result.yaml, { file: '/etc/pxekit/pxekit.yaml' });
    if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
    expect(r.config.hosts).toHaveLength(2);
    expect(result.yaml.split('\n')[0]).toBe('# Imported from dhcpd.conf by pxekit import dhcpd.conf.');
    expect(result.yaml).toContain('# note (line 37): host printer has no hardware ethernet; left out');
  });

  it('syntax errors name the line and column', () => {
    const err = (t: string) => {
      try {
        importDhcpdConf(t, 'x.conf');
      } catch (e) {
        expect(e).toBeInstanceOf(PxekitError);
        return `${(e as PxekitError).code} ${(e as Error).message}`;
      }
      return 'no error';
    };
    expect(err('subnet 10.0.0.0 netmask 255.255.255.0 {\n  range 10.0.0.1 10.0.0.9;\n')).toBe(
      'PXEKIT_ERR_IMPORT x.conf:1:39: "{" is never closed',
    );
    expect(err('option routers 10.0.0.1\n}')).toBe(
      'PXEKIT_ERR_IMPORT x.conf:2:1: "}" without a matching "{"',
    );
    expect(err('subnet 10.0.0.0 netmask 255.0.255.0 { }')).toBe(
      'PXEKIT_ERR_IMPORT x.conf:1:1: expected "subnet <address> netmask <mask> { … }"',
    );
    expect(err('filename "pxelinux.0;\n')).toBe('PXEKIT_ERR_IMPORT x.conf:1:10: unterminated string');
  });

  it('the seed guide’s CentOS 7 subnet imports to a bootable config', () => {
    const seedStyle = `subnet 192.168.10.0 netmask 255.255.255.0 {
  option routers 192.168.10.1;
  range 192.168.10.100 192.168.10.200;
  next-server 192.168.10.85;
  filename "pxelinux.0";
}`;
    const r = importDhcpdConf(seedStyle);
    expect(r.config.server).toEqual({ address: '192.168.10.85' });
    expect(r.config.profiles).toEqual({ pxelinux: { bios: 'pxelinux' } });
    expect(loadConfig(r.yaml).ok).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { compileDhcpConfig } from '../src/dhcp.js';
import { formatIssue, importDhcpdConf, loadConfig } from '../src/index.js';

// The @pxekit/dhcp subnet settings `bootp` and `rapidCommit`, from the config file to the engine, and
// their ISC dhcpd counterparts through `pxekit import`.

const FILE = '/etc/pxekit/pxekit.yaml';

function load(extra: string) {
  return loadConfig(
    `
server: { address: 10.99.0.1 }
dhcp:
  mode: authoritative
  subnets:
    - subnet: 10.99.0.0/24
      ranges: [10.99.0.100-10.99.0.150]
${extra}`,
    { file: FILE },
  );
}

function subnetOf(extra: string) {
  const r = load(extra);
  if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
  return compileDhcpConfig(r.config, { address: '10.99.0.1' }).subnets[0]!;
}

describe('dhcp.subnets[].bootp and rapidCommit', () => {
  it('leave the engine defaults when absent', () => {
    const s = subnetOf('');
    expect(s.bootp).toBeUndefined();
    expect(s.rapidCommit).toBeUndefined();
  });

  it.each([
    ['reserved', 'reserved'],
    ['dynamic', 'dynamic'],
    ['off', false],
  ])('bootp: %s reaches the engine as %j', (value, engine) => {
    expect(subnetOf(`      bootp: ${value}`).bootp).toBe(engine);
  });

  it('rapidCommit: true reaches the engine', () => {
    expect(subnetOf('      rapidCommit: true').rapidCommit).toBe(true);
  });

  it('refuses other values with the key and what is allowed', () => {
    const r = load('      bootp: always\n      rapidCommit: "yes"');
    expect(r.ok).toBe(false);
    const text = r.ok ? '' : r.issues.map(formatIssue).join('\n');
    expect(text).toMatch(/dhcp\.subnets\[0\]\.bootp/);
    expect(text).toMatch(/dhcp\.subnets\[0\]\.rapidCommit/);
  });
});

describe('pxekit import: ISC dynamic-bootp', () => {
  it('a range with dynamic-bootp makes the subnet bootp: dynamic, with a note when other ranges had none', () => {
    const r = importDhcpdConf(`subnet 10.5.0.0 netmask 255.255.255.0 {
  range dynamic-bootp 10.5.0.10 10.5.0.20;
  range 10.5.0.30 10.5.0.40;
}`);
    const subnet = (r.config.dhcp as { subnets: Record<string, unknown>[] }).subnets[0]!;
    expect(subnet.ranges).toEqual(['10.5.0.10-10.5.0.20', '10.5.0.30-10.5.0.40']);
    expect(subnet.bootp).toBe('dynamic');
    expect(r.notes.map((n) => n.message).join('\n')).toMatch(/dynamic-bootp now applies to all its ranges/);
    expect(loadConfig(r.yaml).ok).toBe(true);
  });

  it('dynamic-bootp-lease-length (global or per subnet) becomes bootpLeaseTime', () => {
    const r = importDhcpdConf(`dynamic-bootp-lease-length 3600;
subnet 10.5.0.0 netmask 255.255.255.0 {
  range dynamic-bootp 10.5.0.10 10.5.0.20;
}
subnet 10.6.0.0 netmask 255.255.255.0 {
  dynamic-bootp-lease-length 600;
  range dynamic-bootp 10.6.0.10 10.6.0.20;
}`);
    const subnets = (r.config.dhcp as { subnets: Record<string, unknown>[] }).subnets;
    expect(subnets.map((s) => s.bootpLeaseTime)).toEqual([3600, 600]);
    const loaded = loadConfig(r.yaml);
    expect(
      loaded.ok &&
        loaded.config.dhcp.mode === 'authoritative' &&
        loaded.config.dhcp.subnets[1]!.bootpLeaseTime,
    ).toBe(600);
  });

  it('without dynamic-bootp the subnet keeps the default', () => {
    const r = importDhcpdConf('subnet 10.5.0.0 netmask 255.255.255.0 {\n  range 10.5.0.10 10.5.0.20;\n}');
    expect((r.config.dhcp as { subnets: Record<string, unknown>[] }).subnets[0]!.bootp).toBeUndefined();
  });
});

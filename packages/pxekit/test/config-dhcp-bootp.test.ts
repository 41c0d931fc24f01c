import { describe, expect, it } from 'vitest';
import { compileDhcpConfig } from '../src/dhcp.js';
import { formatIssue, loadConfig } from '../src/index.js';

// The @pxekit/dhcp subnet settings `bootp` and `rapidCommit`, from the config file to the engine.

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

import { describe, expect, it } from 'vitest';
import { aptInstallScript, formatCommand, inNetns, labRequired, labTitle } from '../src/lab/index.js';

describe('lab helpers (pure)', () => {
  it('wraps a command for a namespace', () => {
    expect(inNetns(undefined, 'ip', ['addr'])).toEqual(['ip', ['addr']]);
    expect(inNetns('pxk-1-srv', 'dnsmasq', ['-k'])).toEqual([
      'ip',
      ['netns', 'exec', 'pxk-1-srv', 'dnsmasq', '-k'],
    ]);
  });

  it('quotes command lines for error messages', () => {
    expect(formatCommand('echo', ['a b', "it's", '-x=1'])).toBe(`echo 'a b' 'it'\\''s' -x=1`);
  });

  it('treats CI=true and CI=1 as "lab required"', () => {
    expect(labRequired({ CI: 'true' })).toBe(true);
    expect(labRequired({ CI: '1' })).toBe(true);
    expect(labRequired({ CI: 'false' })).toBe(false);
    expect(labRequired({})).toBe(false);
  });

  it('puts the skip reason in the title', () => {
    expect(labTitle('dhcp', { ok: true })).toBe('dhcp');
    expect(labTitle('dhcp', { ok: false, reason: 'not root' })).toBe('dhcp — skipped: not root');
  });

  it('keeps services from starting and restores policy-rc.d only if it created it', () => {
    const s = aptInstallScript(['dnsmasq', 'radvd'], true);
    expect(s).toContain('exit 101');
    expect(s).toContain('if [ ! -e "$POLICY" ]');
    expect(s).toContain('rm -f "$POLICY"');
    expect(s).toContain('$APT update');
    expect(s).toContain('install --no-install-recommends dnsmasq radvd');
    expect(aptInstallScript(['x'], false)).not.toContain('$APT update');
  });
});

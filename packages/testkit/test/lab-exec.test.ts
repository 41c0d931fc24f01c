import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  aptInstallScript,
  formatCommand,
  inNetns,
  LabError,
  labRequired,
  labStatus,
  labTitle,
} from '../src/lab/index.js';

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

  it('with CI=true, a lab that cannot be built throws LAB_ERR_UNAVAILABLE instead of skipping', async () => {
    vi.stubEnv('CI', 'true');
    const uid = vi.spyOn(process, 'getuid').mockReturnValue(1000);
    try {
      const err = await labStatus({ needs: ['root'] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LabError);
      expect(err).toMatchObject({
        code: 'LAB_ERR_UNAVAILABLE',
        message: expect.stringContaining('not root'),
      });
      vi.stubEnv('CI', '');
      await expect(labStatus({ needs: ['root'] })).resolves.toMatchObject({ ok: false });
    } finally {
      uid.mockRestore();
      vi.unstubAllEnvs();
    }
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

describe('apt install script (run against a stub apt-get)', () => {
  function setup(aptExit: number): { dir: string; policy: string; stub: string; seen: string } {
    const dir = mkdtempSync(join(tmpdir(), 'pxekit-apt-'));
    const policy = join(dir, 'policy-rc.d');
    const seen = join(dir, 'seen');
    const stub = join(dir, 'apt-get');
    // The stub records the arguments and what policy-rc.d said while "apt" ran.
    writeFileSync(
      stub,
      `#!/bin/sh\necho "$*" >> ${seen}\nif [ -x ${policy} ]; then ${policy}; echo "policy=$?" >> ${seen}; else echo "policy=none" >> ${seen}; fi\nexit ${aptExit}\n`,
    );
    chmodSync(stub, 0o755);
    return { dir, policy, stub, seen };
  }

  it('creates policy-rc.d (exit 101) for the install and removes it afterwards', () => {
    const t = setup(0);
    try {
      const r = spawnSync('sh', [
        '-c',
        aptInstallScript(['dnsmasq-base'], true, { policy: t.policy, aptGet: t.stub }),
      ]);
      expect(r.status).toBe(0);
      const seen = readFileSync(t.seen, 'utf8');
      expect(seen).toMatch(/-q -y .* update\npolicy=101\n/);
      expect(seen).toMatch(/install --no-install-recommends dnsmasq-base\npolicy=101\n/);
      expect(existsSync(t.policy)).toBe(false);
    } finally {
      rmSync(t.dir, { recursive: true, force: true });
    }
  });

  it('leaves an existing policy-rc.d as it was, and reports apt failures', () => {
    const t = setup(100);
    try {
      writeFileSync(t.policy, '#!/bin/sh\nexit 101\n# site policy\n');
      chmodSync(t.policy, 0o755);
      const r = spawnSync('sh', ['-c', aptInstallScript(['x'], false, { policy: t.policy, aptGet: t.stub })]);
      expect(r.status).toBe(100);
      expect(readFileSync(t.seen, 'utf8')).not.toMatch(/update/);
      expect(readFileSync(t.policy, 'utf8')).toBe('#!/bin/sh\nexit 101\n# site policy\n');
    } finally {
      rmSync(t.dir, { recursive: true, force: true });
    }
  });

  it('removes the policy-rc.d it created even when apt fails', () => {
    const t = setup(100);
    try {
      const r = spawnSync('sh', ['-c', aptInstallScript(['x'], true, { policy: t.policy, aptGet: t.stub })]);
      expect(r.status).not.toBe(0);
      expect(existsSync(t.policy)).toBe(false);
    } finally {
      rmSync(t.dir, { recursive: true, force: true });
    }
  });
});

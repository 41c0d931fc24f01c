import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ensureDebianPackages,
  freeTcpPort,
  freeUdpPort,
  LabErrorCode,
  labStatus,
  labTitle,
  makeTempDir,
  missingDebianPackages,
  run,
  runOk,
  spawnDaemon,
} from '../src/lab/index.js';

const lab = await labStatus({ packages: ['busybox-static'], needs: ['root', 'netns'] });

/** Running (a zombie waiting for its reaper counts as dead). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

describe.skipIf(!lab.ok)(labTitle('lab process helpers', lab), () => {
  it('runs a command and returns status and output', async () => {
    const r = await run('sh', ['-c', 'echo out; echo err >&2; exit 3'], { timeoutMs: 5000 });
    expect(r).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    await expect(runOk('sh', ['-c', 'echo boom >&2; exit 2'], { timeoutMs: 5000 })).rejects.toThrow(/boom/);
    const cat = await run('cat', [], { timeoutMs: 5000, input: 'hello' });
    expect(cat.stdout).toBe('hello');
  });

  it('kills the whole process group on timeout', async () => {
    const dir = makeTempDir('basics');
    try {
      // The grandchild writes its PID, then both sleep far beyond the timeout.
      const err = await run('sh', ['-c', `sleep 60 & echo $! > ${dir.join('pid')}; sleep 60`], {
        timeoutMs: 300,
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: LabErrorCode.TIMEOUT });
      const pid = Number(readFileSync(dir.join('pid'), 'utf8'));
      await new Promise((r) => setTimeout(r, 100));
      expect(alive(pid)).toBe(false);
    } finally {
      dir.remove();
    }
  });

  it('returns when the command exits, killing what it left in the background', async () => {
    const dir = makeTempDir('basics');
    try {
      const t0 = Date.now();
      const r = await run('sh', ['-c', `sleep 60 & echo $! > ${dir.join('pid')}; echo done`], {
        timeoutMs: 20_000,
      });
      expect(r).toMatchObject({ code: 0, stdout: 'done\n' });
      expect(Date.now() - t0).toBeLessThan(10_000);
      await new Promise((res) => setTimeout(res, 100));
      expect(alive(Number(readFileSync(dir.join('pid'), 'utf8')))).toBe(false);
    } finally {
      dir.remove();
    }
  });

  it('runs inside a network namespace', async () => {
    const ns = `pxk-${process.pid}-basics`;
    await runOk('ip', ['netns', 'add', ns], { timeoutMs: 5000 });
    try {
      const r = await runOk('ip', ['-o', 'link'], { netns: ns, timeoutMs: 5000 });
      expect(r.stdout.trim().split('\n')).toHaveLength(1); // only lo
    } finally {
      await runOk('ip', ['netns', 'del', ns], { timeoutMs: 5000 });
    }
  });

  it('waits for daemon output and stops the daemon with its group', async () => {
    const d = spawnDaemon('sh', ['-c', 'echo starting; sleep 0.2; echo ready on 42; sleep 60 & wait']);
    try {
      const m = await d.waitForOutput(/ready on (\d+)/, 5000);
      expect(m[1]).toBe('42');
      await expect(d.waitForOutput(/never/, 200)).rejects.toMatchObject({ code: LabErrorCode.TIMEOUT });
    } finally {
      await d.stop();
    }
    expect(d.exitStatus).toBeDefined();
    expect(alive(d.pid)).toBe(false);
    const quick = spawnDaemon('sh', ['-c', 'echo bye; exit 4']);
    await expect(quick.waitForOutput(/never/, 5000)).rejects.toMatchObject({ code: LabErrorCode.EXITED });
    expect((await quick.exited).code).toBe(4);
  });

  it('finds free loopback ports', async () => {
    const [u, t] = await Promise.all([freeUdpPort(), freeTcpPort()]);
    expect(u).toBeGreaterThan(0);
    expect(t).toBeGreaterThan(0);
  });

  it('installs Debian packages idempotently', async () => {
    expect(await missingDebianPackages(['busybox-static'])).toEqual([]);
    const again = await ensureDebianPackages(['busybox-static']);
    expect(again.installed).toEqual([]);
    await expect(ensureDebianPackages(['pxekit-no-such-package'])).rejects.toMatchObject({
      code: LabErrorCode.APT,
      message: expect.stringMatching(/pxekit-no-such-package/),
    });
  });
});

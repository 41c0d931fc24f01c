import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  labStatus,
  labTitle,
  makeTempDir,
  runOk,
  spawnDaemon,
  sweepStaleNamespaces,
  type TempDir,
} from '../src/lab/index.js';

// A test process that dies takes its lab with it: on SIGTERM/SIGINT through its exit handlers, after a
// SIGKILL through the next process's stale-namespace sweep. The child runs the lab from a bundle of
// src/lab built here (plain node cannot import the TypeScript sources).
const status = await labStatus({ packages: ['iproute2'], needs: ['root', 'netns'] });
const root = join(import.meta.dirname, '..');

const CHILD = `
import { createLab } from './lab.mjs';
const lab = await createLab({ name: 'orphan', clients: 1 });
const d = lab.spawn('server', 'sleep', ['600']);
console.log('READY ' + JSON.stringify({ ns: [lab.switchNs, lab.server.netns, lab.clients[0].netns], pid: d.pid }));
setInterval(() => {}, 1000);
`;

async function namespaces(): Promise<string[]> {
  const r = await runOk('ip', ['netns', 'list'], { timeoutMs: 5000 });
  return r.stdout.split('\n').map((l) => l.split(' ')[0] ?? '');
}

/** Running (a zombie waiting for its reaper counts as dead). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe.skipIf(!status.ok)(labTitle('lab cleanup when the test process dies', status), () => {
  let dir: TempDir;

  beforeAll(async () => {
    dir = makeTempDir('cleanup');
    await runOk(
      join(root, '../../node_modules/.bin/tsup'),
      [
        'src/lab/index.ts',
        '--no-config',
        '--format',
        'esm',
        '--target',
        'node20',
        '--out-dir',
        dir.path,
        '--silent',
      ],
      { cwd: root, timeoutMs: 60_000 },
    );
    renameSync(dir.join('index.js'), dir.join('lab.mjs'));
    writeFileSync(dir.join('child.mjs'), CHILD);
  });
  afterAll(() => dir?.remove());

  async function startChild(): Promise<{ child: ReturnType<typeof spawnDaemon>; ns: string[]; pid: number }> {
    const child = spawnDaemon(process.execPath, [dir.join('child.mjs')], { name: 'lab-child' });
    const m = await child.waitForOutput(/READY (.*)/, 30_000);
    const info = JSON.parse(m[1] ?? '{}') as { ns: string[]; pid: number };
    const present = await namespaces();
    for (const n of info.ns) expect(present).toContain(n);
    expect(alive(info.pid)).toBe(true);
    return { child, ...info };
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: namespaces and processes are gone when the process has exited`, async () => {
      const { child, ns, pid } = await startChild();
      child.signal(signal);
      const exit = await Promise.race([
        child.exited,
        new Promise((r) => setTimeout(() => r('timeout'), 15_000)),
      ]);
      await child.stop();
      expect(exit).toMatchObject({ signal });
      const left = await namespaces();
      for (const n of ns) expect(left).not.toContain(n);
      expect(alive(pid)).toBe(false);
    });
  }

  it('SIGKILL: the next sweep removes the dead process namespaces', async () => {
    const { child, ns } = await startChild();
    child.signal('SIGKILL');
    await child.exited;
    await child.stop();
    expect(await namespaces()).toEqual(expect.arrayContaining(ns));
    const removed = sweepStaleNamespaces();
    expect(removed).toEqual(expect.arrayContaining(ns));
    const left = await namespaces();
    for (const n of ns) expect(left).not.toContain(n);
  });
});

#!/usr/bin/env node
// Launcher for tftp-throughput.ts: bundles it (TypeScript sources of the workspace, via the
// @pxekit/source condition) into one .mjs that also runs inside the lab's namespaces, then runs it.
//   node benchmarks/tftp-throughput.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'pxekit-tftp-bench-'));
const out = join(outDir, 'tftp-throughput.mjs');
try {
  execFileSync(
    join(here, '../node_modules/.bin/esbuild'),
    [
      join(here, 'tftp-throughput.ts'),
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      '--conditions=@pxekit/source',
      '--packages=bundle',
      `--outfile=${out}`,
      '--log-level=warning',
    ],
    { stdio: 'inherit' },
  );
  const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(outDir, { recursive: true, force: true });
}

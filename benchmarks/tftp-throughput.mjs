#!/usr/bin/env node
// Launcher for tftp-throughput.ts: bundles it (TypeScript sources of the workspace, via the
// @pxekit/source condition) into one .mjs that also runs inside the lab's namespaces, then runs it.
//   node benchmarks/tftp-throughput.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// Under @pxekit/tftp's node_modules, so the bundle's external `koffi` (native code) resolves; the
// data-plane worker is bundled beside it, where the server looks for it.
const cache = join(here, '../packages/tftp/node_modules/.cache');
mkdirSync(cache, { recursive: true });
const outDir = mkdtempSync(join(cache, 'pxekit-tftp-bench-'));
const out = join(outDir, 'tftp-throughput.mjs');
const bundle = (entry, outfile) =>
  execFileSync(
    join(here, '../node_modules/.bin/esbuild'),
    [
      entry,
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      '--conditions=@pxekit/source',
      '--packages=bundle',
      '--external:koffi',
      `--outfile=${outfile}`,
      '--log-level=warning',
    ],
    { stdio: 'inherit' },
  );
try {
  bundle(join(here, 'tftp-throughput.ts'), out);
  bundle(join(here, '../packages/tftp/src/node/plane-worker.ts'), join(outDir, 'plane-worker.js'));
  const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(outDir, { recursive: true, force: true });
}

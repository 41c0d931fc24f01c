#!/usr/bin/env node
// One entry point for the README's two commands, on a machine that has only Node 20+ and npm:
//   npm start  -> set up, build, run the main job (the bundled example)
//   npm test   -> set up, lint, typecheck, build, publint, run every test (unit + lab)
// It installs pnpm when missing and the workspace's dependencies; the lab's Debian packages are
// installed on demand by the lab itself (packages/testkit/src/lab).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split(
  '@',
)[1];
const ci = process.env.CI === 'true' || process.env.CI === '1';

function log(msg) {
  process.stderr.write(`[pxekit] ${msg}\n`);
}

function has(cmd, args = ['--version']) {
  const r = spawnSync(cmd, args, { stdio: 'pipe', encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function run(cmd, args, opts = {}) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  return r.status ?? 1;
}

function ensurePnpm() {
  const v = has('pnpm');
  if (v === PNPM_VERSION) return 'pnpm';
  if (v) log(`pnpm ${v} found, the workspace pins ${PNPM_VERSION}; installing it`);
  else log(`pnpm not found; installing pnpm@${PNPM_VERSION} with npm`);
  if (run('npm', ['install', '--global', `pnpm@${PNPM_VERSION}`]) === 0 && has('pnpm') === PNPM_VERSION)
    return 'pnpm';
  // No write access to npm's global prefix: fall back to corepack, which ships with Node 20.
  // The registry reachable here serves no signatures, hence COREPACK_INTEGRITY_KEYS=0.
  process.env.COREPACK_INTEGRITY_KEYS = '0';
  if (run('corepack', ['enable', 'pnpm']) === 0 && has('pnpm')) return 'pnpm';
  throw new Error(`could not install pnpm: install it with 'npm i -g pnpm@${PNPM_VERSION}' and retry`);
}

function step(name, pnpm, args) {
  const code = run(pnpm, args);
  if (code !== 0) {
    log(`${name} failed (exit ${code})`);
    return false;
  }
  return true;
}

function summarize(reportPath) {
  if (!existsSync(reportPath)) return null;
  try {
    const r = JSON.parse(readFileSync(reportPath, 'utf8'));
    return {
      passed: r.numPassedTests,
      failed: r.numFailedTests,
      skipped: r.numPendingTests + r.numTodoTests,
    };
  } catch {
    return null;
  }
}

function main() {
  const job = process.argv[2] ?? 'test';
  const pnpm = ensurePnpm();
  if (!step('install', pnpm, ['install', ...(ci ? ['--frozen-lockfile'] : [])])) return 1;

  if (job === 'start') {
    if (!step('build', pnpm, ['run', 'build'])) return 1;
    return run(process.execPath, [
      join(root, 'packages/pxekit/dist/cli.js'),
      'example',
      ...process.argv.slice(3),
    ]);
  }

  // test
  const checks = [
    ['format + lint', ['exec', 'biome', 'ci', '.']],
    ['typecheck', ['run', 'typecheck']],
    ['build', ['run', 'build']],
    ['publint', ['run', 'lint:pkg']],
  ];
  let ok = true;
  for (const [name, args] of checks) ok = step(name, pnpm, args) && ok;

  const report = join(root, '.vitest-report.json');
  rmSync(report, { force: true });
  const vitestCode = run(pnpm, [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(3),
  ]);
  const s = summarize(report);
  if (!ok) log('a check before the tests failed (see above)');
  if (s) {
    // The closing line CI reads.
    process.stdout.write(`\n${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped\n`);
  } else {
    process.stdout.write('\n0 passed, 1 failed\n');
  }
  return ok && vitestCode === 0 && s !== null && s.failed === 0 ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (err) {
  log(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
}

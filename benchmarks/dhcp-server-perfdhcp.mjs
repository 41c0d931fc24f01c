#!/usr/bin/env node
// Launcher for dhcp-server-perfdhcp.ts: bundles the pxekit DHCP server agent (under packages/dhcp's
// node_modules, so its native dependency koffi resolves) and the benchmark itself, then runs it.
//   node benchmarks/dhcp-server-perfdhcp.mjs          # needs root (network namespaces)
//   DHCP_BENCH_BASE=<git rev> ...   also bundles packages/dhcp as of that revision as server 'pxekit-base',
//                                   for a before/after comparison in one run
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const esbuild = join(here, '../node_modules/.bin/esbuild');
const common = [
  '--bundle',
  '--platform=node',
  '--format=esm',
  '--target=node20',
  '--conditions=@pxekit/source',
  '--log-level=warning',
];
const agentDir = join(here, '../packages/dhcp/node_modules/.cache/pxekit-dhcp-bench');
mkdirSync(agentDir, { recursive: true });
const agent = join(agentDir, `server-agent-${process.pid}.mjs`);
const outDir = mkdtempSync(join(tmpdir(), 'pxekit-dhcp-bench-'));
const out = join(outDir, 'dhcp-server-perfdhcp.mjs');
const base = process.env['DHCP_BENCH_BASE'];
const baseAgent = join(agentDir, `server-agent-base-${process.pid}.mjs`);
const baseTree = join(agentDir, `base-${process.pid}`);
try {
  if (base !== undefined) {
    // The old source under packages/dhcp/node_modules, so its imports resolve to today's dependencies.
    mkdirSync(baseTree, { recursive: true });
    const tar = execFileSync(
      'git',
      ['-C', join(here, '..'), 'archive', base, 'packages/dhcp/src', 'packages/dhcp/test'],
      {
        maxBuffer: 256 * 1024 * 1024,
      },
    );
    execFileSync('tar', ['-x', '-C', baseTree], { input: tar });
    execFileSync(
      esbuild,
      [
        join(baseTree, 'packages/dhcp/test/server-lab-agent.ts'),
        ...common,
        '--external:koffi',
        `--outfile=${baseAgent}`,
      ],
      { stdio: 'inherit' },
    );
  }
  execFileSync(
    esbuild,
    [
      join(here, '../packages/dhcp/test/server-lab-agent.ts'),
      ...common,
      '--external:koffi',
      `--outfile=${agent}`,
    ],
    { stdio: 'inherit' },
  );
  execFileSync(
    esbuild,
    [join(here, 'dhcp-server-perfdhcp.ts'), ...common, '--packages=bundle', `--outfile=${out}`],
    {
      stdio: 'inherit',
    },
  );
  const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      PXEKIT_DHCP_AGENT: agent,
      ...(base === undefined ? {} : { PXEKIT_DHCP_BASE_AGENT: baseAgent }),
    },
  });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(agent, { force: true });
  rmSync(baseAgent, { force: true });
  rmSync(baseTree, { recursive: true, force: true });
}

// Helpers for the DHCP server lab tests and benchmark (not a test file itself).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const pkg = join(import.meta.dirname, '..');
const repo = join(pkg, '../..');

/**
 * Bundles server-lab-agent.ts into one .mjs with esbuild. koffi stays external (native code), so the
 * bundle is written under this package's node_modules, from where `import('koffi')` resolves.
 */
export function bundleServerAgent(): string {
  const dir = join(pkg, 'node_modules', '.cache', 'pxekit-dhcp-lab');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `server-agent-${process.pid}.mjs`);
  execFileSync(
    join(repo, 'node_modules/.bin/esbuild'),
    [
      join(import.meta.dirname, 'server-lab-agent.ts'),
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      '--conditions=@pxekit/source',
      '--external:koffi',
      `--outfile=${out}`,
      '--log-level=warning',
    ],
    { stdio: 'inherit', timeout: 60_000 },
  );
  return out;
}

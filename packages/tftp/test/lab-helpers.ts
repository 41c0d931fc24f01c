import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';

const pkg = join(import.meta.dirname, '..');
const repo = join(pkg, '../..');

/**
 * Bundles test/lab-agent.ts into one .mjs that plain `node` runs inside a namespace, with the server's
 * data-plane worker beside it (where the server looks for it). Written under this package's
 * node_modules so the external `koffi` (native code) resolves.
 */
export function bundleAgent(): string {
  const cache = join(pkg, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'pxekit-tftp-agent-'));
  const out = join(dir, 'agent.mjs');
  const bundle = (entry: string, outfile: string) =>
    execFileSync(
      join(repo, 'node_modules/.bin/esbuild'),
      [
        entry,
        '--bundle',
        '--platform=node',
        '--format=esm',
        '--target=node20',
        '--conditions=@pxekit/source',
        '--external:koffi',
        `--outfile=${outfile}`,
        '--log-level=warning',
      ],
      { stdio: 'inherit', timeout: 60_000 },
    );
  bundle(join(import.meta.dirname, 'lab-agent.ts'), out);
  bundle(join(pkg, 'src/node/plane-worker.ts'), join(dir, 'plane-worker.js'));
  return out;
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '../../..');

/** Bundles test/lab-agent.ts into one .mjs that plain `node` runs inside a namespace. */
export function bundleAgent(): string {
  const out = join(mkdtempSync(join(tmpdir(), 'pxekit-tftp-agent-')), 'agent.mjs');
  execFileSync(
    join(repo, 'node_modules/.bin/esbuild'),
    [
      join(import.meta.dirname, 'lab-agent.ts'),
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      '--conditions=@pxekit/source',
      `--outfile=${out}`,
      '--log-level=warning',
    ],
    { stdio: 'inherit', timeout: 60_000 },
  );
  return out;
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

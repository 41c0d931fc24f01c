import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '../../../..');

/** One script to bundle: a TypeScript entry of the workspace and the .mjs/.js file to write. */
export interface BundleEntry {
  readonly entry: string;
  readonly outfile: string;
}

/**
 * Bundles lab programs (agents run inside a namespace, benchmark drivers, worker scripts) with esbuild into
 * plain ES modules that `node` runs as they are: workspace packages come from their sources (the
 * `@pxekit/source` condition), and `koffi` (native code) stays external — so write the files under a
 * package whose `node_modules` has koffi. Worker scripts a bundle starts (the TFTP data plane's) go in the
 * same list, beside it, where the bundled code looks for them.
 */
export function bundleForLab(entries: readonly BundleEntry[]): void {
  for (const { entry, outfile } of entries) {
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
  }
}

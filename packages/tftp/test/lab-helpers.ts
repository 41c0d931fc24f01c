import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleForLab, registerCleanup } from '@pxekit/testkit/lab';

const pkg = join(import.meta.dirname, '..');

/**
 * Bundles test/lab-agent.ts into one .mjs that plain `node` runs inside a namespace, with the server's
 * data-plane worker beside it (where the server looks for it). Written under this package's
 * node_modules so the external `koffi` (native code) resolves; removed when the test process exits.
 */
export function bundleAgent(): string {
  const cache = join(pkg, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'pxekit-tftp-agent-'));
  const out = join(dir, 'agent.mjs');
  registerCleanup(() => rmSync(dir, { recursive: true, force: true })); // when the test process exits
  bundleForLab([
    { entry: join(import.meta.dirname, 'lab-agent.ts'), outfile: out },
    { entry: join(pkg, 'src/node/plane-worker.ts'), outfile: join(dir, 'plane-worker.js') },
  ]);
  return out;
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

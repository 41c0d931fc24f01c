// Helpers for the DHCP server lab tests and benchmark (not a test file itself).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundleForLab } from '@pxekit/testkit/lab';

const pkg = join(import.meta.dirname, '..');

/**
 * Bundles server-lab-agent.ts into one .mjs with esbuild. koffi stays external (native code), so the
 * bundle is written under this package's node_modules, from where `import('koffi')` resolves.
 */
export function bundleServerAgent(): string {
  const dir = join(pkg, 'node_modules', '.cache', 'pxekit-dhcp-lab');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `server-agent-${process.pid}.mjs`);
  bundleForLab([{ entry: join(import.meta.dirname, 'server-lab-agent.ts'), outfile: out }]);
  return out;
}

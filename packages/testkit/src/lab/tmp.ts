import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerCleanup } from './cleanup.js';

/** A temporary directory removed by `remove()` or, failing that, when the process exits. */
export interface TempDir {
  readonly path: string;
  /** `join(path, ...parts)`. */
  join(...parts: string[]): string;
  remove(): void;
  [Symbol.dispose](): void;
}

/**
 * Creates a fresh directory under the OS temp dir (`/tmp/pxekit-<prefix>-XXXXXX`).
 *
 * @example
 * const dir = makeTempDir('tftp');
 * try { writeFileSync(dir.join('a.bin'), bytes); } finally { dir.remove(); }
 */
export function makeTempDir(prefix = 'lab'): TempDir {
  const path = mkdtempSync(join(tmpdir(), `pxekit-${prefix}-`));
  const remove = (): void => rmSync(path, { recursive: true, force: true });
  const release = registerCleanup(remove);
  const dispose = (): void => {
    remove();
    release();
  };
  return {
    path,
    join: (...parts: string[]) => join(path, ...parts),
    remove: dispose,
    [Symbol.dispose]: dispose,
  };
}

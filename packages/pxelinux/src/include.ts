/**
 * Asynchronous include loading: fetch every file an INCLUDE / MENU INCLUDE chain names (over TFTP,
 * HTTP, from disk…) once, up front, so that the synchronous model, lint and resolver can read them
 * from memory. The core never touches a file system itself.
 */

import { type ConfigDocument, lineValue, parse } from './cst.js';
import { PXELINUX_ERROR_CODES, PxelinuxError } from './errors.js';
import { firstWord, type IncludeReader } from './model.js';

export interface LoadIncludesOptions {
  /** Nesting limit below the main file (SYSLINUX documents 16). */
  readonly maxIncludeDepth?: number;
  /** Total number of distinct files read (default 256). */
  readonly maxIncludeFiles?: number;
}

export interface LoadedConfigTree {
  /** Every file that was found, parsed, by the name the config uses. */
  readonly files: ReadonlyMap<string, ConfigDocument>;
  /** Names that the reader did not find (SYSLINUX skips those silently). */
  readonly missing: readonly string[];
  /** A synchronous reader over `files`, for `buildModel`, `lint` and `resolveBoot`. */
  readonly include: IncludeReader;
}

/**
 * Read a config's include tree through an async reader. Names are passed as written (relative to
 * the PXE path prefix, `::/abs`, or URLs): resolving them is the reader's job. Cycles are not
 * followed; a tree with more than `maxIncludeFiles` files throws PXELINUX_ERR_INCLUDE_LIMIT.
 *
 * @example
 * const tree = await loadIncludes(doc, async (name) => (await fetchTftp(name))?.toString('latin1'));
 * const model = buildModel(doc, { include: tree.include });
 */
export async function loadIncludes(
  doc: ConfigDocument,
  read: (name: string) => Promise<string | undefined>,
  options: LoadIncludesOptions = {},
): Promise<LoadedConfigTree> {
  const maxDepth = options.maxIncludeDepth ?? 16;
  const maxFiles = options.maxIncludeFiles ?? 256;
  const files = new Map<string, ConfigDocument>();
  const missing: string[] = [];
  const tried = new Set<string>();

  async function walk(d: ConfigDocument, depth: number): Promise<void> {
    if (depth > maxDepth) return;
    for (const l of d.lines) {
      if (l.kind !== 'directive' || (l.keyword !== 'include' && l.keyword !== 'menu include')) continue;
      const name = firstWord(lineValue(l));
      if (name === '' || tried.has(name)) continue;
      tried.add(name);
      if (tried.size > maxFiles) {
        throw new PxelinuxError(
          PXELINUX_ERROR_CODES.INCLUDE_LIMIT,
          `more than ${maxFiles} include files; raise maxIncludeFiles if this is intended`,
          { line: l.line },
        );
      }
      const text = await read(name);
      if (text === undefined) {
        missing.push(name);
        continue;
      }
      const sub = parse(text, { encoding: d.encoding });
      files.set(name, sub);
      await walk(sub, depth + 1);
    }
  }
  await walk(doc, 1);
  return { files, missing, include: (name) => files.get(name) };
}

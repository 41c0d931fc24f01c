/**
 * Node adapter: reading kickstarts and their `%include`/`%ksappend` targets from disk (and, when
 * allowed, over HTTP). The only part of the package that imports `node:*`.
 *
 * Where targets are looked for, as pykickstart does it: first as given (relative paths from `cwd`),
 * then relative to the directory of the including file. URLs (`scheme://`) are fetched only with
 * `allowUrls` and only for http and https.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseKickstart } from '../cst.js';
import { KickstartError } from '../errors.js';
import {
  type IncludeReader,
  type ResolvedKickstart,
  type ResolveOptions,
  resolveIncludes,
} from '../include.js';

export interface FileReaderOptions {
  /** Directory that relative targets are tried in first (pykickstart: the process's working directory). */
  readonly cwd?: string;
  /** Fetch `http://` and `https://` targets (default false). */
  readonly allowUrls?: boolean;
  /** Limit on one file or response, in bytes (default 8 MiB). */
  readonly maxFileSize?: number;
  /** Aborts URL fetches. */
  readonly signal?: AbortSignal;
}

const DEFAULT_MAX_FILE = 8 * 1024 * 1024;

function decode(bytes: Uint8Array, where: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new KickstartError('KS_ERR_ENCODING', `${where} is not valid UTF-8`, { cause: e });
  }
}

/** Decodes kickstart bytes strictly as UTF-8, as pykickstart does (a BOM is kept as a character). */
export function decodeKickstart(bytes: Uint8Array): string {
  return decode(bytes, 'kickstart');
}

async function readLocal(path: string, max: number): Promise<string | null> {
  try {
    const bytes = await readFile(path);
    if (bytes.byteLength > max)
      throw new KickstartError('KS_ERR_TOO_LARGE', `${path} is larger than ${max} bytes`);
    return decode(bytes, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
    throw e;
  }
}

/**
 * An `IncludeReader` over the file system (and optionally HTTP).
 *
 * @example
 * const r = await resolveIncludes(doc, { reader: createFileReader({ cwd: '/srv/ks' }), file: '/srv/ks/main.ks' });
 */
export function createFileReader(options: FileReaderOptions = {}): IncludeReader {
  const cwd = options.cwd ?? process.cwd();
  const max = options.maxFileSize ?? DEFAULT_MAX_FILE;
  return async (target, from) => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
      if (!options.allowUrls) throw new Error('URL includes are not enabled (allowUrls)');
      if (!/^https?:\/\//i.test(target)) throw new Error('only http and https URLs can be fetched');
      const res = await fetch(target, options.signal ? { signal: options.signal } : {});
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.byteLength > max) throw new Error(`${target} is larger than ${max} bytes`);
      return { id: target, text: decode(bytes, target) };
    }
    const candidates = isAbsolute(target)
      ? [target]
      : [
          resolve(cwd, target),
          ...(from !== undefined && !/^[a-z]+:\/\//i.test(from) ? [resolve(dirname(from), target)] : []),
        ];
    for (const path of candidates) {
      const text = await readLocal(path, max);
      if (text !== null) return { id: path, text };
    }
    return null;
  };
}

/**
 * Reads a kickstart file and resolves its includes from disk (relative targets: the file's own
 * directory is the fallback, as in pykickstart).
 */
export async function loadKickstart(
  path: string,
  options: FileReaderOptions & Omit<ResolveOptions, 'reader' | 'file'> = {},
): Promise<ResolvedKickstart> {
  const file = resolve(options.cwd ?? process.cwd(), path);
  const text = await readLocal(file, options.maxFileSize ?? DEFAULT_MAX_FILE);
  if (text === null) throw new KickstartError('KS_ERR_NOT_FOUND', `${file} not found`);
  return resolveIncludes(parseKickstart(text), { ...options, reader: createFileReader(options), file });
}

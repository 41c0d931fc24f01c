import { constants } from 'node:fs';
import { type FileHandle, link, lstat, open, readlink, realpath, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { ERROR_CODE } from '../wire/constants.js';
import { TFTP_ERR, TftpError } from '../wire/errors.js';

/** How symbolic links under the root are treated. */
export type SymlinkPolicy = 'inside-root' | 'deny';

export interface OpenedFile {
  readonly handle: FileHandle;
  readonly size: number;
  /** Identity for the hot-file cache: changes when the file is replaced or modified. */
  readonly key: string;
  readonly path: string;
}

const notFound = () => new TftpError(TFTP_ERR.NOT_FOUND, 'File not found', ERROR_CODE.FILE_NOT_FOUND);
const denied = () => new TftpError(TFTP_ERR.ACCESS, 'Access violation', ERROR_CODE.ACCESS_VIOLATION);

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * Where an open descriptor really points (Linux /proc). Used after open() to close the race between the
 * realpath() check and open(): if a directory on the path was swapped for a symlink meanwhile, the
 * descriptor's real path leaves the root and the file is refused.
 */
async function fdPath(handle: FileHandle): Promise<string | undefined> {
  try {
    return await readlink(`/proc/self/fd/${handle.fd}`);
  } catch {
    return undefined;
  }
}

/**
 * Opens `segments` (already sanitised: no `..`, no empty parts) under `root` for reading, or throws a
 * TftpError with a generic message (never the server path: dnsmasq leaked it in its error text).
 * - the real path of the file must stay inside the real root (symlinks pointing out are refused);
 * - with `deny`, no symlink at all may appear below the root;
 * - only regular files: FIFOs (opened non-blocking so they cannot hang us), devices, directories refused.
 */
export async function openInRoot(
  root: string,
  segments: readonly string[],
  symlinks: SymlinkPolicy,
): Promise<OpenedFile> {
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    throw notFound();
  }
  const candidate = join(realRoot, ...segments);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw code === 'ENOENT' || code === 'ENOTDIR' ? notFound() : denied();
  }
  if (!inside(realRoot, real)) throw denied();
  if (symlinks === 'deny' && real !== candidate) throw denied();
  // The descriptor's own path is checked again: the last component may have been swapped meanwhile.
  return openRegularFile(real, constants.O_NOFOLLOW, async (handle) => {
    const actual = await fdPath(handle);
    return actual === undefined || inside(realRoot, actual);
  });
}

/**
 * Opens a file a virtual-file handler chose (`{ file }`): no root to stay in, since the handler picked
 * the path, but still only a regular file, with the same generic errors as `openInRoot`.
 */
export function openChosenFile(path: string): Promise<OpenedFile> {
  return openRegularFile(path, 0);
}

/**
 * Opens `path` read-only and non-blocking (so a FIFO cannot hang us) with `flags` added; refuses anything
 * but a regular file, or a handle `check` rejects, closing it. Errors are generic TftpErrors: ENOENT is
 * "not found", everything else "access violation".
 */
async function openRegularFile(
  path: string,
  flags: number,
  check?: (handle: FileHandle) => Promise<boolean>,
): Promise<OpenedFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | flags);
  } catch (err) {
    throw (err as NodeJS.ErrnoException).code === 'ENOENT' ? notFound() : denied();
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw denied();
    if (check !== undefined && !(await check(handle))) throw denied();
    return { handle, size: st.size, key: `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`, path };
  } catch (err) {
    await handle.close().catch(() => {});
    throw TftpError.is(err) ? err : denied();
  }
}

export interface WriteTarget {
  readonly handle: FileHandle;
  /** Moves the finished temp file into place (no overwrite unless allowed), or removes it. */
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * Prepares an upload: the parent directory must exist inside the root (no directories are created), the
 * target must not exist unless `overwrite`, and data goes to a temp file beside it that is renamed into
 * place only when complete, so a failed upload never leaves a partial file under the real name.
 */
export async function createInRoot(
  root: string,
  segments: readonly string[],
  opts: { overwrite: boolean; symlinks: SymlinkPolicy; unique: string },
): Promise<WriteTarget> {
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    throw denied();
  }
  const candidate = join(realRoot, ...segments);
  let parent: string;
  try {
    parent = await realpath(dirname(candidate));
  } catch {
    throw notFound();
  }
  if (!inside(realRoot, parent)) throw denied();
  if (opts.symlinks === 'deny' && parent !== dirname(candidate)) throw denied();
  const target = join(parent, basename(candidate));
  try {
    const st = await lstat(target);
    if (!opts.overwrite) throw new TftpError(TFTP_ERR.EXISTS, 'File already exists', ERROR_CODE.FILE_EXISTS);
    if (!st.isFile()) throw denied();
  } catch (err) {
    if (TftpError.is(err)) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw denied();
  }
  const tmp = join(parent, `.${basename(candidate)}.${opts.unique}.tftp-part`);
  let handle: FileHandle;
  try {
    handle = await open(
      tmp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o644,
    );
  } catch {
    throw denied();
  }
  let done = false;
  return {
    handle,
    async commit() {
      if (done) return;
      done = true;
      await handle.close();
      const { rename } = await import('node:fs/promises');
      try {
        if (opts.overwrite) await rename(tmp, target);
        else {
          // link() fails with EEXIST instead of replacing a file created meanwhile.
          await link(tmp, target);
          await unlink(tmp);
        }
      } catch (err) {
        await unlink(tmp).catch(() => {});
        throw new TftpError(TFTP_ERR.EXISTS, 'File already exists', ERROR_CODE.FILE_EXISTS, err);
      }
    },
    async discard() {
      if (done) return;
      done = true;
      await handle.close().catch(() => {});
      await unlink(tmp).catch(() => {});
    },
  };
}

/** Whether a path exists and is a directory (for root validation at start-up). */
export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

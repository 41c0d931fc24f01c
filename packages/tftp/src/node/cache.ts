import type { FileHandle } from 'node:fs/promises';

export interface FileCacheOptions {
  /** Total bytes kept. Default 256 MiB. */
  readonly maxBytes?: number;
  /** Files larger than this are streamed with read-ahead, never cached. Default 64 MiB. */
  readonly maxFileSize?: number;
}

/**
 * Whole-file cache for hot boot files (many PXE clients pulling the same kernel/initrd at once): one read
 * from disk, then every transfer sends views of the same immutable buffer. Keyed by dev:ino:size:mtime,
 * so a replaced or modified file is read again. Least recently used entries are evicted first.
 */
export class FileCache {
  readonly #max: number;
  readonly maxFileSize: number;
  #bytes = 0;
  readonly #entries = new Map<string, Promise<Uint8Array>>();
  readonly #sizes = new Map<string, number>();
  hits = 0;
  misses = 0;

  constructor(opts: FileCacheOptions = {}) {
    this.#max = opts.maxBytes ?? 256 * 1024 * 1024;
    this.maxFileSize = Math.min(opts.maxFileSize ?? 64 * 1024 * 1024, this.#max);
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The file's bytes, read once per key; concurrent callers share one read. */
  get(key: string, size: number, handle: FileHandle): Promise<Uint8Array> {
    const hit = this.#entries.get(key);
    if (hit) {
      this.hits++;
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    this.misses++;
    const p = readAll(handle, size);
    this.#entries.set(key, p);
    this.#sizes.set(key, size);
    this.#bytes += size;
    p.catch(() => this.#drop(key));
    this.#evict();
    return p;
  }

  #drop(key: string): void {
    if (this.#entries.delete(key)) this.#bytes -= this.#sizes.get(key) ?? 0;
    this.#sizes.delete(key);
  }

  #evict(): void {
    for (const key of this.#entries.keys()) {
      if (this.#bytes <= this.#max) break;
      this.#drop(key);
    }
  }
}

async function readAll(handle: FileHandle, size: number): Promise<Uint8Array> {
  // Shared memory: the worker data plane sends from the same bytes without a copy per transfer.
  const buf = Buffer.from(new SharedArrayBuffer(size));
  let off = 0;
  while (off < size) {
    const { bytesRead } = await handle.read(buf, off, size - off, off);
    if (bytesRead === 0) break;
    off += bytesRead;
  }
  return off === size ? buf : buf.subarray(0, off);
}

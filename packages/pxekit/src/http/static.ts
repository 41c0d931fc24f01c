/**
 * Static files for install trees, kernels and initrds: a path jail, HEAD, a single byte range (RFC 9110
 * §14), and conditional requests (§13: If-None-Match, If-Modified-Since, If-Range).
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.cfg': 'text/plain; charset=utf-8',
  '.ks': 'text/plain; charset=utf-8',
  '.ipxe': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.treeinfo': 'text/plain; charset=utf-8',
  '.conf': 'text/plain; charset=utf-8',
  '.sig': 'application/pgp-signature',
  '.asc': 'application/pgp-signature',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.gz': 'application/gzip',
  '.xz': 'application/x-xz',
  '.bz2': 'application/x-bzip2',
  '.zst': 'application/zstd',
  '.tar': 'application/x-tar',
  '.rpm': 'application/x-rpm',
  '.deb': 'application/vnd.debian.binary-package',
  '.iso': 'application/x-iso9660-image',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
};

/** Content type by file extension; boot binaries, kernels and images are `application/octet-stream`. */
export function contentTypeFor(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === '.treeinfo' || base === 'treeinfo') return TYPES['.treeinfo']!;
  return TYPES[extname(base).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a URL path below a root to a file path, or undefined when it would leave the root. Rejects
 * encoded slashes and NUL, and `..` segments, before touching the file system.
 */
export function jailPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || /%2f|%5c/i.test(urlPath) || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return undefined;
  const full = resolve(root, ...segments);
  const base = resolve(root);
  return full === base || full.startsWith(base + sep) ? full : undefined;
}

/** A strong validator from size and modification time (the file's identity for caches and If-Range). */
export function etagFor(size: number, mtimeMs: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

export type RangeResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'range'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

/**
 * Parses a `Range` header against a representation of `size` bytes. Only one range is served; a header
 * asking for several gets the whole body (RFC 9110 §14.2 allows ignoring Range). Syntax errors are
 * ignored the same way.
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined) return { kind: 'none' };
  const m = /^\s*bytes\s*=\s*([0-9]*)\s*-\s*([0-9]*)\s*$/i.exec(header);
  if (m === null) return { kind: 'none' };
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return { kind: 'none' };
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    if (size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (end < start) return { kind: 'none' };
  return { kind: 'range', start, end };
}

/** True when an `If-None-Match` list matches the ETag (weak comparison, RFC 9110 §13.1.2). */
function noneMatch(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const strip = (t: string): string => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => strip(t) === strip(etag));
}

export interface ServeResult {
  readonly status: number;
  readonly bytes: number;
}

export interface BodySource {
  /** Size of the representation in bytes. */
  readonly size: number;
  readonly mtimeMs: number;
  readonly contentType: string;
  /** Reads bytes [start, end] inclusive. */
  readonly stream: (start: number, end: number) => NodeJS.ReadableStream;
  /** The file on disk, when the body is one whole file (TFTP then serves it as a file, not a stream). */
  readonly path?: string;
}

/** Serves one representation with HEAD, Range and conditional request handling. */
export function sendBody(req: IncomingMessage, res: ServerResponse, body: BodySource): Promise<ServeResult> {
  const etag = etagFor(body.size, body.mtimeMs);
  const lastModified = new Date(Math.floor(body.mtimeMs / 1000) * 1000);
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', lastModified.toUTCString());
  res.setHeader('Accept-Ranges', 'bytes');

  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  let notModified = false;
  if (inm !== undefined) notModified = noneMatch(inm, etag);
  else if (ims !== undefined) {
    const since = Date.parse(ims);
    notModified = !Number.isNaN(since) && lastModified.getTime() <= since;
  }
  if (notModified) {
    res.statusCode = 304;
    res.end();
    return Promise.resolve({ status: 304, bytes: 0 });
  }

  let range = parseRange(req.headers.range, body.size);
  const ifRangeHeader = req.headers['if-range'];
  const ifRange = Array.isArray(ifRangeHeader) ? ifRangeHeader[0] : ifRangeHeader;
  if (range.kind !== 'none' && ifRange !== undefined) {
    // If-Range holds an ETag (strong comparison) or a date; when it does not match, send everything.
    const matches =
      ifRange.startsWith('"') || ifRange.startsWith('W/')
        ? ifRange === etag
        : Date.parse(ifRange) === lastModified.getTime();
    if (!matches) range = { kind: 'none' };
  }

  res.setHeader('Content-Type', body.contentType);
  if (range.kind === 'unsatisfiable') {
    res.statusCode = 416;
    res.setHeader('Content-Range', `bytes */${body.size}`);
    res.setHeader('Content-Length', 0);
    res.end();
    return Promise.resolve({ status: 416, bytes: 0 });
  }
  const [start, end] = range.kind === 'range' ? [range.start, range.end] : [0, body.size - 1];
  const length = body.size === 0 ? 0 : end - start + 1;
  res.statusCode = range.kind === 'range' ? 206 : 200;
  if (range.kind === 'range') res.setHeader('Content-Range', `bytes ${start}-${end}/${body.size}`);
  res.setHeader('Content-Length', length);
  if (req.method === 'HEAD' || length === 0) {
    res.end();
    return Promise.resolve({ status: res.statusCode, bytes: 0 });
  }
  return new Promise((done) => {
    const stream = body.stream(start, end);
    let sent = 0;
    stream.on('data', (chunk: Uint8Array | string) => {
      sent += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    });
    stream.on('error', () => {
      res.destroy();
      done({ status: res.statusCode, bytes: sent });
    });
    res.on('close', () => {
      if (!res.writableFinished && 'destroy' in stream) (stream as { destroy: () => void }).destroy();
      done({ status: res.statusCode, bytes: sent });
    });
    stream.pipe(res);
  });
}

/** A file below `root`, or undefined when it is outside the root (symlinks included) or not a file. */
export async function openJailedFile(root: string, urlPath: string): Promise<BodySource | undefined> {
  const candidate = jailPath(root, urlPath);
  if (candidate === undefined) return undefined;
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(candidate), realpath(root)]);
  } catch {
    return undefined;
  }
  if (real !== realRoot && !real.startsWith(realRoot + sep)) return undefined;
  const st = await stat(real).catch(() => undefined);
  if (st === undefined || !st.isFile()) return undefined;
  return fileBody(real, st.size, st.mtimeMs);
}

export function fileBody(path: string, size: number, mtimeMs: number): BodySource {
  return {
    size,
    mtimeMs,
    contentType: contentTypeFor(path),
    stream: (start, end) => createReadStream(path, { start, end }),
    path,
  };
}

/**
 * A writer for the cpio "newc" format (SVR4 without CRC), the one the Linux kernel unpacks as an
 * initramfs (Documentation/driver-api/early-userspace/buffer-format.rst). Pure: no node:* imports.
 *
 * ```
 * offset  size  field (8 ASCII hex digits each after the magic)
 *   0       6   c_magic    "070701"
 *   6       8   c_ino
 *  14       8   c_mode     file type and permissions
 *  22       8   c_uid
 *  30       8   c_gid
 *  38       8   c_nlink
 *  46       8   c_mtime
 *  54       8   c_filesize
 *  62       8   c_devmajor
 *  70       8   c_devminor
 *  78       8   c_rdevmajor
 *  86       8   c_rdevminor
 *  94       8   c_namesize (including the trailing NUL)
 * 102       8   c_check    0
 * 110           name, NUL, padded to a multiple of 4; then data, padded to a multiple of 4
 * ```
 * The archive ends with an entry named "TRAILER!!!".
 */

export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;

export interface CpioEntry {
  /** Path without a leading slash, e.g. "bin/busybox". */
  name: string;
  /** File type bits | permissions, e.g. S_IFREG | 0o755. */
  mode: number;
  /** File contents, or the link target for a symlink. */
  data?: Uint8Array;
  /** For character/block devices. */
  rdevMajor?: number;
  rdevMinor?: number;
}

const HEADER_LENGTH = 110;
const encoder = new TextEncoder();

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** Byte length of the archive {@link encodeCpio} produces for `entries`. */
export function cpioEncodingLength(entries: readonly CpioEntry[]): number {
  let n = 0;
  for (const e of [...entries, { name: 'TRAILER!!!', mode: 0 }]) {
    const nameLength = encoder.encode(e.name).length + 1;
    const dataLength = e.data?.length ?? 0;
    n += HEADER_LENGTH + nameLength + pad4(HEADER_LENGTH + nameLength) + dataLength + pad4(dataLength);
  }
  return n;
}

/** Encodes `entries` (in order) plus the trailer as one newc archive. mtime is 0: builds are reproducible. */
export function encodeCpio(entries: readonly CpioEntry[]): Uint8Array {
  const out = new Uint8Array(cpioEncodingLength(entries));
  let off = 0;
  let ino = 1;
  for (const e of [...entries, { name: 'TRAILER!!!', mode: 0 }]) {
    if (e.name.startsWith('/')) throw new RangeError(`cpio entry names are relative: ${e.name}`);
    const name = encoder.encode(e.name);
    const data = e.data ?? new Uint8Array(0);
    const isDir = (e.mode & 0o170000) === S_IFDIR;
    const fields = [
      e.name === 'TRAILER!!!' ? 0 : ino++,
      e.mode,
      0,
      0,
      isDir ? 2 : 1,
      0,
      data.length,
      0,
      0,
      'rdevMajor' in e ? (e.rdevMajor ?? 0) : 0,
      'rdevMinor' in e ? (e.rdevMinor ?? 0) : 0,
      name.length + 1,
      0,
    ];
    out.set(encoder.encode(`070701${fields.map(hex8).join('')}`), off);
    off += HEADER_LENGTH;
    out.set(name, off);
    off += name.length + 1; // the NUL is already 0
    off += pad4(HEADER_LENGTH + name.length + 1);
    out.set(data, off);
    off += data.length + pad4(data.length);
  }
  return out;
}

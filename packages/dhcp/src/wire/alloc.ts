/**
 * Output buffers for encoders. A Uint8Array over 64 bytes gets its own off-heap ArrayBuffer in V8, which
 * costs about 4× the encoding of a whole DHCP message; so, as Node does for small Buffers, encoded
 * messages are carved out of a shared 64 KiB slab. Each result is a distinct view whose bytes are never
 * handed out twice, so it is as safe to keep or pass to `socket.send()` as a fresh array. Read it with
 * `byteOffset`/`byteLength` (its `.buffer` is the slab), or `slice()` it to detach.
 */
const SLAB_SIZE = 64 * 1024;
/** Requests larger than this get their own buffer. */
const MAX_POOLED = 4096;

let slab = new Uint8Array(0);
let used = 0;

/** A zero-filled array of `length` bytes (pooled when small). */
export function allocBytes(length: number): Uint8Array {
  if (length > MAX_POOLED) return new Uint8Array(length);
  if (used + length > slab.length) {
    slab = new Uint8Array(SLAB_SIZE);
    used = 0;
  }
  const out = slab.subarray(used, used + length);
  // Keep 8-byte alignment so a DataView over the result is aligned like a fresh buffer.
  used += (length + 7) & ~7;
  return out;
}

/**
 * netascii (RFC 1350 §1 and §5, via RFC 764 Telnet NVT rules): on the wire a newline is CR LF and a bare
 * CR is CR NUL. Both converters are streams that keep state across chunks, so a CR that ends one DATA
 * block and the LF or NUL that starts the next are handled (FreeBSD PR 178055 dropped that NUL).
 */

const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;

/** Local text → netascii. Each LF becomes CR LF, each CR becomes CR NUL. */
export class NetasciiEncoder {
  /** Converts one chunk; the output never depends on how the input was split. */
  push(chunk: Uint8Array): Uint8Array {
    let extra = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === LF || b === CR) extra++;
    }
    if (extra === 0) return chunk;
    const out = new Uint8Array(chunk.length + extra);
    let o = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === LF) {
        out[o++] = CR;
        out[o++] = LF;
      } else if (b === CR) {
        out[o++] = CR;
        out[o++] = NUL;
      } else {
        out[o++] = b;
      }
    }
    return out;
  }
}

/** netascii → local text (LF line ends). A CR that ends a chunk waits for the next one. */
export class NetasciiDecoder {
  #pendingCr = false;

  push(chunk: Uint8Array): Uint8Array {
    const out = new Uint8Array(chunk.length + 1);
    let o = 0;
    let i = 0;
    if (this.#pendingCr && chunk.length > 0) {
      this.#pendingCr = false;
      const b = chunk[0]!;
      if (b === LF) {
        out[o++] = LF;
        i = 1;
      } else if (b === NUL) {
        out[o++] = CR;
        i = 1;
      } else {
        // A CR followed by anything else is not valid netascii; keep the CR rather than lose a byte.
        out[o++] = CR;
      }
    }
    for (; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b !== CR) {
        out[o++] = b;
        continue;
      }
      if (i + 1 === chunk.length) {
        this.#pendingCr = true;
        break;
      }
      const next = chunk[i + 1]!;
      if (next === LF) {
        out[o++] = LF;
        i++;
      } else if (next === NUL) {
        out[o++] = CR;
        i++;
      } else {
        out[o++] = CR;
      }
    }
    return out.subarray(0, o);
  }

  /** Flushes a CR left at the very end of the stream. */
  end(): Uint8Array {
    if (!this.#pendingCr) return new Uint8Array(0);
    this.#pendingCr = false;
    return new Uint8Array([CR]);
  }
}

import fc from 'fast-check';

/** A codec in the house trio shape: decode / encode / encodeInto / encodingLength. */
export interface Codec<T> {
  decode(bytes: Uint8Array): T;
  encode(value: T): Uint8Array;
  /** Writes `value` into `target` at `offset`; returns the number of bytes written. */
  encodeInto?(value: T, target: Uint8Array, offset: number): number;
  encodingLength(value: T): number;
}

export interface CodecLawOptions<T> {
  /** Compare two decoded values; defaults to a structural deep equality. */
  equals?: (a: T, b: T) => boolean;
  numRuns?: number;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * Asserts the four codec laws (after mafintosh/dns-packet's testEncoder) for every value `arb` generates:
 * round trip, length agreement, stable re-encode and encode at an offset. Throws (with fast-check's
 * shrunk counterexample) on the first violation.
 *
 * @example
 * assertCodecLaws(optionCodec, optionArbitrary);
 */
export function assertCodecLaws<T>(
  codec: Codec<T>,
  arb: fc.Arbitrary<T>,
  options: CodecLawOptions<T> = {},
): void {
  const equals = options.equals;
  try {
    runLaws(codec, arb, equals, options.numRuns);
  } catch (err) {
    // fast-check keeps the law that broke in `cause`; put it first so test output names it.
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : undefined;
    if (cause && err instanceof Error)
      throw new Error(`codec law broken: ${cause.message}\n${err.message}`, { cause });
    throw err;
  }
}

function runLaws<T>(
  codec: Codec<T>,
  arb: fc.Arbitrary<T>,
  equals: ((a: T, b: T) => boolean) | undefined,
  numRuns: number | undefined,
): void {
  fc.assert(
    fc.property(arb, (value) => {
      const bytes = codec.encode(value);
      const length = codec.encodingLength(value);
      if (bytes.length !== length) {
        throw new Error(
          `length agreement: encode() wrote ${bytes.length} bytes, encodingLength() said ${length}`,
        );
      }
      const decoded = codec.decode(bytes);
      if (equals) {
        if (!equals(decoded, value)) throw new Error('round trip: decode(encode(x)) differs from x');
      } else {
        const a = fc.stringify(decoded);
        const b = fc.stringify(value);
        if (a !== b) throw new Error(`round trip: decode(encode(x)) = ${a}, x = ${b}`);
      }
      const again = codec.encode(decoded);
      if (!bytesEqual(again, bytes)) {
        throw new Error(`stable re-encode: ${hex(again)} != ${hex(bytes)}`);
      }
      if (codec.encodeInto) {
        const offset = 7;
        const target = new Uint8Array(offset + length + 5).fill(0xa5);
        const written = codec.encodeInto(value, target, offset);
        if (written !== length) throw new Error(`encodeInto wrote ${written} bytes, expected ${length}`);
        if (!bytesEqual(target.subarray(offset, offset + length), bytes)) {
          throw new Error('encode at an offset: bytes differ from encode()');
        }
        for (let i = 0; i < offset; i++)
          if (target[i] !== 0xa5) throw new Error('encodeInto wrote before offset');
        for (let i = offset + length; i < target.length; i++) {
          if (target[i] !== 0xa5) throw new Error('encodeInto wrote past its length');
        }
      }
    }),
    numRuns === undefined ? {} : { numRuns },
  );
}

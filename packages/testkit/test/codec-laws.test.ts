import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertCodecLaws, type Codec, FakeClock } from '../src/index.js';

const u16: Codec<number> = {
  decode: (b) => ((b[0] ?? 0) << 8) | (b[1] ?? 0),
  encode: (v) => Uint8Array.of(v >> 8, v & 0xff),
  encodeInto: (v, t, o) => {
    t[o] = v >> 8;
    t[o + 1] = v & 0xff;
    return 2;
  },
  encodingLength: () => 2,
};

describe('assertCodecLaws', () => {
  it('passes a lawful codec', () => {
    assertCodecLaws(u16, fc.integer({ min: 0, max: 0xffff }));
  });

  it('catches a codec whose length disagrees', () => {
    expect(() =>
      assertCodecLaws({ ...u16, encodingLength: () => 3 }, fc.integer({ min: 0, max: 0xffff })),
    ).toThrow(/length agreement/);
  });

  it('catches a lossy codec', () => {
    const lossy: Codec<number> = { ...u16, encode: (v) => Uint8Array.of(0, v & 0xff) };
    expect(() => assertCodecLaws(lossy, fc.integer({ min: 0, max: 0xffff }))).toThrow(/round trip/);
  });

  it('catches encodeInto writing out of bounds', () => {
    const sloppy: Codec<number> = {
      ...u16,
      encodeInto: (v, t, o) => {
        t[o] = v >> 8;
        t[o + 1] = v & 0xff;
        t[o + 2] = 0;
        return 2;
      },
    };
    expect(() => assertCodecLaws(sloppy, fc.integer({ min: 0, max: 0xffff }))).toThrow(/past its length/);
  });
});

describe('assertCodecLaws (the other two laws)', () => {
  it('catches an encoder that is not stable (same value, different bytes)', () => {
    let calls = 0;
    const unstable: Codec<number> = {
      decode: (b) => ((b[0] ?? 0) << 8) | (b[1] ?? 0),
      encode: (v) => Uint8Array.of(v >> 8, v & 0xff, calls++ & 1),
      encodingLength: () => 3,
    };
    expect(() => assertCodecLaws(unstable, fc.integer({ min: 0, max: 0xffff }))).toThrow(/stable re-encode/);
  });

  it('catches encodeInto writing before its offset', () => {
    const early: Codec<number> = {
      ...u16,
      encodeInto: (v, t, o) => {
        t[o - 1] = 0;
        t[o] = v >> 8;
        t[o + 1] = v & 0xff;
        return 2;
      },
    };
    expect(() => assertCodecLaws(early, fc.integer({ min: 0, max: 0xffff }))).toThrow(/before offset/);
  });
});

describe('FakeClock', () => {
  it('only moves forward', () => {
    const c = new FakeClock(10);
    expect(c.advance(5)).toBe(15);
    expect(c.advanceTo(20)).toBe(20);
    expect(() => c.advanceTo(19)).toThrow(RangeError);
    expect(() => c.advance(-1)).toThrow(RangeError);
  });
});

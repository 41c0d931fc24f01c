import { assertCodecLaws } from '@pxekit/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tftpPacket } from '../src/arbitraries/index.js';
import {
  decodePacket,
  encodePacket,
  encodePacketInto,
  errorCodeName,
  findOption,
  opcodeName,
  packetEncodingLength,
  type TftpPacket,
  type TftpRequest,
  TftpError,
  tryDecodePacket,
} from '../src/index.js';

const codec = {
  decode: decodePacket,
  encode: encodePacket,
  encodeInto: encodePacketInto,
  encodingLength: packetEncodingLength,
};

const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? Array.from(p, (c) => c.charCodeAt(0)) : p)));

describe('packet codec', () => {
  it('obeys the codec laws for every packet type', () => {
    assertCodecLaws(codec, tftpPacket, {
      equals: (a, b) => {
        const norm = (p: TftpPacket) => (p.type === 'data' ? { ...p, data: Array.from(p.data) } : p);
        return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
      },
      numRuns: 500,
    });
  });

  it('decodes an RRQ with options exactly as sent (RFC 2347 layout)', () => {
    const p = decodePacket(bytes([0, 1], 'pxelinux.0\0octet\0BLKSIZE\x001468\0tsize\x000\0'));
    expect(p).toEqual({
      type: 'rrq',
      filename: 'pxelinux.0',
      mode: 'octet',
      options: [
        { name: 'BLKSIZE', value: '1468' },
        { name: 'tsize', value: '0' },
      ],
    });
    expect(findOption((p as TftpRequest).options, 'blksize')).toBe('1468');
  });

  it('accepts a fixed 516-byte request padded with NULs and lacking a final NUL (HP firmware)', () => {
    const raw = new Uint8Array(516);
    raw.set(bytes([0, 1], 'boot.img\0octet\0'));
    expect(decodePacket(raw)).toEqual({ type: 'rrq', filename: 'boot.img', mode: 'octet', options: [] });
    const noNul = bytes([0, 1], 'f\0octet');
    expect(decodePacket(noNul)).toMatchObject({ filename: 'f', mode: 'octet' });
  });

  it('drops a dangling option name without a value', () => {
    expect(decodePacket(bytes([0, 1], 'f\0octet\0blksize\0'))).toMatchObject({ options: [] });
  });

  it('keeps filename bytes above 0x7f (firmware garbage) as Latin-1', () => {
    const p = decodePacket(bytes([0, 1], 'a.0', [0xff, 0xfe], '\0octet\0'));
    expect(p).toMatchObject({ filename: 'a.0\xff\xfe' });
    expect(encodePacket(p)).toEqual(bytes([0, 1], 'a.0', [0xff, 0xfe], '\0octet\0'));
  });

  it('gives DATA a view of the datagram, not a copy', () => {
    const raw = bytes([0, 3, 0x12, 0x34], 'abc');
    const p = decodePacket(raw);
    expect(p).toMatchObject({ type: 'data', block: 0x1234 });
    expect((p as { data: Uint8Array }).data.buffer).toBe(raw.buffer);
  });

  it.each([
    ['empty', [], 'TFTP_ERR_TRUNCATED'],
    ['one byte', [0], 'TFTP_ERR_TRUNCATED'],
    ['unknown opcode 7', [0, 7, 0, 0], 'TFTP_ERR_BAD_OPCODE'],
    ['opcode 0', [0, 0], 'TFTP_ERR_BAD_OPCODE'],
    ['DATA of 3 bytes', [0, 3, 0], 'TFTP_ERR_TRUNCATED'],
    ['ACK of 3 bytes', [0, 4, 0], 'TFTP_ERR_TRUNCATED'],
    ['ERROR of 3 bytes (CVE-2019-11365)', [0, 5, 0], 'TFTP_ERR_TRUNCATED'],
    ['RRQ without mode', [0, 1, 0x61], 'TFTP_ERR_MALFORMED'],
    ['RRQ with empty filename', [0, 1, 0, 0x6f, 0], 'TFTP_ERR_MALFORMED'],
  ])('refuses %s with a typed error and TFTP code 4', (_name, raw, code) => {
    const r = tryDecodePacket(new Uint8Array(raw));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(TftpError);
      expect(r.error.code).toBe(code);
      expect(r.error.tftpCode).toBe(4);
    }
    expect(() => decodePacket(new Uint8Array(raw))).toThrow(TftpError);
  });

  it('decodes an ERROR without its NUL terminator', () => {
    expect(decodePacket(bytes([0, 5, 0, 1], 'nope'))).toEqual({ type: 'error', code: 1, message: 'nope' });
  });

  it('never throws on random bytes (tryDecodePacket)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (raw) => {
        const r = tryDecodePacket(raw);
        if (!r.ok) expect(TftpError.is(r.error)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses to encode what cannot travel', () => {
    expect(() => encodePacket({ type: 'ack', block: 70000 })).toThrowError(/block/);
    expect(() => encodePacket({ type: 'error', code: 1, message: 'a\0b' })).toThrow(TftpError);
    expect(() => encodePacket({ type: 'rrq', filename: 'é€', mode: 'octet', options: [] })).toThrow(
      TftpError,
    );
    expect(() => encodePacketInto({ type: 'ack', block: 1 }, new Uint8Array(3), 0)).toThrow(TftpError);
  });

  it('names opcodes and error codes, and unknown ones as unknown(n)', () => {
    expect(opcodeName(6)).toBe('OACK');
    expect(opcodeName(9)).toBe('unknown(9)');
    expect(errorCodeName(5)).toBe('unknown transfer ID');
    expect(errorCodeName(42)).toBe('unknown(42)');
  });
});

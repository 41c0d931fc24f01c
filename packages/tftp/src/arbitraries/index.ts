/** fast-check arbitraries for TFTP packets (for property tests here and in dependent packages). */
import fc from 'fast-check';
import type { TftpOption, TftpPacket } from '../wire/packet.js';

/** A Latin-1 string without NUL: what fits in one NUL-terminated TFTP field. */
export function fieldString(
  constraints: { minLength?: number; maxLength?: number } = {},
): fc.Arbitrary<string> {
  return fc
    .array(fc.integer({ min: 1, max: 0xff }), {
      minLength: constraints.minLength ?? 0,
      maxLength: constraints.maxLength ?? 24,
    })
    .map((codes) => String.fromCharCode(...codes));
}

const optionName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('blksize', 'BLKSIZE', 'tsize', 'timeout', 'windowsize', 'rollover', 'x-custom'),
  fieldString({ minLength: 1, maxLength: 12 }),
);

const optionValue: fc.Arbitrary<string> = fc.oneof(
  fc.nat({ max: 70000 }).map(String),
  fc.constantFrom('0', '-1', '99999999999999999999', ''),
  fieldString({ maxLength: 8 }),
);

export const tftpOption: fc.Arbitrary<TftpOption> = fc.record({ name: optionName, value: optionValue });

export const tftpRequest: fc.Arbitrary<TftpPacket> = fc.record({
  type: fc.constantFrom('rrq' as const, 'wrq' as const),
  filename: fieldString({ minLength: 1, maxLength: 40 }),
  mode: fc.constantFrom('octet', 'netascii', 'OCTET', 'mail'),
  options: fc.array(tftpOption, { maxLength: 6 }),
});

export const tftpData: fc.Arbitrary<TftpPacket> = fc.record({
  type: fc.constant('data' as const),
  block: fc.nat({ max: 0xffff }),
  data: fc.uint8Array({ maxLength: 1500 }),
});

export const tftpAck: fc.Arbitrary<TftpPacket> = fc.record({
  type: fc.constant('ack' as const),
  block: fc.nat({ max: 0xffff }),
});

export const tftpErrorPacket: fc.Arbitrary<TftpPacket> = fc.record({
  type: fc.constant('error' as const),
  code: fc.nat({ max: 8 }),
  message: fieldString({ maxLength: 40 }),
});

export const tftpOack: fc.Arbitrary<TftpPacket> = fc.record({
  type: fc.constant('oack' as const),
  options: fc.array(tftpOption, { maxLength: 6 }),
});

/** Any well-formed TFTP packet. */
export const tftpPacket: fc.Arbitrary<TftpPacket> = fc.oneof(
  tftpRequest,
  tftpData,
  tftpAck,
  tftpErrorPacket,
  tftpOack,
);

import { assertCodecLaws } from '@pxekit/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dhcpMessageArbitrary,
  longOptionMessageArbitrary,
  overloadedMessageArbitrary,
  pxeClientArbitrary,
  relayedRequestArbitrary,
  valueArbitrary,
  wireMessageArbitrary,
} from '../src/arbitraries/index.js';
import {
  DHCP_OPTIONS,
  type DhcpMessage,
  IPXE_SUBOPTIONS,
  PXE_SUBOPTIONS,
  RELAY_AGENT_SUBOPTIONS,
  type ValueCodec,
  decodeDhcpMessage,
  dhcpMessageEncodingLength,
  encodeDhcpMessage,
  encodeDhcpMessageInto,
  toHex,
} from '../src/index.js';

// The message codec in the testkit's trio shape. decode() attaches a layout; comparing without it checks
// that the canonical value survives, and the layout itself is exercised by "stable re-encode".
const messageCodec = {
  decode: (b: Uint8Array): DhcpMessage => {
    const { layout: _layout, ...rest } = decodeDhcpMessage(b);
    return rest;
  },
  encode: (m: DhcpMessage): Uint8Array => encodeDhcpMessage(m),
  encodeInto: (m: DhcpMessage, t: Uint8Array, o: number): number => encodeDhcpMessageInto(m, t, o),
  encodingLength: (m: DhcpMessage): number => dhcpMessageEncodingLength(m),
};

describe('codec laws: every registered option codec', () => {
  for (const d of DHCP_OPTIONS) {
    it(`option ${d.code} ${d.name} (${d.codec.type})`, () => {
      assertCodecLaws(d.codec as ValueCodec<unknown>, valueArbitrary(d.codec as ValueCodec<unknown>), {
        numRuns: 60,
      });
    });
  }
  for (const [space, table] of [
    ['pxe', PXE_SUBOPTIONS],
    ['relay', RELAY_AGENT_SUBOPTIONS],
    ['ipxe', IPXE_SUBOPTIONS],
  ] as const) {
    for (const d of table) {
      it(`${space} sub-option ${d.code} ${d.name}`, () => {
        assertCodecLaws(d.codec as ValueCodec<unknown>, valueArbitrary(d.codec as ValueCodec<unknown>), {
          numRuns: 40,
        });
      });
    }
  }
});

describe('codec laws: messages', () => {
  it('random messages', () => assertCodecLaws(messageCodec, dhcpMessageArbitrary(), { numRuns: 300 }));
  it('PXE clients', () => assertCodecLaws(messageCodec, pxeClientArbitrary(), { numRuns: 100 }));
  it('relayed requests', () => assertCodecLaws(messageCodec, relayedRequestArbitrary(), { numRuns: 100 }));
  it('long options (RFC 3396 split on encode, concatenated on decode)', () =>
    assertCodecLaws(messageCodec, longOptionMessageArbitrary(), { numRuns: 100 }));
});

describe('lossless', () => {
  it('decode then encode reproduces any well-formed wire message (pads, splits, overload, tails)', () => {
    fc.assert(
      fc.property(wireMessageArbitrary(), (bytes) => {
        expect(toHex(encodeDhcpMessage(decodeDhcpMessage(bytes)))).toBe(toHex(bytes));
      }),
      { numRuns: 500 },
    );
  });
});

describe('overloaded messages', () => {
  it('decoded overloaded messages re-encode exactly and keep their options', () => {
    fc.assert(
      fc.property(overloadedMessageArbitrary(), (m) => {
        expect(m.options[0]?.code).toBe(52);
        const again = decodeDhcpMessage(encodeDhcpMessage(m));
        expect(again.options).toEqual(m.options);
      }),
      { numRuns: 200 },
    );
  });
});

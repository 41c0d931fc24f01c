import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dhcpMessageArbitrary,
  pxeClientArbitrary,
  relayedRequestArbitrary,
} from '../src/arbitraries/index.js';
import {
  DHCP_MESSAGE_TYPE,
  DHCP_OPTION,
  DHCP_OPTIONS,
  DhcpHeaderView,
  IPXE_SUBOPTIONS,
  PXE_SUBOPTIONS,
  RELAY_AGENT_SUBOPTIONS,
  clientArchitectureName,
  clientHardwareAddress,
  decodeDhcpMessage,
  encodeDhcpMessage,
  getMessageType,
  messageTypeName,
  optionByCode,
  optionByName,
  optionName,
  parseIpv4,
} from '../src/index.js';

describe('option registry', () => {
  const spaces = { DHCP_OPTIONS, PXE_SUBOPTIONS, RELAY_AGENT_SUBOPTIONS, IPXE_SUBOPTIONS };
  for (const [name, table] of Object.entries(spaces)) {
    it(`${name}: frozen, sorted by code, unique codes and names, every entry cites where it is defined`, () => {
      expect(Object.isFrozen(table)).toBe(true);
      for (const d of table) expect(Object.isFrozen(d)).toBe(true);
      const codes = table.map((d) => d.code);
      expect(codes).toEqual([...codes].sort((a, b) => a - b));
      expect(new Set(codes).size).toBe(codes.length);
      expect(new Set(table.map((d) => d.name)).size).toBe(table.length);
      for (const d of table) {
        expect(d.rfc, d.name).toMatch(/^(RFC \d+ §[\d.]+|PXE 2\.1 §|iPXE|Microsoft|draft-)/);
        expect(d.name).toMatch(/^[a-z][A-Za-z0-9]*$/);
      }
    });
  }
  it('covers the options the issue lists', () => {
    const required = [
      ...Array.from({ length: 76 }, (_, i) => i + 1),
      77,
      80,
      81,
      82,
      93,
      94,
      97,
      108,
      114,
      118,
      119,
      121,
      125,
      145,
      150,
      175,
      208,
      209,
      210,
      211,
      249,
    ];
    for (const c of required) expect(optionByCode(c), `option ${c}`).toBeDefined();
    expect(PXE_SUBOPTIONS.map((d) => d.code)).toEqual(expect.arrayContaining([6, 8, 9, 10, 71]));
    expect(RELAY_AGENT_SUBOPTIONS.map((d) => d.code)).toEqual(
      expect.arrayContaining([1, 2, 5, 6, 10, 11, 151, 152]),
    );
  });
  it('maps names and codes both ways, unknown(n) for the rest', () => {
    expect(DHCP_OPTION.bootFileName).toBe(67);
    expect(optionByName('clientSystemArchitecture').code).toBe(93);
    expect([optionName(0), optionName(255), optionName(224), optionName(67)]).toEqual([
      'pad',
      'end',
      'unknown(224)',
      'bootFileName',
    ]);
    expect(() => optionByName('nope' as 'router')).toThrow(/unknown DHCP option name/);
    expect([messageTypeName(DHCP_MESSAGE_TYPE.ACK), messageTypeName(99)]).toEqual(['ACK', 'unknown(99)']);
    expect([clientArchitectureName(7), clientArchitectureName(999)]).toEqual(['x64 UEFI', 'unknown(999)']);
  });
});

describe('header view agrees with the full decode', () => {
  it('for any message', () => {
    fc.assert(
      fc.property(fc.oneof(dhcpMessageArbitrary(), pxeClientArbitrary(), relayedRequestArbitrary()), (m) => {
        const bytes = encodeDhcpMessage(m);
        const h = new DhcpHeaderView(bytes);
        const d = decodeDhcpMessage(bytes);
        expect([h.op, h.htype, h.hlen, h.hops, h.xid, h.secs, h.flags]).toEqual([
          d.op,
          d.htype,
          d.hlen,
          d.hops,
          d.xid,
          d.secs,
          d.flags,
        ]);
        expect([h.ciaddr, h.yiaddr, h.siaddr, h.giaddr]).toEqual(
          [d.ciaddr, d.yiaddr, d.siaddr, d.giaddr].map(parseIpv4),
        );
        if (d.hlen <= 16) expect(h.mac).toBe(clientHardwareAddress(d));
        expect(h.messageType).toBe(getMessageType(d));
        expect(h.hasCookie).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

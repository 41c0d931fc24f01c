import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type DhcpMessage,
  clientHardwareAddress,
  decodeDhcpMessage,
  decodeDhcpMessageTolerant,
  encodeDhcpMessage,
  fromHex,
  getMessageType,
  getOption,
  toHex,
} from '../src/index.js';

interface Fixture {
  name: string;
  from: 'client' | 'server';
  hex: string;
  expect: {
    messageType: number;
    xid: number;
    mac: string;
    yiaddr: string;
    siaddr: string;
    file: string;
    optionCodes: number[];
    hostName?: string;
    vendorClassIdentifier?: string;
    serverIdentifier?: string;
    requestedIpAddress?: string;
    ipAddressLeaseTime?: number;
    parameterRequestList?: number[];
  };
}

const fixtures: Fixture[] = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures/captures.json'), 'utf8'),
);

describe('real captures (dhclient, udhcpc, dhcpcd, dnsmasq, kea-dhcp4)', () => {
  it('has fixtures from every peer', () => {
    const text = fixtures.map((f) => f.name).join('\n');
    for (const peer of ['dnsmasq', 'kea-dhcp4']) expect(text).toContain(peer);
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
  });

  for (const f of fixtures) {
    describe(f.name, () => {
      const bytes = fromHex(f.hex);
      const msg: DhcpMessage = decodeDhcpMessage(bytes);

      it('decodes to the fields tshark dissected', () => {
        const e = f.expect;
        expect(getMessageType(msg)).toBe(e.messageType);
        expect(msg.xid).toBe(e.xid);
        expect(clientHardwareAddress(msg)).toBe(e.mac);
        expect(msg.yiaddr).toBe(e.yiaddr);
        expect(msg.siaddr).toBe(e.siaddr);
        expect(msg.file).toBe(e.file);
        expect(msg.op).toBe(f.from === 'client' ? 1 : 2);
        expect(msg.options.map((o) => o.code)).toEqual(e.optionCodes);
        if (e.hostName !== undefined) expect(getOption(msg, 'hostName')).toBe(e.hostName);
        if (e.vendorClassIdentifier !== undefined) {
          expect(getOption(msg, 'vendorClassIdentifier')).toBe(e.vendorClassIdentifier);
        }
        if (e.serverIdentifier !== undefined)
          expect(getOption(msg, 'serverIdentifier')).toBe(e.serverIdentifier);
        if (e.requestedIpAddress !== undefined) {
          expect(getOption(msg, 'requestedIpAddress')).toBe(e.requestedIpAddress);
        }
        if (e.ipAddressLeaseTime !== undefined)
          expect(getOption(msg, 'ipAddressLeaseTime')).toBe(e.ipAddressLeaseTime);
        if (e.parameterRequestList !== undefined) {
          expect(getOption(msg, 'parameterRequestList')).toEqual(e.parameterRequestList);
        }
      });

      it('re-encodes byte for byte', () => {
        expect(toHex(encodeDhcpMessage(msg))).toBe(f.hex);
      });

      it('has no problems in a tolerant decode, and every registered option value is well formed', () => {
        expect(decodeDhcpMessageTolerant(bytes).problems).toEqual([]);
      });
    });
  }
});

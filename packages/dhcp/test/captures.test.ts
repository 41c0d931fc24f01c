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
  IPXE_SUBOPTIONS,
  RELAY_AGENT_SUBOPTIONS,
  encapsulated,
  getOption,
  getOptionData,
  readSubOption,
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

describe('real captures (dhclient, udhcpc, dhcpcd, dnsmasq, kea-dhcp4, iPXE, OVMF, libslirp, dhcrelay, ISC dhcpd)', () => {
  it('has fixtures from every peer', () => {
    const text = fixtures.map((f) => f.name).join('\n');
    for (const peer of [
      'dnsmasq',
      'kea-dhcp4',
      'iPXE BIOS',
      'iPXE EFI',
      'ipxe.efi',
      'OVMF own PXE',
      'libslirp',
    ]) {
      expect(text).toContain(peer);
    }
    expect(fixtures.length).toBeGreaterThanOrEqual(50);
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

describe('PXE firmware captures carry what boot decisions need', () => {
  const pxe = fixtures.filter(
    (f) => f.from === 'client' && f.expect.vendorClassIdentifier?.startsWith('PXEClient'),
  );

  it('there are BIOS and UEFI ones', () => {
    expect(new Set(pxe.map((f) => f.expect.vendorClassIdentifier))).toEqual(
      new Set([
        'PXEClient:Arch:00000:UNDI:002001',
        'PXEClient:Arch:00007:UNDI:003010',
        'PXEClient:Arch:00007:UNDI:003000',
      ]),
    );
  });

  for (const f of pxe) {
    it(`${f.name}: 93 matches the arch in 60, 94 is UNDI, 97 a 16-byte GUID, iPXE has 77 + 175`, () => {
      const msg = decodeDhcpMessage(fromHex(f.hex));
      const arch = Number(/Arch:(\d{5})/.exec(f.expect.vendorClassIdentifier!)![1]);
      expect(getOption(msg, 'clientSystemArchitecture')).toEqual([arch]);
      expect(getOption(msg, 'clientNetworkInterfaceId')?.type).toBe(1);
      const guid = getOption(msg, 'clientMachineId')!;
      expect([guid.type, guid.id.length]).toEqual([0, 16]);
      if (f.name.includes('iPXE') || f.name.includes('ipxe.efi')) {
        expect(getOption(msg, 'userClass')).toEqual({ raw: 'iPXE' });
        const features = encapsulated.decode(getOptionData(msg, 175)!);
        expect(readSubOption(features, IPXE_SUBOPTIONS, 'tftp')).toBe(1);
      } else {
        expect(getOption(msg, 'userClass')).toBeUndefined();
      }
    });
  }
});

describe('relayed captures (ISC dhcrelay -a to ISC dhcpd)', () => {
  const relayed = fixtures.filter((f) => f.name.includes('dhcrelay') && f.expect.optionCodes.includes(82));

  it('has relayed requests and replies', () => {
    expect(relayed.map((f) => f.from)).toEqual(expect.arrayContaining(['client', 'server']));
  });

  for (const f of relayed) {
    it(`${f.name}: giaddr is the relay, 82 is last with circuit id = the relay's interface`, () => {
      const msg = decodeDhcpMessage(fromHex(f.hex));
      expect(msg.giaddr).toBe('10.99.32.1');
      expect(msg.options.at(-1)!.code).toBe(82);
      const sub = getOption(msg, 'relayAgentInformation')!;
      expect(new TextDecoder().decode(readSubOption(sub, RELAY_AGENT_SUBOPTIONS, 'circuitId'))).toBe(
        'pxr-rc',
      );
    });
  }
});

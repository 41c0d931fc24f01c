import { describe, expect, it } from 'vitest';
import {
  PXE_SUBOPTIONS,
  createDhcpMessage,
  decodeDhcpMessage,
  decodeDhcpMessageTolerant,
  encapsulated,
  encodeDhcpMessage,
  formatDhcpMessage,
  formatDhcpSummary,
  fromHex,
  option,
  readSubOption,
  subOption,
} from '../src/index.js';

const pxeOffer = createDhcpMessage({
  op: 2,
  xid: 0xdeadbeef,
  flags: 0x8000,
  yiaddr: '10.99.0.50',
  siaddr: '10.99.0.1',
  chaddr: '52:54:00:12:34:56',
  file: 'undionly.kpxe',
  options: [
    option('messageType', 2),
    option('serverIdentifier', '10.99.0.1'),
    option('ipAddressLeaseTime', 0xffffffff),
    option('vendorClassIdentifier', 'PXEClient'),
    option(
      'vendorSpecific',
      encapsulated.encode([
        subOption(PXE_SUBOPTIONS, 'discoveryControl', 8),
        subOption(PXE_SUBOPTIONS, 'menuPrompt', { timeout: 0, prompt: 'PXE' }),
        { code: 255, data: new Uint8Array(0) },
      ]),
    ),
    option('clientSystemArchitecture', [7]),
    option('clientMachineId', { type: 0, id: fromHex('00112233445566778899aabbccddeeff') }),
    option('classlessStaticRoutes', [{ destination: '10.20.0.0', prefixLength: 16, router: '10.99.0.1' }]),
    option('relayAgentInformation', [{ code: 1, data: new TextEncoder().encode('eth0') }]),
    { code: 224, data: Uint8Array.of(1, 2, 3) },
    { code: 1, data: Uint8Array.of(255, 255) },
  ],
});

describe('formatDhcpMessage', () => {
  it('prints a dump like tshark -V / dnsmasq --log-dhcp', () => {
    const text = formatDhcpMessage(decodeDhcpMessage(encodeDhcpMessage(pxeOffer)), {
      length: 300,
      wire: true,
    });
    expect(text).toBe(
      [
        'DHCP OFFER xid 0xdeadbeef to 52:54:00:12:34:56 (300 bytes)',
        '  op 2 BOOTREPLY, htype 1 Ethernet, hlen 6, hops 0, secs 0, flags 0x8000 (broadcast)',
        '  ciaddr 0.0.0.0  yiaddr 10.99.0.50  siaddr 10.99.0.1  giaddr 0.0.0.0',
        '  chaddr 52:54:00:12:34:56:00:00:00:00:00:00:00:00:00:00',
        '  file "undionly.kpxe"',
        '  option  53 messageType (1): OFFER (2)',
        '  option  54 serverIdentifier (4): 10.99.0.1',
        '  option  51 ipAddressLeaseTime (4): infinite',
        '  option  60 vendorClassIdentifier (9): "PXEClient"',
        '  option  43 vendorSpecific (10): PXE vendor options',
        '      sub-option   6 discoveryControl (1): 8',
        '      sub-option  10 menuPrompt (4): {timeout=0 prompt="PXE"}',
        '  option  93 clientSystemArchitecture (2): 7 x64 UEFI',
        '  option  97 clientMachineId (17): type 0 00112233-4455-6677-8899-aabbccddeeff',
        '  option 121 classlessStaticRoutes (7): 10.20.0.0/16 via 10.99.0.1',
        '  option  82 relayAgentInformation (6): 1 sub-options',
        '      sub-option   1 circuitId (4): "eth0" (65:74:68:30)',
        '  option 224 unknown(224) (3): 01:02:03',
        '  option   1 subnetMask (2): ff:ff (malformed: ipv4: length 2, expected 4)',
        '  wire options: 53[1] 54[4] 51[4] 60[9] 43[10] 93[2] 97[17] 121[7] 82[6] 224[3] 1[2] end',
      ].join('\n'),
    );
  });
  it('BOOTP without cookie', () => {
    const b = new Uint8Array(300);
    b[0] = 1;
    b[2] = 6;
    const { message } = decodeDhcpMessageTolerant(b);
    expect(formatDhcpMessage(message!)).toContain('BOOTP xid 0x00000000 from 00:00:00:00:00:00\n');
    expect(formatDhcpMessage(message!)).toContain('(no DHCP magic cookie: BOOTP vendor area kept raw)');
  });
});

describe('typed sub-options', () => {
  it('reads PXE sub-options back by name', () => {
    const list = encapsulated.decode(
      encapsulated.encode([subOption(PXE_SUBOPTIONS, 'bootItem', { type: 3, layer: 0 })]),
    );
    expect(readSubOption(list, PXE_SUBOPTIONS, 'bootItem')).toEqual({ type: 3, layer: 0 });
    expect(readSubOption(list, PXE_SUBOPTIONS, 'discoveryControl')).toBeUndefined();
  });
});

describe('formatDhcpSummary', () => {
  it('one line with what a boot server logs', () => {
    expect(formatDhcpSummary(pxeOffer)).toBe(
      'OFFER xid 0xdeadbeef 52:54:00:12:34:56 yiaddr 10.99.0.50 server 10.99.0.1 arch 7 (x64 UEFI) vendor "PXEClient" next-server 10.99.0.1 file "undionly.kpxe"',
    );
  });
  it('never throws on malformed values', () => {
    const bad = {
      ...pxeOffer,
      options: [
        { code: 93, data: Uint8Array.of(1) },
        { code: 53, data: Uint8Array.of(1, 2) },
      ],
    };
    expect(formatDhcpSummary(bad)).toBe(
      'BOOTREPLY xid 0xdeadbeef 52:54:00:12:34:56 yiaddr 10.99.0.50 next-server 10.99.0.1 file "undionly.kpxe"',
    );
  });
});

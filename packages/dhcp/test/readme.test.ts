import { describe, expect, it } from 'vitest';
import {
  DHCP_MESSAGE_TYPE,
  createDhcpReply,
  decodeDhcpMessage,
  decodeDhcpMessageTolerant,
  encodeDhcpMessage,
  encodeDhcpReply,
  formatDhcpMessage,
  getOption,
  option,
  tryDecodeDhcpMessage,
} from '../src/index.js';
import { pxeClientArbitrary } from '../src/arbitraries/index.js';
import fc from 'fast-check';

// The README's example, run as written (with a generated UEFI PXE DISCOVER as the datagram).
describe('README example', () => {
  it('decodes a DISCOVER, answers it and the answer decodes back', () => {
    const [sample] = fc.sample(
      pxeClientArbitrary().filter((m) => getOption(m, 'messageType') === 1),
      { numRuns: 1, seed: 7 },
    );
    const datagram = encodeDhcpMessage(sample!);

    const discover = decodeDhcpMessage(datagram);
    expect(getOption(discover, 'messageType')).toBe(1);
    expect(formatDhcpMessage(discover)).toContain('DHCP DISCOVER');

    const offer = createDhcpReply(discover, {
      messageType: DHCP_MESSAGE_TYPE.OFFER,
      serverIdentifier: '10.0.0.1',
      yiaddr: '10.0.0.50',
      siaddr: '10.0.0.1',
      file: 'ipxe.efi',
      options: [
        option('ipAddressLeaseTime', 3600),
        option('subnetMask', '255.255.255.0'),
        option('router', ['10.0.0.1']),
      ],
    });
    const { bytes, omitted } = encodeDhcpReply(offer, { request: discover });
    expect(omitted).toEqual([]);
    const back = decodeDhcpMessage(bytes);
    expect([back.xid, back.yiaddr, back.file]).toEqual([discover.xid, '10.0.0.50', 'ipxe.efi']);

    const r = tryDecodeDhcpMessage(bytes.subarray(0, 100));
    expect(r.ok ? 'ok' : r.error.code).toBe('DHCP_ERR_TRUNCATED');
    expect(decodeDhcpMessageTolerant(bytes).problems).toEqual([]);
  });
});

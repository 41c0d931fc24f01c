/**
 * DHCP over loopback for the server tests: a PXE client's request as a relay would forward it, and one
 * request/reply exchange with a running server.
 */
import type { Socket } from 'node:dgram';
import {
  createDhcpMessage,
  type DhcpMessage,
  decodeDhcpMessage,
  encodeDhcpMessage,
  withOption,
  withOptionData,
} from '@pxekit/dhcp';

/**
 * A PXE client's request relayed by 127.0.0.1 (giaddr) with option 82 sub-option 12, the RFC 8357 relay
 * source port, so the server answers the sending socket instead of port 67.
 */
export function relayedPxeRequest(o: {
  mac: string;
  xid: number;
  type: number;
  arch: number;
  vendorClass: string;
}): DhcpMessage {
  let msg = createDhcpMessage({ chaddr: o.mac, xid: o.xid, giaddr: '127.0.0.1' });
  msg = withOption(msg, 'messageType', o.type);
  msg = withOption(msg, 'clientSystemArchitecture', [o.arch]);
  msg = withOption(msg, 'vendorClassIdentifier', o.vendorClass);
  return withOptionData(msg, 82, Uint8Array.of(12, 0));
}

/** Sends `msg` to 127.0.0.1:`port` from `client` and resolves with the first reply (5 s at most). */
export function dhcpExchange(client: Socket, port: number, msg: DhcpMessage): Promise<DhcpMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no DHCP reply from port ${port}`)), 5000);
    client.once('message', (bytes) => {
      clearTimeout(timer);
      resolve(decodeDhcpMessage(bytes));
    });
    client.send(encodeDhcpMessage(msg), port, '127.0.0.1');
  });
}

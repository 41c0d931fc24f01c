/**
 * @pxekit/dhcp codec throughput against the npm `dhcp` package (0.2.20, infusion/rawify) in the same run:
 * decode, encode and round trip (decode then encode) of a UEFI PXE DISCOVER and of a full OFFER.
 * vitest prints each group's ratio ("x times faster than"); the goal is ≥ 500,000 round trips/s.
 *
 *   pnpm exec vitest bench --run --project unit benchmarks/dhcp-codec.bench.ts
 *   node benchmarks/dhcp-codec-rate.mjs   (same workload in CPU time, steadier on a shared machine)
 *
 * Fairness notes. @pxekit/dhcp decodes the framing and keeps option values as bytes (typed on access
 * with `getOption`), while npm `dhcp` turns every option it knows into JS values; so each message also has
 * a group that reads the options a server needs (53, 55, 57, 60, 93, 97 / 51, 54, 1, 3) typed. npm `dhcp`
 * does not know 93, 94 and 97 and logs "Option N not known" for each; its console.error is silenced while
 * it runs. "encode" on our side is the canonical encoder (a message built in code, no wire layout).
 */
import {
  PXE_SUBOPTIONS,
  type DhcpMessage,
  createDhcpMessage,
  decodeDhcpMessage,
  encapsulated,
  encodeDhcpMessage,
  getOption,
  option,
  subOption,
} from '@pxekit/dhcp';
import { createRequire } from 'node:module';
import { bench, describe } from 'vitest';

const require = createRequire(import.meta.url);
const peer = require('dhcp/lib/protocol.js') as {
  parse(buf: Uint8Array): { options: Record<number, unknown> };
  format(data: unknown): { _data: Uint8Array; _w: number };
};

const PRL = [
  1, 2, 3, 4, 5, 6, 12, 13, 15, 17, 18, 22, 23, 28, 40, 41, 42, 43, 50, 51, 54, 58, 59, 60, 66, 67, 97,
];

/** What OVMF's own UEFI PXE sends (docs/LAB.md), with a fixed GUID. */
const discover: DhcpMessage = createDhcpMessage({
  xid: 0x2c6e5a11,
  secs: 4,
  flags: 0x8000,
  chaddr: '52:54:00:12:34:56',
  options: [
    option('messageType', 1),
    option('maxMessageSize', 1472),
    option('parameterRequestList', PRL),
    option('clientMachineId', { type: 0, id: Uint8Array.from({ length: 16 }, (_, i) => i * 17) }),
    option('clientNetworkInterfaceId', { type: 1, major: 3, minor: 0 }),
    option('clientSystemArchitecture', [7]),
    option('vendorClassIdentifier', 'PXEClient:Arch:00007:UNDI:003000'),
  ],
});

/** A full authoritative OFFER for that client, PXE options included. */
const offer: DhcpMessage = createDhcpMessage({
  op: 2,
  xid: 0x2c6e5a11,
  flags: 0x8000,
  yiaddr: '10.99.0.50',
  siaddr: '10.99.0.1',
  chaddr: '52:54:00:12:34:56',
  sname: 'pxeboot',
  file: 'ipxe.efi',
  options: [
    option('messageType', 2),
    option('serverIdentifier', '10.99.0.1'),
    option('ipAddressLeaseTime', 3600),
    option('renewalTime', 1800),
    option('rebindingTime', 3150),
    option('subnetMask', '255.255.255.0'),
    option('router', ['10.99.0.1']),
    option('domainNameServer', ['10.99.0.1', '10.99.0.2']),
    option('domainName', 'lab.example'),
    option('broadcastAddress', '10.99.0.255'),
    option('ntpServers', ['10.99.0.1']),
    option('domainSearch', ['lab.example', 'example']),
    option('classlessStaticRoutes', [{ destination: '10.20.0.0', prefixLength: 16, router: '10.99.0.1' }]),
    option('tftpServerName', '10.99.0.1'),
    option('bootFileName', 'ipxe.efi'),
    option('vendorClassIdentifier', 'PXEClient'),
    option(
      'vendorSpecific',
      encapsulated.encode([
        subOption(PXE_SUBOPTIONS, 'discoveryControl', 8),
        { code: 255, data: new Uint8Array(0) },
      ]),
    ),
    option('pxelinuxConfigFile', 'pxelinux.cfg/default'),
    option('pxelinuxPathPrefix', '/tftpboot/'),
  ],
});

const discoverBytes = encodeDhcpMessage(discover);
const offerBytes = encodeDhcpMessage(offer);
const discoverBuffer = Buffer.from(discoverBytes);
const offerBuffer = Buffer.from(offerBytes);

function quiet<T>(f: () => T): T {
  const original = console.error;
  console.error = () => {};
  try {
    return f();
  } finally {
    console.error = original;
  }
}

const peerDiscover = quiet(() => peer.parse(discoverBuffer));
const peerOffer = quiet(() => peer.parse(offerBuffer));

let sink = 0;

function group(
  name: string,
  bytes: Uint8Array,
  buffer: Buffer,
  message: DhcpMessage,
  peerParsed: unknown,
  typed: (m: DhcpMessage) => number,
): void {
  describe(`${name} decode`, () => {
    bench('@pxekit/dhcp decodeDhcpMessage', () => {
      sink += decodeDhcpMessage(bytes).options.length;
    });
    bench('npm dhcp parse', () => {
      sink += quiet(() => peer.parse(buffer)).options[53] === undefined ? 0 : 1;
    });
  });
  describe(`${name} decode + typed read of the options a server uses`, () => {
    bench('@pxekit/dhcp decode + getOption', () => {
      sink += typed(decodeDhcpMessage(bytes));
    });
    bench('npm dhcp parse (all options typed)', () => {
      sink += quiet(() => peer.parse(buffer)).options[53] === undefined ? 0 : 1;
    });
  });
  describe(`${name} encode`, () => {
    bench('@pxekit/dhcp encodeDhcpMessage', () => {
      sink += encodeDhcpMessage(message).length;
    });
    bench('npm dhcp format', () => {
      sink += peer.format(peerParsed)._w;
    });
  });
  describe(`${name} round trip`, () => {
    bench('@pxekit/dhcp decode → encode', () => {
      sink += encodeDhcpMessage(decodeDhcpMessage(bytes)).length;
    });
    bench('npm dhcp parse → format', () => {
      sink += peer.format(quiet(() => peer.parse(buffer)))._w;
    });
  });
}

group('PXE DISCOVER', discoverBytes, discoverBuffer, discover, peerDiscover, (m) => {
  const arch = getOption(m, 'clientSystemArchitecture')?.[0] ?? 0;
  const prl = getOption(m, 'parameterRequestList')?.length ?? 0;
  const vendor = getOption(m, 'vendorClassIdentifier')?.length ?? 0;
  const max = getOption(m, 'maxMessageSize') ?? 0;
  const guid = getOption(m, 'clientMachineId')?.id.length ?? 0;
  return arch + prl + vendor + max + guid + (getOption(m, 'messageType') ?? 0);
});

group('full OFFER', offerBytes, offerBuffer, offer, peerOffer, (m) => {
  const lease = getOption(m, 'ipAddressLeaseTime') ?? 0;
  const server = getOption(m, 'serverIdentifier')?.length ?? 0;
  const mask = getOption(m, 'subnetMask')?.length ?? 0;
  const router = getOption(m, 'router')?.length ?? 0;
  return lease + server + mask + router + (getOption(m, 'messageType') ?? 0);
});

// Keep the result observable so the work is not optimised away.
export { sink };

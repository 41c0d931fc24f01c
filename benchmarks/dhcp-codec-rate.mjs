#!/usr/bin/env node
// Same workload as dhcp-codec.bench.ts, measured in CPU time (process.cpuUsage) rather than wall time,
// median of 5 runs: on a machine shared with other jobs this is the steadier "per core" figure.
//   pnpm --filter @pxekit/dhcp build && node benchmarks/dhcp-codec-rate.mjs
// DHCP_BENCH_BASE_DIST=<a dist/ directory of an older build> adds that build's rates, measured in the same
// run (interleaved with ours), and the ratio current / base.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  PXE_SUBOPTIONS,
  createDhcpMessage,
  decodeDhcpMessage,
  encapsulated,
  encodeDhcpMessage,
  option,
  subOption,
} from '@pxekit/dhcp';

const baseDist = process.env.DHCP_BENCH_BASE_DIST;
const base = baseDist === undefined ? undefined : await import(pathToFileURL(`${baseDist}/index.js`).href);

const require = createRequire(import.meta.url);
const peer = require('dhcp/lib/protocol.js');

const PRL = [
  1, 2, 3, 4, 5, 6, 12, 13, 15, 17, 18, 22, 23, 28, 40, 41, 42, 43, 50, 51, 54, 58, 59, 60, 66, 67, 97,
];
const discover = createDhcpMessage({
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
const offer = createDhcpMessage({
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

const quietError = console.error;
let sink = 0;

/** Operations per CPU-second of `f`: median of 5 runs of `n` calls, after a warm-up. */
function rate(f, n) {
  for (let i = 0; i < n / 5; i++) f();
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const t = process.cpuUsage();
    for (let i = 0; i < n; i++) f();
    const u = process.cpuUsage(t);
    runs.push(n / ((u.user + u.system) / 1e6));
  }
  return runs.sort((a, b) => a - b)[2];
}

console.error = () => {}; // npm dhcp logs "Option N not known" for 93, 94, 97
const rows = [];
for (const [name, msg] of [
  ['PXE DISCOVER', discover],
  ['full OFFER', offer],
]) {
  const bytes = encodeDhcpMessage(msg);
  const buffer = Buffer.from(bytes);
  const parsed = peer.parse(buffer);
  const ours = {
    decode: rate(() => (sink += decodeDhcpMessage(bytes).options.length), 200_000),
    encode: rate(() => (sink += encodeDhcpMessage(msg).length), 200_000),
    'round trip': rate(() => (sink += encodeDhcpMessage(decodeDhcpMessage(bytes)).length), 200_000),
  };
  const before =
    base === undefined
      ? undefined
      : {
          decode: rate(() => (sink += base.decodeDhcpMessage(bytes).options.length), 200_000),
          encode: rate(() => (sink += base.encodeDhcpMessage(msg).length), 200_000),
          'round trip': rate(
            () => (sink += base.encodeDhcpMessage(base.decodeDhcpMessage(bytes)).length),
            200_000,
          ),
        };
  const theirs = {
    decode: rate(() => (sink += peer.parse(buffer).op), 100_000),
    encode: rate(() => (sink += peer.format(parsed)._w), 100_000),
    'round trip': rate(() => (sink += peer.format(peer.parse(buffer))._w), 100_000),
  };
  for (const op of Object.keys(ours)) {
    rows.push({
      message: name,
      op,
      '@pxekit/dhcp ops/s': Math.round(ours[op]),
      ...(before === undefined
        ? {}
        : {
            'base ops/s': Math.round(before[op]),
            'current / base': `${(ours[op] / before[op]).toFixed(2)}x`,
          }),
      'npm dhcp ops/s': Math.round(theirs[op]),
      ratio: `${(ours[op] / theirs[op]).toFixed(2)}x`,
    });
  }
}
console.error = quietError;
console.table(rows);
if (sink === 0.5) console.log(sink);

#!/usr/bin/env node
// The server's per-request CPU cost without sockets: decode, engine pipeline, reply encode, for a PXE
// DISCOVER→OFFER and a REQUEST→ACK (a /16 pool, a new client each time), in CPU time, median of 5.
// DHCP_BENCH_BASE_DIST=<a dist/ directory of an older build> measures that build in the same run, as a ratio.
//   pnpm --filter @pxekit/dhcp build && node benchmarks/dhcp-engine-rate.mjs
import { pathToFileURL } from 'node:url';

async function load(dist) {
  if (dist === undefined) return import('@pxekit/dhcp');
  return import(pathToFileURL(`${dist}/index.js`).href);
}

const builds = [['current', await load(undefined)]];
if (process.env.DHCP_BENCH_BASE_DIST !== undefined)
  builds.unshift(['base', await load(process.env.DHCP_BENCH_BASE_DIST)]);

let sink = 0;

function setup(m) {
  const engine = new m.DhcpServerEngine({
    subnets: [
      {
        id: 'load',
        network: '10.96.0.0/16',
        pools: ['10.96.1.0-10.96.255.254'],
        routers: ['10.96.0.1'],
        dnsServers: ['10.96.0.1'],
        leaseTime: 3600,
      },
    ],
  });
  const context = (now) => ({
    now,
    source: { address: '10.96.0.1', port: 67 },
    localPort: 67,
    interface: { name: 'srv0', address: '10.99.0.1' },
  });
  let n = 0;
  const chaddr = new Uint8Array(6);
  const request = (type, xid, extra) => {
    chaddr[0] = 0x52;
    chaddr[2] = (xid >>> 16) & 255;
    chaddr[3] = (xid >>> 8) & 255;
    chaddr[4] = xid & 255;
    return m.encodeDhcpMessage(
      m.createDhcpMessage({
        xid,
        giaddr: '10.96.0.1',
        hops: 1,
        chaddr: chaddr.slice(),
        options: [
          m.option('messageType', type),
          m.option('parameterRequestList', [1, 3, 6, 15, 28, 51, 54, 58, 59, 66, 67]),
          m.option('vendorClassIdentifier', 'PXEClient:Arch:00007:UNDI:003000'),
          m.option('clientSystemArchitecture', [7]),
          ...extra,
        ],
      }),
    );
  };
  // One pass of `count` new clients: DISCOVER→OFFER, then REQUEST→ACK for each.
  const discovers = [];
  for (let i = 0; i < 60_000; i++) discovers.push(request(1, i + 1, []));
  const handle = (bytes, now) => {
    const req = m.decodeDhcpMessage(bytes);
    const r = engine.handle(req, context(now));
    if (r.type === 'reply') sink += m.encodeDhcpReply(r.message, { request: req }).bytes.length;
    return r;
  };
  return { handle, discovers, request, next: () => n++ };
}

function cpuRate(f, count) {
  const t = process.cpuUsage();
  f();
  const u = process.cpuUsage(t);
  return count / ((u.user + u.system) / 1e6);
}

const results = new Map();
for (let round = 0; round < 5; round++) {
  for (const [name, m] of builds) {
    const s = setup(m);
    const now = 1_700_000_000_000 + round;
    const offers = [];
    const rDiscover = cpuRate(() => {
      for (let i = 0; i < 20_000; i++) {
        const r = s.handle(s.discovers[i], now);
        if (r.type === 'reply') offers.push(r.message);
      }
    }, 20_000);
    const requests = offers.map((o, i) =>
      s.request(3, i + 1, [
        m.option('requestedIpAddress', o.yiaddr),
        m.option('serverIdentifier', '10.99.0.1'),
      ]),
    );
    const rRequest = cpuRate(() => {
      for (const b of requests) s.handle(b, now);
    }, requests.length);
    const row = results.get(name) ?? { discover: [], request: [] };
    row.discover.push(rDiscover);
    row.request.push(rRequest);
    results.set(name, row);
  }
}
const med = (v) => v.sort((a, b) => a - b)[v.length >> 1];
const rows = [];
for (const [name, r] of results) {
  rows.push({
    build: name,
    'DISCOVER→OFFER/s': Math.round(med(r.discover)),
    'REQUEST→ACK/s': Math.round(med(r.request)),
  });
}
if (rows.length === 2) {
  rows.push({
    build: 'current / base',
    'DISCOVER→OFFER/s': (rows[1]['DISCOVER→OFFER/s'] / rows[0]['DISCOVER→OFFER/s']).toFixed(2),
    'REQUEST→ACK/s': (rows[1]['REQUEST→ACK/s'] / rows[0]['REQUEST→ACK/s']).toFixed(2),
  });
}
console.table(rows);
if (sink === 0.5) console.log(sink);

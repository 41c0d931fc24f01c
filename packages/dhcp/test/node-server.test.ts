import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeJournal } from '../src/lease/journal.js';
import {
  createDhcpServer,
  DEFAULT_RECEIVE_BUFFER_SIZE,
  type DhcpServer,
  type DropEvent,
  type ReplyEvent,
} from '../src/node/server.js';
import {
  createDhcpMessage,
  decodeDhcpMessage,
  encodeDhcpMessage,
  getOption,
  type DhcpOption,
} from '../src/wire/message.js';
import { MT, option } from './engine-helpers.js';

// The adapter on loopback, as a relay would talk to it: giaddr 127.0.0.1 and relay source port 82.12
// (RFC 8357), so replies come back to the test socket's own port. No traffic leaves the host.

const config = {
  subnets: [{ id: 'loop', network: '127.0.0.0/8', pools: ['127.1.0.10-127.1.0.20'] }],
  serverId: '127.0.0.1',
};
const RELAY_PORT_SUBOPTION: DhcpOption = { code: 82, data: Uint8Array.of(12, 0) };

let dir: string;
let relay: Socket;
let servers: DhcpServer[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pxekit-node-server-'));
  relay = createSocket('udp4');
  await new Promise<void>((r) => relay.bind(0, '127.0.0.1', r));
  servers = [];
});

afterEach(async () => {
  relay.close();
  for (const s of servers) await s.close();
  await rm(dir, { recursive: true, force: true });
});

async function start(extra: Partial<Parameters<typeof createDhcpServer>[0]> = {}): Promise<DhcpServer> {
  const s = await createDhcpServer({
    config,
    interfaces: ['lo'],
    port: 0,
    leaseFile: join(dir, 'leases.journal'),
    ...extra,
  });
  servers.push(s);
  return s;
}

function exchange(server: DhcpServer, type: number, options: DhcpOption[] = [], mac = '52:54:00:00:00:01') {
  const msg = createDhcpMessage({
    xid: 0xabcd,
    chaddr: mac,
    giaddr: '127.0.0.1',
    hops: 1,
    options: [option('messageType', type), ...options, RELAY_PORT_SUBOPTION],
  });
  return new Promise<ReturnType<typeof decodeDhcpMessage>>((resolve, reject) => {
    // Bounded wait: a missing reply fails the test instead of hanging it.
    const timer = setTimeout(() => reject(new Error('no reply')), 5000);
    relay.once('message', (bytes) => {
      clearTimeout(timer);
      resolve(decodeDhcpMessage(bytes));
    });
    relay.send(encodeDhcpMessage(msg), server.interfaces[0]!.port, '127.0.0.1');
  });
}

describe('createDhcpServer on loopback', () => {
  it('serves DORA through the relay path, persists the ACKed lease and emits typed events', async () => {
    const server = await start();
    expect(server.interfaces[0]).toMatchObject({ name: 'lo', address: '127.0.0.1', role: 'server' });
    const events: ReplyEvent[] = [];
    server.on('offer', (e) => events.push(e));
    server.on('ack', (e) => events.push(e));
    const offer = await exchange(server, MT.DISCOVER);
    expect(getOption(offer, 'messageType')).toBe(MT.OFFER);
    expect(offer.yiaddr).toMatch(/^127\.1\.0\./);
    const ack = await exchange(server, MT.REQUEST, [
      option('serverIdentifier', '127.0.0.1'),
      option('requestedIpAddress', offer.yiaddr),
    ]);
    expect(getOption(ack, 'messageType')).toBe(MT.ACK);
    expect(ack.yiaddr).toBe(offer.yiaddr);
    // The ACK left after the journal held the lease.
    const journal = decodeJournal(await readFile(join(dir, 'leases.journal'), 'utf8'));
    expect(
      journal.records.some((r) => r.t === 'put' && r.l.address === ack.yiaddr && r.l.state === 'bound'),
    ).toBe(true);
    expect(events.map((e) => [e.kind, e.mac, e.interface])).toEqual([
      ['offer', '52:54:00:00:00:01', 'lo'],
      ['ack', '52:54:00:00:00:01', 'lo'],
    ]);
    expect(server.stats).toMatchObject({ received: 2, replies: 2 });
  });

  it('counts and drops garbage with a reason, and keeps serving', async () => {
    const server = await start();
    const drops: DropEvent[] = [];
    server.on('drop', (e) => drops.push(e));
    const port = server.interfaces[0]!.port;
    relay.send(Uint8Array.of(1, 2, 3), port, '127.0.0.1');
    relay.send(new Uint8Array(300).fill(0xff), port, '127.0.0.1');
    const offer = await exchange(server, MT.DISCOVER);
    expect(getOption(offer, 'messageType')).toBe(MT.OFFER);
    expect(drops.map((d) => d.reason).sort()).toEqual(['not-a-request', 'undecodable']);
    expect(server.stats.drops).toEqual({ undecodable: 1, 'not-a-request': 1 });
  });

  it('answers a burst: datagrams taken in batches (recvmmsg) keep their source, an oversized one is dropped', async () => {
    const server = await start();
    const drops: DropEvent[] = [];
    server.on('drop', (e) => drops.push(e));
    const port = server.interfaces[0]!.port;
    // Few enough that the replies fit in the relay socket's default receive buffer (it reads between turns).
    const count = 100;
    const xids = new Set<number>();
    const replies = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${xids.size} of ${count} replies`)), 10_000);
      relay.on('message', (bytes) => {
        xids.add(decodeDhcpMessage(bytes).xid);
        if (xids.size === count) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    for (let i = 1; i <= count; i++) {
      const msg = createDhcpMessage({
        xid: i,
        chaddr: '52:54:00:00:00:01',
        giaddr: '127.0.0.1',
        hops: 1,
        options: [option('messageType', MT.DISCOVER), RELAY_PORT_SUBOPTION],
      });
      relay.send(encodeDhcpMessage(msg), port, '127.0.0.1');
      if (i === count / 2) relay.send(new Uint8Array(5000).fill(0xff), port, '127.0.0.1');
    }
    // Every reply reached the relay's own port: the source of each batched datagram was read right.
    await replies;
    expect(server.stats.received).toBe(count + 1);
    expect(server.stats.batched).toBeGreaterThan(0);
    expect(drops.map((d) => d.reason)).toEqual(['undecodable']);
  });

  it('reloads leases on restart: the client keeps its address', async () => {
    const first = await start();
    const offer = await exchange(first, MT.DISCOVER);
    await exchange(first, MT.REQUEST, [
      option('serverIdentifier', '127.0.0.1'),
      option('requestedIpAddress', offer.yiaddr),
    ]);
    await first.close();
    const second = await start();
    // Another client asking for that address is refused it.
    const nak = await exchange(
      second,
      MT.REQUEST,
      [option('serverIdentifier', '127.0.0.1'), option('requestedIpAddress', offer.yiaddr)],
      '52:54:00:00:00:02',
    );
    expect(getOption(nak, 'messageType')).toBe(MT.NAK);
    const again = await exchange(second, MT.DISCOVER);
    expect(again.yiaddr).toBe(offer.yiaddr);
  });

  it('closes on AbortSignal and works with a single plain socket (bind: any)', async () => {
    const ac = new AbortController();
    const server = await start({ bind: 'any', address: '127.0.0.1', signal: ac.signal });
    const offer = await exchange(server, MT.DISCOVER);
    expect(getOption(offer, 'messageType')).toBe(MT.OFFER);
    ac.abort();
    await server.close();
    expect(server.stats.received).toBe(1);
  });

  it('asks for a 4 MiB receive buffer by default (SO_RCVBUFFORCE on device sockets), 0 keeps the system default', async () => {
    const big = await start();
    const granted = big.interfaces[0]!.receiveBufferSize;
    if (process.getuid?.() === 0) expect(granted).toBeGreaterThanOrEqual(DEFAULT_RECEIVE_BUFFER_SIZE);
    else expect(granted).toBeGreaterThan(0);
    await big.close();
    const plain = await start({ receiveBufferSize: 0, leaseFile: join(dir, 'plain.journal') });
    expect(plain.interfaces[0]!.receiveBufferSize).toBeLessThan(granted);
    const offer = await exchange(plain, MT.DISCOVER);
    expect(getOption(offer, 'messageType')).toBe(MT.OFFER);
    const any = await start({
      bind: 'any',
      address: '127.0.0.1',
      receiveBufferSize: 1 << 20,
      leaseFile: join(dir, 'any.journal'),
    });
    expect(any.interfaces[0]!.receiveBufferSize).toBeGreaterThan(0);
    await expect(start({ receiveBufferSize: -1 })).rejects.toThrow(/receiveBufferSize/);
  });

  it('refuses an interface without IPv4 and a config with two engines', async () => {
    await expect(createDhcpServer({ config, interfaces: ['no-such-if0'], port: 0 })).rejects.toThrow(
      /no IPv4/,
    );
    await expect(createDhcpServer({ config, proxy: { boot: { rules: [] } }, port: 0 })).rejects.toThrow(
      /exactly one/,
    );
  });
});

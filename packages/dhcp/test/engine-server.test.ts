import { describe, expect, it } from 'vitest';
import { DhcpServerEngine, type DhcpServerConfig } from '../src/engine/server.js';
import type { EngineResult, ReplyResult } from '../src/engine/types.js';
import { decodeDhcpMessage, getOption, getOptionData } from '../src/wire/message.js';
import { encodeDhcpReply } from '../src/wire/reply.js';
import { context, MAC, MT, option, request, SERVER } from './engine-helpers.js';

// Scripted engine tests, one block per RFC 2131 section. Time is scripted: `now` is passed in.

const T0 = 1_800_000_000_000;

const config: DhcpServerConfig = {
  subnets: [
    {
      id: 'lab',
      network: '10.99.0.0/24',
      pools: ['10.99.0.100-10.99.0.109'],
      routers: ['10.99.0.1'],
      dnsServers: ['10.99.0.1', '10.99.0.2'],
      domainName: 'lab.test',
      interface: 'eth0',
    },
    { id: 'relayed', network: '10.50.0.0/24', pools: ['10.50.0.10-10.50.0.20'], leaseTime: 600 },
    { id: 'third', network: '10.60.0.0/24', pools: ['10.60.0.10-10.60.0.20'] },
  ],
};

function reply(r: EngineResult): ReplyResult {
  if (r.type !== 'reply') throw new Error(`expected a reply, got ${JSON.stringify(r)}`);
  return r;
}

function dora(engine: DhcpServerEngine, now: number, mac = MAC): ReplyResult {
  const offer = reply(engine.handle(request(MT.DISCOVER, { mac }), context(now)));
  return reply(
    engine.handle(
      request(MT.REQUEST, {
        mac,
        options: [option('serverIdentifier', SERVER), option('requestedIpAddress', offer.message.yiaddr)],
      }),
      context(now),
    ),
  );
}

describe('RFC 2131 §4.3.1 DHCPDISCOVER', () => {
  it('offers a pool address with lease time, T1 = 50 %, T2 = 87.5 % and the subnet options', () => {
    const engine = new DhcpServerEngine(config);
    const r = reply(engine.handle(request(MT.DISCOVER), context(T0)));
    expect(r.kind).toBe('offer');
    const m = r.message;
    expect(m.op).toBe(2);
    expect(m.xid).toBe(0x1234);
    expect(m.yiaddr).toMatch(/^10\.99\.0\.10\d$/);
    expect(m.ciaddr).toBe('0.0.0.0');
    expect(getOption(m, 'messageType')).toBe(MT.OFFER);
    expect(getOption(m, 'serverIdentifier')).toBe(SERVER);
    expect(getOption(m, 'ipAddressLeaseTime')).toBe(3600);
    expect(getOption(m, 'renewalTime')).toBe(1800);
    expect(getOption(m, 'rebindingTime')).toBe(3150);
    expect(getOption(m, 'subnetMask')).toBe('255.255.255.0');
    expect(getOption(m, 'router')).toEqual(['10.99.0.1']);
    expect(getOption(m, 'domainNameServer')).toEqual(['10.99.0.1', '10.99.0.2']);
    expect(getOption(m, 'domainName')).toBe('lab.test');
    // Offers are not persisted.
    expect(r.writes).toEqual([]);
    expect(r.trace).toContain('subnet lab by interface eth0');
  });

  it('offers the same address again to the same client, and the requested address (50) when free', () => {
    const engine = new DhcpServerEngine(config);
    const a = reply(engine.handle(request(MT.DISCOVER), context(T0)));
    const b = reply(engine.handle(request(MT.DISCOVER), context(T0 + 1000)));
    expect(b.message.yiaddr).toBe(a.message.yiaddr);
    const want = a.message.yiaddr === '10.99.0.107' ? '10.99.0.104' : '10.99.0.107';
    const other = reply(
      engine.handle(
        request(MT.DISCOVER, {
          mac: '52:54:00:00:00:02',
          options: [option('requestedIpAddress', want)],
        }),
        context(T0),
      ),
    );
    expect(other.message.yiaddr).toBe(want);
  });

  it('honours a requested lease time (51) within the subnet limits', () => {
    const engine = new DhcpServerEngine(config);
    const r = reply(
      engine.handle(request(MT.DISCOVER, { options: [option('ipAddressLeaseTime', 120)] }), context(T0)),
    );
    expect(getOption(r.message, 'ipAddressLeaseTime')).toBe(120);
    expect(getOption(r.message, 'renewalTime')).toBe(60);
  });

  it('does not offer when the pool is exhausted (drop with reason)', () => {
    const engine = new DhcpServerEngine(config);
    for (let i = 0; i < 10; i++) dora(engine, T0, `52:54:00:00:01:${i.toString(16).padStart(2, '0')}`);
    expect(engine.handle(request(MT.DISCOVER), context(T0))).toMatchObject({
      type: 'drop',
      reason: 'pool-exhausted',
    });
    // Once the leases expire, there is room again.
    expect(engine.handle(request(MT.DISCOVER), context(T0 + 3600_000)).type).toBe('reply');
  });
});

describe('RFC 2131 §4.1 reply destinations', () => {
  it('broadcasts to a client without an address (with the unicast hint), honouring the broadcast flag', () => {
    const engine = new DhcpServerEngine(config);
    const r = reply(engine.handle(request(MT.DISCOVER), context(T0)));
    expect(r.destination).toEqual({
      address: '255.255.255.255',
      port: 68,
      broadcast: true,
      unicastTo: { mac: MAC, address: r.message.yiaddr },
    });
    const b = reply(engine.handle(request(MT.DISCOVER, { flags: 0x8000 }), context(T0)));
    expect(b.destination).toEqual({ address: '255.255.255.255', port: 68, broadcast: true });
    expect(b.message.flags).toBe(0x8000);
  });

  it('sends relayed requests to the relay on port 67, picks the subnet by giaddr and echoes 82 last', () => {
    const engine = new DhcpServerEngine(config);
    const agent = Uint8Array.of(1, 4, 0, 0, 0, 7, 2, 3, 0xaa, 0xbb, 0xcc);
    const discover = request(MT.DISCOVER, {
      giaddr: '10.50.0.1',
      hops: 1,
      options: [option('parameterRequestList', [1, 3, 6]), { code: 82, data: agent }],
    });
    const r = reply(engine.handle(discover, context(T0, { source: { address: '10.50.0.1', port: 67 } })));
    expect(r.message.yiaddr).toMatch(/^10\.50\.0\./);
    expect(r.destination).toEqual({ address: '10.50.0.1', port: 67, broadcast: false });
    expect(r.message.giaddr).toBe('10.50.0.1');
    expect(getOptionData(r.message, 82)).toEqual(agent);
    expect(getOption(r.message, 'ipAddressLeaseTime')).toBe(600);
    const bytes = encodeDhcpReply(r.message, { request: discover }).bytes;
    const decoded = decodeDhcpMessage(bytes);
    expect(decoded.options.map((o) => o.code).at(-1)).toBe(82);
    expect(decoded.options.slice(0, 3).map((o) => o.code)).toEqual([53, 54, 51]);
  });

  it('unicasts to ciaddr when the client has an address (RENEWING)', () => {
    const engine = new DhcpServerEngine(config);
    const ack = dora(engine, T0);
    const renew = reply(
      engine.handle(request(MT.REQUEST, { ciaddr: ack.message.yiaddr }), context(T0 + 1800_000)),
    );
    expect(renew.destination).toEqual({ address: ack.message.yiaddr, port: 68, broadcast: false });
  });

  it('answers port 68 of the relay source port when the relay asks with 82.12 (RFC 8357)', () => {
    const engine = new DhcpServerEngine(config);
    const agent = Uint8Array.of(12, 0);
    const r = reply(
      engine.handle(
        request(MT.DISCOVER, { giaddr: '10.50.0.1', options: [{ code: 82, data: agent }] }),
        context(T0, { source: { address: '10.50.0.1', port: 3067 } }),
      ),
    );
    expect(r.destination.port).toBe(3067);
  });
});

describe('RFC 2131 §4.3.2 DHCPREQUEST', () => {
  it('SELECTING: ACKs the offered address, returns the write the ACK must wait for', () => {
    const engine = new DhcpServerEngine(config);
    const r = dora(engine, T0);
    expect(r.kind).toBe('ack');
    expect(getOption(r.message, 'messageType')).toBe(MT.ACK);
    expect(r.writes).toEqual([r.lease]);
    expect(r.lease).toMatchObject({ state: 'bound', mac: MAC, expires: T0 + 3600_000, subnet: 'lab' });
  });

  it('SELECTING another server: stays silent and frees the offer at once', () => {
    const engine = new DhcpServerEngine({
      subnets: [{ network: '10.99.0.0/24', pools: ['10.99.0.100-10.99.0.100'], interface: 'eth0' }],
    });
    const offer = reply(engine.handle(request(MT.DISCOVER), context(T0)));
    const chose = engine.handle(
      request(MT.REQUEST, {
        options: [option('serverIdentifier', '10.99.0.254'), option('requestedIpAddress', '10.99.0.200')],
      }),
      context(T0),
    );
    expect(chose).toMatchObject({ type: 'silent', kind: 'withdrawn' });
    // The single pool address is free for another client without waiting for the offer hold.
    const other = reply(engine.handle(request(MT.DISCOVER, { mac: '52:54:00:00:00:09' }), context(T0)));
    expect(other.message.yiaddr).toBe(offer.message.yiaddr);
  });

  it('SELECTING an address held by someone else: NAK, broadcast, with a message (56)', () => {
    const engine = new DhcpServerEngine(config);
    const a = dora(engine, T0, '52:54:00:00:00:01');
    const r = reply(
      engine.handle(
        request(MT.REQUEST, {
          mac: '52:54:00:00:00:02',
          options: [option('serverIdentifier', SERVER), option('requestedIpAddress', a.message.yiaddr)],
        }),
        context(T0),
      ),
    );
    expect(r.kind).toBe('nak');
    expect(r.message.yiaddr).toBe('0.0.0.0');
    expect(getOption(r.message, 'messageType')).toBe(MT.NAK);
    expect(getOption(r.message, 'message')).toContain('in-use');
    expect(getOptionData(r.message, 51)).toBeUndefined();
    expect(r.destination).toEqual({ address: '255.255.255.255', port: 68, broadcast: true });
  });

  it('INIT-REBOOT: NAKs an address from another network, ACKs the client’s own', () => {
    const engine = new DhcpServerEngine(config);
    const ack = dora(engine, T0);
    const wrong = reply(
      engine.handle(
        request(MT.REQUEST, { options: [option('requestedIpAddress', '192.168.1.5')] }),
        context(T0),
      ),
    );
    expect(wrong.kind).toBe('nak');
    expect(wrong.nakReason).toContain('not on network');
    const again = reply(
      engine.handle(
        request(MT.REQUEST, { options: [option('requestedIpAddress', ack.message.yiaddr)] }),
        context(T0 + 5000),
      ),
    );
    expect(again.kind).toBe('ack');
    expect(again.message.yiaddr).toBe(ack.message.yiaddr);
  });

  it('INIT-REBOOT when not authoritative: silent for another network and for unknown clients', () => {
    const engine = new DhcpServerEngine({ ...config, authoritative: false });
    expect(
      engine.handle(
        request(MT.REQUEST, { options: [option('requestedIpAddress', '192.168.1.5')] }),
        context(T0),
      ),
    ).toMatchObject({ type: 'drop', reason: 'not-authoritative' });
    expect(
      engine.handle(
        request(MT.REQUEST, { options: [option('requestedIpAddress', '10.99.0.105')] }),
        context(T0),
      ),
    ).toMatchObject({ type: 'drop', reason: 'not-authoritative' });
  });

  it('RENEWING/REBINDING: extends the lease, echoes ciaddr, keeps the address', () => {
    const engine = new DhcpServerEngine(config);
    const ack = dora(engine, T0);
    const t1 = T0 + 1800_000;
    const renew = reply(engine.handle(request(MT.REQUEST, { ciaddr: ack.message.yiaddr }), context(t1)));
    expect(renew.kind).toBe('ack');
    expect(renew.message.ciaddr).toBe(ack.message.yiaddr);
    expect(renew.message.yiaddr).toBe(ack.message.yiaddr);
    expect(renew.lease?.expires).toBe(t1 + 3600_000);
    // REBINDING is the same message broadcast after T2; the lease holds on.
    const t2 = t1 + 3150_000;
    const rebind = reply(
      engine.handle(request(MT.REQUEST, { ciaddr: ack.message.yiaddr, flags: 0x8000 }), context(t2)),
    );
    expect(rebind.kind).toBe('ack');
  });

  it('RENEWING an address another client now holds: NAK', () => {
    const engine = new DhcpServerEngine(config);
    const a = dora(engine, T0, '52:54:00:00:00:01');
    const r = reply(
      engine.handle(
        request(MT.REQUEST, { mac: '52:54:00:00:00:02', ciaddr: a.message.yiaddr }),
        context(T0 + 10),
      ),
    );
    expect(r.kind).toBe('nak');
  });

  it('a REQUEST with none of 54, 50 or ciaddr is dropped', () => {
    const engine = new DhcpServerEngine(config);
    expect(engine.handle(request(MT.REQUEST), context(T0))).toMatchObject({
      type: 'drop',
      reason: 'malformed-request',
    });
  });

  it('a relayed NAK carries the broadcast bit and goes to the relay', () => {
    const engine = new DhcpServerEngine(config);
    const r = reply(
      engine.handle(
        request(MT.REQUEST, { giaddr: '10.50.0.1', options: [option('requestedIpAddress', '10.99.0.5')] }),
        context(T0),
      ),
    );
    expect(r.kind).toBe('nak');
    expect(r.message.flags & 0x8000).toBe(0x8000);
    expect(r.destination).toEqual({ address: '10.50.0.1', port: 67, broadcast: false });
  });
});

describe('RFC 2131 §4.3.3 DHCPDECLINE', () => {
  it('quarantines the address: no reply, persisted, not offered to anyone during the hold', () => {
    const engine = new DhcpServerEngine({ ...config, declineHoldMs: 60_000 });
    const ack = dora(engine, T0);
    const d = engine.handle(
      request(MT.DECLINE, {
        options: [option('serverIdentifier', SERVER), option('requestedIpAddress', ack.message.yiaddr)],
      }),
      context(T0 + 100),
    );
    expect(d).toMatchObject({
      type: 'silent',
      kind: 'decline',
      lease: { state: 'declined', expires: T0 + 100 + 60_000 },
    });
    expect(d.type === 'silent' && d.writes.length).toBe(1);
    const offered = new Set<string>();
    for (let i = 0; i < 9; i++) {
      offered.add(dora(engine, T0 + 200, `52:54:00:00:02:${i.toString(16).padStart(2, '0')}`).message.yiaddr);
    }
    expect(offered.has(ack.message.yiaddr)).toBe(false);
    expect(
      engine.handle(request(MT.DISCOVER, { mac: '52:54:00:00:03:00' }), context(T0 + 300)),
    ).toMatchObject({
      reason: 'pool-exhausted',
    });
  });

  it('ignores a DECLINE for another server', () => {
    const engine = new DhcpServerEngine(config);
    const r = engine.handle(
      request(MT.DECLINE, {
        options: [option('serverIdentifier', '10.0.0.9'), option('requestedIpAddress', '10.99.0.100')],
      }),
      context(T0),
    );
    expect(r).toMatchObject({ type: 'drop', reason: 'other-server' });
  });
});

describe('RFC 2131 §4.3.4 DHCPRELEASE', () => {
  it('frees the address, persists it as released, and gives it back to the same client next time', () => {
    const engine = new DhcpServerEngine(config);
    const ack = dora(engine, T0);
    const rel = engine.handle(
      request(MT.RELEASE, { ciaddr: ack.message.yiaddr, options: [option('serverIdentifier', SERVER)] }),
      context(T0 + 10),
    );
    expect(rel).toMatchObject({ type: 'silent', kind: 'release', lease: { state: 'released' } });
    const again = reply(engine.handle(request(MT.DISCOVER), context(T0 + 20)));
    expect(again.message.yiaddr).toBe(ack.message.yiaddr);
  });

  it('does not let one client release another’s address', () => {
    const engine = new DhcpServerEngine(config);
    const ack = dora(engine, T0);
    const rel = engine.handle(
      request(MT.RELEASE, { mac: '52:54:00:00:00:99', ciaddr: ack.message.yiaddr }),
      context(T0 + 10),
    );
    expect(rel).toMatchObject({ type: 'silent', kind: 'release', writes: [] });
    expect(engine.leases.at(0x0a630000 + Number(ack.message.yiaddr.split('.')[3]))?.state).toBe('bound');
  });
});

describe('RFC 2131 §4.3.5 DHCPINFORM', () => {
  it('answers with configuration only: no yiaddr, no lease time, unicast to ciaddr', () => {
    const engine = new DhcpServerEngine(config);
    const r = reply(engine.handle(request(MT.INFORM, { ciaddr: '10.99.0.50' }), context(T0)));
    expect(r.kind).toBe('inform');
    expect(getOption(r.message, 'messageType')).toBe(MT.ACK);
    expect(r.message.yiaddr).toBe('0.0.0.0');
    expect(r.message.ciaddr).toBe('10.99.0.50');
    expect(getOptionData(r.message, 51)).toBeUndefined();
    expect(getOptionData(r.message, 58)).toBeUndefined();
    expect(getOption(r.message, 'router')).toEqual(['10.99.0.1']);
    expect(r.destination).toEqual({ address: '10.99.0.50', port: 68, broadcast: false });
    expect(r.writes).toEqual([]);
  });

  it('drops an INFORM without ciaddr', () => {
    expect(new DhcpServerEngine(config).handle(request(MT.INFORM), context(T0))).toMatchObject({
      reason: 'inform-without-ciaddr',
    });
  });
});

describe('RFC 2131 §4.2 client identity and subnet selection', () => {
  it('knows a client by option 61 over chaddr, and echoes 61 (RFC 6842)', () => {
    const engine = new DhcpServerEngine(config);
    const id = option('clientIdentifier', { type: 0, data: Uint8Array.of(1, 2, 3, 4) });
    const a = reply(
      engine.handle(request(MT.DISCOVER, { mac: '52:54:00:00:00:01', options: [id] }), context(T0)),
    );
    const b = reply(
      engine.handle(request(MT.DISCOVER, { mac: '52:54:00:00:00:02', options: [id] }), context(T0)),
    );
    expect(b.message.yiaddr).toBe(a.message.yiaddr);
    expect(getOptionData(a.message, 61)).toEqual(id.data);
    expect(a.lease?.clientKey).toBe('id:0001020304');
  });

  it('selects the subnet by 82.5 link selection over 118 over giaddr (RFC 3527, RFC 3011)', () => {
    const engine = new DhcpServerEngine(config);
    const linkSel = { code: 82, data: Uint8Array.of(5, 4, 10, 60, 0, 0) };
    const viaLink = reply(
      engine.handle(
        request(MT.DISCOVER, {
          giaddr: '10.50.0.1',
          options: [option('subnetSelection', '10.99.0.0'), linkSel],
        }),
        context(T0),
      ),
    );
    expect(viaLink.message.yiaddr).toMatch(/^10\.60\.0\./);
    const via118 = reply(
      engine.handle(
        request(MT.DISCOVER, {
          mac: '52:54:00:00:00:07',
          giaddr: '10.50.0.1',
          options: [option('subnetSelection', '10.60.0.0')],
        }),
        context(T0),
      ),
    );
    expect(via118.message.yiaddr).toMatch(/^10\.60\.0\./);
    expect(engine.handle(request(MT.DISCOVER, { giaddr: '172.16.0.1' }), context(T0))).toMatchObject({
      reason: 'no-subnet',
    });
  });

  it('selection order and fall-backs: a foreign 82.5 drops, ciaddr picks, a foreign ciaddr falls back to the interface', () => {
    const engine = new DhcpServerEngine(config);
    const foreignLink = engine.handle(
      request(MT.DISCOVER, {
        giaddr: '10.50.0.1',
        options: [{ code: 82, data: Uint8Array.of(5, 4, 172, 16, 0, 0) }],
      }),
      context(T0),
    );
    expect(foreignLink).toMatchObject({
      type: 'drop',
      reason: 'no-subnet',
      detail: 'relay link selection (82.5) 172.16.0.0 is in no subnet',
    });
    const inform = (ciaddr: string) => engine.handle(request(MT.INFORM, { ciaddr }), context(T0));
    const known = inform('10.60.0.5');
    expect(known.trace).toContain('subnet third by ciaddr');
    const foreign = inform('172.16.0.5');
    expect(foreign.trace).toContain('subnet lab by interface eth0');
    const byGiaddr = engine.handle(request(MT.DISCOVER, { giaddr: '10.50.0.1' }), context(T0));
    expect(byGiaddr.trace).toContain('subnet relayed by giaddr');
  });

  it('uses the relay’s server identifier override 82.11 (RFC 5107) as option 54', () => {
    const engine = new DhcpServerEngine(config);
    const r = reply(
      engine.handle(
        request(MT.DISCOVER, {
          giaddr: '10.50.0.1',
          options: [{ code: 82, data: Uint8Array.of(11, 4, 10, 50, 0, 1) }],
        }),
        context(T0),
      ),
    );
    expect(getOption(r.message, 'serverIdentifier')).toBe('10.50.0.1');
  });
});

describe('bad input is dropped with a reason, never thrown', () => {
  const engine = new DhcpServerEngine(config);
  it.each([
    ['a BOOTREPLY', { ...request(MT.DISCOVER), op: 2 }, 'not-a-request'],
    ['an OFFER from another server', request(MT.OFFER), 'not-a-request'],
    ['BOOTP (no 53) without a reservation', { ...request(MT.DISCOVER), options: [] }, 'bootp-no-reservation'],
    ['an unknown type', request(42), 'unsupported-message-type'],
    ['hlen 17', { ...request(MT.DISCOVER), hlen: 17 }, 'bad-hardware-address'],
    ['hlen 0 without a client identifier', { ...request(MT.DISCOVER), hlen: 0 }, 'bad-hardware-address'],
    ['17 relay hops', request(MT.DISCOVER, { hops: 17 }), 'too-many-hops'],
    [
      'option 50 of 3 bytes',
      request(MT.DISCOVER, { options: [{ code: 50, data: Uint8Array.of(1, 2, 3) }] }),
      'bad-option',
    ],
    [
      'option 61 of 1 byte',
      request(MT.DISCOVER, { options: [{ code: 61, data: Uint8Array.of(1) }] }),
      'bad-option',
    ],
  ])('%s', (_name, msg, reason) => {
    expect(engine.handle(msg, context(T0))).toMatchObject({ type: 'drop', reason });
  });

  it('no server identity at all', () => {
    const e = new DhcpServerEngine({
      subnets: [{ network: '10.99.0.0/24', pools: ['10.99.0.10-10.99.0.20'] }],
    });
    expect(e.handle(request(MT.DISCOVER), context(T0, { interface: undefined }))).toMatchObject({
      reason: 'no-server-id',
    });
    const withId = new DhcpServerEngine({
      serverId: '10.99.0.1',
      subnets: [{ network: '10.99.0.0/24', pools: ['10.99.0.10-10.99.0.20'] }],
    });
    expect(withId.handle(request(MT.DISCOVER), context(T0, { interface: undefined })).type).toBe('reply');
  });
});

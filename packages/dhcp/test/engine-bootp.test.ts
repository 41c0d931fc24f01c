import { describe, expect, it } from 'vitest';
import { DhcpServerEngine, type DhcpServerConfig } from '../src/engine/server.js';
import type { EngineResult, ReplyResult } from '../src/engine/types.js';
import { DhcpConfigError } from '../src/errors.js';
import { formatIscLeases, leasesFromIsc, parseIscLeases } from '../src/lease/isc-leases.js';
import { decodeJournal, encodeJournalRecord, journalHeader } from '../src/lease/journal.js';
import { INFINITE_LEASE } from '../src/lease/types.js';
import {
  createDhcpMessage,
  decodeDhcpMessage,
  decodeDhcpMessageTolerant,
  encodeDhcpMessage,
  getOption,
  getOptionData,
} from '../src/wire/message.js';
import { encodeDhcpReply } from '../src/wire/reply.js';
import { context, MAC, MT, request, SERVER } from './engine-helpers.js';

// BOOTP (RFC 951, RFC 1542): a request without option 53 gets a BOOTREPLY without 53, for a client with a
// reservation, or from the pool when the subnet says `bootp: 'dynamic'` (ISC `dynamic-bootp`, dnsmasq
// `bootp-dynamic`). Scripted time.

const T0 = 1_800_000_000_000;
const OTHER = '52:54:00:aa:bb:cc';

function bootpRequest(init: { mac?: string; giaddr?: string; ciaddr?: string; xid?: number } = {}) {
  return createDhcpMessage({
    xid: init.xid ?? 0x4242,
    chaddr: init.mac ?? MAC,
    giaddr: init.giaddr ?? '0.0.0.0',
    ciaddr: init.ciaddr ?? '0.0.0.0',
    options: [],
  });
}

function config(over: Partial<DhcpServerConfig['subnets'][number]> = {}): DhcpServerConfig {
  return {
    subnets: [
      {
        id: 'lab',
        network: '10.99.0.0/24',
        pools: ['10.99.0.100-10.99.0.101'],
        reservations: [{ address: '10.99.0.10', mac: MAC, hostname: 'node1' }],
        routers: ['10.99.0.1'],
        domainName: 'lab.test',
        interface: 'eth0',
        ...over,
      },
      { id: 'relayed', network: '10.50.0.0/24', pools: ['10.50.0.10-10.50.0.20'], bootp: 'dynamic' },
    ],
    boot: { rules: [{ name: 'bios', bootFile: 'pxelinux.0' }] },
  };
}

function reply(r: EngineResult): ReplyResult {
  if (r.type !== 'reply') throw new Error(`expected a reply, got ${JSON.stringify(r)}`);
  return r;
}

describe('BOOTP clients (RFC 951 / RFC 1542)', () => {
  it('a reserved client gets a BOOTREPLY without option 53, with its address, boot file and options', () => {
    const engine = new DhcpServerEngine(config());
    const r = reply(engine.handle(bootpRequest(), context(T0)));
    expect(r.kind).toBe('ack');
    expect(r.bootp).toBe(true);
    const m = r.message;
    expect(m.op).toBe(2);
    expect(m.xid).toBe(0x4242);
    expect(m.yiaddr).toBe('10.99.0.10');
    expect(m.siaddr).toBe(SERVER);
    expect(m.file).toBe('pxelinux.0');
    // RFC 1533 options 51-61 are DHCP's: none of 53, 54, 51, 58, 59 in a BOOTREPLY.
    for (const code of [53, 54, 51, 58, 59]) expect(getOptionData(m, code)).toBeUndefined();
    expect(getOption(m, 'subnetMask')).toBe('255.255.255.0');
    expect(getOption(m, 'router')).toEqual(['10.99.0.1']);
    expect(getOption(m, 'domainName')).toBe('lab.test');
    expect(getOption(m, 'hostName')).toBe('node1');
    // The binding is written before the reply leaves, like a DHCPACK, and never ends.
    expect(r.writes).toHaveLength(1);
    expect(r.lease).toMatchObject({ address: '10.99.0.10', state: 'bound', expires: INFINITE_LEASE });
    expect(r.trace.join('\n')).toMatch(/BOOTREPLY 10\.99\.0\.10/);
  });

  it('pads the encoded reply to the 300-byte BOOTP minimum (64-byte vend area)', () => {
    const engine = new DhcpServerEngine({
      subnets: [{ network: '10.99.0.0/24', reservations: [{ address: '10.99.0.10', mac: MAC }] }],
    });
    const req = bootpRequest();
    const r = reply(engine.handle(req, context(T0)));
    const bytes = encodeDhcpReply(r.message, { request: req }).bytes;
    expect(bytes.length).toBeGreaterThanOrEqual(300);
    const back = decodeDhcpMessage(bytes);
    expect(getOptionData(back, 53)).toBeUndefined();
    expect(back.yiaddr).toBe('10.99.0.10');
  });

  it('a client without a reservation is dropped by default (bootp: reserved)', () => {
    const engine = new DhcpServerEngine(config());
    expect(engine.handle(bootpRequest({ mac: OTHER }), context(T0))).toMatchObject({
      type: 'drop',
      reason: 'bootp-no-reservation',
    });
    expect(engine.leases.size).toBe(0);
  });

  it('bootp: false drops every BOOTP request, reserved or not', () => {
    const engine = new DhcpServerEngine(config({ bootp: false }));
    expect(engine.handle(bootpRequest(), context(T0))).toMatchObject({
      type: 'drop',
      reason: 'bootp-unsupported',
    });
  });

  it("bootp: 'dynamic' hands out a pool address with an infinite lease, the same one again next time", () => {
    const engine = new DhcpServerEngine(config({ bootp: 'dynamic' }));
    const first = reply(engine.handle(bootpRequest({ mac: OTHER }), context(T0)));
    expect(first.message.yiaddr).toMatch(/^10\.99\.0\.10[01]$/);
    expect(first.lease).toMatchObject({ state: 'bound', expires: INFINITE_LEASE, mac: OTHER });
    expect(first.writes).toHaveLength(1);
    // Years later the lease still holds and the client gets the same address.
    const later = T0 + 10 * 365 * 86_400_000;
    expect(engine.tick(later)).toEqual([]);
    const again = reply(engine.handle(bootpRequest({ mac: OTHER }), context(later)));
    expect(again.message.yiaddr).toBe(first.message.yiaddr);
    // A DHCP DISCOVER from the same client is offered its address, which is not given to anyone else.
    const offer = reply(engine.handle(request(MT.DISCOVER, { mac: OTHER }), context(later)));
    expect(offer.message.yiaddr).toBe(first.message.yiaddr);
    expect(engine.nextDeadline()).not.toBe(INFINITE_LEASE);
  });

  it('bootpLeaseTime limits a dynamic BOOTP lease', () => {
    const engine = new DhcpServerEngine(config({ bootp: 'dynamic', bootpLeaseTime: 7200 }));
    const r = reply(engine.handle(bootpRequest({ mac: OTHER }), context(T0)));
    expect(r.lease?.expires).toBe(T0 + 7_200_000);
    expect(getOptionData(r.message, 51)).toBeUndefined();
    expect(engine.nextDeadline()).toBe(T0 + 7_200_000);
    expect(engine.tick(T0 + 7_200_000)).toHaveLength(1);
  });

  it('dynamic BOOTP drops with pool-exhausted when the pool is full', () => {
    const engine = new DhcpServerEngine(config({ bootp: 'dynamic' }));
    reply(engine.handle(bootpRequest({ mac: '02:00:00:00:00:01' }), context(T0)));
    reply(engine.handle(bootpRequest({ mac: '02:00:00:00:00:02' }), context(T0)));
    expect(engine.handle(bootpRequest({ mac: '02:00:00:00:00:03' }), context(T0))).toMatchObject({
      type: 'drop',
      reason: 'pool-exhausted',
    });
  });

  it('a relayed BOOTP request goes back to the relay, from the subnet giaddr names', () => {
    const engine = new DhcpServerEngine(config());
    const r = reply(
      engine.handle(
        bootpRequest({ mac: OTHER, giaddr: '10.50.0.1' }),
        context(T0, { source: { address: '10.50.0.1', port: 67 } }),
      ),
    );
    expect(r.message.yiaddr).toMatch(/^10\.50\.0\.\d+$/);
    expect(r.destination).toEqual({ address: '10.50.0.1', port: 67, broadcast: false });
  });

  it('a client that knows its address (ciaddr) gets the reply unicast there', () => {
    const engine = new DhcpServerEngine(config());
    const r = reply(engine.handle(bootpRequest({ ciaddr: '10.99.0.10' }), context(T0)));
    expect(r.message.yiaddr).toBe('10.99.0.10');
    expect(r.destination).toMatchObject({ address: '10.99.0.10', port: 68, broadcast: false });
  });

  it('serves an RFC 951 request whose vend area has no magic cookie', () => {
    const bytes = encodeDhcpMessage(bootpRequest());
    // Overwrite the cookie and the options with the zero vend area of a plain BOOTP client.
    const raw = new Uint8Array(300);
    raw.set(bytes.subarray(0, 236));
    const decoded = decodeDhcpMessageTolerant(raw).message!;
    const engine = new DhcpServerEngine(config());
    const r = reply(engine.handle(decoded, context(T0)));
    expect(r.message.yiaddr).toBe('10.99.0.10');
    expect(encodeDhcpReply(r.message, { request: decoded }).bytes.length).toBeGreaterThanOrEqual(300);
  });

  it('an infinite lease survives the journal', () => {
    const engine = new DhcpServerEngine(config({ bootp: 'dynamic' }));
    const r = reply(engine.handle(bootpRequest({ mac: OTHER }), context(T0)));
    const text = `${journalHeader()}${encodeJournalRecord({ t: 'put', l: r.lease! })}`;
    const back = decodeJournal(text);
    expect(back.problems).toEqual([]);
    const restored = new DhcpServerEngine(config({ bootp: 'dynamic' }));
    restored.restore(
      back.records.flatMap((x) => (x.t === 'put' ? [x.l] : [])),
      T0 + 1e12,
    );
    expect(restored.leases.at(0x0a630000 + Number(r.message.yiaddr.split('.')[3]))?.state).toBe('bound');
  });

  it('an infinite lease can be shown as a date and goes to dhcpd.leases as "ends never"', () => {
    const engine = new DhcpServerEngine(config());
    const lease = reply(engine.handle(bootpRequest(), context(T0))).lease!;
    expect(new Date(lease.expires).getUTCFullYear()).toBe(275760);
    const text = formatIscLeases([lease]);
    expect(text).toContain('ends never;');
    const back = leasesFromIsc(parseIscLeases(text), { subnetOf: () => 'lab' });
    expect(back.leases[0]?.expires).toBe(INFINITE_LEASE);
  });

  it.each([
    [{ bootp: 'yes' as unknown as 'dynamic' }, 'bootp'],
    [{ bootpLeaseTime: 0 }, 'bootpLeaseTime'],
    [{ bootpLeaseTime: 'forever' as unknown as number }, 'bootpLeaseTime'],
  ])('rejects %j', (over, field) => {
    let error: unknown;
    try {
      new DhcpServerEngine(config(over));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DhcpConfigError);
    expect((error as DhcpConfigError).field).toBe(field);
  });
});

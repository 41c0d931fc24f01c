import { describe, expect, it } from 'vitest';
import { DhcpServerEngine, type DhcpServerConfig } from '../src/engine/server.js';
import type { EngineResult, ReplyResult } from '../src/engine/types.js';
import { DhcpConfigError } from '../src/errors.js';
import { decodeDhcpMessage, getOption, getOptionData } from '../src/wire/message.js';
import { encodeDhcpReply } from '../src/wire/reply.js';
import { context, MT, option, request, SERVER } from './engine-helpers.js';

// Rapid Commit (RFC 4039): a DISCOVER with option 80 gets a committed DHCPACK carrying option 80, when the
// subnet allows it (`rapidCommit: true`; off by default, as in Kea). Scripted time.

const T0 = 1_800_000_000_000;
const RAPID = { code: 80, data: new Uint8Array(0) };

function config(rapidCommit: boolean | undefined, over: object = {}): DhcpServerConfig {
  return {
    subnets: [
      {
        id: 'lab',
        network: '10.99.0.0/24',
        pools: ['10.99.0.100-10.99.0.100'],
        reservations: [{ address: '10.99.0.10', mac: '52:54:00:00:00:10' }],
        interface: 'eth0',
        ...(rapidCommit === undefined ? {} : { rapidCommit }),
        ...over,
      },
    ],
    boot: { rules: [{ name: 'bios', bootFile: 'pxelinux.0' }] },
  };
}

function reply(r: EngineResult): ReplyResult {
  if (r.type !== 'reply') throw new Error(`expected a reply, got ${JSON.stringify(r)}`);
  return r;
}

describe('RFC 4039 Rapid Commit', () => {
  it('enabled: DISCOVER with 80 gets an ACK with 80, the lease bound and written before it leaves', () => {
    const engine = new DhcpServerEngine(config(true));
    const req = request(MT.DISCOVER, { options: [RAPID] });
    const r = reply(engine.handle(req, context(T0)));
    expect(r.kind).toBe('ack');
    expect(getOption(r.message, 'messageType')).toBe(MT.ACK);
    expect(getOption(r.message, 'serverIdentifier')).toBe(SERVER);
    expect(getOptionData(r.message, 80)).toEqual(new Uint8Array(0));
    expect(getOption(r.message, 'ipAddressLeaseTime')).toBe(3600);
    expect(r.message.yiaddr).toBe('10.99.0.100');
    expect(r.message.file).toBe('pxelinux.0');
    expect(r.lease).toMatchObject({ address: '10.99.0.100', state: 'bound', expires: T0 + 3_600_000 });
    expect(r.writes).toEqual([r.lease]);
    expect(engine.leases.at(0x0a630064)?.state).toBe('bound');
    expect(r.trace.join('\n')).toMatch(/rapid commit/i);
    // It encodes, with 80 kept (a client asking for rapid commit must see it).
    const back = decodeDhcpMessage(encodeDhcpReply(r.message, { request: req }).bytes);
    expect(getOptionData(back, 80)).toEqual(new Uint8Array(0));
  });

  it('the client then renews the bound address like any other', () => {
    const engine = new DhcpServerEngine(config(true));
    const ack = reply(engine.handle(request(MT.DISCOVER, { options: [RAPID] }), context(T0)));
    const renew = reply(
      engine.handle(request(MT.REQUEST, { ciaddr: ack.message.yiaddr }), context(T0 + 1_800_000)),
    );
    expect(renew.kind).toBe('ack');
    expect(getOptionData(renew.message, 80)).toBeUndefined();
  });

  it('disabled (the default): DISCOVER with 80 gets an ordinary OFFER without 80 and nothing is written', () => {
    for (const rc of [undefined, false]) {
      const engine = new DhcpServerEngine(config(rc));
      const r = reply(engine.handle(request(MT.DISCOVER, { options: [RAPID] }), context(T0)));
      expect(r.kind).toBe('offer');
      expect(getOptionData(r.message, 80)).toBeUndefined();
      expect(r.writes).toEqual([]);
    }
  });

  it('enabled: DISCOVER without 80 still gets an OFFER', () => {
    const engine = new DhcpServerEngine(config(true));
    const r = reply(engine.handle(request(MT.DISCOVER), context(T0)));
    expect(r.kind).toBe('offer');
    expect(getOptionData(r.message, 80)).toBeUndefined();
  });

  it('a reserved client is committed to its reservation', () => {
    const engine = new DhcpServerEngine(config(true));
    const r = reply(
      engine.handle(request(MT.DISCOVER, { mac: '52:54:00:00:00:10', options: [RAPID] }), context(T0)),
    );
    expect(r.message.yiaddr).toBe('10.99.0.10');
    expect(r.kind).toBe('ack');
  });

  it('an exhausted pool drops the DISCOVER as without rapid commit', () => {
    const engine = new DhcpServerEngine(config(true));
    reply(engine.handle(request(MT.DISCOVER, { options: [RAPID] }), context(T0)));
    expect(
      engine.handle(request(MT.DISCOVER, { mac: '52:54:00:00:00:99', options: [RAPID] }), context(T0)),
    ).toMatchObject({
      type: 'drop',
      reason: 'pool-exhausted',
    });
  });

  it('honours the requested lease time (51) within limits', () => {
    const engine = new DhcpServerEngine(config(true));
    const r = reply(
      engine.handle(
        request(MT.DISCOVER, { options: [RAPID, option('ipAddressLeaseTime', 120)] }),
        context(T0),
      ),
    );
    expect(getOption(r.message, 'ipAddressLeaseTime')).toBe(120);
  });

  it('a second DISCOVER with 80 from the bound client gets its address again', () => {
    const engine = new DhcpServerEngine(config(true));
    const a = reply(engine.handle(request(MT.DISCOVER, { options: [RAPID] }), context(T0)));
    const b = reply(engine.handle(request(MT.DISCOVER, { options: [RAPID] }), context(T0 + 5000)));
    expect(b.kind).toBe('ack');
    expect(b.message.yiaddr).toBe(a.message.yiaddr);
  });

  it('rejects a rapidCommit that is not a boolean', () => {
    expect(() => new DhcpServerEngine(config('yes' as unknown as boolean))).toThrow(DhcpConfigError);
    try {
      new DhcpServerEngine(config('yes' as unknown as boolean));
    } catch (e) {
      expect((e as DhcpConfigError).field).toBe('rapidCommit');
    }
  });
});

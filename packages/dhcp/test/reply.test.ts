import { describe, expect, it } from 'vitest';
import { pxeClientArbitrary } from '../src/arbitraries/index.js';
import fc from 'fast-check';
import {
  DHCP_ERROR_CODES,
  DhcpError,
  type DhcpOption,
  createDhcpMessage,
  createDhcpReply,
  decodeDhcpMessage,
  encodeDhcpReply,
  getOption,
  getOptionData,
  option,
  orderReplyOptions,
  replySizeLimit,
} from '../src/index.js';

const request = createDhcpMessage({
  chaddr: '52:54:00:12:34:56',
  options: [option('messageType', 1), option('parameterRequestList', [1, 3, 6, 15, 67, 66])],
});

const offer = createDhcpMessage({
  op: 2,
  yiaddr: '10.0.0.5',
  chaddr: '52:54:00:12:34:56',
  options: [
    option('relayAgentInformation', [{ code: 1, data: Uint8Array.of(1) }]),
    option('domainName', 'lab.example'),
    option('router', ['10.0.0.1']),
    option('ipAddressLeaseTime', 3600),
    option('hostName', 'h1'),
    option('subnetMask', '255.255.255.0'),
    option('serverIdentifier', '10.0.0.1'),
    option('messageType', 2),
  ],
});

describe('reply encoding rules', () => {
  it('53, 54, 51 first, then PRL order, then the rest, 82 last', () => {
    const r = encodeDhcpReply(offer, { request });
    expect(r.order).toEqual([53, 54, 51, 1, 3, 15, 12, 82]);
    expect(decodeDhcpMessage(r.bytes).options.map((o) => o.code)).toEqual([53, 54, 51, 1, 3, 15, 12, 82]);
    expect(r.bytes.length).toBe(300);
    expect(r.omitted).toEqual([]);
  });
  it('END exactly once in the options field', () => {
    const b = encodeDhcpReply(offer, { request }).bytes;
    const m = decodeDhcpMessage(b);
    expect(m.layout!.options.tokens.filter((_, i, t) => i % 2 === 0 && t[i] === 255)).toHaveLength(1);
  });
  it('size limit: 576 by default, the client 57 when larger, never below 576', () => {
    expect(replySizeLimit(undefined)).toBe(576);
    expect(replySizeLimit({ ...request, options: [option('maxMessageSize', 1500)] })).toBe(1500);
    expect(replySizeLimit({ ...request, options: [option('maxMessageSize', 300)] })).toBe(576);
  });
  it('spills into file then sname with option 52 when the options field is full (RFC 2131 §4.1)', () => {
    const big = {
      ...offer,
      options: [...offer.options, option('vendorSpecific', new Uint8Array(320).fill(1))],
    };
    const r = encodeDhcpReply(big, { request });
    expect(r.bytes.length).toBeLessThanOrEqual(548);
    const m = decodeDhcpMessage(r.bytes);
    expect(getOption(m, 'optionOverload')).toBeGreaterThan(0);
    expect(getOptionData(m, 43)).toEqual(new Uint8Array(320).fill(1));
    expect(m.options.map((o) => o.code).at(-1)).toBe(82);
  });
  it('does not spill into a file field that holds a boot file name', () => {
    const big = {
      ...offer,
      file: 'pxelinux.0',
      sname: 'boot',
      options: [...offer.options, option('vendorSpecific', new Uint8Array(320).fill(1))],
    };
    const r = encodeDhcpReply(big, { request });
    expect(r.omitted).toEqual([43]);
    const m = decodeDhcpMessage(r.bytes);
    expect([m.file, m.sname]).toEqual(['pxelinux.0', 'boot']);
  });
  it('leaves out unrequested options before requested ones; a larger 57 keeps them', () => {
    const opts = [
      ...offer.options,
      option('rootPath', 'x'.repeat(250)),
      option('bootFileName', 'y'.repeat(250)),
    ];
    const big = { ...offer, file: 'f', sname: 's', options: opts };
    expect(encodeDhcpReply(big, { request }).omitted).toEqual([17]);
    expect(encodeDhcpReply(big, { request, maxMessageSize: 1500 }).omitted).toEqual([]);
  });
  it('throws DHCP_ERR_TOO_LARGE when mandatory options alone do not fit', () => {
    const huge = {
      ...offer,
      file: 'f',
      sname: 's',
      options: [
        option('messageType', 2),
        option('message', 'm'.repeat(255)),
        { code: 82, data: new Uint8Array(600) },
      ],
    };
    let e: unknown;
    try {
      encodeDhcpReply(huge, { request, mandatory: [53, 56] });
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(DhcpError);
    expect((e as DhcpError).code).toBe(DHCP_ERROR_CODES.TOO_LARGE);
  });
  it('drops a stray option 52 (overload is the encoder’s business)', () => {
    expect(
      orderReplyOptions([option('optionOverload', 3), option('messageType', 2)]).map((o) => o.code),
    ).toEqual([53]);
  });
  it('every reply to a PXE client fits its limit and decodes back with every kept option', () => {
    fc.assert(
      fc.property(pxeClientArbitrary(), fc.nat(900), (req, extra) => {
        const reply = {
          ...offer,
          options: [...offer.options, option('vendorSpecific', new Uint8Array(extra))],
        };
        const r = encodeDhcpReply(reply, { request: req });
        expect(r.bytes.length).toBeLessThanOrEqual(replySizeLimit(req) - 28);
        const back = decodeDhcpMessage(r.bytes).options.map((o) => o.code);
        expect(back.filter((c) => c !== 52)).toEqual(r.order);
      }),
      { numRuns: 200 },
    );
  });
});

describe('createDhcpReply (RFC 2131 table 3)', () => {
  const relayed = {
    ...request,
    hops: 1,
    secs: 9,
    flags: 0x8000,
    xid: 77,
    giaddr: '10.1.0.1',
    options: [
      ...request.options,
      option('clientIdentifier', { type: 1, data: Uint8Array.of(0x52, 0x54, 0, 0x12, 0x34, 0x56) }),
      option('relayAgentInformation', [{ code: 1, data: Uint8Array.of(7) }]),
    ],
  };
  it('copies xid, flags, giaddr, chaddr; zeroes hops and secs; echoes 61 and 82', () => {
    const r = createDhcpReply(relayed, {
      messageType: 2,
      serverIdentifier: '10.0.0.1',
      yiaddr: '10.1.0.50',
      options: [option('ipAddressLeaseTime', 60)],
    });
    expect([r.op, r.xid, r.flags, r.giaddr, r.hops, r.secs, r.yiaddr]).toEqual([
      2,
      77,
      0x8000,
      '10.1.0.1',
      0,
      0,
      '10.1.0.50',
    ]);
    expect(r.chaddr).toEqual(relayed.chaddr);
    expect(r.options.map((o) => o.code)).toEqual([53, 54, 51, 61, 82]);
    const wire = decodeDhcpMessage(encodeDhcpReply(r, { request: relayed }).bytes);
    expect(wire.options.map((o) => o.code)).toEqual([53, 54, 51, 61, 82]);
  });
  it('echoes can be turned off', () => {
    const r = createDhcpReply(relayed, {
      messageType: 6,
      echoClientIdentifier: false,
      echoRelayAgentInformation: false,
    });
    expect(r.options.map((o) => o.code)).toEqual([53]);
  });
});

describe('spilling long options (RFC 3396 across options, file and sname)', () => {
  it('cuts a value over 255 bytes to fill each field, and it concatenates back', () => {
    const data = Uint8Array.from({ length: 480 }, (_, i) => i & 255);
    const m = { ...offer, options: [option('messageType', 2), { code: 125, data }] };
    const bytes = encodeDhcpReply(m).bytes;
    expect(bytes.length).toBeLessThanOrEqual(548);
    const back = decodeDhcpMessage(bytes);
    expect(getOption(back, 'optionOverload')).toBe(3);
    expect(getOptionData(back, 125)).toEqual(data);
  });
  it('keeps values up to 255 bytes whole', () => {
    const m = {
      ...offer,
      options: [
        option('messageType', 2),
        option('message', 'm'.repeat(250)),
        option('rootPath', 'r'.repeat(120)),
      ],
    };
    const back = decodeDhcpMessage(encodeDhcpReply(m).bytes);
    const tokens = back.layout!.options.tokens;
    // one instance each: 52, 53, 56 in the options field; 17 whole in file
    expect(tokens.filter((_, i) => i % 2 === 0 && tokens[i] !== 0 && tokens[i] !== 255)).toEqual([
      52, 53, 56,
    ]);
    expect(getOption(back, 'rootPath')).toBe('r'.repeat(120));
  });
});

describe('orderReplyOptions (allocation-free) agrees with the Map + sort formulation it replaced', () => {
  function reference(
    options: readonly DhcpOption[],
    prl: Uint8Array | undefined,
    mandatory: readonly number[],
  ) {
    const rank = new Map<number, number>();
    mandatory.forEach((c, i) => {
      if (!rank.has(c)) rank.set(c, i);
    });
    if (prl !== undefined)
      for (let i = 0; i < prl.length; i++) if (!rank.has(prl[i]!)) rank.set(prl[i]!, 1000 + i);
    const keyed = options
      .filter((o) => o.code !== 52)
      .map((o, i) => ({ o, key: o.code === 82 ? 1_000_000 : (rank.get(o.code) ?? 10_000 + i) }));
    keyed.sort((a, b) => a.key - b.key);
    return keyed.map((k) => k.o);
  }
  it('on random option lists, PRLs (with repeats) and mandatory lists', () => {
    const code = fc.integer({ min: 1, max: 90 });
    fc.assert(
      fc.property(
        fc.array(code, { maxLength: 20 }),
        fc.option(fc.array(code, { maxLength: 30 }), { nil: undefined }),
        fc.array(code, { maxLength: 4 }),
        (codes, prl, mandatory) => {
          const options = codes.map((c, i) => ({ code: c, data: Uint8Array.of(i) }));
          const request = createDhcpMessage({
            options: prl === undefined ? [] : [{ code: 55, data: Uint8Array.from(prl) }],
          });
          const got = orderReplyOptions(options, request, mandatory);
          const want = reference(options, prl === undefined ? undefined : Uint8Array.from(prl), mandatory);
          expect(got).toEqual(want);
          expect(got.every((o, i) => o === want[i])).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

/**
 * fast-check arbitraries for DHCP messages and options (`@pxekit/dhcp/arbitraries`).
 * fast-check is an optional peer dependency: install it to use this entry point.
 *
 * @example
 * import fc from 'fast-check';
 * import { dhcpMessageArbitrary } from '@pxekit/dhcp/arbitraries';
 * fc.assert(fc.property(dhcpMessageArbitrary(), (m) => myServer.handle(m) !== undefined));
 */
import fc from 'fast-check';
import {
  type ClasslessRoute,
  type ClientFqdn,
  type ClientIdentifier,
  type SubOption,
  type UserClass,
  type ValueCodec,
  type VendorBlock,
  bool,
  bytes,
  classlessRoutes,
  clientFqdn,
  clientIdentifier,
  domainSearch,
  empty,
  encapsulated,
  i32,
  ipv4,
  ipv4List,
  ipv4Pairs,
  machineId,
  networkInterfaceId,
  text,
  tlvList,
  u8,
  u8List,
  u16,
  u16List,
  u32,
  userClass,
  vendorBlocks,
} from '../wire/codecs.js';
import { DHCP_MESSAGE_TYPE } from '../wire/constants.js';
import {
  type DhcpMessage,
  type DhcpOption,
  MAGIC_COOKIE,
  createDhcpMessage,
  decodeDhcpMessage,
  encodeDhcpMessage,
} from '../wire/message.js';
import {
  DHCP_OPTIONS,
  type DhcpOptionName,
  type DhcpOptionValues,
  IPXE_SUBOPTIONS,
  type OptionDef,
  RELAY_AGENT_SUBOPTIONS,
  optionByCode,
} from '../wire/options.js';
import { pxeBootItem, pxeBootMenu, pxeBootServers, pxeMenuPrompt } from '../wire/pxe.js';

/** A dotted-quad IPv4 address. */
export function ipv4Arbitrary(): fc.Arbitrary<string> {
  return fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
}

/** A latin1 string (every char one byte), as the text codec produces. */
export function latin1Arbitrary(maxLength = 40, minLength = 0): fc.Arbitrary<string> {
  // NVT ASCII text carries no NUL (RFC 2132 §2: options "should not be null terminated").
  return fc.uint8Array({ minLength, maxLength, min: 1 }).map((b) => String.fromCharCode(...b));
}

/** fc.record with plain objects (fast-check records have a null prototype, which breaks equality checks). */
function rec<T extends Record<string, unknown>>(
  model: { [K in keyof T]: fc.Arbitrary<T[K]> },
): fc.Arbitrary<T> {
  return fc.record(model).map((r) => ({ ...r }) as T);
}

const printable = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'),
    minLength: min,
    maxLength: max,
  });

/** A DNS name of 1..4 labels, lower-case letters, digits and dashes. */
export function domainNameArbitrary(): fc.Arbitrary<string> {
  return fc.array(printable(1, 12), { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));
}

const bytesArb = (max = 40, min = 0): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((b) => new Uint8Array(b));

const clientIdArb: fc.Arbitrary<ClientIdentifier> = fc.oneof(
  rec({ type: fc.nat(254), data: bytesArb(20, 1) }),
  rec({ type: fc.constant(255 as const), iaid: fc.nat(0xffffffff), duid: bytesArb(20, 2) }),
);

const userClassArb: fc.Arbitrary<UserClass> = fc.oneof(
  rec({ classes: fc.array(latin1Arbitrary(20, 1), { minLength: 1, maxLength: 4 }) }),
  // Strings such as "iPXE" whose first byte is longer than the rest: never valid RFC 3004.
  // RFC 3004 §4: at least 2 bytes in all.
  printable(2, 20)
    .filter((s) => s.charCodeAt(0) >= s.length)
    .map((raw) => ({ raw })),
);

const fqdnArb: fc.Arbitrary<ClientFqdn> = fc.oneof(
  rec({
    flags: fc.nat(255).map((f) => f | 0x04),
    rcode1: fc.nat(255),
    rcode2: fc.nat(255),
    name: fc.oneof(
      domainNameArbitrary(),
      domainNameArbitrary().map((n) => `${n}.`),
      fc.constant(''),
    ),
  }),
  rec({
    flags: fc.nat(255).map((f) => f & ~0x04),
    rcode1: fc.nat(255),
    rcode2: fc.nat(255),
    name: latin1Arbitrary(30),
  }),
);

const routeArb: fc.Arbitrary<ClasslessRoute> = fc
  .tuple(fc.nat(32), ipv4Arbitrary(), ipv4Arbitrary())
  .map(([prefixLength, dest, router]) => {
    const significant = (prefixLength + 7) >> 3;
    const parts = dest.split('.').map((p, i) => (i < significant ? p : '0'));
    return { destination: parts.join('.'), prefixLength, router };
  });

const subOptionArb = (padEnd: boolean): fc.Arbitrary<SubOption> =>
  padEnd
    ? fc.oneof(
        rec({ code: fc.integer({ min: 1, max: 254 }), data: bytesArb(20) }),
        rec({ code: fc.constantFrom(0, 255), data: fc.constant(new Uint8Array(0)) }),
      )
    : rec({ code: fc.nat(255), data: bytesArb(20) });

const vendorBlockArb: fc.Arbitrary<VendorBlock> = rec({ enterprise: fc.nat(0xffffffff), data: bytesArb(20) });

const arbitraryByCodec = new Map<ValueCodec<never>, fc.Arbitrary<unknown>>([
  [ipv4, ipv4Arbitrary()],
  [ipv4List, fc.array(ipv4Arbitrary(), { minLength: 1, maxLength: 6 })],
  [ipv4Pairs, fc.array(fc.tuple(ipv4Arbitrary(), ipv4Arbitrary()), { minLength: 1, maxLength: 4 })],
  [u8, fc.nat(255)],
  [u16, fc.nat(0xffff)],
  [u32, fc.nat(0xffffffff)],
  [i32, fc.integer({ min: -0x80000000, max: 0x7fffffff })],
  [bool, fc.boolean()],
  [u8List, fc.array(fc.nat(255), { minLength: 1, maxLength: 30 })],
  [u16List, fc.array(fc.nat(0xffff), { minLength: 1, maxLength: 6 })],
  [text, latin1Arbitrary(40)],
  [bytes, bytesArb(40)],
  [empty, fc.constant(true)],
  [clientIdentifier, clientIdArb],
  [userClass, userClassArb],
  [clientFqdn, fqdnArb],
  [domainSearch, fc.array(domainNameArbitrary(), { minLength: 1, maxLength: 5 })],
  [classlessRoutes, fc.array(routeArb, { minLength: 1, maxLength: 5 })],
  [encapsulated, fc.array(subOptionArb(true), { maxLength: 6 })],
  [tlvList, fc.array(subOptionArb(false), { maxLength: 6 })],
  [vendorBlocks, fc.array(vendorBlockArb, { minLength: 1, maxLength: 3 })],
  [networkInterfaceId, rec({ type: fc.nat(255), major: fc.nat(255), minor: fc.nat(255) })],
  [machineId, rec({ type: fc.nat(255), id: bytesArb(17) })],
  [
    pxeBootServers,
    fc.array(rec({ type: fc.nat(0xffff), addresses: fc.array(ipv4Arbitrary(), { maxLength: 3 }) }), {
      minLength: 1,
      maxLength: 3,
    }),
  ],
  [
    pxeBootMenu,
    fc.array(rec({ type: fc.nat(0xffff), description: latin1Arbitrary(30) }), { minLength: 1, maxLength: 3 }),
  ],
  [pxeMenuPrompt, rec({ timeout: fc.nat(255), prompt: latin1Arbitrary(30) })],
  [pxeBootItem, rec({ type: fc.nat(0xffff), layer: fc.nat(0xffff) })],
] as [ValueCodec<never>, fc.Arbitrary<unknown>][]);

/**
 * Valid values for a value codec exported by `@pxekit/dhcp` (every codec of the registries has one).
 * Throws for codecs made elsewhere.
 */
export function valueArbitrary<T>(codec: ValueCodec<T>): fc.Arbitrary<T> {
  const arb = arbitraryByCodec.get(codec as ValueCodec<never>);
  if (arb === undefined) throw new Error(`no arbitrary for codec ${codec.type}`);
  return arb as fc.Arbitrary<T>;
}

/**
 * A sub-option list whose entries are valid for their space (typed values from the space's codecs), with
 * now and then a code the space does not define, carrying random bytes.
 */
export function subOptionListArbitrary(
  space: readonly OptionDef[],
  padEnd: boolean,
): fc.Arbitrary<SubOption[]> {
  const known = fc
    .constantFrom(...space)
    .chain((d) => valueArbitrary(d.codec).map((v) => ({ code: d.code, data: d.codec.encode(v as never) })));
  const codes = new Set(space.map((d) => d.code));
  const unknownCode = fc.integer({ min: 1, max: 254 }).filter((c) => !codes.has(c));
  const unknown = rec({ code: unknownCode, data: bytesArb(12) });
  const item = fc.oneof({ arbitrary: known, weight: 4 }, { arbitrary: unknown, weight: 1 });
  const list = fc.array(item, { maxLength: 5 }).filter((l) => l.every((s) => s.data.length <= 255));
  return padEnd ? list.map((l) => [...l, { code: 255, data: new Uint8Array(0) }]) : list;
}

/**
 * Options whose RFC narrows the value format of their codec: 117 takes only the listed services
 * (RFC 2937 §4), 124 holds length-prefixed class data (RFC 3925 §3) and 125 sub-options (RFC 3925 §4).
 */
const OPTION_OVERRIDES: Partial<{ [N in DhcpOptionName]: fc.Arbitrary<DhcpOptionValues[N]> }> = {
  relayAgentInformation: fc.constant(null).chain(() => subOptionListArbitrary(RELAY_AGENT_SUBOPTIONS, false)),
  ipxeEncapsulated: fc.constant(null).chain(() => subOptionListArbitrary(IPXE_SUBOPTIONS, true)),
  nameServiceSearch: fc.array(fc.constantFrom(0, 6, 41, 44, 65), { minLength: 1, maxLength: 5 }),
  vendorClass: fc.array(
    rec({
      enterprise: fc.nat(0xffffffff),
      data: fc
        .array(bytesArb(10, 1), { minLength: 1, maxLength: 3 })
        .map((list) => Uint8Array.from(list.flatMap((b) => [b.length, ...b]))),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  vendorSpecificInformation: fc.array(
    rec({
      enterprise: fc.nat(0xffffffff),
      data: fc.array(subOptionArb(false), { maxLength: 4 }).map((l) => tlvList.encode(l)),
    }),
    { minLength: 1, maxLength: 3 },
  ),
};

/** Valid typed values for a named registry option. */
export function optionValueArbitrary<N extends DhcpOptionName>(name: N): fc.Arbitrary<DhcpOptionValues[N]> {
  const d = DHCP_OPTIONS.find((o) => o.name === name);
  if (d === undefined) throw new Error(`unknown option ${name}`);
  const special = OPTION_OVERRIDES[name] as fc.Arbitrary<DhcpOptionValues[N]> | undefined;
  return special ?? valueArbitrary(d.codec as ValueCodec<DhcpOptionValues[N]>);
}

/** Options the message arbitraries do not generate freely: 52 is framing, 53 is set on purpose. */
const FRAMING = new Set([52, 53]);

/**
 * A valid option: a registered one with a typed value encoded by its codec, or (1 in 5) an unregistered
 * code with raw bytes.
 */
export function dhcpOptionArbitrary(options: { maxLength?: number } = {}): fc.Arbitrary<DhcpOption> {
  const registered = DHCP_OPTIONS.filter((d) => !FRAMING.has(d.code));
  const known = fc
    .constantFrom(...registered)
    .chain((d) =>
      optionValueArbitrary(d.name).map((v) => ({ code: d.code, data: d.codec.encode(v as never) })),
    );
  const unknownCodes: number[] = [];
  for (let c = 1; c < 255; c++) if (optionByCode(c) === undefined) unknownCodes.push(c);
  const unknown = rec({ code: fc.constantFrom(...unknownCodes), data: bytesArb(options.maxLength ?? 40) });
  return fc.oneof({ arbitrary: known, weight: 4 }, { arbitrary: unknown, weight: 1 });
}

function uniqueByCode(list: DhcpOption[]): DhcpOption[] {
  const seen = new Set<number>();
  return list.filter((o) => {
    if (seen.has(o.code)) return false;
    seen.add(o.code);
    return true;
  });
}

export interface DhcpMessageArbitraryOptions {
  /** Message types to pick option 53 from (default: all of DISCOVER..INFORM). `null`: BOOTP, no 53. */
  readonly messageTypes?: readonly number[] | null;
  /** Fewest options besides 53 (default 0; duplicates codes are dropped, so it is a target). */
  readonly minOptions?: number;
  /** Most options besides 53 (default 12). */
  readonly maxOptions?: number;
}

const chaddrArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  { arbitrary: bytesArb(6, 6), weight: 5 },
  { arbitrary: bytesArb(16, 0), weight: 1 },
);

/** A valid message in canonical form (no layout): random header, 53 first, unique option codes. */
export function dhcpMessageArbitrary(opts: DhcpMessageArbitraryOptions = {}): fc.Arbitrary<DhcpMessage> {
  const types = opts.messageTypes === undefined ? [1, 2, 3, 4, 5, 6, 7, 8] : opts.messageTypes;
  return fc
    .record({
      op: fc.constantFrom(1, 2),
      htype: fc.oneof(fc.constant(1), fc.nat(255)),
      hops: fc.nat(16),
      xid: fc.nat(0xffffffff),
      secs: fc.nat(0xffff),
      flags: fc.constantFrom(0, 0x8000),
      ciaddr: ipv4Arbitrary(),
      yiaddr: ipv4Arbitrary(),
      siaddr: ipv4Arbitrary(),
      giaddr: ipv4Arbitrary(),
      chaddr: chaddrArb,
      sname: printable(0, 63),
      file: printable(0, 127),
      type: types === null ? fc.constant(undefined) : fc.constantFrom(...types),
      options: fc.array(dhcpOptionArbitrary(), {
        minLength: opts.minOptions ?? 0,
        maxLength: Math.max(opts.maxOptions ?? 12, opts.minOptions ?? 0),
      }),
    })
    .map((r) => {
      const chaddr = new Uint8Array(16);
      chaddr.set(r.chaddr);
      const options = uniqueByCode(r.options);
      if (r.type !== undefined) options.unshift({ code: 53, data: Uint8Array.of(r.type) });
      return {
        ...createDhcpMessage({ ...r, options }),
        chaddr,
        hlen: r.chaddr.length,
      };
    });
}

const PXE_ARCH = [0, 6, 7, 9, 10, 11, 15, 16, 19, 25, 27, 41];

/**
 * A PXE client's DISCOVER or REQUEST as firmware sends it: 60 `PXEClient:Arch:xxxxx:UNDI:yyyzzz`, 93, 94,
 * 97, a parameter request list with 43/60/66/67/128-135, 57 ≥ 576, and sometimes iPXE's 77 "iPXE" + 175.
 */
export function pxeClientArbitrary(): fc.Arbitrary<DhcpMessage> {
  return fc
    .record({
      xid: fc.nat(0xffffffff),
      mac: bytesArb(6, 6),
      arch: fc.constantFrom(...PXE_ARCH),
      undi: fc.tuple(fc.nat(9), fc.nat(99)),
      type: fc.constantFrom(DHCP_MESSAGE_TYPE.DISCOVER, DHCP_MESSAGE_TYPE.REQUEST),
      guid: bytesArb(16, 16),
      maxSize: fc.integer({ min: 576, max: 1500 }),
      ipxe: fc.boolean(),
      secs: fc.nat(60),
    })
    .map((r) => {
      const chaddr = new Uint8Array(16);
      chaddr.set(r.mac);
      const http = [15, 16, 19, 28].includes(r.arch);
      const vendor = `${http ? 'HTTPClient' : 'PXEClient'}:Arch:${String(r.arch).padStart(5, '0')}:UNDI:${String(r.undi[0]).padStart(3, '0')}${String(r.undi[1]).padStart(3, '0')}`;
      const prl = [
        1, 2, 3, 4, 5, 6, 12, 13, 15, 17, 18, 22, 23, 28, 40, 41, 42, 43, 50, 51, 54, 58, 59, 60, 66, 67, 97,
        128, 129, 130, 131, 132, 133, 134, 135,
      ];
      const options: DhcpOption[] = [
        { code: 53, data: Uint8Array.of(r.type) },
        { code: 57, data: u16.encode(r.maxSize) },
        { code: 55, data: u8List.encode(r.ipxe ? [...prl, 119, 175, 203] : prl) },
        { code: 97, data: machineId.encode({ type: 0, id: r.guid }) },
        { code: 94, data: networkInterfaceId.encode({ type: 1, major: r.undi[0], minor: r.undi[1] }) },
        { code: 93, data: u16List.encode([r.arch]) },
        { code: 60, data: text.encode(vendor) },
      ];
      if (r.ipxe) {
        options.push({ code: 77, data: text.encode('iPXE') });
        options.push({
          code: 175,
          data: encapsulated.encode([
            { code: 19, data: Uint8Array.of(1) },
            { code: 21, data: Uint8Array.of(1) },
            { code: 235, data: Uint8Array.of(1, 21, 1) },
          ]),
        });
      }
      return {
        ...createDhcpMessage({ op: 1, xid: r.xid, secs: r.secs, flags: 0x8000, options }),
        chaddr,
      };
    });
}

/**
 * A request forwarded by a relay agent: giaddr set, hops ≥ 1, option 82 (circuit id, remote id, sometimes
 * link selection) last (RFC 3046 §2.1).
 */
export function relayedRequestArbitrary(): fc.Arbitrary<DhcpMessage> {
  return fc
    .record({
      base: dhcpMessageArbitrary({ messageTypes: [1, 3, 8], maxOptions: 6 }),
      giaddr: ipv4Arbitrary().filter((a) => a !== '0.0.0.0'),
      hops: fc.integer({ min: 1, max: 4 }),
      circuit: bytesArb(12, 1),
      remote: bytesArb(12, 1),
      link: fc.option(ipv4Arbitrary(), { nil: undefined }),
    })
    .map((r) => {
      const sub: SubOption[] = [
        { code: 1, data: r.circuit },
        { code: 2, data: r.remote },
      ];
      if (r.link !== undefined) sub.push({ code: 5, data: ipv4.encode(r.link) });
      const options = r.base.options.filter((o) => o.code !== 82);
      options.push({ code: 82, data: tlvList.encode(sub) });
      return { ...r.base, op: 1, giaddr: r.giaddr, hops: r.hops, options };
    });
}

/** A message with 1..3 options longer than 255 bytes (RFC 3396), e.g. big 121 or 43 values. */
export function longOptionMessageArbitrary(): fc.Arbitrary<DhcpMessage> {
  const long = fc.oneof(
    fc
      .array(routeArb, { minLength: 40, maxLength: 80 })
      .map((v) => ({ code: 121, data: classlessRoutes.encode(v) })),
    rec({ code: fc.constantFrom(43, 125, 224), data: bytesArb(700, 256) }),
    fc
      .array(domainNameArbitrary(), { minLength: 30, maxLength: 60 })
      .map((v) => ({ code: 119, data: domainSearch.encode(v) })),
  );
  return fc
    .record({
      base: dhcpMessageArbitrary({ maxOptions: 4 }),
      long: fc.array(long, { minLength: 1, maxLength: 3 }),
    })
    .map((r) => ({ ...r.base, options: uniqueByCode([...r.base.options, ...r.long]) }));
}

/**
 * Wire bytes of well-formed messages in shapes the canonical encoder does not produce: pad runs between
 * options, options split into several instances (adjacent or not, RFC 3396), overload into file and/or
 * sname (RFC 2131 §4.1), zero tails of any length. Decoding then encoding them must give the same bytes.
 */
export function wireMessageArbitrary(opts: { readonly overload?: boolean } = {}): fc.Arbitrary<Uint8Array> {
  const instance = rec({
    code: fc.integer({ min: 1, max: 254 }).filter((c) => c !== 52),
    data: bytesArb(30),
  });
  const token = fc.oneof(
    { arbitrary: instance, weight: 6 },
    { arbitrary: fc.integer({ min: 1, max: 4 }).map((pad) => ({ pad })), weight: 1 },
  );
  return fc
    .record({
      header: bytesArb(236, 236),
      main: fc.array(token, { maxLength: 10 }),
      overload: opts.overload === true ? fc.constantFrom(1, 2, 3) : fc.constantFrom(0, 0, 1, 2, 3),
      file: fc.array(instance, { maxLength: 3 }),
      sname: fc.array(instance, { maxLength: 2 }),
      tail: fc.nat(80),
    })
    .map((r) => {
      const out: number[] = [...r.header];
      const region = (
        tokens: ({ pad: number } | { code: number; data: Uint8Array })[],
        size: number,
      ): number[] => {
        const b: number[] = [];
        for (const t of tokens) {
          const n = 'pad' in t ? t.pad : 2 + t.data.length;
          if (b.length + n + 1 > size) break;
          if ('pad' in t) for (let i = 0; i < t.pad; i++) b.push(0);
          else b.push(t.code, t.data.length, ...t.data);
        }
        b.push(255);
        while (b.length < size) b.push(0);
        return b;
      };
      if (r.overload & 1) out.splice(108, 128, ...region(r.file, 128));
      if (r.overload & 2) out.splice(44, 64, ...region(r.sname, 64));
      out.push(
        MAGIC_COOKIE >>> 24,
        (MAGIC_COOKIE >>> 16) & 255,
        (MAGIC_COOKIE >>> 8) & 255,
        MAGIC_COOKIE & 255,
      );
      if (r.overload) out.push(52, 1, r.overload);
      for (const t of r.main) {
        if ('pad' in t) for (let i = 0; i < t.pad; i++) out.push(0);
        else out.push(t.code, t.data.length, ...t.data);
      }
      out.push(255);
      for (let i = 0; i < r.tail; i++) out.push(0);
      return Uint8Array.from(out);
    });
}

/**
 * Decoded messages whose options spill into `file` and/or `sname` (option 52, RFC 2131 §4.1), with
 * instances split across the fields (RFC 3396). They carry their wire layout, so they re-encode exactly.
 */
export function overloadedMessageArbitrary(): fc.Arbitrary<DhcpMessage> {
  return wireMessageArbitrary({ overload: true }).map((b) => decodeDhcpMessage(b));
}

/**
 * Arbitrary bytes biased towards valid prefixes (the mqtt-packet trick): half are a valid message cut
 * or corrupted at a random place, the rest random bytes, some with the magic cookie at 236.
 */
export function dhcpBytesArbitrary(): fc.Arbitrary<Uint8Array> {
  const valid = fc.oneof(
    wireMessageArbitrary(),
    dhcpMessageArbitrary().map((m) => encodeCanonical(m)),
  );
  const mutated = fc
    .record({
      b: valid,
      cut: fc.nat(700),
      flips: fc.array(fc.tuple(fc.nat(700), fc.nat(255)), { maxLength: 6 }),
    })
    .map(({ b, cut, flips }) => {
      const out = b.slice(0, Math.min(b.length, cut === 0 ? b.length : cut));
      for (const [at, v] of flips) if (out.length > 0) out[at % out.length] = v;
      return out;
    });
  const random = fc.uint8Array({ maxLength: 700 }).map((b) => {
    const out = new Uint8Array(b);
    if (out.length >= 240 && out[0]! % 2 === 0) out.set([99, 130, 83, 99], 236);
    return out;
  });
  return fc.oneof(mutated, random, valid);
}

function encodeCanonical(m: DhcpMessage): Uint8Array {
  return encodeDhcpMessage(m);
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dhcpBytesArbitrary } from '../src/arbitraries/index.js';
import {
  DHCP_ERROR_CODES,
  DhcpError,
  DhcpHeaderView,
  createDhcpMessage,
  decodeDhcpMessage,
  decodeDhcpMessageTolerant,
  encodeDhcpMessage,
  encodeDhcpMessageInto,
  formatDhcpMessage,
  fromHex,
  getOption,
  getOptionData,
  option,
  parseIpv4,
  parseMac,
  toHex,
  tryDecodeDhcpMessage,
  withOption,
  withOptionData,
  withoutOption,
} from '../src/index.js';

/** A 240-byte header + cookie, then the given option bytes. */
function wire(options: number[], patch: (b: Uint8Array) => void = () => {}): Uint8Array {
  const b = new Uint8Array(240 + options.length);
  b[0] = 1;
  b[1] = 1;
  b[2] = 6;
  b.set([0x12, 0x34, 0x56, 0x78], 4);
  b.set([0x52, 0x54, 0, 1, 2, 3], 28);
  b.set([99, 130, 83, 99], 236);
  b.set(options, 240);
  patch(b);
  return b;
}

function thrown(f: () => unknown): DhcpError {
  try {
    f();
  } catch (e) {
    if (e instanceof DhcpError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('strict decode: one error class with a code and an offset', () => {
  it('short header', () => {
    const e = thrown(() => decodeDhcpMessage(new Uint8Array(100)));
    expect([e.code, e.offset]).toEqual([DHCP_ERROR_CODES.TRUNCATED, 100]);
    expect(thrown(() => decodeDhcpMessage(new Uint8Array(238))).code).toBe(DHCP_ERROR_CODES.TRUNCATED);
  });
  it('bad cookie', () => {
    const e = thrown(() => decodeDhcpMessage(wire([53, 1, 1, 255], (b) => (b[236] = 0))));
    expect([e.code, e.offset]).toEqual([DHCP_ERROR_CODES.BAD_COOKIE, 236]);
  });
  it('truncated option: length past the end, and a code without its length byte', () => {
    const e = thrown(() => decodeDhcpMessage(wire([53, 1, 1, 12, 10, 65, 66])));
    expect([e.code, e.offset, e.option]).toEqual([DHCP_ERROR_CODES.OPTION_TRUNCATED, 243, 12]);
    expect(thrown(() => decodeDhcpMessage(wire([53, 1, 1, 12]))).offset).toBe(243);
  });
  it('missing END', () => {
    const e = thrown(() => decodeDhcpMessage(wire([53, 1, 1, 0, 0])));
    expect([e.code, e.offset]).toEqual([DHCP_ERROR_CODES.MISSING_END, 245]);
  });
  it('non-zero bytes after END', () => {
    const e = thrown(() => decodeDhcpMessage(wire([53, 1, 1, 255, 0, 0, 7, 0])));
    expect([e.code, e.offset]).toEqual([DHCP_ERROR_CODES.TRAILING_DATA, 246]);
  });
  it('bad overload value and repeated overload', () => {
    expect(thrown(() => decodeDhcpMessage(wire([52, 1, 4, 255]))).code).toBe(DHCP_ERROR_CODES.BAD_OVERLOAD);
    expect(thrown(() => decodeDhcpMessage(wire([52, 2, 1, 1, 255]))).code).toBe(
      DHCP_ERROR_CODES.BAD_OVERLOAD,
    );
    expect(thrown(() => decodeDhcpMessage(wire([52, 1, 1, 52, 1, 2, 255]))).code).toBe(
      DHCP_ERROR_CODES.BAD_OVERLOAD,
    );
  });
  it('overloaded file field without END', () => {
    const e = thrown(() => decodeDhcpMessage(wire([52, 1, 1, 255], (b) => b.fill(0, 108, 236))));
    expect([e.code, e.offset]).toEqual([DHCP_ERROR_CODES.MISSING_END, 236]);
  });
  it('tryDecode returns the error instead of throwing', () => {
    const r = tryDecodeDhcpMessage(new Uint8Array(3));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(DHCP_ERROR_CODES.TRUNCATED);
  });
  it('a malformed option value throws from getOption, with the option code', () => {
    const m = decodeDhcpMessage(wire([54, 3, 1, 2, 3, 255]));
    const e = thrown(() => getOption(m, 'serverIdentifier'));
    expect([e.code, e.option]).toEqual([DHCP_ERROR_CODES.BAD_OPTION_VALUE, 54]);
  });
});

describe('tolerant decode: message plus typed problems, still lossless', () => {
  const cases: [string, Uint8Array, string[]][] = [
    ['missing END', wire([53, 1, 1, 12, 2, 65, 66]), [DHCP_ERROR_CODES.MISSING_END]],
    ['truncated option', wire([53, 1, 1, 12, 9, 65, 66]), [DHCP_ERROR_CODES.OPTION_TRUNCATED]],
    ['garbage after END', wire([53, 1, 1, 255, 9, 9, 9]), [DHCP_ERROR_CODES.TRAILING_DATA]],
    ['bad cookie', wire([53, 1, 1, 255], (b) => (b[239] = 1)), [DHCP_ERROR_CODES.BAD_COOKIE]],
    ['bad value', wire([53, 1, 1, 1, 3, 255, 255, 0, 255]), [DHCP_ERROR_CODES.BAD_OPTION_VALUE]],
    ['short BOOTP', new Uint8Array(237), [DHCP_ERROR_CODES.TRUNCATED]],
  ];
  for (const [name, bytes, codes] of cases) {
    it(name, () => {
      const { message, problems } = decodeDhcpMessageTolerant(bytes);
      expect(problems.map((p) => p.code)).toEqual(codes);
      expect(message).toBeDefined();
      expect(toHex(encodeDhcpMessage(message!))).toBe(toHex(bytes));
    });
  }
  it('keeps what it could read before a truncated option', () => {
    const { message } = decodeDhcpMessageTolerant(wire([53, 1, 3, 12, 9, 65]));
    expect(message!.options.map((o) => o.code)).toEqual([53]);
  });
  it('no header at all: no message, one problem', () => {
    const r = decodeDhcpMessageTolerant(new Uint8Array(10));
    expect(r.message).toBeUndefined();
    expect(r.problems.map((p) => p.code)).toEqual([DHCP_ERROR_CODES.TRUNCATED]);
  });
});

describe('RFC 3396 long options and RFC 2131 overload on decode', () => {
  it('concatenates repeated instances, also when not adjacent, in read order options → file → sname', () => {
    const bytes = wire([52, 1, 3, 43, 2, 1, 2, 53, 1, 1, 43, 1, 3, 255], (b) => {
      b.set([43, 1, 4, 255], 108); // file
      b.set([43, 2, 5, 6, 12, 1, 120, 255], 44); // sname
    });
    const m = decodeDhcpMessage(bytes);
    expect(Array.from(getOptionData(m, 43)!)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(m.options.map((o) => o.code)).toEqual([52, 43, 53, 12]);
    expect(getOption(m, 'hostName')).toBe('x');
    expect([m.sname, m.file]).toEqual(['', '']);
    expect(toHex(encodeDhcpMessage(m))).toBe(toHex(bytes));
  });
  it('without option 52, sname and file are text even if they look like options', () => {
    const m = decodeDhcpMessage(wire([255], (b) => b.set([65, 66, 0, 67], 108)));
    expect(m.file).toBe('AB');
    // The byte after the NUL is kept and re-encoded.
    expect(encodeDhcpMessage(m)[111]).toBe(67);
  });
});

describe('header view', () => {
  it('reads fields without decoding', () => {
    const b = wire([53, 1, 3, 255], (x) => x.set([10, 0, 0, 1], 24));
    const h = new DhcpHeaderView(b);
    expect([h.op, h.htype, h.hlen, h.xid, h.giaddr, h.mac, h.messageType, h.hasCookie]).toEqual([
      1,
      1,
      6,
      0x12345678,
      0x0a000001,
      '52:54:00:01:02:03',
      3,
      true,
    ]);
  });
  it('throws the typed error on a short buffer, and messageType is undefined on odd options', () => {
    expect(() => new DhcpHeaderView(new Uint8Array(10))).toThrow(DhcpError);
    expect(new DhcpHeaderView(wire([53, 2, 1, 1, 255])).messageType).toBeUndefined();
    expect(new DhcpHeaderView(wire([12])).messageType).toBeUndefined();
  });
});

describe('robustness: bytes biased towards valid prefixes', () => {
  it('strict decode returns a message or throws DhcpError; tolerant decode and format never throw', () => {
    fc.assert(
      fc.property(dhcpBytesArbitrary(), (bytes) => {
        try {
          decodeDhcpMessage(bytes);
        } catch (e) {
          if (!(e instanceof DhcpError)) throw e;
        }
        const { message } = decodeDhcpMessageTolerant(bytes);
        if (message !== undefined) {
          formatDhcpMessage(message, { wire: true });
          // Lossless also for damaged input.
          expect(toHex(encodeDhcpMessage(message))).toBe(toHex(bytes));
        }
      }),
      { numRuns: 3000 },
    );
  });
  it('every registered option, fed random bytes, decodes or throws DhcpError', () => {
    const m = createDhcpMessage();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 254 }), fc.uint8Array({ maxLength: 300 }), (code, data) => {
        const msg = { ...m, options: [{ code, data }] };
        const { problems } = decodeDhcpMessageTolerant(encodeDhcpMessage(msg));
        for (const p of problems) expect(p.code).toBe(DHCP_ERROR_CODES.BAD_OPTION_VALUE);
        formatDhcpMessage(msg);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('encode', () => {
  it('canonical: options in order, END once, padded to 300', () => {
    const b = encodeDhcpMessage(createDhcpMessage({ xid: 1, options: [option('messageType', 1)] }));
    expect(b.length).toBe(300);
    expect(Array.from(b.subarray(236, 245))).toEqual([99, 130, 83, 99, 53, 1, 1, 255, 0]);
  });
  it('splits a 600-byte value into 255 + 255 + 90 (RFC 3396 §4)', () => {
    const data = new Uint8Array(600).fill(7);
    const b = encodeDhcpMessage(createDhcpMessage({ options: [{ code: 43, data }] }));
    expect([b[240], b[241], b[240 + 257], b[240 + 258], b[240 + 514], b[240 + 515]]).toEqual([
      43, 255, 43, 255, 43, 90,
    ]);
    expect(getOptionData(decodeDhcpMessage(b), 43)).toEqual(data);
  });
  it('rejects bad values with DHCP_ERR_BAD_VALUE', () => {
    for (const bad of [
      { xid: -1 },
      { ciaddr: '1.2.3' },
      { op: 256 },
      { file: 'x'.repeat(129) },
      { sname: 'a\0b' },
    ]) {
      expect(thrown(() => encodeDhcpMessage({ ...createDhcpMessage(), ...bad })).code).toBe(
        DHCP_ERROR_CODES.BAD_VALUE,
      );
    }
    expect(
      thrown(() => encodeDhcpMessage(createDhcpMessage({ options: [{ code: 0, data: new Uint8Array(1) }] })))
        .code,
    ).toBe(DHCP_ERROR_CODES.BAD_VALUE);
  });
  it('a decoded message whose options changed length is re-encoded canonically', () => {
    const bytes = wire([53, 1, 1, 0, 0, 12, 1, 65, 255, 0]);
    const m = decodeDhcpMessage(bytes);
    const changed = { ...m, options: [m.options[0]!, option('hostName', 'longer')] };
    const out = decodeDhcpMessage(encodeDhcpMessage(changed));
    expect(getOption(out, 'hostName')).toBe('longer');
    expect(encodeDhcpMessage(changed).length).toBe(300);
  });
});

describe('tolerant decode checks sub-options too', () => {
  it('a 4-byte link selection (82.5) of 3 bytes and a PXE boot item (43.71) of 2 bytes are reported', () => {
    const pxe = [...new TextEncoder().encode('PXEClient')];
    const bytes = wire([
      53,
      1,
      1,
      60,
      pxe.length,
      ...pxe,
      43,
      5,
      71,
      2,
      0,
      1,
      255,
      82,
      5,
      5,
      3,
      10,
      0,
      0,
      255,
    ]);
    const { problems } = decodeDhcpMessageTolerant(bytes);
    expect(problems.map((p) => [p.code, p.option])).toEqual([
      [DHCP_ERROR_CODES.BAD_OPTION_VALUE, 43],
      [DHCP_ERROR_CODES.BAD_OPTION_VALUE, 82],
    ]);
    expect(problems[0]!.message).toContain('bootItem');
  });
});

describe('editing decoded messages', () => {
  const bytes = wire([53, 1, 1, 0, 0, 12, 2, 65, 66, 43, 2, 1, 2, 43, 1, 3, 255, 0, 0]);
  const m = decodeDhcpMessage(bytes);
  it('a same-length edit keeps the wire layout (pads, split instances) and changes only the value bytes', () => {
    const edited = encodeDhcpMessage(withOption(m, 'hostName', 'XY'));
    const diff = [...edited].flatMap((b, i) => (b === bytes[i] ? [] : [i]));
    expect(diff).toEqual([247, 248]);
  });
  it('removing or adding an option falls back to the canonical encoding', () => {
    const out = decodeDhcpMessage(encodeDhcpMessage(withoutOption(m, 43)));
    expect(out.options.map((o) => o.code)).toEqual([53, 12]);
    const added = decodeDhcpMessage(encodeDhcpMessage(withOptionData(m, 224, Uint8Array.of(9))));
    expect(added.options.map((o) => o.code)).toEqual([53, 12, 43, 224]);
    expect(getOptionData(added, 43)).toEqual(Uint8Array.of(1, 2, 3));
  });
  it('encodeDhcpMessageInto refuses a target that is too small, and writes only its own bytes', () => {
    expect(thrown(() => encodeDhcpMessageInto(m, new Uint8Array(100), 0)).code).toBe(
      DHCP_ERROR_CODES.BAD_VALUE,
    );
    const target = new Uint8Array(bytes.length + 4).fill(7);
    expect(encodeDhcpMessageInto(m, target, 2)).toBe(bytes.length);
    expect(toHex(target.subarray(2, 2 + bytes.length))).toBe(toHex(bytes));
    expect([target[0], target[1], target.at(-1), target.at(-2)]).toEqual([7, 7, 7, 7]);
  });
  it('hex and MAC helpers reject bad text', () => {
    expect(thrown(() => fromHex('abc')).code).toBe(DHCP_ERROR_CODES.BAD_VALUE);
    expect(thrown(() => parseMac('zz:00')).code).toBe(DHCP_ERROR_CODES.BAD_VALUE);
    expect(thrown(() => parseIpv4('256.0.0.1')).code).toBe(DHCP_ERROR_CODES.BAD_VALUE);
    expect(thrown(() => parseIpv4('1.2.3.4.5')).code).toBe(DHCP_ERROR_CODES.BAD_VALUE);
    expect(parseIpv4('010.0.0.1')).toBe(0x0a000001);
  });
});

describe('decoded values are views of the input (no copy per option)', () => {
  it('a single-instance value and chaddr share the input bytes; a concatenated value is its own copy', () => {
    // 12 "ab" (one instance), 43 split in two instances (RFC 3396), END.
    const b = wire([12, 2, 0x61, 0x62, 43, 1, 7, 3, 1, 0x01, 43, 1, 8, 255]);
    const msg = decodeDhcpMessage(b);
    const host = getOptionData(msg, 12)!;
    const vendor = getOptionData(msg, 43)!;
    expect(toHex(host)).toBe('6162');
    expect(toHex(vendor)).toBe('0708');
    expect(host.buffer).toBe(b.buffer);
    expect(host.byteOffset).toBe(b.byteOffset + 242);
    expect(msg.chaddr.buffer).toBe(b.buffer);
    expect(vendor.buffer).not.toBe(b.buffer);
    // Aliasing, as documented: changing the input changes the single-instance value.
    b[242] = 0x7a;
    expect(getOption(msg, 'hostName')).toBe('zb');
    expect(toHex(vendor)).toBe('0708');
  });

  it('a Buffer input gives Buffer views, as Buffer#slice did', () => {
    const b = Buffer.from(wire([12, 2, 0x61, 0x62, 255]));
    const msg = decodeDhcpMessage(b);
    expect(getOptionData(msg, 12)!.buffer).toBe(b.buffer);
    expect(getOption(msg, 'hostName')).toBe('ab');
    expect(encodeDhcpMessage(msg)).toEqual(new Uint8Array(b));
  });

  it('a message with more than 24 options, one code repeated far apart, still concatenates (RFC 3396)', () => {
    const opts: number[] = [];
    for (let c = 100; c < 140; c++) opts.push(c, 1, c);
    opts.push(100, 1, 0xff, 255);
    const msg = decodeDhcpMessage(wire(opts));
    expect(msg.options.length).toBe(40);
    expect(toHex(getOptionData(msg, 100)!)).toBe('64ff');
    expect(msg.layout?.single).toBe(false);
    expect(encodeDhcpMessage(msg)).toEqual(wire(opts));
  });
});

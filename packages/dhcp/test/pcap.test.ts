import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DHCP_ERROR_CODES,
  DhcpError,
  buildUdpFrame,
  decodeDhcpMessage,
  extractDhcpMessages,
  readCapture,
  writePcap,
} from '../src/index.js';

const payload = Uint8Array.from({ length: 300 }, (_, i) => i & 255);
const datagram = {
  srcIp: '10.99.0.10',
  dstIp: '255.255.255.255',
  srcPort: 68,
  dstPort: 67,
  payload,
  timestampMs: 1500.25,
};

/** A pcapng file written by hand: SHB, IDB (with if_tsresol), EPB, SPB; in the given byte order. */
function pcapng(frames: Uint8Array[], little = true, tsresol?: number): Uint8Array {
  const parts: number[] = [];
  const u32 = (v: number): number[] => {
    const b = [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
    return little ? b.reverse() : b;
  };
  const u16 = (v: number): number[] => (little ? [v & 255, v >> 8] : [v >> 8, v & 255]);
  const block = (type: number, body: number[]): void => {
    while (body.length % 4 !== 0) body.push(0);
    const len = body.length + 12;
    parts.push(...u32(type), ...u32(len), ...body, ...u32(len));
  };
  block(0x0a0d0d0a, [...u32(0x1a2b3c4d), ...u16(1), ...u16(0), ...u32(0xffffffff), ...u32(0xffffffff)]);
  const opts = tsresol === undefined ? [] : [...u16(9), ...u16(1), tsresol, 0, 0, 0, ...u16(0), ...u16(0)];
  block(1, [...u16(1), ...u16(0), ...u32(65535), ...opts]);
  for (const f of frames.slice(0, -1))
    block(6, [...u32(0), ...u32(0), ...u32(1_000_000), ...u32(f.length), ...u32(f.length), ...f]);
  const last = frames.at(-1)!;
  block(3, [...u32(last.length), ...last]);
  return Uint8Array.from(parts);
}

describe('pcap reader', () => {
  it('reads back what writePcap wrote, with timestamps', () => {
    const pkts = readCapture(
      writePcap([datagram, { ...datagram, srcPort: 67, dstPort: 68, timestampMs: 2000 }]),
    );
    expect(pkts.map((p) => [p.linkType, p.timestampMs])).toEqual([
      [1, 1500.25],
      [1, 2000],
    ]);
    const dhcp = extractDhcpMessages(pkts);
    expect(dhcp.map((d) => [d.srcIp, d.dstIp, d.srcPort, d.dstPort, d.truncated])).toEqual([
      ['10.99.0.10', '255.255.255.255', 68, 67, false],
      ['10.99.0.10', '255.255.255.255', 67, 68, false],
    ]);
    expect(dhcp[0]!.payload).toEqual(payload);
  });

  it('big-endian and nanosecond pcap', () => {
    const le = writePcap([datagram]);
    const be = new Uint8Array(le.length);
    be.set(le);
    const v = new DataView(be.buffer);
    const lv = new DataView(le.buffer);
    v.setUint32(0, 0xa1b23c4d, false); // nanosecond magic, big-endian
    v.setUint16(4, 2, false);
    v.setUint16(6, 4, false);
    v.setUint32(16, lv.getUint32(16, true), false);
    v.setUint32(20, 1, false);
    v.setUint32(24, 1, false);
    v.setUint32(28, 500_000_000, false);
    v.setUint32(32, lv.getUint32(32, true), false);
    v.setUint32(36, lv.getUint32(36, true), false);
    const [p] = readCapture(be);
    expect(p!.timestampMs).toBe(1500);
    expect(extractDhcpMessages([p!])[0]!.payload).toEqual(payload);
  });

  it('pcapng in both byte orders, EPB and SPB, if_tsresol', () => {
    const frame = buildUdpFrame(datagram);
    for (const little of [true, false]) {
      const pkts = readCapture(pcapng([frame, frame], little, 9));
      expect(pkts).toHaveLength(2);
      expect(pkts[0]!.timestampMs).toBe(1);
      expect(extractDhcpMessages(pkts).map((d) => d.payload.length)).toEqual([300, 300]);
    }
    expect(readCapture(pcapng([frame, frame]))[0]!.timestampMs).toBe(1000);
  });

  it('Linux cooked (SLL), VLAN-tagged Ethernet and raw IPv4 frames', () => {
    const eth = buildUdpFrame(datagram);
    const ip = eth.slice(14);
    const sll = new Uint8Array(16 + ip.length);
    sll.set([0x08, 0x00], 14);
    sll.set(ip, 16);
    const vlan = new Uint8Array(eth.length + 4);
    vlan.set(eth.subarray(0, 12));
    vlan.set([0x81, 0x00, 0x00, 0x05], 12);
    vlan.set(eth.subarray(12), 16);
    const packets = [
      { index: 0, linkType: 113, timestampMs: 0, data: sll, originalLength: sll.length },
      { index: 1, linkType: 1, timestampMs: 0, data: vlan, originalLength: vlan.length },
      { index: 2, linkType: 101, timestampMs: 0, data: ip, originalLength: ip.length },
    ];
    expect(extractDhcpMessages(packets).map((d) => d.index)).toEqual([0, 1, 2]);
  });

  it('skips non-DHCP ports, non-first fragments, and marks snap-length truncation', () => {
    const other = buildUdpFrame({ ...datagram, srcPort: 5353, dstPort: 5353 });
    const frag = buildUdpFrame(datagram);
    frag[14 + 7] = 10; // fragment offset 10
    const cut = buildUdpFrame(datagram).slice(0, 100);
    const packets = [other, frag, cut].map((data, index) => ({
      index,
      linkType: 1,
      timestampMs: 0,
      data,
      originalLength: 342,
    }));
    const out = extractDhcpMessages(packets);
    expect(out.map((d) => [d.index, d.truncated, d.payload.length])).toEqual([[2, true, 58]]);
  });

  it('a truncated last record ends the list; a bad magic or block length throws DHCP_ERR_PCAP_FORMAT', () => {
    const whole = writePcap([datagram, datagram]);
    expect(readCapture(whole.slice(0, whole.length - 10))).toHaveLength(1);
    for (const bad of [
      new Uint8Array(2),
      new Uint8Array(40),
      pcapng([buildUdpFrame(datagram)]).fill(3, 4, 8),
    ]) {
      let err: unknown;
      try {
        readCapture(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DhcpError);
      expect((err as DhcpError).code).toBe(DHCP_ERROR_CODES.PCAP_FORMAT);
    }
  });

  it('never throws anything but DhcpError on damaged files, and stops', () => {
    const base = [
      writePcap([datagram, datagram]),
      pcapng([buildUdpFrame(datagram), buildUdpFrame(datagram)]),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...base),
        fc.array(fc.tuple(fc.nat(800), fc.nat(255)), { maxLength: 8 }),
        fc.nat(800),
        (b, flips, cut) => {
          const d = b.slice(0, Math.max(4, cut === 0 ? b.length : cut));
          for (const [at, v] of flips) d[at % d.length] = v;
          try {
            extractDhcpMessages(readCapture(d, { maxPackets: 100 }));
          } catch (e) {
            if (!(e instanceof DhcpError)) throw e;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('a real dumpcap pcapng (ours: scripts/capture-relay.sh, two interfaces)', () => {
  it('reads every frame and finds the 8 DHCP messages, which decode strictly', () => {
    const file = new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures/relay.pcapng')));
    const packets = readCapture(file);
    expect(packets).toHaveLength(17);
    const dhcp = extractDhcpMessages(packets);
    expect(dhcp.map((d) => `${d.srcIp}:${d.srcPort}>${d.dstIp}:${d.dstPort}`)).toEqual([
      '0.0.0.0:68>255.255.255.255:67',
      '10.99.33.2:67>10.99.33.1:67',
      '10.99.32.1:67>10.99.32.100:68',
      '0.0.0.0:68>255.255.255.255:67',
      '10.99.32.1:67>10.99.32.100:68',
      '10.99.33.1:67>10.99.32.1:67',
      '10.99.33.2:67>10.99.33.1:67',
      '10.99.33.1:67>10.99.32.1:67',
    ]);
    for (const d of dhcp) expect(decodeDhcpMessage(d.payload).xid).toBe(0x87dd0b5a);
    // Timestamps are increasing within each interface and in microseconds since the epoch.
    expect(dhcp[0]!.timestampMs).toBeGreaterThan(1.7e12);
  });
});

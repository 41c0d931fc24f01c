/**
 * A small, bounds-checked reader for pcap (both byte orders, micro- and nanosecond magic) and pcapng
 * (SHB/IDB/EPB/SPB/obsolete PB, several sections and interfaces), and a filter that pulls DHCP messages
 * out of Ethernet (with 802.1Q/802.1ad tags), Linux cooked (SLL, SLL2), raw IPv4 and BSD loopback frames.
 *
 * No npm package fitted (checked 2026-11): pcap-parser 0.2.1 reads only pcap and pcap-ng-parser 1.0.0 only
 * pcapng, both through Node streams, so neither can run in the sans-IO layer on a Uint8Array. Formats:
 * the pcap file format (draft-ietf-opsawg-pcap) and pcapng (draft-ietf-opsawg-pcapng).
 */
import { DHCP_ERROR_CODES, DhcpError } from '../errors.js';
import { readIpv4 } from '../wire/bytes.js';

/** One captured frame. */
export interface CapturedPacket {
  /** 0-based index in the file. */
  readonly index: number;
  /** Link-layer type (LINKTYPE_*: 1 Ethernet, 113 SLL, 276 SLL2, 101 raw, 0 null ...). */
  readonly linkType: number;
  /** Capture time in milliseconds since the epoch (fractional), when known. */
  readonly timestampMs: number;
  /** The captured bytes (may be shorter than the frame on the wire). */
  readonly data: Uint8Array;
  /** Length of the frame on the wire. */
  readonly originalLength: number;
}

/** Limits for the reader: every loop is bounded. */
export interface CaptureReadOptions {
  /** Stop after this many packets (default 1,000,000). */
  readonly maxPackets?: number;
}

function fail(message: string, offset: number): never {
  throw new DhcpError(DHCP_ERROR_CODES.PCAP_FORMAT, message, { offset });
}

class Reader {
  readonly view: DataView;
  little = true;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(offset: number, n: number): void {
    if (offset < 0 || offset + n > this.bytes.length)
      fail(`record at ${offset} runs past the end of the file`, offset);
  }
  u16(o: number): number {
    this.need(o, 2);
    return this.view.getUint16(o, this.little);
  }
  u32(o: number): number {
    this.need(o, 4);
    return this.view.getUint32(o, this.little);
  }
}

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/**
 * Reads every packet of a pcap or pcapng file. Throws `DHCP_ERR_PCAP_FORMAT` for an unknown format or a
 * damaged record header; a truncated last record ends the list (as tcpdump does) without an error.
 *
 * @example
 * for (const m of extractDhcpMessages(readCapture(bytes))) console.log(m.srcPort, m.payload.length);
 */
export function readCapture(bytes: Uint8Array, opts: CaptureReadOptions = {}): CapturedPacket[] {
  if (bytes.length < 4) fail('file too short for a capture header', 0);
  const r = new Reader(bytes);
  const magicBE = r.view.getUint32(0, false);
  const magicLE = r.view.getUint32(0, true);
  if (magicBE === PCAPNG_SHB) return readPcapng(r, opts.maxPackets ?? 1_000_000);
  for (const [magic, little] of [
    [magicLE, true],
    [magicBE, false],
  ] as const) {
    if (magic === PCAP_MAGIC_US || magic === PCAP_MAGIC_NS) {
      r.little = little;
      return readPcap(r, magic === PCAP_MAGIC_NS, opts.maxPackets ?? 1_000_000);
    }
  }
  return fail(`unknown capture magic 0x${magicBE.toString(16)}`, 0);
}

function readPcap(r: Reader, nano: boolean, max: number): CapturedPacket[] {
  r.need(0, 24);
  // Upper bits carry FCS information (pcap draft §4); libpcap keeps the low 26 bits (LT_LINKTYPE).
  const linkType = r.u32(20) & 0x03ffffff;
  const out: CapturedPacket[] = [];
  let o = 24;
  while (o + 16 <= r.bytes.length && out.length < max) {
    const sec = r.u32(o);
    const frac = r.u32(o + 4);
    const incl = r.u32(o + 8);
    const orig = r.u32(o + 12);
    if (incl > 0x4000000) fail(`packet length ${incl} is implausible`, o + 8);
    if (o + 16 + incl > r.bytes.length) break;
    out.push({
      index: out.length,
      linkType,
      timestampMs: sec * 1000 + (nano ? frac / 1e6 : frac / 1e3),
      data: r.bytes.slice(o + 16, o + 16 + incl),
      originalLength: orig,
    });
    o += 16 + incl;
  }
  return out;
}

interface NgInterface {
  linkType: number;
  /** Timestamp units per second. */
  tsPerSecond: number;
}

function readPcapng(r: Reader, max: number): CapturedPacket[] {
  const out: CapturedPacket[] = [];
  let interfaces: NgInterface[] = [];
  let o = 0;
  const len = r.bytes.length;
  for (let guard = 0; o + 12 <= len && out.length < max && guard < 10_000_000; guard++) {
    // Byte order is set by each section header (pcapng §4.1).
    let type = r.u32(o);
    if (r.view.getUint32(o, false) === PCAPNG_SHB) {
      r.need(o, 12);
      const bom = r.view.getUint32(o + 8, true);
      if (bom === BYTE_ORDER_MAGIC) r.little = true;
      else if (r.view.getUint32(o + 8, false) === BYTE_ORDER_MAGIC) r.little = false;
      else fail('bad pcapng byte-order magic', o + 8);
      type = PCAPNG_SHB;
      interfaces = [];
    }
    const blockLength = r.u32(o + 4);
    if (blockLength < 12 || blockLength % 4 !== 0) fail(`bad pcapng block length ${blockLength}`, o + 4);
    if (o + blockLength > len) break; // truncated final block
    const body = o + 8;
    if (type === 1) {
      // Interface description block: link type, reserved, snaplen, then options (if_tsresol = 9).
      const iface: NgInterface = { linkType: r.u16(body), tsPerSecond: 1e6 };
      let p = body + 8;
      const end = o + blockLength - 4;
      while (p + 4 <= end) {
        const code = r.u16(p);
        const olen = r.u16(p + 2);
        if (code === 0) break;
        if (p + 4 + olen > end) break;
        if (code === 9 && olen >= 1) {
          const v = r.bytes[p + 4]!;
          iface.tsPerSecond = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** (v & 0x7f);
        }
        p += 4 + ((olen + 3) & ~3);
      }
      interfaces.push(iface);
    } else if (type === 6 || type === 2) {
      // Enhanced packet block (6) / obsolete packet block (2): interface id (u32, or u16 + drops u16),
      // timestamp high/low, captured length, original length, data.
      const ifId = type === 6 ? r.u32(body) : r.u16(body);
      const hi = r.u32(body + 4);
      const lo = r.u32(body + 8);
      const incl = r.u32(body + 12);
      const orig = r.u32(body + 16);
      if (body + 20 + incl > o + blockLength) fail('packet data runs past its block', body + 12);
      const iface = interfaces[ifId];
      if (iface === undefined) fail(`packet on undeclared interface ${ifId}`, body);
      out.push({
        index: out.length,
        linkType: iface.linkType,
        timestampMs: ((hi * 2 ** 32 + lo) / iface.tsPerSecond) * 1000,
        data: r.bytes.slice(body + 20, body + 20 + incl),
        originalLength: orig,
      });
    } else if (type === 3) {
      // Simple packet block: original length, data (interface 0).
      const iface = interfaces[0];
      if (iface === undefined) fail('simple packet block before any interface', body);
      const orig = r.u32(body);
      const incl = Math.min(orig, blockLength - 16);
      out.push({
        index: out.length,
        linkType: iface.linkType,
        timestampMs: Number.NaN,
        data: r.bytes.slice(body + 4, body + 4 + incl),
        originalLength: orig,
      });
    }
    o += blockLength;
  }
  return out;
}

/** A UDP datagram carrying DHCP (ports 67, 68 or 4011) found in a capture. */
export interface CapturedDhcp {
  /** Index of the frame in the capture. */
  readonly index: number;
  readonly timestampMs: number;
  readonly srcIp: string;
  readonly dstIp: string;
  readonly srcPort: number;
  readonly dstPort: number;
  /** The UDP payload: the DHCP message bytes. */
  readonly payload: Uint8Array;
  /** True when the frame was cut short by the snap length or the UDP length is inconsistent. */
  readonly truncated: boolean;
}

const DHCP_PORTS = new Set([67, 68, 4011]);

/** Finds the IPv4 header in a frame; returns its offset or -1. */
function ipv4Offset(p: CapturedPacket): number {
  const d = p.data;
  switch (p.linkType) {
    case 1: {
      // Ethernet II, skipping 802.1Q (0x8100), 802.1ad (0x88a8) and QinQ (0x9100) tags.
      let o = 12;
      for (let tags = 0; tags < 4 && o + 2 <= d.length; tags++) {
        const et = (d[o]! << 8) | d[o + 1]!;
        if (et === 0x8100 || et === 0x88a8 || et === 0x9100) {
          o += 4;
          continue;
        }
        return et === 0x0800 ? o + 2 : -1;
      }
      return -1;
    }
    case 113: // Linux cooked v1: protocol at 14
      return d.length >= 16 && ((d[14]! << 8) | d[15]!) === 0x0800 ? 16 : -1;
    case 276: // Linux cooked v2: protocol at 0
      return d.length >= 20 && ((d[0]! << 8) | d[1]!) === 0x0800 ? 20 : -1;
    case 101: // raw IP
    case 228: // raw IPv4
    case 12:
      return d.length >= 1 && d[0]! >> 4 === 4 ? 0 : -1;
    case 0: // BSD loopback: 4-byte address family in host order; AF_INET = 2
    case 109:
      return d.length >= 4 && (d[0] === 2 || d[3] === 2) ? 4 : -1;
    default:
      return -1;
  }
}

/**
 * Pulls the DHCP datagrams (UDP port 67, 68 or 4011 on either side) out of captured frames. IPv4
 * fragments other than the first, and frames of other protocols, are skipped.
 */
export function extractDhcpMessages(packets: readonly CapturedPacket[]): CapturedDhcp[] {
  const out: CapturedDhcp[] = [];
  for (const p of packets) {
    const ip = ipv4Offset(p);
    if (ip < 0) continue;
    const d = p.data;
    if (ip + 20 > d.length || d[ip]! >> 4 !== 4) continue;
    const ihl = (d[ip]! & 0x0f) * 4;
    if (ihl < 20 || ip + ihl + 8 > d.length) continue;
    if (d[ip + 9] !== 17) continue; // UDP
    const fragOffset = ((d[ip + 6]! & 0x1f) << 8) | d[ip + 7]!;
    if (fragOffset !== 0) continue;
    const u = ip + ihl;
    const srcPort = (d[u]! << 8) | d[u + 1]!;
    const dstPort = (d[u + 2]! << 8) | d[u + 3]!;
    if (!DHCP_PORTS.has(srcPort) && !DHCP_PORTS.has(dstPort)) continue;
    const udpLength = (d[u + 4]! << 8) | d[u + 5]!;
    const available = d.length - (u + 8);
    const wanted = udpLength >= 8 ? udpLength - 8 : available;
    const n = Math.min(wanted, available);
    out.push({
      index: p.index,
      timestampMs: p.timestampMs,
      srcIp: readIpv4(d, ip + 12),
      dstIp: readIpv4(d, ip + 16),
      srcPort,
      dstPort,
      payload: d.slice(u + 8, u + 8 + n),
      truncated: n < wanted || udpLength < 8,
    });
  }
  return out;
}

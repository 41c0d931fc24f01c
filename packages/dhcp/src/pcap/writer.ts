/**
 * Writes classic pcap files (microsecond, little-endian, LINKTYPE_ETHERNET) of UDP/IPv4 datagrams, so that
 * messages we encode can be handed to tshark or Wireshark. Checksums are computed (IPv4 header and UDP,
 * RFC 768), so dissectors raise no checksum warnings.
 */
import { parseIpv4 } from '../wire/bytes.js';

/** One UDP datagram to put in a capture. */
export interface UdpDatagram {
  readonly srcIp: string;
  readonly dstIp: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
  /** Milliseconds since the epoch (default 0). */
  readonly timestampMs?: number;
  /** Ethernet source, 6 bytes (default 02:00:00:00:00:01). */
  readonly srcMac?: Uint8Array;
  /** Ethernet destination, 6 bytes (default broadcast). */
  readonly dstMac?: Uint8Array;
}

function sum16(b: Uint8Array, start: number, end: number, initial: number): number {
  let s = initial;
  for (let i = start; i + 1 < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if ((end - start) % 2 === 1) s += b[end - 1]! << 8;
  return s;
}

function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** Builds an Ethernet II + IPv4 + UDP frame around `payload`. */
export function buildUdpFrame(d: UdpDatagram): Uint8Array {
  const frame = new Uint8Array(14 + 20 + 8 + d.payload.length);
  frame.set(d.dstMac ?? [255, 255, 255, 255, 255, 255], 0);
  frame.set(d.srcMac ?? [2, 0, 0, 0, 0, 1], 6);
  frame[12] = 0x08;
  frame[13] = 0x00;
  const ip = 14;
  const total = 20 + 8 + d.payload.length;
  const src = parseIpv4(d.srcIp);
  const dst = parseIpv4(d.dstIp);
  frame.set([0x45, 0, total >> 8, total & 255, 0, 0, 0x40, 0, 64, 17, 0, 0], ip);
  frame.set([src >>> 24, (src >>> 16) & 255, (src >>> 8) & 255, src & 255], ip + 12);
  frame.set([dst >>> 24, (dst >>> 16) & 255, (dst >>> 8) & 255, dst & 255], ip + 16);
  const ipSum = fold(sum16(frame, ip, ip + 20, 0));
  frame[ip + 10] = ipSum >> 8;
  frame[ip + 11] = ipSum & 255;
  const u = ip + 20;
  const ulen = 8 + d.payload.length;
  frame.set(
    [d.srcPort >> 8, d.srcPort & 255, d.dstPort >> 8, d.dstPort & 255, ulen >> 8, ulen & 255, 0, 0],
    u,
  );
  frame.set(d.payload, u + 8);
  // UDP checksum over the pseudo-header (RFC 768) and the datagram; 0 is sent as 0xffff.
  const pseudo = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + 17 + ulen;
  let uSum = fold(sum16(frame, u, u + ulen, pseudo));
  if (uSum === 0) uSum = 0xffff;
  frame[u + 6] = uSum >> 8;
  frame[u + 7] = uSum & 255;
  return frame;
}

/**
 * A pcap file (LINKTYPE_ETHERNET) with one frame per datagram.
 *
 * @example
 * writeFileSync('out.pcap', writePcap([{ srcIp: '0.0.0.0', dstIp: '255.255.255.255', srcPort: 68, dstPort: 67, payload }]));
 */
export function writePcap(datagrams: readonly UdpDatagram[]): Uint8Array {
  const frames = datagrams.map(buildUdpFrame);
  let size = 24;
  for (const f of frames) size += 16 + f.length;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 262144, true);
  v.setUint32(20, 1, true);
  let o = 24;
  frames.forEach((f, i) => {
    const ms = datagrams[i]!.timestampMs ?? 0;
    v.setUint32(o, Math.floor(ms / 1000), true);
    v.setUint32(o + 4, Math.round((ms % 1000) * 1000), true);
    v.setUint32(o + 8, f.length, true);
    v.setUint32(o + 12, f.length, true);
    out.set(f, o + 16);
    o += 16 + f.length;
  });
  return out;
}

/** pcap/pcapng reading and pcap writing for DHCP traffic. */
export {
  type CaptureReadOptions,
  type CapturedDhcp,
  type CapturedPacket,
  extractDhcpMessages,
  readCapture,
} from './reader.js';
export { type UdpDatagram, buildUdpFrame, writePcap } from './writer.js';

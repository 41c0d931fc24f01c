/**
 * @pxekit/tftp — TFTP (RFC 1350, 2347, 2348, 2349, 7440): codec, option negotiation and sans-IO transfer
 * state machines. The Node server and client live in `@pxekit/tftp/node`.
 */
export * from './engine/index.js';
export {
  DATA_HEADER_LENGTH,
  DEFAULT_BLOCK_SIZE,
  ERROR_CODE,
  errorCodeName,
  MAX_BLOCK_SIZE,
  MAX_REQUEST_LENGTH,
  MAX_TIMEOUT_S,
  MAX_WINDOW_SIZE,
  MIN_BLOCK_SIZE,
  MIN_TIMEOUT_S,
  OPCODE,
  opcodeName,
  TFTP_PORT,
} from './wire/constants.js';
export type { ErrorCode, Opcode } from './wire/constants.js';
export { TFTP_ERR, TftpError } from './wire/errors.js';
export type { TftpErrorCode } from './wire/errors.js';
export { NetasciiDecoder, NetasciiEncoder } from './wire/netascii.js';
export { parseOptionNumber, TFTP_OPTIONS } from './wire/options.js';
export type { TftpOptionSpec } from './wire/options.js';
export {
  decodePacket,
  encodePacket,
  encodePacketInto,
  findOption,
  packetEncodingLength,
  tryDecodePacket,
  writeDataHeader,
} from './wire/packet.js';
export type {
  DecodeResult,
  TftpAck,
  TftpData,
  TftpErrorPacket,
  TftpOack,
  TftpOption,
  TftpPacket,
  TftpRequest,
} from './wire/packet.js';

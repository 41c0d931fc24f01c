export { samePeer, wireBlock, wireDelta } from './base.js';
export { parseMode, parseRemapFile, sanitizeFilename } from './filename.js';
export type { FilenameOptions, FilenameResult, RemapContext, RemapRule } from './filename.js';
export {
  acceptOack,
  buildRequestOptions,
  DEFAULT_MAX_BLOCK_SIZE,
  DEFAULT_MAX_WINDOW_SIZE,
  DEFAULT_TIMEOUT_MS,
  negotiateOptions,
} from './negotiate.js';
export type {
  ClientOptionRequest,
  NegotiateRequest,
  NegotiateResult,
  NegotiationLimits,
} from './negotiate.js';
export { ReceiveTransfer } from './receiver.js';
export type { ReceiveTransferOptions } from './receiver.js';
export { SendTransfer } from './sender.js';
export type { BlockLocation, SendStep, SendTransferOptions } from './sender.js';
export type * from './types.js';

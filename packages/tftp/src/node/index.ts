/** Node adapter of @pxekit/tftp: the only part that touches sockets, files and timers. */
export { FileCache } from './cache.js';
export type { FileCacheOptions } from './cache.js';
export { createTftpClient, TftpClient, tftpGet, tftpPut } from './client.js';
export type { TftpClientEventMap, TftpClientOptions, TftpProgress, TftpTransferOptions } from './client.js';
export { displayAddress, EngineDriver } from './driver.js';
export type { DriverHooks } from './driver.js';
export type { SymlinkPolicy } from './jail.js';
export { createTftpServer, TFTP_CHANNELS, TftpServer } from './server.js';
export type {
  TftpDropEvent,
  TftpRequestEvent,
  TftpServerEventMap,
  TftpServerOptions,
  TftpTransferEvent,
  VirtualFile,
  VirtualFileHandler,
  VirtualFileRequest,
  WriteOptions,
} from './server.js';

/** Node adapter of @pxekit/dhcp: the only part that touches sockets, files and privileges. */
export {
  type CreateDhcpServerOptions,
  createDhcpServer,
  DEFAULT_RECEIVE_BUFFER_SIZE,
  DHCP_CHANNELS,
  DhcpServer,
  type DhcpServerEventMap,
  type DhcpServerStats,
  type DropEvent,
  type ReplyEvent,
  type ServedInterface,
  type SilentEvent,
} from './server.js';
export { DeviceSocketError, loadDeviceSockets, type OpenDeviceSocket } from './device-socket.js';
export {
  DEFAULT_SYNC_INTERVAL_MS,
  JournalLeaseStore,
  type JournalLeaseStoreOptions,
  openJournalLeaseStore,
} from './journal-store.js';

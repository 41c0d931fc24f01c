/**
 * The pure server side of @pxekit/dhcp: leases (allocator, table, policy, stores, journal format, ISC
 * dhcpd.leases), the RFC 2131 server engine, boot decisions and proxyDHCP. No node:* imports.
 */
export { type ArchInfo, ARCHITECTURES, archInfo, archMatches, type Cpu, type Firmware } from './arch.js';
export {
  type BootConfig,
  type BootDecision,
  type BootKind,
  type BootMatch,
  type BootRule,
  decideBoot,
  isHttpClient,
  type NoBootDecision,
} from './boot.js';
export { type BootFacts, bootFactsOf } from './facts.js';
export { type ProxyDhcpConfig, ProxyDhcpEngine, type PxeMenu, type PxeMenuItem } from './proxy.js';
export {
  applyBoot,
  bootOptions,
  buildReply,
  chooseServerId,
  type CompiledServerConfig,
  compileServerConfig,
  defaultServerHandlers,
  type DhcpServerConfig,
  DhcpServerEngine,
  type DhcpServerEngineOptions,
  echoOptions,
  type Exchange,
  type Handler,
  type HandlerOutcome,
  identifyClient,
  leasePolicy,
  type ReplyDraft,
  replyDestination,
  runPipeline,
  selectSubnet,
  subnetOptions,
  validateRequest,
} from './server.js';
export type {
  Destination,
  DropReason,
  DropResult,
  EngineResult,
  ReplyKind,
  ReplyResult,
  RequestContext,
  SilentResult,
} from './types.js';
export {
  allocateAddress,
  type AllocationResult,
  type AllocationSource,
  hashClientKey,
} from '../lease/allocator.js';
export {
  decodeJournal,
  type DecodedJournal,
  encodeJournalRecord,
  encodeJournalSnapshot,
  type JournalProblem,
  type JournalRecord,
  journalHeader,
  replayJournal,
} from '../lease/journal.js';
export {
  formatIscLeases,
  type ImportIscLeasesOptions,
  type IscLease,
  type IscLeasesProblem,
  leasesFromIsc,
  type ParsedIscLeases,
  parseIscLeases,
} from '../lease/isc-leases.js';
export {
  bindLease,
  declineAddress,
  grantLeaseTime,
  type LeasePolicyOptions,
  offerLease,
  releaseLease,
  renewalTimes,
  restoreLeases,
  withdrawOffer,
} from '../lease/policy.js';
export { type LeaseStore, MemoryLeaseStore } from '../lease/store.js';
export {
  type AddressRange,
  type BootpMode,
  compileSubnet,
  type RawOption,
  type Reservation,
  type Subnet,
  type SubnetConfig,
} from '../lease/subnet.js';
export { LeaseTable, type LeaseTableOptions } from '../lease/table.js';
export { type ClientIdentity, INFINITE_LEASE, type Lease, type LeaseState } from '../lease/types.js';

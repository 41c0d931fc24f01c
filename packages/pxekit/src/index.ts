/**
 * pxekit — the boot server composed from @pxekit/dhcp, @pxekit/tftp, @pxekit/pxelinux and
 * @pxekit/kickstart: one config file, DHCP (authoritative or proxy), TFTP and HTTP.
 */
export { type CliIo, EXIT, PXEKIT_VERSION, runCli } from './cli/main.js';

export type * from './config/model.js';
export { type LoadOptions, type LoadResult, loadConfig } from './config/load.js';
export { type ConfigIssue, type ConfigIssueCode, formatIssue, type IssueSeverity } from './config/schema.js';
export {
  formatIpv4,
  inNetwork,
  type Ipv4Network,
  maskToPrefix,
  normalizeMac,
  parseCidr,
  parseDuration,
  parseIpv4,
} from './net.js';
export {
  baseName,
  DISTRO_FAMILIES,
  type DistroFamily,
  LOADER_CATALOG,
  type LoaderCandidate,
  type LoaderTarget,
} from './loaders/catalog.js';
export {
  type DiscoverOptions,
  detectDistroFamily,
  discoverBootLoaders,
  type FoundLoader,
  formatMissingLoader,
  type LoaderArch,
  type LoaderReport,
  LOADERS_FOR_ARCH,
  loaderFiles,
  type MissingLoader,
  requiredLoaderTargets,
} from './loaders/discover.js';
export { PxekitError, type PxekitErrorCode } from './errors.js';
export {
  type BootEvent,
  type BootEventBody,
  type BootEventInput,
  type BootEventType,
  BootTimeline,
  formatEvent,
  type HostActivity,
  type TimelineOptions,
  type TimelineQuery,
} from './events.js';
export { Counter, Gauge, MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from './metrics.js';
export { type HostBootState, type HostStateRecord, HostStateStore } from './state.js';
export { compileTemplate, Template, type TemplateProblem, type TemplateScope } from './templates.js';
export {
  defaultHostName,
  findHost,
  hostScope,
  installedPath,
  ipxeScriptPath,
  kickstartPath,
  type ScopeOptions,
  type ServerEndpoints,
  serverEndpoints,
} from './boot/context.js';
export {
  archName,
  type BootDecision,
  type ClientFacts,
  classifyClient,
  type DecideOptions,
  decideBoot,
  type FirmwareClass,
} from './boot/decision.js';
export {
  type FileRef,
  fileRef,
  type MenuRenderer,
  type RenderTarget,
  type ResolvedEntry,
  type ResolvedMenu,
  type ResolveOptions,
  resolveMenu,
} from './render/menu.js';
export { grubRenderer, ipxeRenderer, pxelinuxRenderer, RENDERERS } from './render/formats.js';
export { type FileReader, KickstartTemplates, type RenderedKickstart } from './kickstarts.js';
export { type BootFile, BootFiles, type BootFilesOptions } from './bootfiles.js';
export {
  type BodySource,
  contentTypeFor,
  etagFor,
  jailPath,
  openJailedFile,
  parseRange,
  type RangeResult,
  sendBody,
  type ServeResult,
} from './http/static.js';
export { HttpService, type HttpServiceOptions, type LeaseView } from './http/service.js';
export { type ImportNote, type ImportResult, importDhcpdConf } from './import/dhcpd.js';
export {
  describeLoader,
  type HostPlan,
  type PreflightOptions,
  type PreflightReport,
  type Problem,
  preflight,
  UNKNOWN_SAMPLE_MAC,
} from './preflight.js';
export {
  BootServer,
  type BootServerAddresses,
  type BootServerOptions,
  createBootServer,
  interfaceAddress,
} from './server.js';

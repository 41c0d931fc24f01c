/**
 * pxekit — the boot server composed from @pxekit/dhcp, @pxekit/tftp, @pxekit/pxelinux and
 * @pxekit/kickstart: one config file, DHCP (authoritative or proxy), TFTP and HTTP.
 */
export const PXEKIT_VERSION: string = '0.0.0';

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

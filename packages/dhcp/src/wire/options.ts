/**
 * The option registry: one frozen table per option space, `{ code, name, codec, rfc }`
 * (after dhcproto's single option table). Code <-> name maps and value types derive from it; options
 * not in the table stay raw bytes.
 */
import { DHCP_ERROR_CODES, DhcpError } from '../errors.js';
import {
  type ClasslessRoute,
  type ClientFqdn,
  type ClientIdentifier,
  type MachineId,
  type NetworkInterfaceId,
  type SubOption,
  type UserClass,
  type ValueCodec,
  type VendorBlock,
  bool,
  bytes,
  classlessRoutes,
  clientFqdn,
  clientIdentifier,
  domainSearch,
  empty,
  encapsulated,
  i32,
  ipv4,
  ipv4List,
  ipv4Pairs,
  machineId,
  networkInterfaceId,
  text,
  tlvList,
  u8,
  u16,
  u16List,
  u32,
  u8List,
  userClass,
  vendorBlocks,
} from './codecs.js';
import {
  type PxeBootItem,
  type PxeBootServer,
  type PxeMenuEntry,
  type PxeMenuPrompt,
  pxeBootItem,
  pxeBootMenu,
  pxeBootServers,
  pxeMenuPrompt,
} from './pxe.js';

/** One entry of an option space. */
export interface OptionDef<N extends string = string, T = unknown> {
  readonly code: number;
  /** camelCase name, stable API. */
  readonly name: N;
  readonly codec: ValueCodec<T>;
  /** Where the option is defined, e.g. "RFC 2132 §9.5". */
  readonly rfc: string;
}

/** Value type of every named DHCP option (the type `getOption` returns). */
export interface DhcpOptionValues {
  subnetMask: string;
  timeOffset: number;
  router: string[];
  timeServer: string[];
  nameServer: string[];
  domainNameServer: string[];
  logServer: string[];
  cookieServer: string[];
  lprServer: string[];
  impressServer: string[];
  resourceLocationServer: string[];
  hostName: string;
  bootFileSize: number;
  meritDumpFile: string;
  domainName: string;
  swapServer: string;
  rootPath: string;
  extensionsPath: string;
  ipForwarding: boolean;
  nonLocalSourceRouting: boolean;
  policyFilter: [string, string][];
  maxDatagramReassemblySize: number;
  defaultIpTtl: number;
  pathMtuAgingTimeout: number;
  pathMtuPlateauTable: number[];
  interfaceMtu: number;
  allSubnetsLocal: boolean;
  broadcastAddress: string;
  performMaskDiscovery: boolean;
  maskSupplier: boolean;
  performRouterDiscovery: boolean;
  routerSolicitationAddress: string;
  staticRoutes: [string, string][];
  trailerEncapsulation: boolean;
  arpCacheTimeout: number;
  ethernetEncapsulation: boolean;
  tcpDefaultTtl: number;
  tcpKeepaliveInterval: number;
  tcpKeepaliveGarbage: boolean;
  nisDomain: string;
  nisServers: string[];
  ntpServers: string[];
  vendorSpecific: Uint8Array;
  netbiosNameServers: string[];
  netbiosDatagramDistributionServers: string[];
  netbiosNodeType: number;
  netbiosScope: string;
  xFontServers: string[];
  xDisplayManagers: string[];
  requestedIpAddress: string;
  ipAddressLeaseTime: number;
  optionOverload: number;
  messageType: number;
  serverIdentifier: string;
  parameterRequestList: number[];
  message: string;
  maxMessageSize: number;
  renewalTime: number;
  rebindingTime: number;
  vendorClassIdentifier: string;
  clientIdentifier: ClientIdentifier;
  netwareIpDomain: string;
  netwareIpInformation: Uint8Array;
  nisPlusDomain: string;
  nisPlusServers: string[];
  tftpServerName: string;
  bootFileName: string;
  mobileIpHomeAgents: Uint8Array;
  smtpServers: string[];
  pop3Servers: string[];
  nntpServers: string[];
  wwwServers: string[];
  fingerServers: string[];
  ircServers: string[];
  streetTalkServers: string[];
  stdaServers: string[];
  userClass: UserClass;
  slpDirectoryAgent: Uint8Array;
  slpServiceScope: Uint8Array;
  rapidCommit: true;
  clientFqdn: ClientFqdn;
  relayAgentInformation: SubOption[];
  isns: Uint8Array;
  ndsServers: string[];
  ndsTreeName: string;
  ndsContext: string;
  bcmcsDomainNames: Uint8Array;
  bcmcsServers: string[];
  authentication: Uint8Array;
  clientLastTransactionTime: number;
  associatedIp: string[];
  clientSystemArchitecture: number[];
  clientNetworkInterfaceId: NetworkInterfaceId;
  clientMachineId: MachineId;
  userAuthentication: string;
  geoconfCivic: Uint8Array;
  posixTimezone: string;
  tzdbTimezone: string;
  ipv6OnlyPreferred: number;
  netinfoAddress: string[];
  netinfoTag: string;
  captivePortal: string;
  autoConfigure: number;
  nameServiceSearch: number[];
  subnetSelection: string;
  domainSearch: string[];
  sipServers: Uint8Array;
  classlessStaticRoutes: ClasslessRoute[];
  cableLabsClientConfig: Uint8Array;
  geoconf: Uint8Array;
  vendorClass: VendorBlock[];
  vendorSpecificInformation: VendorBlock[];
  panaAgents: string[];
  lostServer: Uint8Array;
  capwapAccessControllers: string[];
  mosAddresses: Uint8Array;
  mosDomainNames: Uint8Array;
  ntpServersRfc5908: Uint8Array;
  sipUaConfigDomains: string[];
  andsfAddresses: string[];
  sztpRedirect: Uint8Array;
  geolocation: Uint8Array;
  forcerenewNonceCapable: number[];
  rdnssSelection: Uint8Array;
  dotsReferenceIdentifier: Uint8Array;
  dotsAddress: string[];
  tftpServerAddresses: string[];
  leasequeryStatusCode: Uint8Array;
  leasequeryBaseTime: number;
  leasequeryStartTimeOfState: number;
  leasequeryQueryStartTime: number;
  leasequeryQueryEndTime: number;
  leasequeryDhcpState: number;
  leasequeryDataSource: number;
  pcpServer: Uint8Array;
  portParams: Uint8Array;
  mudUrl: string;
  dnr: Uint8Array;
  ipxeEncapsulated: SubOption[];
  pxelinuxMagic: Uint8Array;
  pxelinuxConfigFile: string;
  pxelinuxPathPrefix: string;
  pxelinuxRebootTime: number;
  sixRd: Uint8Array;
  accessDomain: Uint8Array;
  subnetAllocation: Uint8Array;
  virtualSubnetSelection: Uint8Array;
  msClasslessStaticRoutes: ClasslessRoute[];
  wpad: string;
}

/** Names of every registered DHCP option. */
export type DhcpOptionName = keyof DhcpOptionValues;

/** The registry entry type for one named option. */
export type DhcpOptionDef<N extends DhcpOptionName = DhcpOptionName> = OptionDef<N, DhcpOptionValues[N]>;

function def<N extends DhcpOptionName>(
  code: number,
  name: N,
  codec: ValueCodec<DhcpOptionValues[N]>,
  rfc: string,
): DhcpOptionDef<N> {
  return Object.freeze({ code, name, codec, rfc });
}

/**
 * Every DHCP option this package knows, ordered by code. Frozen. Codes 0 (pad) and 255 (end) are framing,
 * not options, and are not listed.
 */
export const DHCP_OPTIONS: readonly DhcpOptionDef[] = Object.freeze([
  def(1, 'subnetMask', ipv4, 'RFC 2132 §3.3'),
  def(2, 'timeOffset', i32, 'RFC 2132 §3.4'),
  def(3, 'router', ipv4List, 'RFC 2132 §3.5'),
  def(4, 'timeServer', ipv4List, 'RFC 2132 §3.6'),
  def(5, 'nameServer', ipv4List, 'RFC 2132 §3.7'),
  def(6, 'domainNameServer', ipv4List, 'RFC 2132 §3.8'),
  def(7, 'logServer', ipv4List, 'RFC 2132 §3.9'),
  def(8, 'cookieServer', ipv4List, 'RFC 2132 §3.10'),
  def(9, 'lprServer', ipv4List, 'RFC 2132 §3.11'),
  def(10, 'impressServer', ipv4List, 'RFC 2132 §3.12'),
  def(11, 'resourceLocationServer', ipv4List, 'RFC 2132 §3.13'),
  def(12, 'hostName', text, 'RFC 2132 §3.14'),
  def(13, 'bootFileSize', u16, 'RFC 2132 §3.15'),
  def(14, 'meritDumpFile', text, 'RFC 2132 §3.16'),
  def(15, 'domainName', text, 'RFC 2132 §3.17'),
  def(16, 'swapServer', ipv4, 'RFC 2132 §3.18'),
  def(17, 'rootPath', text, 'RFC 2132 §3.19'),
  def(18, 'extensionsPath', text, 'RFC 2132 §3.20'),
  def(19, 'ipForwarding', bool, 'RFC 2132 §4.1'),
  def(20, 'nonLocalSourceRouting', bool, 'RFC 2132 §4.2'),
  def(21, 'policyFilter', ipv4Pairs, 'RFC 2132 §4.3'),
  def(22, 'maxDatagramReassemblySize', u16, 'RFC 2132 §4.4'),
  def(23, 'defaultIpTtl', u8, 'RFC 2132 §4.5'),
  def(24, 'pathMtuAgingTimeout', u32, 'RFC 2132 §4.6'),
  def(25, 'pathMtuPlateauTable', u16List, 'RFC 2132 §4.7'),
  def(26, 'interfaceMtu', u16, 'RFC 2132 §5.1'),
  def(27, 'allSubnetsLocal', bool, 'RFC 2132 §5.2'),
  def(28, 'broadcastAddress', ipv4, 'RFC 2132 §5.3'),
  def(29, 'performMaskDiscovery', bool, 'RFC 2132 §5.4'),
  def(30, 'maskSupplier', bool, 'RFC 2132 §5.5'),
  def(31, 'performRouterDiscovery', bool, 'RFC 2132 §5.6'),
  def(32, 'routerSolicitationAddress', ipv4, 'RFC 2132 §5.7'),
  def(33, 'staticRoutes', ipv4Pairs, 'RFC 2132 §5.8'),
  def(34, 'trailerEncapsulation', bool, 'RFC 2132 §6.1'),
  def(35, 'arpCacheTimeout', u32, 'RFC 2132 §6.2'),
  def(36, 'ethernetEncapsulation', bool, 'RFC 2132 §6.3'),
  def(37, 'tcpDefaultTtl', u8, 'RFC 2132 §7.1'),
  def(38, 'tcpKeepaliveInterval', u32, 'RFC 2132 §7.2'),
  def(39, 'tcpKeepaliveGarbage', bool, 'RFC 2132 §7.3'),
  def(40, 'nisDomain', text, 'RFC 2132 §8.1'),
  def(41, 'nisServers', ipv4List, 'RFC 2132 §8.2'),
  def(42, 'ntpServers', ipv4List, 'RFC 2132 §8.3'),
  // Meaning depends on the client's vendor class (60); decode PXE ones with PXE_SUBOPTIONS.
  def(43, 'vendorSpecific', bytes, 'RFC 2132 §8.4'),
  def(44, 'netbiosNameServers', ipv4List, 'RFC 2132 §8.5'),
  def(45, 'netbiosDatagramDistributionServers', ipv4List, 'RFC 2132 §8.6'),
  def(46, 'netbiosNodeType', u8, 'RFC 2132 §8.7'),
  def(47, 'netbiosScope', text, 'RFC 2132 §8.8'),
  def(48, 'xFontServers', ipv4List, 'RFC 2132 §8.9'),
  def(49, 'xDisplayManagers', ipv4List, 'RFC 2132 §8.10'),
  def(50, 'requestedIpAddress', ipv4, 'RFC 2132 §9.1'),
  def(51, 'ipAddressLeaseTime', u32, 'RFC 2132 §9.2'),
  // Framing: written by the encoder when options spill into file/sname.
  def(52, 'optionOverload', u8, 'RFC 2132 §9.3'),
  def(53, 'messageType', u8, 'RFC 2132 §9.6'),
  def(54, 'serverIdentifier', ipv4, 'RFC 2132 §9.7'),
  def(55, 'parameterRequestList', u8List, 'RFC 2132 §9.8'),
  def(56, 'message', text, 'RFC 2132 §9.9'),
  def(57, 'maxMessageSize', u16, 'RFC 2132 §9.10'),
  def(58, 'renewalTime', u32, 'RFC 2132 §9.11'),
  def(59, 'rebindingTime', u32, 'RFC 2132 §9.12'),
  def(60, 'vendorClassIdentifier', text, 'RFC 2132 §9.13'),
  def(61, 'clientIdentifier', clientIdentifier, 'RFC 2132 §9.14, RFC 4361 §6.1'),
  def(62, 'netwareIpDomain', text, 'RFC 2242 §2'),
  def(63, 'netwareIpInformation', bytes, 'RFC 2242 §3'),
  def(64, 'nisPlusDomain', text, 'RFC 2132 §8.11'),
  def(65, 'nisPlusServers', ipv4List, 'RFC 2132 §8.12'),
  def(66, 'tftpServerName', text, 'RFC 2132 §9.4'),
  def(67, 'bootFileName', text, 'RFC 2132 §9.5'),
  // May be empty (RFC 2132 §8.13: "minimum length 0"), so kept as bytes.
  def(68, 'mobileIpHomeAgents', bytes, 'RFC 2132 §8.13'),
  def(69, 'smtpServers', ipv4List, 'RFC 2132 §8.14'),
  def(70, 'pop3Servers', ipv4List, 'RFC 2132 §8.15'),
  def(71, 'nntpServers', ipv4List, 'RFC 2132 §8.16'),
  def(72, 'wwwServers', ipv4List, 'RFC 2132 §8.17'),
  def(73, 'fingerServers', ipv4List, 'RFC 2132 §8.18'),
  def(74, 'ircServers', ipv4List, 'RFC 2132 §8.19'),
  def(75, 'streetTalkServers', ipv4List, 'RFC 2132 §8.20'),
  def(76, 'stdaServers', ipv4List, 'RFC 2132 §8.21'),
  def(77, 'userClass', userClass, 'RFC 3004 §4'),
  def(78, 'slpDirectoryAgent', bytes, 'RFC 2610 §3'),
  def(79, 'slpServiceScope', bytes, 'RFC 2610 §4'),
  def(80, 'rapidCommit', empty, 'RFC 4039 §4'),
  def(81, 'clientFqdn', clientFqdn, 'RFC 4702 §2'),
  // Sub-options: RELAY_AGENT_SUBOPTIONS. Always encoded last (RFC 3046 §2.1).
  def(82, 'relayAgentInformation', tlvList, 'RFC 3046 §2.0'),
  def(83, 'isns', bytes, 'RFC 4174 §2'),
  def(85, 'ndsServers', ipv4List, 'RFC 2241 §2'),
  def(86, 'ndsTreeName', text, 'RFC 2241 §3'),
  def(87, 'ndsContext', text, 'RFC 2241 §4'),
  def(88, 'bcmcsDomainNames', bytes, 'RFC 4280 §4.1'),
  def(89, 'bcmcsServers', ipv4List, 'RFC 4280 §4.2'),
  def(90, 'authentication', bytes, 'RFC 3118 §2'),
  def(91, 'clientLastTransactionTime', u32, 'RFC 4388 §6.1'),
  def(92, 'associatedIp', ipv4List, 'RFC 4388 §6.2'),
  // Values: CLIENT_ARCHITECTURES (IANA "Processor Architecture Types").
  def(93, 'clientSystemArchitecture', u16List, 'RFC 4578 §2.1'),
  def(94, 'clientNetworkInterfaceId', networkInterfaceId, 'RFC 4578 §2.2'),
  def(97, 'clientMachineId', machineId, 'RFC 4578 §2.3'),
  def(98, 'userAuthentication', text, 'RFC 2485 §2'),
  def(99, 'geoconfCivic', bytes, 'RFC 4776 §3.1'),
  def(100, 'posixTimezone', text, 'RFC 4833 §2'),
  def(101, 'tzdbTimezone', text, 'RFC 4833 §2'),
  def(108, 'ipv6OnlyPreferred', u32, 'RFC 8925 §3.1'),
  // Apple NetInfo, listed by RFC 3679 §3.2 as in use.
  def(112, 'netinfoAddress', ipv4List, 'RFC 3679 §3.2.2'),
  def(113, 'netinfoTag', text, 'RFC 3679 §3.2.2'),
  def(114, 'captivePortal', text, 'RFC 8910 §2.1'),
  def(116, 'autoConfigure', u8, 'RFC 2563 §2'),
  def(117, 'nameServiceSearch', u16List, 'RFC 2937 §4'),
  def(118, 'subnetSelection', ipv4, 'RFC 3011 §3'),
  def(119, 'domainSearch', domainSearch, 'RFC 3397 §2'),
  def(120, 'sipServers', bytes, 'RFC 3361 §3'),
  def(121, 'classlessStaticRoutes', classlessRoutes, 'RFC 3442 §3'),
  def(122, 'cableLabsClientConfig', bytes, 'RFC 3495 §3'),
  def(123, 'geoconf', bytes, 'RFC 6225 §2.2'),
  def(124, 'vendorClass', vendorBlocks, 'RFC 3925 §3'),
  def(125, 'vendorSpecificInformation', vendorBlocks, 'RFC 3925 §4'),
  def(136, 'panaAgents', ipv4List, 'RFC 5192 §4'),
  def(137, 'lostServer', bytes, 'RFC 5223 §4'),
  def(138, 'capwapAccessControllers', ipv4List, 'RFC 5417 §3'),
  def(139, 'mosAddresses', bytes, 'RFC 5678 §3'),
  def(140, 'mosDomainNames', bytes, 'RFC 5678 §4'),
  def(141, 'sipUaConfigDomains', domainSearch, 'RFC 6011 §3'),
  def(142, 'andsfAddresses', ipv4List, 'RFC 6153 §4'),
  def(143, 'sztpRedirect', bytes, 'RFC 8572 §8.3'),
  def(144, 'geolocation', bytes, 'RFC 6225 §2.2.1'),
  def(145, 'forcerenewNonceCapable', u8List, 'RFC 6704 §4'),
  def(146, 'rdnssSelection', bytes, 'RFC 6731 §4'),
  def(147, 'dotsReferenceIdentifier', bytes, 'RFC 8973 §5.1'),
  def(148, 'dotsAddress', ipv4List, 'RFC 8973 §5.2'),
  def(150, 'tftpServerAddresses', ipv4List, 'RFC 5859 §3'),
  def(151, 'leasequeryStatusCode', bytes, 'RFC 6926 §6.2.2'),
  def(152, 'leasequeryBaseTime', u32, 'RFC 6926 §6.2.3'),
  def(153, 'leasequeryStartTimeOfState', u32, 'RFC 6926 §6.2.4'),
  def(154, 'leasequeryQueryStartTime', u32, 'RFC 6926 §6.2.5'),
  def(155, 'leasequeryQueryEndTime', u32, 'RFC 6926 §6.2.6'),
  def(156, 'leasequeryDhcpState', u8, 'RFC 6926 §6.2.7'),
  def(157, 'leasequeryDataSource', u8, 'RFC 6926 §6.2.8'),
  def(158, 'pcpServer', bytes, 'RFC 7291 §4'),
  def(159, 'portParams', bytes, 'RFC 7618 §4'),
  def(161, 'mudUrl', text, 'RFC 8520 §10'),
  def(162, 'dnr', bytes, 'RFC 9463 §5'),
  // iPXE's own space, tentatively assigned by IANA ("Etherboot"); sub-options: IPXE_SUBOPTIONS.
  def(175, 'ipxeEncapsulated', encapsulated, 'iPXE (ipxe.org/cfg), IANA tentative'),
  // RFC 5071 §4: F1:00:74:7E; deprecated, pxelinux does not need it (docs/LAB.md).
  def(208, 'pxelinuxMagic', bytes, 'RFC 5071 §4'),
  def(209, 'pxelinuxConfigFile', text, 'RFC 5071 §5'),
  def(210, 'pxelinuxPathPrefix', text, 'RFC 5071 §6'),
  def(211, 'pxelinuxRebootTime', u32, 'RFC 5071 §7'),
  def(212, 'sixRd', bytes, 'RFC 5969 §7.1.1'),
  def(213, 'accessDomain', bytes, 'RFC 5986 §3.3'),
  def(220, 'subnetAllocation', bytes, 'RFC 6656 §6'),
  def(221, 'virtualSubnetSelection', bytes, 'RFC 6607 §3.1'),
  // Microsoft's copy of 121 from before RFC 3442 (sent by Windows clients in the PRL).
  def(249, 'msClasslessStaticRoutes', classlessRoutes, 'Microsoft [MS-DHCPE] §2.2.9'),
  def(252, 'wpad', text, 'draft-ietf-wrec-wpad-01'),
] as DhcpOptionDef[]);

const BY_CODE: readonly (DhcpOptionDef | undefined)[] = (() => {
  const table: (DhcpOptionDef | undefined)[] = new Array(256).fill(undefined);
  for (const d of DHCP_OPTIONS) table[d.code] = d;
  return Object.freeze(table);
})();

const BY_NAME: ReadonlyMap<string, DhcpOptionDef> = new Map(DHCP_OPTIONS.map((d) => [d.name, d]));

/** Well-known option codes by name (`DHCP_OPTION.bootFileName === 67`). Derived from `DHCP_OPTIONS`. */
export const DHCP_OPTION: Readonly<Record<DhcpOptionName, number>> = Object.freeze(
  Object.fromEntries(DHCP_OPTIONS.map((d) => [d.name, d.code])) as Record<DhcpOptionName, number>,
);

/** The registry entry for a code, or undefined for options the registry does not know. */
export function optionByCode(code: number): DhcpOptionDef | undefined {
  return BY_CODE[code];
}

/** The registry entry for a name; throws `DHCP_ERR_UNKNOWN_OPTION` for names not in the registry. */
export function optionByName<N extends DhcpOptionName>(name: N): DhcpOptionDef<N> {
  const d = BY_NAME.get(name);
  if (d === undefined)
    throw new DhcpError(DHCP_ERROR_CODES.UNKNOWN_OPTION, `unknown DHCP option name ${name}`);
  return d as DhcpOptionDef<N>;
}

/** The option's name, `pad`/`end` for 0/255, or `unknown(n)`. */
export function optionName(code: number): string {
  if (code === 0) return 'pad';
  if (code === 255) return 'end';
  return BY_CODE[code]?.name ?? `unknown(${code})`;
}

/**
 * A sub-option space: a frozen table like DHCP_OPTIONS. `V` (never present at run time) maps each name to
 * its value type, so `subOption` and `readSubOption` are typed.
 */
export type SubOptionSpace<V> = readonly OptionDef[] & { readonly __values?: V };

/** Builds a sub-option space table. */
function space<V>(entries: OptionDef[]): SubOptionSpace<V> {
  return Object.freeze(entries.map((e) => Object.freeze(e)));
}

/** PXE 2.1 vendor sub-options (in 43 when 60 starts with "PXEClient"). PXE Specification 2.1 §2.4.5, table 2-1. */
export const PXE_SUBOPTIONS: SubOptionSpace<PxeSubOptionValues> = space([
  { code: 1, name: 'mtftpIp', codec: ipv4, rfc: 'PXE 2.1 §2.4.5 (PXE_MTFTP_IP)' },
  { code: 2, name: 'mtftpClientPort', codec: u16, rfc: 'PXE 2.1 §2.4.5 (PXE_MTFTP_CPORT)' },
  { code: 3, name: 'mtftpServerPort', codec: u16, rfc: 'PXE 2.1 §2.4.5 (PXE_MTFTP_SPORT)' },
  { code: 4, name: 'mtftpTimeout', codec: u8, rfc: 'PXE 2.1 §2.4.5 (PXE_MTFTP_TMOUT)' },
  { code: 5, name: 'mtftpDelay', codec: u8, rfc: 'PXE 2.1 §2.4.5 (PXE_MTFTP_DELAY)' },
  // Bits: 0 no broadcast discovery, 1 no multicast, 2 only servers in 8, 3 use the boot file from the offer.
  { code: 6, name: 'discoveryControl', codec: u8, rfc: 'PXE 2.1 §2.4.5 (PXE_DISCOVERY_CONTROL)' },
  { code: 7, name: 'discoveryMulticastAddress', codec: ipv4, rfc: 'PXE 2.1 §2.4.5 (DISCOVERY_MCAST_ADDR)' },
  { code: 8, name: 'bootServers', codec: pxeBootServers, rfc: 'PXE 2.1 §2.4.5 (PXE_BOOT_SERVERS)' },
  { code: 9, name: 'bootMenu', codec: pxeBootMenu, rfc: 'PXE 2.1 §2.4.5 (PXE_BOOT_MENU)' },
  { code: 10, name: 'menuPrompt', codec: pxeMenuPrompt, rfc: 'PXE 2.1 §2.4.5 (PXE_MENU_PROMPT)' },
  {
    code: 11,
    name: 'multicastAddressAllocation',
    codec: bytes,
    rfc: 'PXE 2.1 §2.4.5 (PXE_MCAST_ADDRS_ALLOC)',
  },
  { code: 12, name: 'credentialTypes', codec: bytes, rfc: 'PXE 2.1 §2.4.5 (PXE_CREDENTIAL_TYPES)' },
  { code: 71, name: 'bootItem', codec: pxeBootItem, rfc: 'PXE 2.1 §2.4.5 (PXE_BOOT_ITEM)' },
] as OptionDef[]);

/** Value types of the PXE sub-options. */
export interface PxeSubOptionValues {
  mtftpIp: string;
  mtftpClientPort: number;
  mtftpServerPort: number;
  mtftpTimeout: number;
  mtftpDelay: number;
  discoveryControl: number;
  discoveryMulticastAddress: string;
  bootServers: PxeBootServer[];
  bootMenu: PxeMenuEntry[];
  menuPrompt: PxeMenuPrompt;
  multicastAddressAllocation: Uint8Array;
  credentialTypes: Uint8Array;
  bootItem: PxeBootItem;
}

/** Relay agent information sub-options (option 82). */
export const RELAY_AGENT_SUBOPTIONS: SubOptionSpace<RelayAgentSubOptionValues> = space([
  { code: 1, name: 'circuitId', codec: bytes, rfc: 'RFC 3046 §3.1' },
  { code: 2, name: 'remoteId', codec: bytes, rfc: 'RFC 3046 §3.2' },
  { code: 4, name: 'docsisDeviceClass', codec: u32, rfc: 'RFC 3256 §3' },
  { code: 5, name: 'linkSelection', codec: ipv4, rfc: 'RFC 3527 §3' },
  { code: 6, name: 'subscriberId', codec: text, rfc: 'RFC 3993 §3' },
  { code: 7, name: 'radiusAttributes', codec: bytes, rfc: 'RFC 4014 §3' },
  { code: 8, name: 'authentication', codec: bytes, rfc: 'RFC 4030 §4' },
  { code: 9, name: 'vendorSpecific', codec: vendorBlocks, rfc: 'RFC 4243 §3' },
  { code: 10, name: 'flags', codec: u8, rfc: 'RFC 5010 §4' },
  { code: 11, name: 'serverIdentifierOverride', codec: ipv4, rfc: 'RFC 5107 §4' },
  { code: 12, name: 'relayId', codec: bytes, rfc: 'RFC 6925 §3' },
  { code: 13, name: 'accessTechnologyType', codec: u16, rfc: 'RFC 7839 §3.1' },
  { code: 14, name: 'accessNetworkName', codec: text, rfc: 'RFC 7839 §3.2' },
  { code: 15, name: 'accessPointName', codec: text, rfc: 'RFC 7839 §3.3' },
  { code: 16, name: 'accessPointBssid', codec: bytes, rfc: 'RFC 7839 §3.4' },
  { code: 17, name: 'operatorId', codec: bytes, rfc: 'RFC 7839 §3.5' },
  { code: 18, name: 'operatorRealm', codec: text, rfc: 'RFC 7839 §3.6' },
  { code: 19, name: 'relaySourcePort', codec: bytes, rfc: 'RFC 8357 §5.1' },
  { code: 151, name: 'virtualSubnetSelection', codec: bytes, rfc: 'RFC 6607 §3.2' },
  { code: 152, name: 'virtualSubnetSelectionControl', codec: bytes, rfc: 'RFC 6607 §3.3' },
] as OptionDef[]);

/** Value types of the relay agent sub-options. */
export interface RelayAgentSubOptionValues {
  circuitId: Uint8Array;
  remoteId: Uint8Array;
  docsisDeviceClass: number;
  linkSelection: string;
  subscriberId: string;
  radiusAttributes: Uint8Array;
  authentication: Uint8Array;
  vendorSpecific: VendorBlock[];
  flags: number;
  serverIdentifierOverride: string;
  relayId: Uint8Array;
  accessTechnologyType: number;
  accessNetworkName: string;
  accessPointName: string;
  accessPointBssid: Uint8Array;
  operatorId: Uint8Array;
  operatorRealm: string;
  relaySourcePort: Uint8Array;
  virtualSubnetSelection: Uint8Array;
  virtualSubnetSelectionControl: Uint8Array;
}

/** Value types of iPXE's encapsulated options. */
export interface IpxeSubOptionValues {
  priority: number;
  keepSan: number;
  skipSanBoot: number;
  pxeext: number;
  iscsi: number;
  aoe: number;
  http: number;
  https: number;
  tftp: number;
  ftp: number;
  dns: number;
  bzimage: number;
  multiboot: number;
  slam: number;
  srp: number;
  nbi: number;
  pxe: number;
  elf: number;
  comboot: number;
  efi: number;
  fcoe: number;
  vlan: number;
  menu: number;
  sdi: number;
  nfs: number;
  busId: Uint8Array;
  username: string;
  password: string;
  reverseUsername: string;
  reversePassword: string;
  version: Uint8Array;
}

/**
 * iPXE's encapsulated options (175). Feature flags (16..41) are one byte, 1 = the build has the feature.
 * Source: iPXE's `include/ipxe/dhcp.h` as documented at ipxe.org/cfg.
 */
export const IPXE_SUBOPTIONS: SubOptionSpace<IpxeSubOptionValues> = space([
  { code: 1, name: 'priority', codec: u8, rfc: 'iPXE DHCP_EB_PRIORITY' },
  { code: 8, name: 'keepSan', codec: u8, rfc: 'iPXE DHCP_EB_KEEP_SAN' },
  { code: 9, name: 'skipSanBoot', codec: u8, rfc: 'iPXE DHCP_EB_SKIP_SAN_BOOT' },
  { code: 16, name: 'pxeext', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_PXE_EXT' },
  { code: 17, name: 'iscsi', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_ISCSI' },
  { code: 18, name: 'aoe', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_AOE' },
  { code: 19, name: 'http', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_HTTP' },
  { code: 20, name: 'https', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_HTTPS' },
  { code: 21, name: 'tftp', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_TFTP' },
  { code: 22, name: 'ftp', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_FTP' },
  { code: 23, name: 'dns', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_DNS' },
  { code: 24, name: 'bzimage', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_BZIMAGE' },
  { code: 25, name: 'multiboot', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_MULTIBOOT' },
  { code: 26, name: 'slam', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_SLAM' },
  { code: 27, name: 'srp', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_SRP' },
  { code: 32, name: 'nbi', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_NBI' },
  { code: 33, name: 'pxe', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_PXE' },
  { code: 34, name: 'elf', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_ELF' },
  { code: 35, name: 'comboot', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_COMBOOT' },
  { code: 36, name: 'efi', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_EFI' },
  { code: 37, name: 'fcoe', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_FCOE' },
  { code: 38, name: 'vlan', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_VLAN' },
  { code: 39, name: 'menu', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_MENU' },
  { code: 40, name: 'sdi', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_SDI' },
  { code: 41, name: 'nfs', codec: u8, rfc: 'iPXE DHCP_EB_FEATURE_NFS' },
  { code: 189, name: 'busId', codec: bytes, rfc: 'iPXE DHCP_EB_BUS_ID' },
  { code: 190, name: 'username', codec: text, rfc: 'iPXE DHCP_EB_USERNAME' },
  { code: 191, name: 'password', codec: text, rfc: 'iPXE DHCP_EB_PASSWORD' },
  { code: 192, name: 'reverseUsername', codec: text, rfc: 'iPXE DHCP_EB_REVERSE_USERNAME' },
  { code: 193, name: 'reversePassword', codec: text, rfc: 'iPXE DHCP_EB_REVERSE_PASSWORD' },
  { code: 235, name: 'version', codec: bytes, rfc: 'iPXE DHCP_EB_VERSION' },
] as OptionDef[]);

/** Finds a sub-option's definition in a space. */
export function subOptionByCode(spaceTable: readonly OptionDef[], code: number): OptionDef | undefined {
  for (const d of spaceTable) if (d.code === code) return d;
  return undefined;
}

/**
 * Reads one named sub-option from a decoded sub-option list (RFC 3396 §5 does not apply inside a value:
 * the first instance wins). Returns undefined when absent; throws `DHCP_ERR_BAD_OPTION_VALUE` if malformed.
 *
 * @example
 * const pxe = encapsulated.decode(getOption(offer, 'vendorSpecific')!);
 * readSubOption(pxe, PXE_SUBOPTIONS, 'discoveryControl'); // 8
 */
export function readSubOption<V, K extends keyof V & string>(
  list: readonly SubOption[],
  spaceTable: SubOptionSpace<V>,
  name: K,
): V[K] | undefined {
  const d = spaceTable.find((e) => e.name === name);
  if (d === undefined)
    throw new DhcpError(DHCP_ERROR_CODES.UNKNOWN_OPTION, `unknown sub-option name ${name}`);
  const s = list.find((e) => e.code === d.code);
  return s === undefined ? undefined : (d.codec.decode(s.data) as V[K]);
}

/** Builds a sub-option from a name and a typed value. */
export function subOption<V, K extends keyof V & string>(
  spaceTable: SubOptionSpace<V>,
  name: K,
  value: V[K],
): SubOption {
  const d = spaceTable.find((e) => e.name === name);
  if (d === undefined)
    throw new DhcpError(DHCP_ERROR_CODES.UNKNOWN_OPTION, `unknown sub-option name ${name}`);
  return { code: d.code, data: (d.codec as ValueCodec<V[K]>).encode(value) };
}

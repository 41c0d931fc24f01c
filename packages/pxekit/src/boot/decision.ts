/**
 * The boot decision: a pure function from what a client says about itself (DHCP options 60, 77, 93,
 * 175) and the config to what it is handed, with a reason trace a human can read (`pxekit explain`).
 */
import type { BootProfile, PxeMenuArch, PxekitConfig } from '../config/model.js';
import { type LoaderArch, loaderFiles } from '../loaders/discover.js';
import type { HostBootState } from '../state.js';
import { compileTemplate } from '../templates.js';
import { profileItemFiles } from './pxe-menu.js';
import { findHost, hostScope, IPXE_AUTO_PATH, ipxeScriptPath, type ServerEndpoints } from './context.js';

/** What the DHCP layer extracts from a DISCOVER/REQUEST. */
export interface ClientFacts {
  readonly mac: string;
  /** Option 93 client system architecture (RFC 4578 §2.1, IANA "Processor Architecture Types"). */
  readonly arch?: number;
  /** Option 60 vendor class identifier, e.g. `PXEClient:Arch:00007:UNDI:003010`. */
  readonly vendorClass?: string;
  /** Option 77 user class, e.g. `iPXE`. */
  readonly userClass?: string;
  /** Option 175 (iPXE encapsulated options) was present. */
  readonly ipxeOptions?: boolean;
}

/** Firmware classes the config has a key for, plus the two that cannot be served. */
export type FirmwareClass = LoaderArch | 'httpBoot' | 'ipxe' | 'unsupported' | 'not-pxe';

export interface BootDecision {
  /** Whether the client gets boot information at all. */
  readonly boot: boolean;
  readonly firmware: FirmwareClass;
  readonly profile?: string;
  readonly host?: string;
  /** DHCP `file` / option 67: a path in the boot file space or a URL. */
  readonly bootFile?: string;
  /** Option 60 the reply must carry: `PXEClient`, or `HTTPClient` for UEFI HTTP boot. */
  readonly vendorClass?: 'PXEClient' | 'HTTPClient';
  /** The menu the loader will show, and whether it is replaced by a local-disk boot. */
  readonly menu?: string;
  readonly localBoot: boolean;
  /** Human-readable steps that led to the decision. */
  readonly reason: readonly string[];
}

const ARCH_NAMES: Record<number, string> = {
  0: 'x86 BIOS',
  1: 'NEC/PC98',
  2: 'Itanium',
  6: 'x86 UEFI (32-bit)',
  7: 'x86-64 UEFI',
  9: 'x86-64 UEFI (EBC code, used by x86-64 firmware)',
  10: 'ARM32 UEFI',
  11: 'ARM64 UEFI',
  15: 'x86 UEFI HTTP',
  16: 'x86-64 UEFI HTTP',
  18: 'ARM32 UEFI HTTP',
  19: 'ARM64 UEFI HTTP',
};

export function archName(arch: number): string {
  return ARCH_NAMES[arch] ?? `unknown architecture ${arch}`;
}

/** Classifies the firmware from options 93, 60, 77 and 175, explaining each step. */
export function classifyClient(facts: ClientFacts, reason: string[]): FirmwareClass {
  if (facts.userClass === 'iPXE' || facts.ipxeOptions === true) {
    reason.push(
      facts.userClass === 'iPXE'
        ? 'user class (77) is "iPXE": the client already runs iPXE'
        : 'option 175 present: the client runs iPXE',
    );
    return 'ipxe';
  }
  let arch = facts.arch;
  const vc = facts.vendorClass ?? '';
  if (arch === undefined) {
    const m = /^(?:PXEClient|HTTPClient):Arch:([0-9]{5})/.exec(vc);
    if (m !== null) {
      arch = Number(m[1]);
      reason.push(`no option 93; vendor class says Arch:${m[1]}`);
    }
  }
  const isPxe = vc.startsWith('PXEClient') || vc.startsWith('HTTPClient') || arch !== undefined;
  if (!isPxe) {
    reason.push(
      'no PXE vendor class (60) and no architecture (93): an ordinary DHCP client, not a network boot',
    );
    return 'not-pxe';
  }
  if (arch === undefined) {
    reason.push('PXE client without an architecture: treated as x86 BIOS (arch 0)');
    return 'bios';
  }
  reason.push(`architecture ${arch}: ${archName(arch)}`);
  if (vc.startsWith('HTTPClient') || arch === 15 || arch === 16 || arch === 18 || arch === 19)
    return 'httpBoot';
  if (arch === 0) return 'bios';
  if (arch === 7 || arch === 9) return 'uefiX64';
  if (arch === 11) return 'arm64';
  return 'unsupported';
}

export interface DecideOptions {
  /** Install state per MAC; defaults to `install` for all. */
  readonly state?: (mac: string) => HostBootState;
  /** Needed for URLs (iPXE script, HTTP boot); without it such clients get no boot file. */
  readonly endpoints?: ServerEndpoints;
}

/**
 * Decides what a client boots.
 *
 * @example
 * decideBoot(config, { mac: '52:54:00:00:99:01', arch: 0, vendorClass: 'PXEClient:Arch:00000:UNDI:002001' })
 * // → { boot: true, firmware: 'bios', bootFile: 'pxelinux.0', reason: [...] }
 */
export function decideBoot(config: PxekitConfig, facts: ClientFacts, opts: DecideOptions = {}): BootDecision {
  const reason: string[] = [];
  const firmware = classifyClient(facts, reason);
  const no = (why: string, extra: Partial<BootDecision> = {}): BootDecision => {
    reason.push(why);
    return { boot: false, firmware, localBoot: false, reason, ...extra };
  };
  if (firmware === 'not-pxe') return no('no boot information is sent');
  if (firmware === 'unsupported')
    return no('no profile key covers this architecture; no boot information is sent');

  const host = findHost(config, facts.mac);
  if (host === undefined) {
    if (config.defaults.unknownHosts === 'ignore')
      return no(`${facts.mac} is not in hosts and defaults.unknownHosts is "ignore"`);
    reason.push(`${facts.mac} is not in hosts: using the default profile`);
  } else {
    reason.push(
      `${facts.mac} is host ${host.name ?? '(unnamed)'}${host.address === undefined ? '' : ` with reserved address ${host.address}`}`,
    );
  }
  const hostProfileName = host?.profile ?? config.defaults.profile;
  const hostInfo = host?.name === undefined ? {} : { host: host.name };
  if (hostProfileName === undefined)
    return no('no profile: the host names none and there is no default profile', hostInfo);
  reason.push(`profile ${hostProfileName}${host?.profile === undefined ? ' (the default)' : ''}`);
  // A profile may cover only some firmware classes; the default profile covers the rest.
  let profileName = hostProfileName;
  let profile = config.profiles.get(hostProfileName)!;
  if (
    !covers(profile, firmware) &&
    config.defaults.profile !== undefined &&
    config.defaults.profile !== hostProfileName
  ) {
    const fallback = config.profiles.get(config.defaults.profile);
    if (fallback !== undefined && covers(fallback, firmware)) {
      reason.push(
        `profile ${hostProfileName} does not cover ${firmware}: the default profile ${fallback.name} does`,
      );
      profileName = fallback.name;
      profile = fallback;
    }
  }
  const localBoot = (opts.state?.(facts.mac) ?? 'install') === 'local';
  if (localBoot) reason.push('install finished (install callback): the menu boots the local disk');
  const base = {
    firmware,
    profile: profileName,
    localBoot,
    ...hostInfo,
    ...(profile.menu === undefined ? {} : { menu: profile.menu }),
  };

  if (firmware === 'ipxe') {
    return decideIpxe(
      config,
      profile,
      facts.mac,
      opts.endpoints,
      reason,
      base,
      profileName !== hostProfileName || host === undefined,
    );
  }
  if (firmware === 'httpBoot') {
    if (profile.httpBoot === undefined) return no(`profile ${profileName} has no httpBoot URL`, base);
    const url = renderUrl(config, profile.httpBoot, facts.mac, opts.endpoints, 'httpBoot', reason);
    if (url === undefined) return { ...base, boot: false, reason };
    reason.push(`UEFI HTTP boot: hand out ${url} with vendor class HTTPClient`);
    return { ...base, boot: true, bootFile: url, vendorClass: 'HTTPClient', reason };
  }
  const choice = profile[firmware];
  if (choice === undefined) return no(`profile ${profileName} has no ${firmware} loader`, base);
  const files = loaderFiles(choice, firmware, profile.menu !== undefined)!;
  reason.push(
    `${firmware} loader ${choice.kind === 'file' ? `file ${choice.file}` : choice.kind}: boot file ${files.bootFile}`,
  );
  const menuNote = pxeMenuNote(config, firmware);
  if (menuNote !== undefined) reason.push(menuNote);
  return { ...base, boot: true, bootFile: files.bootFile, vendorClass: 'PXEClient', reason };
}

/** What `dhcp.pxeMenu` shows a PXE ROM of this class (proxy mode), or undefined when it shows nothing. */
function pxeMenuNote(config: PxekitConfig, firmware: PxeMenuArch): string | undefined {
  if (config.dhcp.mode !== 'proxy' || config.dhcp.pxeMenu === undefined) return undefined;
  const shown: string[] = [];
  for (const item of config.dhcp.pxeMenu.items) {
    if (item.arch !== undefined && !item.arch.includes(firmware)) continue;
    if (item.kind === 'local') shown.push(`${item.label} → the local disk`);
    else if (item.kind === 'file') shown.push(`${item.label} → ${item.file}`);
    else {
      const file = profileItemFiles(config.profiles.get(item.profile)!, [firmware])[0]?.bootFile;
      if (file !== undefined) shown.push(`${item.label} → ${file} (profile ${item.profile})`);
    }
  }
  return shown.length === 0
    ? undefined
    : `dhcp.pxeMenu: the ROM is offered the PXE menu instead and boots the item chosen: ${shown.join('; ')}`;
}

/** Whether a profile says what to hand a client of this firmware class. */
export function covers(profile: BootProfile, firmware: FirmwareClass): boolean {
  switch (firmware) {
    case 'ipxe':
      return profile.ipxe !== undefined || profile.menu !== undefined;
    case 'httpBoot':
      return profile.httpBoot !== undefined;
    case 'bios':
    case 'uefiX64':
    case 'arm64':
      return profile[firmware] !== undefined;
    default:
      return false;
  }
}

function decideIpxe(
  config: PxekitConfig,
  profile: BootProfile,
  mac: string,
  endpoints: ServerEndpoints | undefined,
  reason: string[],
  base: Omit<BootDecision, 'boot' | 'reason'>,
  byAddress = false,
): BootDecision {
  // Handing an iPXE client an iPXE binary again would loop forever, so without an explicit `ipxe` key the
  // client gets the menu as an iPXE script.
  const choice = profile.ipxe ?? { kind: 'menu' as const };
  if (profile.ipxe === undefined)
    reason.push(`profile ${profile.name} has no ipxe key: iPXE clients get the menu as an iPXE script`);
  if (choice.kind === 'url') {
    const url = renderUrl(config, choice.url, mac, endpoints, 'ipxe.url', reason);
    if (url === undefined) return { ...base, boot: false, reason };
    reason.push(`chain to ${url}`);
    return { ...base, boot: true, bootFile: url, reason };
  }
  if (profile.menu === undefined) {
    reason.push(`profile ${profile.name} has no menu to render as an iPXE script`);
    return { ...base, boot: false, reason };
  }
  if (endpoints?.httpUrl === undefined) {
    reason.push('the iPXE script is served over HTTP, and HTTP is off (or the server address is unknown)');
    return { ...base, boot: false, reason };
  }
  // The server's rules for the default profile cannot name the MAC: the script is looked up by address.
  const url = `${endpoints.httpUrl}${byAddress ? IPXE_AUTO_PATH : ipxeScriptPath(mac)}`;
  reason.push(`iPXE script ${url} (menu ${profile.menu})`);
  return { ...base, boot: true, bootFile: url, reason };
}

function renderUrl(
  config: PxekitConfig,
  template: string,
  mac: string,
  endpoints: ServerEndpoints | undefined,
  what: string,
  reason: string[],
): string | undefined {
  try {
    return compileTemplate(template, what).render(
      hostScope(config, mac, endpoints === undefined ? {} : { endpoints }),
    );
  } catch (e) {
    const details = (e as { details?: readonly string[] }).details ?? [];
    reason.push(`cannot build the ${what} URL: ${details.join('; ') || (e as Error).message}`);
    return undefined;
  }
}

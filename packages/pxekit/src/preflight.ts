/**
 * Everything `pxekit check` verifies, and `pxekit serve` verifies before binding a port: boot loaders,
 * readable roots, kickstart templates (rendered per host and validated with @pxekit/kickstart for their
 * release), menus (rendered per host in each format its loaders read; the pxelinux output is linted
 * with @pxekit/pxelinux), and what every known host would boot.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseKickstart, parseVersion, validateKickstart } from '@pxekit/kickstart';
import { lint, parse } from '@pxekit/pxelinux';
import { defaultHostName, findHost, type ServerEndpoints } from './boot/context.js';
import { type BootDecision, decideBoot } from './boot/decision.js';
import type { LoaderChoice, PxekitConfig } from './config/model.js';
import { PxekitError, type PxekitErrorCode } from './errors.js';
import { KickstartTemplates } from './kickstarts.js';
import { type DistroFamily, LOADER_CATALOG } from './loaders/catalog.js';
import {
  discoverBootLoaders,
  formatMissingLoader,
  type LoaderReport,
  requiredLoaderTargets,
} from './loaders/discover.js';
import { RENDERERS } from './render/formats.js';
import { type MenuRenderer, resolveMenu } from './render/menu.js';

export interface Problem {
  readonly severity: 'error' | 'warning';
  readonly code: PxekitErrorCode | 'PXEKIT_WARN';
  readonly message: string;
}

/** What one client would boot, per firmware class its profile covers. */
export interface HostPlan {
  readonly mac: string;
  readonly name: string;
  readonly known: boolean;
  readonly decisions: readonly { readonly firmware: string; readonly decision: BootDecision }[];
  readonly kickstart?: string;
}

export interface PreflightReport {
  readonly loaders: LoaderReport;
  readonly problems: readonly Problem[];
  readonly hosts: readonly HostPlan[];
  /** Address used in URLs during the check (`server.address`, else a placeholder). */
  readonly endpoints: ServerEndpoints;
  readonly kickstarts?: KickstartTemplates;
}

export interface PreflightOptions {
  readonly isFile?: (path: string) => boolean;
  readonly family?: DistroFamily;
  /** Reads kickstart templates; defaults to the file system. */
  readonly read?: (path: string) => string;
  /** The server address when the config does not name one (serve: the interface's address). */
  readonly address?: string;
  /** Files placed in the boot file space besides the TFTP root (`pxekit boot`). */
  readonly extraFiles?: ReadonlyMap<string, string>;
}

/** Facts a typical client of each firmware class sends, for planning. */
const SAMPLE_CLIENTS = {
  bios: { arch: 0, vendorClass: 'PXEClient:Arch:00000:UNDI:002001' },
  uefiX64: { arch: 7, vendorClass: 'PXEClient:Arch:00007:UNDI:003016' },
  arm64: { arch: 11, vendorClass: 'PXEClient:Arch:00011:UNDI:003016' },
  httpBoot: { arch: 16, vendorClass: 'HTTPClient:Arch:00016:UNDI:003016' },
  ipxe: { arch: 0, vendorClass: 'PXEClient:Arch:00000:UNDI:002001', userClass: 'iPXE' },
} as const;

/** A MAC standing for "a client not listed in hosts" in plans and render checks. */
export const UNKNOWN_SAMPLE_MAC = '52:54:00:ff:ff:ff';

function readableDir(path: string): string | undefined {
  try {
    if (!statSync(path).isDirectory()) return 'is not a directory';
    accessSync(path, constants.R_OK | constants.X_OK);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? 'does not exist'
      : code === 'EACCES'
        ? 'is not readable'
        : (e as Error).message;
  }
}

function defaultIsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function preflight(config: PxekitConfig, opts: PreflightOptions = {}): PreflightReport {
  const problems: Problem[] = [];
  const isFile = opts.isFile ?? defaultIsFile;
  const error = (code: PxekitErrorCode, message: string): void => {
    problems.push({ severity: 'error', code, message });
  };
  const warn = (message: string): void => {
    problems.push({ severity: 'warning', code: 'PXEKIT_WARN', message });
  };

  // Roots.
  if (config.tftp.enabled && config.tftp.root !== undefined) {
    const why = readableDir(config.tftp.root);
    if (why !== undefined) error('PXEKIT_ERR_ROOT_UNREADABLE', `tftp.root ${config.tftp.root} ${why}`);
  }
  for (const r of config.http.roots) {
    const why = readableDir(r.dir);
    if (why !== undefined) error('PXEKIT_ERR_ROOT_UNREADABLE', `http.roots ${r.prefix} → ${r.dir} ${why}`);
  }

  // Boot loaders.
  const loaders = discoverBootLoaders(requiredLoaderTargets(config), {
    search: config.bootLoaders.search,
    files: config.bootLoaders.files,
    isFile,
    ...(opts.family === undefined ? {} : { family: opts.family }),
  });
  for (const m of loaders.missing) error('PXEKIT_ERR_LOADER_MISSING', formatMissingLoader(m));
  const inBootSpace = (path: string): boolean =>
    loaders.found.has(path) ||
    opts.extraFiles?.has(path) === true ||
    (config.tftp.root !== undefined && isFile(join(config.tftp.root, path)));
  for (const p of config.profiles.values()) {
    for (const arch of ['bios', 'uefiX64', 'arm64'] as const) {
      const c: LoaderChoice | undefined = p[arch];
      if (c?.kind === 'file' && !inBootSpace(c.file.replace(/^\/+/, ''))) {
        error(
          'PXEKIT_ERR_LOADER_MISSING',
          `profiles.${p.name}.${arch}: ${c.file} is not in tftp.root${config.tftp.root === undefined ? ' (no tftp.root is set)' : ` (${config.tftp.root})`}`,
        );
      }
    }
    if (
      p.ipxe?.kind !== 'url' &&
      p.menu !== undefined &&
      (p.ipxe !== undefined ||
        p.bios?.kind === 'undionly' ||
        p.uefiX64?.kind === 'ipxe-efi' ||
        p.arm64?.kind === 'ipxe-efi') &&
      !config.http.enabled
    ) {
      error(
        'PXEKIT_ERR_CONFIG',
        `profiles.${p.name}: iPXE clients get their menu as a script over HTTP, and http is not enabled`,
      );
    }
  }
  // PXE menu items that name a file on this server (one on another server is that server's business).
  if (config.dhcp.mode === 'proxy') {
    for (const [i, item] of (config.dhcp.pxeMenu?.items ?? []).entries()) {
      if (item.kind === 'file' && item.server === undefined && !inBootSpace(item.file.replace(/^\/+/, ''))) {
        error(
          'PXEKIT_ERR_LOADER_MISSING',
          `dhcp.pxeMenu.items[${i}] (${item.label}): ${item.file} is not in tftp.root${config.tftp.root === undefined ? ' (no tftp.root is set)' : ` (${config.tftp.root})`}`,
        );
      }
    }
  }
  if (config.tftp.enabled === false && config.dhcp.mode !== 'off') {
    warn('tftp is not enabled: PXE clients fetch their boot loader over TFTP');
  }

  const address = config.server.address ?? opts.address;
  if (address === undefined && (config.dhcp.mode !== 'off' || config.tftp.enabled)) {
    warn(
      'server.address is not set: menus and kickstarts use the address each HTTP request arrives on, and TFTP menus cannot name an HTTP server',
    );
  }
  const endpoints: ServerEndpoints = {
    address: address ?? '<server-address>',
    ...(config.http.enabled
      ? {
          httpUrl: `http://${address ?? '<server-address>'}${config.http.port === 80 ? '' : `:${config.http.port}`}`,
        }
      : {}),
  };

  // Kickstarts: compile, then render and validate per host below.
  let kickstarts: KickstartTemplates | undefined;
  try {
    kickstarts = new KickstartTemplates(config, ...(opts.read === undefined ? [] : [opts.read]));
  } catch (e) {
    if (!(e instanceof PxekitError)) throw e;
    for (const d of e.details) error('PXEKIT_ERR_TEMPLATE', d);
  }
  for (const [name, ks] of config.kickstarts) {
    if (ks.release !== undefined && parseVersion(ks.release) === null) {
      error(
        'PXEKIT_ERR_CONFIG',
        `kickstarts.${name}.release: ${JSON.stringify(ks.release)} is not a release @pxekit/kickstart knows (like RHEL7, RHEL9, F40)`,
      );
    }
  }

  // Per-host plans, menus and kickstarts.
  const macs = config.hosts.map((h) => h.mac);
  if (config.defaults.unknownHosts === 'boot' && config.defaults.profile !== undefined)
    macs.push(UNKNOWN_SAMPLE_MAC);
  const hosts: HostPlan[] = [];
  const seen = new Set<string>();
  for (const mac of macs) {
    const host = findHost(config, mac);
    const who = host === undefined ? 'clients not in hosts' : `host ${host.name ?? mac}`;
    const profileName = host?.profile ?? config.defaults.profile;
    const profile = profileName === undefined ? undefined : config.profiles.get(profileName);
    const decisions: HostPlan['decisions'][number][] = [];
    for (const [firmware, facts] of Object.entries(SAMPLE_CLIENTS)) {
      if (profile === undefined) break;
      const covered =
        firmware === 'ipxe'
          ? profile.ipxe !== undefined || profile.menu !== undefined
          : (profile as unknown as Record<string, unknown>)[firmware] !== undefined;
      if (!covered) continue;
      decisions.push({ firmware, decision: decideBoot(config, { mac, ...facts }, { endpoints }) });
    }
    // Menus in each format this profile's loaders read.
    const menu = profile?.menu === undefined ? undefined : config.menus.get(profile.menu);
    if (menu !== undefined && profile !== undefined) {
      const formats = new Set<MenuRenderer['format']>();
      for (const c of [profile.bios, profile.uefiX64, profile.arm64]) {
        if (c === undefined) continue;
        if (c.kind === 'pxelinux' || c.kind === 'lpxelinux' || c.kind === 'syslinux-efi')
          formats.add('pxelinux');
        if (c.kind === 'undionly' || c.kind === 'ipxe-efi') formats.add('ipxe');
        if (c.kind === 'grub' || c.kind === 'shim') formats.add('grub');
      }
      if (profile.ipxe === undefined || profile.ipxe.kind === 'menu') formats.add('ipxe');
      try {
        const resolved = resolveMenu(config, menu, mac, {
          endpoints,
          ...(host?.menuDefault === undefined ? {} : { menuDefault: host.menuDefault }),
        });
        for (const f of formats) {
          const text = RENDERERS[f].render(resolved, { endpoints });
          if (f === 'pxelinux') {
            for (const finding of lint(parse(text), { file: `pxelinux.cfg for ${who}` })) {
              if (finding.severity === 'error')
                error(
                  'PXEKIT_ERR_CONFIG',
                  `${finding.file}:${finding.line}: ${finding.message} (${finding.code})`,
                );
            }
          }
        }
        for (const e of resolved.entries) {
          if (e.kind !== 'boot') continue;
          for (const ref of [e.kernel, ...e.initrd]) {
            if (ref.kind === 'path' && !inBootSpace(ref.path) && !seen.has(`${menu.name}/${ref.path}`)) {
              seen.add(`${menu.name}/${ref.path}`);
              warn(`menus.${menu.name} entry ${e.id}: ${ref.path} is not in tftp.root yet`);
            }
            if (
              ref.kind === 'url' &&
              profile.bios?.kind === 'pxelinux' &&
              !seen.has(`http/${menu.name}/${e.id}`)
            ) {
              seen.add(`http/${menu.name}/${e.id}`);
              warn(
                `menus.${menu.name} entry ${e.id}: pxelinux.0 speaks TFTP only and cannot fetch ${ref.url}; use bios: lpxelinux`,
              );
            }
          }
        }
      } catch (e) {
        if (!(e instanceof PxekitError)) throw e;
        const add = host === undefined ? warn : (m: string) => error('PXEKIT_ERR_TEMPLATE', m);
        for (const d of e.details.length > 0 ? e.details : [e.message]) add(`${who}: ${d}`);
      }
    }
    // Kickstarts this host can fetch: those of its menu's entries.
    const used = new Set<string>();
    for (const e of menu?.entries ?? [])
      if (e.kind === 'boot' && e.kickstart !== undefined) used.add(e.kickstart);
    for (const ksName of used) {
      const ks = config.kickstarts.get(ksName);
      if (kickstarts === undefined || ks === undefined) continue;
      const missing = kickstarts.check(mac, ksName, endpoints);
      if (missing.length > 0) {
        const add = host === undefined ? warn : (m: string) => error('PXEKIT_ERR_TEMPLATE', m);
        for (const m of missing) add(`${who}: ${m}`);
        continue;
      }
      const version = ks.release === undefined ? undefined : parseVersion(ks.release);
      if (version === null) continue;
      const rendered = kickstarts.render(mac, ksName, endpoints);
      if (rendered === undefined) continue;
      const result = validateKickstart(parseKickstart(rendered.text), {
        ...(version === undefined ? {} : { version }),
        file: `${ks.template} (rendered for ${host?.name ?? mac})`,
      });
      for (const f of result.findings) {
        const line = `${f.file ?? ks.template}:${f.line}:${f.column}: ${f.message} (${f.code})`;
        if (f.severity === 'error') error('PXEKIT_ERR_TEMPLATE', line);
        else if (f.severity === 'warning') warn(line);
      }
    }
    hosts.push({
      mac,
      name: host?.name ?? (host === undefined ? '(any other client)' : defaultHostName(mac)),
      known: host !== undefined,
      decisions,
      ...(used.size > 0 ? { kickstart: [...used].join(', ') } : {}),
    });
  }

  return {
    loaders,
    problems: dedupe(problems),
    hosts,
    endpoints,
    ...(kickstarts === undefined ? {} : { kickstarts }),
  };
}

function dedupe(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.severity}|${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The catalog's description of a target, for listings. */
export function describeLoader(target: string): string {
  return LOADER_CATALOG.get(target)?.what ?? 'boot file';
}

/**
 * The DHCP side of the boot server: the pxekit config compiled to @pxekit/dhcp's server configuration
 * (subnets, reservations, options) and boot rules, and the server's events turned into boot timeline
 * events.
 *
 * The boot rules mirror `decideBoot` (boot/decision.ts), which `pxekit explain` and `check` use: per-host
 * rules first (matched by MAC), then the default profile's rules for every other client (unless
 * `defaults.unknownHosts` is `ignore`). Within a profile: iPXE clients, UEFI HTTP boot, BIOS, x86-64
 * UEFI, ARM64 — iPXE first, so that an iPXE client never gets an iPXE binary again.
 */
import {
  createDhcpServer,
  type CreateDhcpServerOptions,
  type DhcpServer,
  type ReplyEvent,
} from '@pxekit/dhcp/node';
import { compilePxeMenu } from './boot/pxe-menu.js';
import { findHost, IPXE_AUTO_PATH, ipxeScriptPath, type ServerEndpoints } from './boot/context.js';
import type { BootProfile, HostConfig, PxekitConfig } from './config/model.js';
import type { BootTimeline } from './events.js';
import type { LeaseView } from './http/service.js';
import { loaderFiles } from './loaders/discover.js';
import { inNetwork } from './net.js';
import { compileTemplate } from './templates.js';
import { hostScope } from './boot/context.js';

export type DhcpServerConfig = NonNullable<CreateDhcpServerOptions['config']>;
export type DhcpBootConfig = NonNullable<DhcpServerConfig['boot']>;
export type DhcpBootRule = DhcpBootConfig['rules'][number];

function renderUrl(
  config: PxekitConfig,
  template: string,
  mac: string | undefined,
  endpoints: ServerEndpoints,
): string | undefined {
  try {
    return compileTemplate(template, 'url').render(
      hostScope(config, mac ?? '00:00:00:00:00:00', { endpoints }),
    );
  } catch {
    return undefined;
  }
}

function profileRules(
  config: PxekitConfig,
  profile: BootProfile,
  name: string,
  mac: string | readonly string[] | undefined,
  endpoints: ServerEndpoints,
): DhcpBootRule[] {
  const one = typeof mac === 'string' ? mac : undefined;
  const rules: DhcpBootRule[] = [];
  const match = (m: Record<string, unknown>): Record<string, unknown> =>
    mac === undefined ? m : { ...m, mac };
  const withMenu = profile.menu !== undefined;
  // iPXE clients: the menu as a script (or the configured URL).
  const ipxe = profile.ipxe ?? (withMenu ? { kind: 'menu' as const } : undefined);
  if (ipxe !== undefined) {
    const url =
      ipxe.kind === 'url'
        ? renderUrl(config, ipxe.url, one, endpoints)
        : endpoints.httpUrl === undefined
          ? undefined
          : `${endpoints.httpUrl}${one === undefined ? IPXE_AUTO_PATH : ipxeScriptPath(one)}`;
    if (url !== undefined)
      rules.push({ name: `${name}/ipxe`, match: match({ ipxe: true }), ipxeScriptUrl: url });
  }
  if (profile.httpBoot !== undefined) {
    const url = renderUrl(config, profile.httpBoot, one, endpoints);
    if (url !== undefined)
      rules.push({ name: `${name}/httpBoot`, match: match({ http: true }), httpUrl: url });
  }
  const add = (arch: 'bios' | 'uefiX64' | 'arm64', codes: number[]): void => {
    const choice = profile[arch];
    if (choice === undefined) return;
    const files = loaderFiles(choice, arch, withMenu);
    if (files === undefined) return;
    rules.push({
      name: `${name}/${arch}`,
      match: match({ arch: codes, ipxe: false, http: false }),
      bootFile: files.bootFile,
    });
  };
  add('bios', [0]);
  add('uefiX64', [7, 9]);
  add('arm64', [11]);
  return rules;
}

/** The boot rules for @pxekit/dhcp, from hosts and profiles. */
export function compileBootRules(config: PxekitConfig, endpoints: ServerEndpoints): DhcpBootConfig {
  const rules: DhcpBootRule[] = [];
  for (const h of config.hosts) {
    const profileName = h.profile ?? config.defaults.profile;
    const profile = profileName === undefined ? undefined : config.profiles.get(profileName);
    if (profile === undefined) continue;
    rules.push(
      ...profileRules(config, profile, `host ${h.name ?? h.mac} (${profileName})`, h.mac, endpoints),
    );
  }
  // The default profile: for every other client, or (unknownHosts: ignore) only for listed hosts, whose
  // own profile may leave some firmware classes to it.
  const p = config.defaults.profile === undefined ? undefined : config.profiles.get(config.defaults.profile);
  if (p !== undefined) {
    const known = config.hosts.map((h) => h.mac);
    if (config.defaults.unknownHosts === 'boot')
      rules.push(...profileRules(config, p, `default (${p.name})`, undefined, endpoints));
    else if (known.length > 0)
      rules.push(...profileRules(config, p, `default (${p.name})`, known, endpoints));
  }
  return { rules, nextServer: endpoints.address };
}

/** The authoritative server configuration: subnets with pools, options and host reservations. */
export function compileDhcpConfig(config: PxekitConfig, endpoints: ServerEndpoints): DhcpServerConfig {
  if (config.dhcp.mode !== 'authoritative')
    throw new TypeError('compileDhcpConfig: dhcp.mode is not authoritative');
  const single = config.server.interfaces.length === 1 ? config.server.interfaces[0] : undefined;
  return {
    subnets: config.dhcp.subnets.map((s) => {
      const reservations = config.hosts
        .filter(
          (h): h is HostConfig & { address: string } => h.address !== undefined && inNetwork(h.address, s),
        )
        .map((h) => ({
          address: h.address,
          mac: h.mac,
          ...(h.name === undefined ? {} : { hostname: h.name }),
        }));
      return {
        network: `${s.network}/${s.prefix}`,
        pools: s.ranges.map((r) => ({ start: r.start, end: r.end })),
        reservations,
        leaseTime: s.leaseTime,
        maxLeaseTime: s.maxLeaseTime,
        ...(s.routers.length === 0 ? {} : { routers: s.routers }),
        ...(s.dns.length === 0 ? {} : { dnsServers: s.dns }),
        ...(s.domain === undefined ? {} : { domainName: s.domain }),
        ...(single === undefined ? {} : { interface: single }),
        ...(s.bootp === undefined ? {} : { bootp: s.bootp === 'off' ? false : s.bootp }),
        ...(s.bootpLeaseTime === undefined ? {} : { bootpLeaseTime: s.bootpLeaseTime }),
        ...(s.rapidCommit === undefined ? {} : { rapidCommit: s.rapidCommit }),
        ...(s.options.length === 0
          ? {}
          : { options: s.options.map((o) => ({ code: o.code, value: o.data })) }),
      };
    }),
    ...(config.server.address === undefined ? {} : { serverId: config.server.address }),
    boot: withSubnetNextServers(config, compileBootRules(config, endpoints)),
  };
}

/**
 * Subnets with their own `nextServer` get copies of the TFTP rules restricted to that subnet, placed
 * first, with that next-server (`siaddr`).
 */
function withSubnetNextServers(config: PxekitConfig, boot: DhcpBootConfig): DhcpBootConfig {
  if (config.dhcp.mode !== 'authoritative') return boot;
  const extra: DhcpBootRule[] = [];
  for (const s of config.dhcp.subnets) {
    if (s.nextServer === undefined) continue;
    const id = `${s.network}/${s.prefix}`;
    for (const r of boot.rules) {
      if (r.bootFile === undefined) continue;
      extra.push({
        ...r,
        name: `${r.name} in ${id}`,
        match: { ...r.match, subnet: id },
        nextServer: s.nextServer,
      });
    }
  }
  return extra.length === 0 ? boot : { ...boot, rules: [...extra, ...boot.rules] };
}

export interface StartDhcpOptions {
  /** `any`: one plain socket (tests, single-interface setups). Default `device` (per-interface sockets). */
  readonly bind?: 'device' | 'any';
  readonly address?: string;
  readonly port?: number;
  readonly proxyPort?: number;
  readonly clientPort?: number;
  readonly now?: () => number;
}

function requestFacts(e: ReplyEvent): { arch?: number; vendorClass?: string; userClass?: string } {
  const opt = (code: number): Uint8Array | undefined => e.request.options.find((o) => o.code === code)?.data;
  const out: { arch?: number; vendorClass?: string; userClass?: string } = {};
  const arch = opt(93);
  if (arch !== undefined && arch.length >= 2) out.arch = (arch[0]! << 8) | arch[1]!;
  const vc = opt(60);
  if (vc !== undefined) out.vendorClass = Buffer.from(vc).toString('latin1');
  const uc = opt(77);
  if (uc !== undefined) {
    // RFC 3004 (length-prefixed) or the raw string iPXE sends.
    const raw = Buffer.from(uc).toString('latin1');
    out.userClass = uc.length > 1 && uc[0] === uc.length - 1 ? raw.slice(1) : raw;
  }
  return out;
}

/** Starts @pxekit/dhcp for the config's mode and feeds the timeline. */
export async function startDhcp(
  config: PxekitConfig,
  endpoints: ServerEndpoints,
  timeline: BootTimeline,
  opts: StartDhcpOptions = {},
): Promise<DhcpServer> {
  if (config.dhcp.mode === 'off') throw new TypeError('startDhcp: dhcp.mode is off');
  const common = {
    ...(config.server.interfaces.length === 0 ? {} : { interfaces: config.server.interfaces }),
    ...(opts.bind === undefined ? {} : { bind: opts.bind }),
    ...(opts.address === undefined ? {} : { address: opts.address }),
    ...(opts.clientPort === undefined ? {} : { clientPort: opts.clientPort }),
    ...(opts.now === undefined ? {} : { now: opts.now }),
    port: opts.port ?? config.dhcp.port,
  };
  const server =
    config.dhcp.mode === 'authoritative'
      ? await createDhcpServer({
          ...common,
          config: compileDhcpConfig(config, endpoints),
          leaseFile: config.dhcp.leaseFile,
        })
      : await createDhcpServer({
          ...common,
          proxy: {
            ...(config.server.address === undefined ? {} : { serverId: config.server.address }),
            boot: compileBootRules(config, endpoints),
            ...(config.dhcp.pxeMenu === undefined
              ? {}
              : { menu: compilePxeMenu(config.dhcp.pxeMenu, config.profiles) }),
          },
          proxyPort: opts.proxyPort ?? config.dhcp.proxyPort,
        });
  const onReply = (type: 'dhcp.offer' | 'dhcp.ack' | 'dhcp.nak', proxy: boolean) => (e: ReplyEvent) => {
    const facts = requestFacts(e);
    timeline.emit({
      type: type === 'dhcp.offer' ? 'dhcp.discover' : 'dhcp.request',
      mac: e.mac,
      xid: e.xid,
      ...facts,
    });
    if (e.boot !== undefined) {
      const bootFile = 'bootFile' in e.boot ? e.boot.bootFile : undefined;
      timeline.emit({
        type: 'boot.decision',
        mac: e.mac,
        ...(bootFile === undefined ? {} : { bootFile }),
        ...(findHost(config, e.mac)?.profile === undefined
          ? {}
          : { profile: findHost(config, e.mac)!.profile! }),
        reason: e.boot.trace,
      });
    }
    if (proxy) {
      // No lease here, but a client asking on port 4011 (or renewing) already has its address: remember it
      // so its TFTP and HTTP requests (and /ipxe/auto) are attributed to it.
      const from =
        e.request.ciaddr !== '0.0.0.0'
          ? e.request.ciaddr
          : e.destination.broadcast
            ? undefined
            : e.destination.address;
      if (from !== undefined && from !== '0.0.0.0') timeline.bindAddress(from, e.mac);
    }
    const address = e.lease?.address ?? (e.reply.yiaddr === '0.0.0.0' ? undefined : e.reply.yiaddr);
    const file = e.reply.file === '' ? undefined : e.reply.file;
    timeline.emit({
      type,
      mac: e.mac,
      xid: e.xid,
      proxy,
      ...(address === undefined || proxy ? {} : { address, ip: address }),
      ...(file === undefined ? {} : { bootFile: file }),
    });
  };
  server.on('offer', onReply('dhcp.offer', false));
  server.on('ack', onReply('dhcp.ack', false));
  server.on('nak', onReply('dhcp.nak', false));
  server.on('proxy-offer', onReply('dhcp.offer', true));
  server.on('proxy-ack', onReply('dhcp.ack', true));
  server.on('release', (e) => timeline.emit({ type: 'dhcp.release', mac: e.mac, xid: e.xid }));
  server.on('decline', (e) => timeline.emit({ type: 'dhcp.decline', mac: e.mac, xid: e.xid }));
  server.on('drop', (e) => {
    if (e.mac === undefined) return;
    timeline.emit({
      type: 'dhcp.drop',
      mac: e.mac,
      ...(e.xid === undefined ? {} : { xid: e.xid }),
      reason: e.reason,
      ...(e.detail === undefined ? {} : { detail: e.detail }),
    });
  });
  server.on('error', () => {
    // Socket or store hiccups are counted by the library; the server keeps running.
  });
  return server;
}

/** Leases for the JSON API. */
export function leaseViews(server: DhcpServer): LeaseView[] {
  const engine = server.engine as {
    leases?: {
      values(): Iterable<{ mac: string; address: string; expires: number; hostname?: string; state: string }>;
    };
  };
  if (engine.leases === undefined) return [];
  return [...engine.leases.values()].map((l) => ({
    mac: l.mac,
    address: l.address,
    expiresAt: l.expires,
    ...(l.hostname === undefined ? {} : { hostname: l.hostname }),
    state: l.state,
  }));
}

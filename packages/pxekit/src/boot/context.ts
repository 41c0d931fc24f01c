/**
 * Per-client facts derived from the config: which host entry a MAC is, its profile, the server's URLs
 * and the template variables its kickstart and kernel command lines see.
 */
import type { HostConfig, PxekitConfig } from '../config/model.js';
import { formatIpv4, inNetwork, prefixMask } from '../net.js';
import type { TemplateScope } from '../templates.js';

export function findHost(config: PxekitConfig, mac: string): HostConfig | undefined {
  return config.hosts.find((h) => h.mac === mac);
}

/** Host name for a MAC without a configured name: `pxe-525400123456`. */
export function defaultHostName(mac: string): string {
  return `pxe-${mac.replace(/:/g, '')}`;
}

export interface ServerEndpoints {
  /** Address clients use for TFTP (siaddr) and in URLs. */
  readonly address: string;
  /** `http://address:port`, or undefined when HTTP is off. */
  readonly httpUrl?: string;
}

/**
 * The server's address as clients see it: `server.address`, else the address a request arrived on
 * (`localAddress`). Undefined when neither is known.
 */
export function serverEndpoints(config: PxekitConfig, localAddress?: string): ServerEndpoints | undefined {
  const address = config.server.address ?? (localAddress?.replace(/^::ffff:/, '') || undefined);
  if (address === undefined) return undefined;
  return {
    address,
    ...(config.http.enabled
      ? { httpUrl: `http://${address}${config.http.port === 80 ? '' : `:${config.http.port}`}` }
      : {}),
  };
}

/** URL path of the kickstart for a MAC (and optionally a named template). */
export function kickstartPath(mac: string, kickstart?: string): string {
  return `/ks/${mac}${kickstart === undefined ? '' : `/${kickstart}`}`;
}

export function installedPath(mac: string): string {
  return `/installed/${mac}`;
}

/** Path of the iPXE script for clients whose MAC is learnt from their address (the default rules). */
export const IPXE_AUTO_PATH = '/ipxe/auto';

export function ipxeScriptPath(mac: string): string {
  return `/ipxe/${mac}`;
}

export interface ScopeOptions {
  /** The client's current address when it is known (a lease, or the address an HTTP request came from). */
  readonly ip?: string;
  /** Kickstart template whose default vars apply and whose URL is `kickstart.url`. */
  readonly kickstart?: string;
  readonly endpoints?: ServerEndpoints;
}

/**
 * Template variables for one client. Values that are not known for this client are present but undefined,
 * so a template that uses them fails with "has no value for this host" rather than "unknown variable".
 */
export function hostScope(config: PxekitConfig, mac: string, opts: ScopeOptions = {}): TemplateScope {
  const host = findHost(config, mac);
  const address = host?.address ?? opts.ip;
  let netmask: string | undefined;
  let gateway: string | undefined;
  let dns: string | undefined;
  let domain: string | undefined;
  if (config.dhcp.mode === 'authoritative' && address !== undefined) {
    const subnet = config.dhcp.subnets.find((s) => inNetwork(address, s));
    if (subnet !== undefined) {
      netmask = formatIpv4(prefixMask(subnet.prefix));
      gateway = subnet.routers[0];
      dns = subnet.dns.length === 0 ? undefined : subnet.dns.join(',');
      domain = subnet.domain;
    }
  }
  const ks = opts.kickstart === undefined ? undefined : config.kickstarts.get(opts.kickstart);
  const vars: Record<string, string> = {};
  for (const [k, v] of ks?.vars ?? []) vars[k] = v;
  for (const [k, v] of host?.vars ?? []) vars[k] = v;
  const http = opts.endpoints?.httpUrl;
  return {
    host: {
      mac,
      macDashed: mac.replace(/:/g, '-'),
      name: host?.name ?? defaultHostName(mac),
      address,
      netmask,
      gateway,
      dns,
      domain,
      profile: host?.profile ?? config.defaults.profile,
    },
    server: {
      address: opts.endpoints?.address,
      httpUrl: http,
    },
    kickstart: {
      name: opts.kickstart,
      url:
        http === undefined || opts.kickstart === undefined
          ? undefined
          : `${http}${kickstartPath(mac, opts.kickstart)}`,
    },
    install: {
      callbackUrl: http === undefined ? undefined : `${http}${installedPath(mac)}`,
    },
    vars,
  };
}

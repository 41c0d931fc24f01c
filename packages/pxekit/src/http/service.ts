/**
 * pxekit's HTTP service (node:http): install trees, the boot file space under /boot/, per-host
 * kickstarts and iPXE scripts, the install callback, a JSON API, Prometheus metrics and health.
 *
 * Routes:
 *   GET|HEAD /boot/<path>                  boot file space (loaders, TFTP root, generated menus)
 *   GET      /ipxe/<mac>, /ipxe/auto       the client's menu as an iPXE script (auto: MAC from the lease)
 *   GET      /ks/<mac>[/<kickstart>]       the host's rendered kickstart
 *   POST     /installed/<mac>              install finished: next boot is from the local disk
 *   GET      /api/hosts, /api/hosts/<mac>  hosts with install state and boot activity
 *   POST     /api/hosts/<mac>/reinstall    back to installing on next boot
 *   GET      /api/leases                   current DHCP leases
 *   GET      /api/events?mac=&after=&limit=&type=   the boot timeline
 *   GET      /metrics, /healthz
 *   GET|HEAD <root prefix>/<path>          install trees (config http.roots)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findHost, serverEndpoints } from '../boot/context.js';
import type { BootFiles } from '../bootfiles.js';
import type { PxekitConfig } from '../config/model.js';
import { PxekitError } from '../errors.js';
import type { BootEventType, BootTimeline } from '../events.js';
import type { KickstartTemplates } from '../kickstarts.js';
import { type Counter, type MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from '../metrics.js';
import { normalizeMac } from '../net.js';
import { ipxeRenderer } from '../render/formats.js';
import type { HostStateStore } from '../state.js';
import { openJailedFile, sendBody } from './static.js';

/** A lease as the API shows it; filled by the DHCP service when it runs. */
/** iPXE's own setting for the booting NIC's MAC, written literally into the script. */
const IPXE_MAC = `$${'{'}net0/mac}`;

export interface LeaseView {
  readonly mac: string;
  readonly address: string;
  readonly expiresAt: number;
  readonly hostname?: string;
  readonly state?: string;
}

export interface HttpServiceOptions {
  readonly config: PxekitConfig;
  readonly timeline: BootTimeline;
  readonly state: HostStateStore;
  readonly metrics: MetricsRegistry;
  readonly bootFiles: BootFiles;
  readonly kickstarts: KickstartTemplates;
  /** Current leases; absent when DHCP is off or in proxy mode (the API then returns an empty list). */
  readonly leases?: () => readonly LeaseView[];
  readonly now?: () => number;
}

interface Handled {
  status: number;
  bytes: number;
  route: string;
}

export class HttpService {
  readonly server: Server;
  readonly #o: HttpServiceOptions;
  readonly #now: () => number;
  readonly #requests: Counter;
  readonly #bytes: Counter;

  constructor(opts: HttpServiceOptions) {
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
    this.#requests = opts.metrics.counter(
      'pxekit_http_requests_total',
      'HTTP requests by route and status code.',
    );
    this.#bytes = opts.metrics.counter(
      'pxekit_http_response_bytes_total',
      'HTTP response body bytes sent, by route.',
    );
    this.server = createServer((req, res) => {
      this.#handle(req, res).catch((e: unknown) => {
        // Never let one request crash the server; answer 500 if nothing was sent yet.
        if (!res.headersSent) {
          res.statusCode = 500;
          res.setHeader('Content-Type', 'text/plain; charset=utf-8');
          res.end(`internal error: ${(e as Error).message}\n`);
        } else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 5_000;
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 60_000;
  }

  /** Listens on `port` (0 = any free port) and resolves with the bound address. */
  listen(port: number, host?: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => {
        reject(
          new PxekitError('PXEKIT_ERR_LISTEN', `HTTP cannot listen on ${host ?? '*'}:${port}: ${e.message}`, {
            cause: e,
          }),
        );
      };
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ip = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const url = new URL(req.url ?? '/', 'http://pxekit.invalid');
    const method = req.method ?? 'GET';
    const result = await this.#route(req, res, url, method, ip);
    this.#requests.inc({ route: result.route, code: String(result.status) });
    if (result.bytes > 0) this.#bytes.inc({ route: result.route }, result.bytes);
    if (result.route !== 'metrics' && result.route !== 'healthz' && result.route !== 'api') {
      this.#o.timeline.emit({
        type: 'http.request',
        ip,
        method,
        path: url.pathname,
        status: result.status,
        bytes: result.bytes,
      });
    }
  }

  async #route(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    ip: string,
  ): Promise<Handled> {
    const p = url.pathname;
    const endpoints = serverEndpoints(this.#o.config, req.socket.localAddress);
    const read = method === 'GET' || method === 'HEAD';

    if (p === '/healthz') return this.#text(res, 200, 'ok\n', 'healthz', method);
    if (p === '/metrics') {
      if (!read) return this.#methodNotAllowed(res, 'GET, HEAD', 'metrics');
      return this.#send(res, 200, this.#o.metrics.render(), PROMETHEUS_CONTENT_TYPE, 'metrics', method);
    }
    if (p.startsWith('/api/')) return this.#api(req, res, url, method);

    const installed = /^\/installed\/([^/]+)\/?$/.exec(p);
    if (installed !== null) {
      if (method !== 'POST' && method !== 'PUT') return this.#methodNotAllowed(res, 'POST, PUT', 'installed');
      const mac = normalizeMac(decodeURIComponent(installed[1]!));
      if (mac === undefined) return this.#text(res, 400, 'not a MAC address\n', 'installed', method);
      this.#o.state.set(mac, 'local', this.#now());
      this.#o.timeline.emit({ type: 'install.done', mac, ip, via: 'callback' });
      res.statusCode = 204;
      res.end();
      return { status: 204, bytes: 0, route: 'installed' };
    }

    if (!read) return this.#methodNotAllowed(res, 'GET, HEAD', 'other');

    const ks = /^\/ks\/([^/]+)(?:\/([^/]+))?\/?$/.exec(p);
    if (ks !== null) {
      const mac = normalizeMac(decodeURIComponent(ks[1]!));
      if (mac === undefined) return this.#text(res, 400, 'not a MAC address\n', 'kickstart', method);
      if (findHost(this.#o.config, mac) === undefined && this.#o.config.defaults.unknownHosts === 'ignore') {
        return this.#text(res, 404, `${mac} is not a known host\n`, 'kickstart', method);
      }
      try {
        const out = this.#o.kickstarts.render(
          mac,
          ks[2] === undefined ? undefined : decodeURIComponent(ks[2]),
          endpoints,
          ip,
        );
        if (out === undefined) return this.#text(res, 404, `no kickstart for ${mac}\n`, 'kickstart', method);
        this.#o.timeline.emit({ type: 'kickstart.served', mac, ip, kickstart: out.name });
        return this.#send(res, 200, out.text, 'text/plain; charset=utf-8', 'kickstart', method);
      } catch (e) {
        if (e instanceof PxekitError)
          return this.#text(res, 500, `${e.message}\n${e.details.join('\n')}\n`, 'kickstart', method);
        throw e;
      }
    }

    const ipxe = /^\/ipxe\/([^/]+)\/?$/.exec(p);
    if (ipxe !== null) {
      // /ipxe/auto: the client's MAC from its address (learnt from its DHCP lease or reservation).
      const mac =
        ipxe[1] === 'auto' ? this.#o.timeline.macForAddress(ip) : normalizeMac(decodeURIComponent(ipxe[1]!));
      if (mac === undefined && ipxe[1] === 'auto' && endpoints?.httpUrl !== undefined) {
        // No lease tells us who this is (proxy mode: the site server leased the address). iPXE knows its
        // own MAC: a two-line script sends it to its own menu.
        return this.#send(
          res,
          200,
          `#!ipxe\nchain ${endpoints.httpUrl}/ipxe/${IPXE_MAC}\n`,
          'text/plain; charset=utf-8',
          'ipxe',
          method,
        );
      }
      if (mac === undefined) {
        return this.#text(
          res,
          ipxe[1] === 'auto' ? 404 : 400,
          ipxe[1] === 'auto' ? `no DHCP lease known for ${ip}\n` : 'not a MAC address\n',
          'ipxe',
          method,
        );
      }
      try {
        const text = this.#o.bootFiles.menuText(mac, ipxeRenderer, endpoints, ip);
        if (text === undefined) return this.#text(res, 404, `no menu for ${mac}\n`, 'ipxe', method);
        return this.#send(res, 200, text, 'text/plain; charset=utf-8', 'ipxe', method);
      } catch (e) {
        if (e instanceof PxekitError)
          return this.#text(res, 500, `${e.message}\n${e.details.join('\n')}\n`, 'ipxe', method);
        throw e;
      }
    }

    if (p.startsWith('/boot/')) {
      const file = await this.#o.bootFiles.open(p.slice('/boot/'.length), endpoints, ip);
      if (file === undefined) return this.#text(res, 404, 'not found\n', 'boot', method);
      if (file.kind === 'generated')
        return this.#send(res, 200, file.text, 'text/plain; charset=utf-8', 'boot', method);
      const r = await sendBody(req, res, file.body);
      return { ...r, route: 'boot' };
    }

    // Install trees: the longest matching prefix wins.
    const roots = [...this.#o.config.http.roots].sort((a, b) => b.prefix.length - a.prefix.length);
    for (const root of roots) {
      if (!(`${p}/`.startsWith(root.prefix) || p.startsWith(root.prefix))) continue;
      const rest = p.length < root.prefix.length ? '' : p.slice(root.prefix.length);
      const body = await openJailedFile(root.dir, rest);
      if (body === undefined) return this.#text(res, 404, 'not found\n', 'tree', method);
      const r = await sendBody(req, res, body);
      return { ...r, route: 'tree' };
    }
    return this.#text(res, 404, 'not found\n', 'other', method);
  }

  async #api(req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<Handled> {
    const p = url.pathname;
    const reinstall = /^\/api\/hosts\/([^/]+)\/reinstall$/.exec(p);
    if (reinstall !== null) {
      if (method !== 'POST') return this.#methodNotAllowed(res, 'POST', 'api');
      const mac = normalizeMac(decodeURIComponent(reinstall[1]!));
      if (mac === undefined) return this.#json(res, 400, { error: 'not a MAC address' }, method);
      this.#o.state.set(mac, 'install', this.#now());
      this.#o.timeline.emit({ type: 'install.reset', mac, via: 'api' });
      return this.#json(res, 200, this.#hostView(mac), method);
    }
    if (method !== 'GET' && method !== 'HEAD') return this.#methodNotAllowed(res, 'GET, HEAD', 'api');
    if (p === '/api/hosts') {
      const macs = new Set([
        ...this.#o.config.hosts.map((h) => h.mac),
        ...this.#o.state.all().map((r) => r.mac),
        ...this.#o.timeline.hosts().map((h) => h.mac),
      ]);
      return this.#json(
        res,
        200,
        [...macs].map((m) => this.#hostView(m)),
        method,
      );
    }
    const host = /^\/api\/hosts\/([^/]+)$/.exec(p);
    if (host !== null) {
      const mac = normalizeMac(decodeURIComponent(host[1]!));
      if (mac === undefined) return this.#json(res, 400, { error: 'not a MAC address' }, method);
      return this.#json(
        res,
        200,
        { ...this.#hostView(mac), events: this.#o.timeline.query({ mac }) },
        method,
      );
    }
    if (p === '/api/leases') return this.#json(res, 200, this.#o.leases?.() ?? [], method);
    if (p === '/api/events') {
      const q = url.searchParams;
      const macParam = q.get('mac');
      const mac = macParam === null ? undefined : normalizeMac(macParam);
      if (macParam !== null && mac === undefined)
        return this.#json(res, 400, { error: 'mac is not a MAC address' }, method);
      const num = (name: string): number | undefined | null => {
        const v = q.get(name);
        if (v === null) return undefined;
        return /^[0-9]+$/.test(v) ? Number(v) : null;
      };
      const after = num('after');
      const limit = num('limit');
      if (after === null || limit === null)
        return this.#json(res, 400, { error: 'after and limit are whole numbers' }, method);
      const types = q.getAll('type') as BootEventType[];
      return this.#json(
        res,
        200,
        this.#o.timeline.query({
          ...(mac === undefined ? {} : { mac }),
          ...(after === undefined ? {} : { afterSeq: after }),
          ...(limit === undefined ? {} : { limit }),
          ...(types.length === 0 ? {} : { types }),
        }),
        method,
      );
    }
    void req;
    return this.#json(res, 404, { error: 'no such API route' }, method);
  }

  #hostView(mac: string): Record<string, unknown> {
    const h = findHost(this.#o.config, mac);
    const st = this.#o.state.record(mac);
    const activity = this.#o.timeline.hosts().find((a) => a.mac === mac);
    return {
      mac,
      name: h?.name ?? null,
      address: h?.address ?? activity?.ip ?? null,
      profile: h?.profile ?? this.#o.config.defaults.profile ?? null,
      known: h !== undefined,
      state: st?.state ?? 'install',
      stateChangedAt: st?.changedAt ?? null,
      lastSeenAt: activity?.lastAt ?? null,
      lastEvent: activity?.lastType ?? null,
    };
  }

  #json(res: ServerResponse, status: number, body: unknown, method: string): Handled {
    return this.#send(res, status, `${JSON.stringify(body, null, 2)}\n`, 'application/json', 'api', method);
  }

  #text(res: ServerResponse, status: number, text: string, route: string, method: string): Handled {
    return this.#send(res, status, text, 'text/plain; charset=utf-8', route, method);
  }

  #methodNotAllowed(res: ServerResponse, allow: string, route: string): Handled {
    res.setHeader('Allow', allow);
    return this.#send(res, 405, 'method not allowed\n', 'text/plain; charset=utf-8', route, 'GET');
  }

  #send(
    res: ServerResponse,
    status: number,
    text: string,
    type: string,
    route: string,
    method: string,
  ): Handled {
    const body = Buffer.from(text, 'utf8');
    res.statusCode = status;
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Length', body.byteLength);
    res.setHeader('Cache-Control', 'no-store');
    if (method === 'HEAD') {
      res.end();
      return { status, bytes: 0, route };
    }
    res.end(body);
    return { status, bytes: body.byteLength, route };
  }
}

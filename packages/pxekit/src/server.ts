/**
 * createBootServer: the composition. One config → HTTP (install trees, menus, kickstarts, API) and TFTP
 * (boot loaders, generated pxelinux.cfg and GRUB menus, the TFTP root), all feeding one boot timeline.
 *
 * DHCP (authoritative or proxy) comes from @pxekit/dhcp's Node server (dhcp.ts); `dhcp: false` leaves it
 * out (beside an existing DHCP server that points `next-server` at this host).
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname } from 'node:path';
import { TFTP_ERR } from '@pxekit/tftp';
import { createTftpServer, type TftpServer } from '@pxekit/tftp/node';
import type { DhcpServer } from '@pxekit/dhcp/node';
import type { ServerEndpoints } from './boot/context.js';
import { BootFiles } from './bootfiles.js';
import { leaseViews, type StartDhcpOptions, startDhcp } from './dhcp.js';
import type { PxekitConfig } from './config/model.js';
import { PxekitError } from './errors.js';
import { BootTimeline } from './events.js';
import { HttpService } from './http/service.js';
import { MetricsRegistry } from './metrics.js';
import { preflight, type PreflightReport } from './preflight.js';
import { HostStateStore } from './state.js';

export interface BootServerOptions {
  /** false: serve without DHCP even when the config enables it. */
  readonly dhcp?: boolean;
  /** Socket options for the DHCP service (tests bind one plain socket on loopback). */
  readonly dhcpSockets?: StartDhcpOptions;
  /** Address for 0.0.0.0 binds and generated URLs when `server.address` is not set. */
  readonly address?: string;
  /** Receives each boot event as a JSON line, in addition to `server.eventLog`. */
  readonly onEventLine?: (line: string) => void;
  /** Host to bind TFTP and HTTP to; default every address. Tests pass 127.0.0.1. */
  readonly bindHost?: string;
  /** More files in the boot file space (boot path → file); see `pxekit boot`. */
  readonly extraFiles?: ReadonlyMap<string, string>;
  readonly now?: () => number;
}

export interface BootServerAddresses {
  readonly http?: { readonly address: string; readonly port: number };
  readonly tftp?: { readonly address: string; readonly port: number };
  readonly dhcp?: readonly {
    readonly interface?: string;
    readonly address?: string;
    readonly port: number;
    readonly role: string;
  }[];
}

/** The first IPv4 address of the first configured interface, if any. */
export function interfaceAddress(interfaces: readonly string[]): string | undefined {
  const all = networkInterfaces();
  for (const name of interfaces) {
    const a = all[name]?.find((x) => x.family === 'IPv4' && !x.internal);
    if (a !== undefined) return a.address;
  }
  return undefined;
}

export class BootServer {
  readonly config: PxekitConfig;
  readonly timeline: BootTimeline;
  readonly metrics: MetricsRegistry = new MetricsRegistry();
  readonly state: HostStateStore;
  readonly report: PreflightReport;
  readonly bootFiles: BootFiles;
  http: HttpService | undefined;
  tftp: TftpServer | undefined;
  dhcp: DhcpServer | undefined;
  readonly #opts: BootServerOptions;
  #log: WriteStream | undefined;
  #addresses: BootServerAddresses = {};

  /** @internal use createBootServer */
  constructor(config: PxekitConfig, report: PreflightReport, opts: BootServerOptions) {
    this.config = config;
    this.report = report;
    this.#opts = opts;
    if (config.server.eventLog !== undefined && config.server.eventLog !== '-') {
      mkdirSync(dirname(config.server.eventLog), { recursive: true });
      this.#log = createWriteStream(config.server.eventLog, { flags: 'a' });
    }
    const sinks = [
      ...(opts.onEventLine === undefined ? [] : [opts.onEventLine]),
      ...(this.#log === undefined ? [] : [(l: string) => this.#log?.write(l)]),
    ];
    this.timeline = new BootTimeline({
      ...(opts.now === undefined ? {} : { now: opts.now }),
      ...(sinks.length === 0
        ? {}
        : {
            sink: (line: string) => {
              for (const s of sinks) s(line);
            },
          }),
    });
    for (const h of config.hosts) if (h.address !== undefined) this.timeline.bindAddress(h.address, h.mac);
    this.state = new HostStateStore(`${config.server.stateDir}/hosts.json`).load();
    this.bootFiles = new BootFiles({
      config,
      loaders: report.loaders,
      state: this.state,
      ...(opts.extraFiles === undefined ? {} : { extraFiles: opts.extraFiles }),
    });
    const events = this.metrics.counter('pxekit_boot_events_total', 'Boot timeline events by type.');
    this.timeline.subscribe((e) => events.inc({ type: e.type }));
    this.metrics.gaugeFn(
      'pxekit_hosts_installed',
      'Hosts switched to local boot by the install callback.',
      () => [{ labels: {}, value: this.state.all().filter((r) => r.state === 'local').length }],
    );
  }

  get addresses(): BootServerAddresses {
    return this.#addresses;
  }

  #endpoints(): ServerEndpoints | undefined {
    const address = this.config.server.address ?? this.#opts.address;
    if (address === undefined) return undefined;
    const httpPort = this.#addresses.http?.port ?? this.config.http.port;
    return {
      address,
      ...(this.config.http.enabled
        ? { httpUrl: `http://${address}${httpPort === 80 ? '' : `:${httpPort}`}` }
        : {}),
    };
  }

  /** Binds every enabled service. On failure, closes what was opened and throws PXEKIT_ERR_LISTEN. */
  async start(): Promise<BootServerAddresses> {
    try {
      if (this.config.http.enabled) {
        this.http = new HttpService({
          config: this.config,
          timeline: this.timeline,
          state: this.state,
          metrics: this.metrics,
          bootFiles: this.bootFiles,
          kickstarts: this.report.kickstarts!,
          leases: () => (this.dhcp === undefined ? [] : leaseViews(this.dhcp)),
          ...(this.#opts.now === undefined ? {} : { now: this.#opts.now }),
        });
        const a = await this.http.listen(this.config.http.port, this.#opts.bindHost ?? this.config.http.bind);
        this.#addresses = { ...this.#addresses, http: { address: a.address, port: a.port } };
      }
      if (this.config.tftp.enabled) await this.#startTftp();
      if (this.config.dhcp.mode !== 'off' && this.#opts.dhcp !== false) await this.#startDhcp();
    } catch (e) {
      await this.close();
      throw e;
    }
    return this.#addresses;
  }

  async #startTftp(): Promise<void> {
    const transfers = this.metrics.counter('pxekit_tftp_transfers_total', 'TFTP transfers by outcome.');
    const bytes = this.metrics.counter('pxekit_tftp_bytes_total', 'TFTP file bytes sent.');
    let tftp: TftpServer;
    try {
      tftp = await createTftpServer({
        ...(this.config.tftp.root === undefined ? {} : { root: this.config.tftp.root }),
        port: this.config.tftp.port,
        host: this.#opts.bindHost ?? '0.0.0.0',
        maxBlockSize: this.config.tftp.maxBlockSize,
        handler: async (req) => {
          const ip = req.remote.address.replace(/^::ffff:/, '');
          const file = await this.bootFiles.open(req.filename, this.#endpoints(), ip, { includeRoot: false });
          // Not generated and not a loader: the TFTP root answers (at once "not found" when it has no such
          // file, which is what PXELINUX's walk through pxelinux.cfg/ names needs).
          if (file === undefined) return undefined;
          if (file.kind === 'generated') {
            if (file.mac !== undefined) this.timeline.bindAddress(ip, file.mac);
            return { data: new TextEncoder().encode(file.text) };
          }
          // A file on disk is served as one: from @pxekit/tftp's hot-file cache or its worker data plane
          // (a stream would stay on dgram).
          if (file.body.path !== undefined) return { file: file.body.path };
          return {
            data: file.body.stream(0, Math.max(0, file.body.size - 1)) as AsyncIterable<Uint8Array>,
            size: file.body.size,
          };
        },
      });
    } catch (e) {
      throw new PxekitError(
        'PXEKIT_ERR_LISTEN',
        `TFTP cannot listen on port ${this.config.tftp.port}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    this.tftp = tftp;
    tftp.on('transfer', (t) => {
      const outcome =
        t.outcome === 'complete'
          ? 'ok'
          : t.outcome === 'probe'
            ? 'probe'
            : t.outcome === 'aborted'
              ? 'aborted'
              : 'error';
      transfers.inc({ outcome });
      bytes.inc({}, t.stats.bytes);
      this.timeline.emit({
        type: 'tftp.transfer',
        ip: t.remote.address.replace(/^::ffff:/, ''),
        path: t.filename,
        bytes: t.stats.bytes,
        outcome,
        virtual: t.source === 'virtual',
      });
    });
    tftp.on('drop', (d) => {
      if (d.filename === undefined) return;
      const outcome =
        d.code === TFTP_ERR.NOT_FOUND ? 'not-found' : d.code === TFTP_ERR.ACCESS ? 'denied' : 'error';
      transfers.inc({ outcome });
      this.timeline.emit({
        type: 'tftp.transfer',
        ip: d.remote.address.replace(/^::ffff:/, ''),
        path: d.filename,
        bytes: 0,
        outcome,
        virtual: false,
      });
    });
    const a = tftp.address();
    this.#addresses = { ...this.#addresses, tftp: { address: a.address, port: a.port } };
  }

  async #startDhcp(): Promise<void> {
    const endpoints = this.#endpoints();
    if (endpoints === undefined) {
      throw new PxekitError(
        'PXEKIT_ERR_CONFIG',
        'DHCP needs the address clients reach this server at: set server.address (or serve on an interface with an IPv4 address)',
      );
    }
    try {
      this.dhcp = await startDhcp(this.config, endpoints, this.timeline, this.#opts.dhcpSockets ?? {});
    } catch (e) {
      throw new PxekitError('PXEKIT_ERR_LISTEN', `DHCP cannot start: ${(e as Error).message}`, { cause: e });
    }
    const dhcp = this.dhcp;
    this.metrics.gaugeFn('pxekit_dhcp_leases', 'DHCP leases by state.', () => {
      const by = new Map<string, number>();
      for (const l of leaseViews(dhcp)) by.set(l.state ?? 'unknown', (by.get(l.state ?? 'unknown') ?? 0) + 1);
      return [...by].map(([state, value]) => ({ labels: { state }, value }));
    });
    this.metrics.gaugeFn('pxekit_dhcp_received_total', 'DHCP datagrams received.', () => [
      { labels: {}, value: dhcp.stats.received },
    ]);
    this.#addresses = {
      ...this.#addresses,
      dhcp: dhcp.interfaces.map((i) => ({
        ...(i.name === undefined ? {} : { interface: i.name }),
        ...(i.address === undefined ? {} : { address: i.address }),
        port: i.port,
        role: i.role,
      })),
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.http?.close(), this.tftp?.close(), this.dhcp?.close()]);
    this.http = undefined;
    this.tftp = undefined;
    this.dhcp = undefined;
    await new Promise<void>((resolve) =>
      this.#log === undefined ? resolve() : this.#log.end(() => resolve()),
    );
    this.#log = undefined;
  }
}

/**
 * Checks the config (boot loaders, roots, templates) and builds the server, not yet listening. Throws
 * PxekitError with every problem as a detail line when something would stop clients from booting.
 *
 * @example
 * const server = await createBootServer(config, { dhcp: false });
 * await server.start();
 */
export async function createBootServer(
  config: PxekitConfig,
  opts: BootServerOptions = {},
): Promise<BootServer> {
  const address = config.server.address ?? opts.address ?? interfaceAddress(config.server.interfaces);
  const report = preflight(config, {
    ...(address === undefined ? {} : { address }),
    ...(opts.extraFiles === undefined ? {} : { extraFiles: opts.extraFiles }),
  });
  const errors = report.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    const code = errors.every((e) => e.code === errors[0]!.code) ? errors[0]!.code : 'PXEKIT_ERR_CONFIG';
    throw new PxekitError(
      code === 'PXEKIT_WARN' ? 'PXEKIT_ERR_CONFIG' : code,
      `${errors.length} problem${errors.length === 1 ? '' : 's'} would stop clients from booting`,
      {
        details: errors.map((e) => e.message),
      },
    );
  }
  return new BootServer(config, report, { ...opts, ...(address === undefined ? {} : { address }) });
}

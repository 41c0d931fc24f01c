/**
 * The `pxekit` command line. `runCli(argv, io)` is the whole program: it never calls process.exit and
 * never prints a stack trace (set PXEKIT_DEBUG=1 to see one); it returns the exit code.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import {
  decodeDhcpMessageTolerant,
  extractDhcpMessages,
  formatDhcpMessage,
  fromHex,
  INFINITE_LEASE,
  readCapture,
} from '@pxekit/dhcp';
import {
  flattenKickstart,
  formatKickstart,
  listVersions,
  parseKickstart,
  parseVersion,
  validateKickstart,
} from '@pxekit/kickstart';
import { createFileReader } from '@pxekit/kickstart/node';
import {
  configFileCandidates,
  format as formatPxelinux,
  lint,
  parse as parsePxelinux,
} from '@pxekit/pxelinux';
import { TftpClient } from '@pxekit/tftp/node';
import { serverEndpoints } from '../boot/context.js';
import { decideBoot } from '../boot/decision.js';
import type { LoaderChoice, PxekitConfig, SubnetConfig } from '../config/model.js';
import { loadConfig } from '../config/load.js';
import { formatIssue } from '../config/schema.js';
import { PxekitError, type PxekitErrorCode } from '../errors.js';
import { formatEvent } from '../events.js';
import { importDhcpdConf } from '../import/dhcpd.js';
import { normalizeMac, parseCidr, parseIpv4, prefixMask, formatIpv4 } from '../net.js';
import { preflight } from '../preflight.js';
import { createBootServer } from '../server.js';
import { runExample } from './example.js';

export const PXEKIT_VERSION: string = '0.0.0';

/** Exit codes; documented in docs/errors.md and in `pxekit --help`. */
export const EXIT = {
  OK: 0,
  /** The command ran and found problems (check, ks validate, pxelinux lint), or an operation failed. */
  FAILURE: 1,
  USAGE: 2,
  CONFIG: 3,
  /** Boot loaders missing, a root unreadable, host state unreadable. */
  ENVIRONMENT: 4,
  INTERNAL: 70,
} as const;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly isTTY?: boolean;
  /** Resolves when the user asks `serve` to stop (SIGINT/SIGTERM). */
  readonly stopSignal?: Promise<void>;
  /** Registers the handler `serve` runs when asked to reload its config (SIGHUP). */
  readonly onReload?: (handler: () => void) => void;
}

const EXIT_BY_CODE: Record<PxekitErrorCode, number> = {
  PXEKIT_ERR_CONFIG: EXIT.CONFIG,
  PXEKIT_ERR_CONFIG_READ: EXIT.CONFIG,
  PXEKIT_ERR_TEMPLATE: EXIT.CONFIG,
  PXEKIT_ERR_IMPORT: EXIT.CONFIG,
  PXEKIT_ERR_LOADER_MISSING: EXIT.ENVIRONMENT,
  PXEKIT_ERR_ROOT_UNREADABLE: EXIT.ENVIRONMENT,
  PXEKIT_ERR_STATE: EXIT.ENVIRONMENT,
  PXEKIT_ERR_USAGE: EXIT.USAGE,
  PXEKIT_ERR_LISTEN: EXIT.FAILURE,
  PXEKIT_ERR_PRIVILEGES: EXIT.FAILURE,
};

const usage = (message: string): PxekitError => new PxekitError('PXEKIT_ERR_USAGE', message);

const MAIN_HELP = `pxekit ${PXEKIT_VERSION} — one process and one config file for network boot

usage: pxekit <command> [options]

commands:
  serve -c FILE [flags]     run DHCP (or proxyDHCP), TFTP and HTTP from a config file and/or flags
  check -c FILE             validate the config, find boot loaders, show what each host would boot
  explain -c FILE --mac M   the boot decision for one client, with its reason trace
  import dhcpd.conf FILE    convert an ISC dhcpd.conf (the CentOS PXE guides' subset) to pxekit YAML
  boot KERNEL [INITRD...]   serve one kernel to every PXE client (pixiecore style), --cmdline for its arguments
  example                   the bundled example: QEMU guests boot through pxekit (loopback without root)
  dhcp decode PCAP|HEX      decode DHCP messages from a capture or hex
  tftp get|put              TFTP client with a progress bar
  pxelinux lint|format|lookup   check, reformat, or list the config files PXELINUX would try
  ks validate|flatten       validate a kickstart for a release, or resolve its %include lines
  leases --url URL          show a running server's DHCP leases
  version                   print the version

Every command takes --help. Output meant for scripts: --json where listed.

exit codes:
  0 success · 1 problems found or operation failed · 2 usage error · 3 config, template or import error
  4 boot loaders missing, root or state unreadable · 70 internal error
`;

interface Command {
  readonly help: string;
  readonly run: (args: string[], io: CliIo) => Promise<number>;
}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

function parse<const O extends OptionsConfig>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options: { ...options, ...HELP_OPTION }, allowPositionals, strict: true });
  } catch (e) {
    throw usage((e as Error).message);
  }
}

function readConfig(file: string, io: CliIo): PxekitConfig {
  const path = resolve(io.cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PxekitError(
      'PXEKIT_ERR_CONFIG_READ',
      `cannot read config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const r = loadConfig(text, { file: path });
  if (!r.ok) {
    const errors = r.issues.filter((i) => i.severity === 'error').length;
    throw new PxekitError(
      'PXEKIT_ERR_CONFIG',
      `${path}: ${errors} error${errors === 1 ? '' : 's'} in the config`,
      {
        details: r.issues.map(formatIssue),
      },
    );
  }
  for (const w of r.warnings) io.stderr(`${formatIssue(w)}\n`);
  return r.config;
}

const json = (v: unknown): string =>
  `${JSON.stringify(v, (_k, x) => (x instanceof Map ? Object.fromEntries(x) : x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x), 2)}\n`;

// ---------------------------------------------------------------------------------------------------------
// check

const CHECK_HELP = `usage: pxekit check -c FILE [--json]

Validates the config file (schema, references, addresses), finds the boot loaders the profiles need,
checks that the TFTP and HTTP roots are readable, renders every host's menus and kickstarts (validated
with @pxekit/kickstart for their release) and prints what each known host would boot.

Exit: 0 fine (warnings allowed) · 3 config/template errors · 4 loaders missing or roots unreadable.
`;

async function cmdCheck(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { config: { type: 'string', short: 'c' }, json: { type: 'boolean' } });
  if (values.help) return help(io, CHECK_HELP);
  if (values.config === undefined) throw usage('check needs -c FILE');
  const config = readConfig(values.config, io);
  const report = preflight(config);
  const errors = report.problems.filter((p) => p.severity === 'error');
  if (values.json) {
    io.stdout(
      json({
        ok: errors.length === 0,
        problems: report.problems,
        loaders: { found: [...report.loaders.found.values()], missing: report.loaders.missing },
        hosts: report.hosts.map((h) => ({
          ...h,
          decisions: h.decisions.map((d) => ({ ...d.decision, firmware: d.firmware })),
        })),
      }),
    );
  } else {
    io.stdout(
      `config ${config.source}: dhcp ${config.dhcp.mode}, tftp ${config.tftp.enabled ? `on (${config.tftp.root ?? 'generated files only'})` : 'off'}, http ${config.http.enabled ? `on (port ${config.http.port})` : 'off'}\n`,
    );
    if (report.loaders.found.size > 0) {
      io.stdout('boot loaders:\n');
      for (const f of report.loaders.found.values())
        io.stdout(`  ${f.target.padEnd(22)} ${f.path}${f.package === undefined ? '' : ` (${f.package})`}\n`);
    }
    if (report.hosts.length > 0) io.stdout('hosts:\n');
    for (const h of report.hosts) {
      io.stdout(
        `  ${h.name} ${h.known ? h.mac : ''}${h.kickstart === undefined ? '' : `  kickstart ${h.kickstart}`}\n`.replace(
          / +\n$/,
          '\n',
        ),
      );
      for (const d of h.decisions) {
        io.stdout(
          `    ${d.firmware.padEnd(9)} ${d.decision.boot ? (d.decision.bootFile ?? '') : `no boot: ${d.decision.reason.at(-1) ?? ''}`}\n`,
        );
      }
    }
    for (const p of report.problems) io.stderr(`${p.severity}: ${p.message}\n`);
    io.stdout(errors.length === 0 ? 'ok\n' : `${errors.length} error${errors.length === 1 ? '' : 's'}\n`);
  }
  if (errors.length === 0) return EXIT.OK;
  return errors.every(
    (e) => e.code === 'PXEKIT_ERR_LOADER_MISSING' || e.code === 'PXEKIT_ERR_ROOT_UNREADABLE',
  )
    ? EXIT.ENVIRONMENT
    : EXIT.CONFIG;
}

// ---------------------------------------------------------------------------------------------------------
// explain

const EXPLAIN_HELP = `usage: pxekit explain -c FILE --mac MAC [--arch N] [--vendor-class S] [--user-class S] [--ipxe] [--json]

The boot decision for one client and the reasons for it, without any network traffic. --arch is DHCP
option 93 (0 BIOS, 7 or 9 x86-64 UEFI, 11 ARM64, 16 UEFI HTTP); without it the vendor class decides.
--user-class iPXE (or --ipxe) says the client already runs iPXE.
`;

async function cmdExplain(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    config: { type: 'string', short: 'c' },
    mac: { type: 'string' },
    arch: { type: 'string' },
    'vendor-class': { type: 'string' },
    'user-class': { type: 'string' },
    ipxe: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values.help) return help(io, EXPLAIN_HELP);
  if (values.config === undefined || values.mac === undefined)
    throw usage('explain needs -c FILE and --mac MAC');
  const mac = normalizeMac(values.mac);
  if (mac === undefined) throw usage(`--mac ${values.mac} is not a MAC address`);
  let arch: number | undefined;
  if (values.arch !== undefined) {
    if (!/^[0-9]+$/.test(values.arch) || Number(values.arch) > 65535)
      throw usage('--arch takes a number (DHCP option 93)');
    arch = Number(values.arch);
  }
  const config = readConfig(values.config, io);
  const vendorClass =
    values['vendor-class'] ??
    (arch === undefined ? undefined : `PXEClient:Arch:${String(arch).padStart(5, '0')}`);
  const endpoints = serverEndpoints(config);
  const decision = decideBoot(
    config,
    {
      mac,
      ...(arch === undefined ? {} : { arch }),
      ...(vendorClass === undefined ? {} : { vendorClass }),
      ...(values['user-class'] === undefined ? {} : { userClass: values['user-class'] }),
      ...(values.ipxe === true ? { ipxeOptions: true } : {}),
    },
    endpoints === undefined ? {} : { endpoints },
  );
  if (values.json) io.stdout(json(decision));
  else {
    io.stdout(decision.boot ? `${mac} boots ${decision.bootFile}\n` : `${mac} gets no boot information\n`);
    for (const r of decision.reason) io.stdout(`  - ${r}\n`);
    if (decision.vendorClass !== undefined)
      io.stdout(`  reply carries vendor class ${decision.vendorClass}\n`);
  }
  return EXIT.OK;
}

// ---------------------------------------------------------------------------------------------------------
// import

const IMPORT_HELP = `usage: pxekit import dhcpd.conf FILE [-o OUT.yaml] [--json]

Converts the ISC dhcpd.conf subset used by the classic CentOS PXE guides (subnet, range, option routers,
domain-name-servers, subnet-mask, domain-name, host, hardware ethernet, fixed-address, next-server,
filename, lease times) to a pxekit config. What cannot be carried over is listed as notes, on stderr and
as comments at the top of the output. Writes to stdout unless -o is given.
`;

async function cmdImport(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    { output: { type: 'string', short: 'o' }, json: { type: 'boolean' } },
    true,
  );
  if (values.help) return help(io, IMPORT_HELP);
  const [kind, file] = positionals;
  if (kind !== 'dhcpd.conf' || file === undefined || positionals.length > 2)
    throw usage('usage: pxekit import dhcpd.conf FILE [-o OUT.yaml]');
  const path = resolve(io.cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PxekitError(
      'PXEKIT_ERR_CONFIG_READ',
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const r = importDhcpdConf(text, file);
  if (values.json) {
    io.stdout(json({ config: r.config, notes: r.notes }));
    return EXIT.OK;
  }
  for (const n of r.notes) io.stderr(`note${n.line > 0 ? ` ${file}:${n.line}` : ''}: ${n.message}\n`);
  if (values.output !== undefined) {
    const out = resolve(io.cwd, values.output);
    if (existsSync(out)) throw usage(`${out} exists; not overwriting it`);
    writeFileSync(out, r.yaml);
    io.stderr(`wrote ${out}\n`);
  } else io.stdout(r.yaml);
  return EXIT.OK;
}

// ---------------------------------------------------------------------------------------------------------
// serve

const SERVE_HELP = `usage: pxekit serve [-c FILE] [flags]

Runs the services the config file and the flags enable. Flags win over the file.

  -c, --config FILE        config file (docs/config.md)
  --interface IF           interface to serve on (repeatable)
  --address IP             address clients reach this server at (next-server, URLs)
  --tftp-root DIR          serve TFTP from DIR          --tftp-port N   (default 69)
  --http-root DIR          serve DIR over HTTP at /     --http-port N   (default 8080)
  --boot-file FILE         boot file for every client; --boot-file-bios FILE, --boot-file-efi FILE per firmware
  --dhcp-range START-END   authoritative DHCP for this range, with --router IP, --dns IP (repeatable),
                           --subnet CIDR (default: the /24 holding START)
  --proxy                  proxyDHCP beside another DHCP server
  --no-dhcp                serve TFTP and HTTP only, even if the config enables DHCP
  --state-dir DIR          where host install state is kept
  --json                   boot events as JSON lines on stdout (default: one readable line each)

DHCP binds port 67 (and 4011 in proxy mode) on each interface, which needs root or CAP_NET_BIND_SERVICE
and CAP_NET_RAW. Stops cleanly on SIGINT/SIGTERM. SIGHUP reloads the config file: it is checked as at
start-up (kickstarts validated again) and the services restart on it; a config with errors is refused
and the running one kept. (After switching to server.user, privileged ports cannot be bound again.) After binding, switches to server.user/server.group when run as root.
`;

const LOADER_BY_NAME: Record<string, LoaderChoice> = {
  'pxelinux.0': { kind: 'pxelinux' },
  'lpxelinux.0': { kind: 'lpxelinux' },
  'undionly.kpxe': { kind: 'undionly' },
  'syslinux.efi': { kind: 'syslinux-efi' },
  'ipxe.efi': { kind: 'ipxe-efi' },
  'grubx64.efi': { kind: 'grub' },
  'shimx64.efi': { kind: 'shim' },
};

function loaderFromFlag(file: string, firmware: 'bios' | 'uefiX64'): LoaderChoice {
  const known = LOADER_BY_NAME[file];
  const biosKinds = ['pxelinux', 'lpxelinux', 'undionly'];
  if (known !== undefined && biosKinds.includes(known.kind) === (firmware === 'bios')) return known;
  return { kind: 'file', file };
}

/** Applies quick-start flags on top of a config (or an empty one). Flags win. */
export function applyServeFlags(
  base: PxekitConfig,
  v: Record<string, string | boolean | string[] | undefined>,
  cwd: string,
): PxekitConfig {
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const ip = (k: string, value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    if (parseIpv4(value) === undefined) throw usage(`--${k} ${value} is not an IPv4 address`);
    return value;
  };
  const port = (k: string): number | undefined => {
    const s = str(k);
    if (s === undefined) return undefined;
    if (!/^[0-9]+$/.test(s) || Number(s) < 1 || Number(s) > 65535)
      throw usage(`--${k} takes a port number from 1 to 65535`);
    return Number(s);
  };
  let c: PxekitConfig = base;
  const interfaces = v.interface as string[] | undefined;
  const address = ip('address', str('address'));
  c = {
    ...c,
    server: {
      ...c.server,
      ...(interfaces === undefined ? {} : { interfaces }),
      ...(address === undefined ? {} : { address }),
      ...(str('state-dir') === undefined ? {} : { stateDir: resolve(cwd, str('state-dir')!) }),
    },
  };
  const tftpRoot = str('tftp-root');
  const tftpPort = port('tftp-port');
  if (tftpRoot !== undefined || tftpPort !== undefined) {
    c = {
      ...c,
      tftp: {
        ...c.tftp,
        enabled: true,
        ...(tftpRoot === undefined ? {} : { root: resolve(cwd, tftpRoot) }),
        ...(tftpPort === undefined ? {} : { port: tftpPort }),
      },
    };
  }
  const httpRoot = str('http-root');
  const httpPort = port('http-port');
  if (httpRoot !== undefined || httpPort !== undefined) {
    c = {
      ...c,
      http: {
        ...c.http,
        enabled: true,
        ...(httpPort === undefined ? {} : { port: httpPort }),
        roots:
          httpRoot === undefined
            ? c.http.roots
            : [...c.http.roots.filter((r) => r.prefix !== '/'), { prefix: '/', dir: resolve(cwd, httpRoot) }],
      },
    };
  }
  const bootAll = str('boot-file');
  const bios = str('boot-file-bios') ?? bootAll;
  const efi = str('boot-file-efi') ?? bootAll;
  if (bios !== undefined || efi !== undefined) {
    const name = c.defaults.profile ?? 'default';
    const prev = c.profiles.get(name);
    const profiles = new Map(c.profiles);
    profiles.set(name, {
      ...(prev ?? { name }),
      ...(bios === undefined ? {} : { bios: loaderFromFlag(bios, 'bios') }),
      ...(efi === undefined ? {} : { uefiX64: loaderFromFlag(efi, 'uefiX64') }),
    });
    c = { ...c, profiles, defaults: { ...c.defaults, profile: name } };
  }
  if (v.proxy === true && str('dhcp-range') !== undefined)
    throw usage('--proxy and --dhcp-range exclude each other');
  if (v.proxy === true) c = { ...c, dhcp: { mode: 'proxy', port: 67, proxyPort: 4011 } };
  const range = str('dhcp-range');
  if (range !== undefined) {
    const m = /^([0-9.]+)-([0-9.]+)$/.exec(range);
    const a = m === null ? undefined : parseIpv4(m[1]!);
    const b = m === null ? undefined : parseIpv4(m[2]!);
    if (a === undefined || b === undefined || a > b) throw usage(`--dhcp-range ${range} is not START-END`);
    const cidr = str('subnet') ?? `${formatIpv4((a & prefixMask(24)) >>> 0)}/24`;
    const net = parseCidr(cidr);
    if ('error' in net) throw usage(`--subnet: ${net.error}`);
    const inNet = (x: number): boolean => (x & prefixMask(net.prefix)) >>> 0 === parseIpv4(net.network);
    if (!inNet(a) || !inNet(b))
      throw usage(`--dhcp-range ${range} is not inside ${net.network}/${net.prefix}`);
    const routers = ip('router', str('router'));
    const dns = ((v.dns as string[] | undefined) ?? []).map((d) => ip('dns', d)!);
    const subnet: SubnetConfig = {
      network: net.network,
      prefix: net.prefix,
      ranges: [{ start: m![1]!, end: m![2]! }],
      routers: routers === undefined ? [] : [routers],
      dns,
      leaseTime: 3600,
      maxLeaseTime: 86400,
      options: [],
    };
    c = {
      ...c,
      dhcp: {
        mode: 'authoritative',
        port: 67,
        subnets: [subnet],
        leaseFile: `${c.server.stateDir}/leases.journal`,
      },
    };
  }
  if (v['no-dhcp'] === true) c = { ...c, dhcp: { mode: 'off' } };
  return c;
}

function emptyConfig(cwd: string): PxekitConfig {
  const r = loadConfig('', { file: resolve(cwd, '<flags>') });
  if (!r.ok) throw new Error('the empty config must load');
  return {
    ...r.config,
    source: '<flags>',
    server: { ...r.config.server, stateDir: resolve(cwd, 'pxekit-state') },
  };
}

async function cmdServe(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    config: { type: 'string', short: 'c' },
    interface: { type: 'string', multiple: true },
    address: { type: 'string' },
    'tftp-root': { type: 'string' },
    'tftp-port': { type: 'string' },
    'http-root': { type: 'string' },
    'http-port': { type: 'string' },
    'boot-file': { type: 'string' },
    'boot-file-bios': { type: 'string' },
    'boot-file-efi': { type: 'string' },
    'dhcp-range': { type: 'string' },
    subnet: { type: 'string' },
    router: { type: 'string' },
    dns: { type: 'string', multiple: true },
    proxy: { type: 'boolean' },
    'no-dhcp': { type: 'boolean' },
    'state-dir': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) return help(io, SERVE_HELP);
  const base = values.config === undefined ? emptyConfig(io.cwd) : readConfig(values.config, io);
  const config = applyServeFlags(base, values, io.cwd);
  if (!config.tftp.enabled && !config.http.enabled && config.dhcp.mode === 'off') {
    throw usage('nothing to serve: give a config file (-c) or flags such as --tftp-root and --http-root');
  }
  // SIGHUP: read the file again, check it like at start-up, and restart the services on the new config;
  // a config with errors is reported and the running one is kept.
  const reload =
    values.config === undefined
      ? undefined
      : (): PxekitConfig => applyServeFlags(readConfig(values.config as string, io), values, io.cwd);
  return serveConfig(config, io, values.json === true, undefined, reload);
}

async function serveConfig(
  config: PxekitConfig,
  io: CliIo,
  asJson: boolean,
  extraFiles?: ReadonlyMap<string, string>,
  reload?: () => PxekitConfig,
): Promise<number> {
  const print = asJson ? (line: string) => io.stdout(line) : undefined;
  const start = async (c: PxekitConfig) => {
    const s = await createBootServer(c, {
      ...(print === undefined ? {} : { onEventLine: print }),
      ...(extraFiles === undefined ? {} : { extraFiles }),
    });
    if (print === undefined) s.timeline.subscribe((e) => io.stdout(`${formatEvent(e)}\n`));
    for (const p of s.report.problems) io.stderr(`${p.severity}: ${p.message}\n`);
    const addrs = await s.start();
    io.stderr(
      `pxekit serving${addrs.tftp === undefined ? '' : ` tftp ${addrs.tftp.address}:${addrs.tftp.port}`}${addrs.http === undefined ? '' : ` http ${addrs.http.address}:${addrs.http.port}`}${c.dhcp.mode === 'off' ? '' : ` dhcp ${c.dhcp.mode}`} (config ${c.source})\n`,
    );
    return s;
  };
  let server = await start(config);
  dropPrivileges(config);
  let reloading = Promise.resolve();
  let giveUp: (e: Error) => void = () => {};
  const fatal = new Promise<never>((_, reject) => {
    giveUp = reject;
  });
  fatal.catch(() => {});
  io.onReload?.(() => {
    reloading = reloading.then(async () => {
      if (reload === undefined) {
        io.stderr('pxekit: reload needs a config file (-c); nothing to reload\n');
        return;
      }
      let next: PxekitConfig;
      try {
        next = reload();
        // Check before stopping anything: a broken config must not take the service down.
        const report = preflight(next);
        const errors = report.problems.filter((p) => p.severity === 'error');
        if (errors.length > 0)
          throw new PxekitError('PXEKIT_ERR_CONFIG', 'the new config has errors', {
            details: errors.map((e) => e.message),
          });
      } catch (e) {
        io.stderr(`pxekit: reload refused, still serving the previous config: ${(e as Error).message}\n`);
        for (const d of (e as PxekitError).details ?? []) io.stderr(`  ${d}\n`);
        return;
      }
      io.stderr('pxekit: reloading\n');
      await server.close();
      try {
        server = await start(next);
      } catch (e) {
        io.stderr(`pxekit: reload failed (${(e as Error).message}); back to the previous config\n`);
        const previous = server.config;
        try {
          server = await start(previous);
        } catch (again) {
          // Ports given up cannot always be taken back (privileges dropped after the first bind).
          giveUp(again as Error);
        }
      }
    });
  });
  await Promise.race([io.stopSignal ?? new Promise<void>(() => {}), fatal]);
  await reloading;
  io.stderr('pxekit stopping\n');
  await server.close();
  return EXIT.OK;
}

function dropPrivileges(config: PxekitConfig): void {
  const user = config.server.user;
  if (user === undefined || typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  try {
    process.setgid?.(config.server.group ?? user);
    process.setuid?.(user);
  } catch (e) {
    throw new PxekitError('PXEKIT_ERR_PRIVILEGES', `cannot switch to user ${user}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// library-backed commands

const DHCP_HELP = `usage: pxekit dhcp decode FILE|HEX [--json]

Decodes DHCP/BOOTP messages: every DHCP datagram in a pcap or pcapng capture, or one message given as
hex (spaces and colons allowed) or as a file holding hex. Decoding is tolerant: problems are listed
with the message instead of stopping it.
`;

async function cmdDhcp(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } }, true);
  if (values.help || positionals.length === 0)
    return positionals.length === 0 && !values.help ? help(io, DHCP_HELP, EXIT.USAGE) : help(io, DHCP_HELP);
  const [sub, input] = positionals;
  if (sub !== 'decode' || input === undefined) throw usage('usage: pxekit dhcp decode FILE|HEX');
  const path = resolve(io.cwd, input);
  const messages: { where: string; bytes: Uint8Array }[] = [];
  const fromText = (text: string, where: string): void => {
    try {
      messages.push({ where, bytes: fromHex(text.trim()) });
    } catch {
      throw usage(`${where} is neither a capture nor hex`);
    }
  };
  if (existsSync(path)) {
    const bytes = new Uint8Array(readFileSync(path));
    let captured: ReturnType<typeof extractDhcpMessages> | undefined;
    try {
      captured = extractDhcpMessages(readCapture(bytes));
    } catch {
      captured = undefined;
    }
    if (captured !== undefined) {
      for (const c of captured)
        messages.push({
          where: `frame ${c.index + 1} ${c.srcIp}:${c.srcPort} → ${c.dstIp}:${c.dstPort}`,
          bytes: c.payload,
        });
    } else fromText(Buffer.from(bytes).toString('latin1'), input);
  } else fromText(input, 'the argument');
  const out = messages.map((m) => {
    const r = decodeDhcpMessageTolerant(m.bytes);
    return {
      where: m.where,
      text: r.message === undefined ? undefined : formatDhcpMessage(r.message, { length: m.bytes.length }),
      problems: r.problems,
    };
  });
  if (values.json) io.stdout(json(out));
  else {
    for (const m of out) {
      io.stdout(`# ${m.where}\n${m.text ?? '(not decodable)\n'}`);
      if (!m.text?.endsWith('\n') && m.text !== undefined) io.stdout('\n');
      for (const p of m.problems) io.stdout(`  problem: ${p.message} (${p.code})\n`);
    }
    if (out.length === 0) io.stderr('no DHCP messages found\n');
  }
  return out.some((m) => m.text === undefined) ? EXIT.FAILURE : EXIT.OK;
}

const TFTP_HELP = `usage: pxekit tftp get HOST[:PORT] REMOTE [LOCAL] [--blksize N] [--windowsize N] [--no-options]
       pxekit tftp put HOST[:PORT] LOCAL [REMOTE] [--blksize N] [--windowsize N] [--no-options]

A TFTP client (@pxekit/tftp). Shows a progress bar on a terminal. get writes to LOCAL (default: the
remote file's name in the current folder; "-" for stdout).
`;

async function cmdTftp(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    { blksize: { type: 'string' }, windowsize: { type: 'string' }, 'no-options': { type: 'boolean' } },
    true,
  );
  if (values.help) return help(io, TFTP_HELP);
  const [sub, target, a, b] = positionals;
  if ((sub !== 'get' && sub !== 'put') || target === undefined || a === undefined)
    throw usage(TFTP_HELP.trimEnd());
  const m = /^([^:]+)(?::([0-9]+))?$/.exec(target);
  if (m === null) throw usage(`${target} is not HOST or HOST:PORT`);
  const num = (s: string | undefined, name: string): number | undefined => {
    if (s === undefined) return undefined;
    if (!/^[0-9]+$/.test(s)) throw usage(`--${name} takes a number`);
    return Number(s);
  };
  const blockSize = num(values.blksize, 'blksize');
  const windowSize = num(values.windowsize, 'windowsize');
  const client = new TftpClient({
    host: m[1]!,
    ...(m[2] === undefined ? {} : { port: Number(m[2]) }),
    ...(blockSize === undefined ? {} : { blockSize }),
    ...(windowSize === undefined ? {} : { windowSize }),
    ...(values['no-options'] === true ? { noOptions: true } : {}),
  });
  if (io.isTTY === true) {
    client.on('progress', (p) => {
      const pct = p.total === undefined || p.total === 0 ? '' : ` ${Math.floor((p.bytes / p.total) * 100)}%`;
      const width = 30;
      const filled = p.total === undefined || p.total === 0 ? 0 : Math.round((p.bytes / p.total) * width);
      io.stderr(
        `\r${p.filename} [${'#'.repeat(filled)}${' '.repeat(width - filled)}]${pct} ${p.bytes} bytes`,
      );
    });
  }
  try {
    if (sub === 'get') {
      const data = await client.get(a);
      if (io.isTTY === true) io.stderr('\n');
      const local = b ?? a.slice(a.lastIndexOf('/') + 1);
      if (local === '-') io.stdout(Buffer.from(data).toString('latin1'));
      else {
        writeFileSync(resolve(io.cwd, local), data);
        io.stderr(`${a}: ${data.length} bytes → ${local}\n`);
      }
    } else {
      const data = new Uint8Array(readFileSync(resolve(io.cwd, a)));
      await client.put(b ?? a.slice(a.lastIndexOf('/') + 1), data);
      if (io.isTTY === true) io.stderr('\n');
      io.stderr(`${a}: ${data.length} bytes sent\n`);
    }
  } catch (e) {
    if (io.isTTY === true) io.stderr('\n');
    io.stderr(`tftp ${sub} failed: ${(e as Error).message}\n`);
    return EXIT.FAILURE;
  }
  return EXIT.OK;
}

const PXELINUX_HELP = `usage: pxekit pxelinux lint FILE [--json]
       pxekit pxelinux format FILE            (prints the file re-written by @pxekit/pxelinux; lossless)
       pxekit pxelinux lookup --mac MAC [--ip IP] [--uuid UUID] [--boot-file F]

lint checks a PXELINUX config (exit 1 when it has errors); lookup lists the config files PXELINUX asks
for, in order.
`;

async function cmdPxelinux(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      json: { type: 'boolean' },
      mac: { type: 'string' },
      ip: { type: 'string' },
      uuid: { type: 'string' },
      'boot-file': { type: 'string' },
    },
    true,
  );
  if (values.help) return help(io, PXELINUX_HELP);
  const [sub, file] = positionals;
  if (sub === 'lookup') {
    if (values.mac === undefined && values.ip === undefined && values.uuid === undefined)
      throw usage('lookup needs --mac, --ip or --uuid');
    const mac = values.mac === undefined ? undefined : normalizeMac(values.mac);
    if (values.mac !== undefined && mac === undefined)
      throw usage(`--mac ${values.mac} is not a MAC address`);
    const list = configFileCandidates({
      ...(mac === undefined ? {} : { mac }),
      ...(values.ip === undefined ? {} : { ip: values.ip }),
      ...(values.uuid === undefined ? {} : { uuid: values.uuid }),
      ...(values['boot-file'] === undefined ? {} : { bootFile: values['boot-file'] }),
    });
    io.stdout(values.json ? json(list) : `${list.join('\n')}\n`);
    return EXIT.OK;
  }
  if ((sub !== 'lint' && sub !== 'format') || file === undefined) throw usage(PXELINUX_HELP.trimEnd());
  const text = readText(io, file);
  const doc = parsePxelinux(text);
  if (sub === 'format') {
    io.stdout(formatPxelinux(doc));
    return EXIT.OK;
  }
  const findings = lint(doc, { file });
  if (values.json) io.stdout(json(findings));
  else
    for (const f of findings)
      io.stdout(`${f.file}:${f.line}:${f.column}: ${f.severity} ${f.message} (${f.code})\n`);
  return findings.some((f) => f.severity === 'error') ? EXIT.FAILURE : EXIT.OK;
}

const KS_HELP = `usage: pxekit ks validate FILE [--release R] [--json]
       pxekit ks flatten FILE               (resolves %include and %ksappend from the file system)

validate checks a kickstart against @pxekit/kickstart's command registry for release R (e.g. RHEL7,
RHEL9, F40; default: the file's #version= comment, else the newest). Exit 1 when it has errors.
`;

async function cmdKs(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    { json: { type: 'boolean' }, release: { type: 'string' } },
    true,
  );
  if (values.help) return help(io, KS_HELP);
  const [sub, file] = positionals;
  if ((sub !== 'validate' && sub !== 'flatten') || file === undefined) throw usage(KS_HELP.trimEnd());
  const path = resolve(io.cwd, file);
  const text = readText(io, file);
  const doc = parseKickstart(text);
  if (sub === 'flatten') {
    const out = await flattenKickstart(doc, { reader: createFileReader({ cwd: dirname(path) }), file: path });
    io.stdout(out);
    return EXIT.OK;
  }
  let version: ReturnType<typeof parseVersion> | undefined;
  if (values.release !== undefined) {
    version = parseVersion(values.release);
    if (version === null)
      throw usage(
        `--release ${values.release} is not known; one of ${listVersions()
          .map((v) => v.name)
          .join(', ')}`,
      );
  }
  const r = validateKickstart(doc, {
    file,
    ...(version === undefined || version === null ? {} : { version }),
  });
  if (values.json) io.stdout(json({ version: r.version.name, ok: r.ok, findings: r.findings }));
  else {
    for (const f of r.findings)
      io.stdout(`${f.file ?? file}:${f.line}:${f.column}: ${f.severity} ${f.message} (${f.code})\n`);
    io.stdout(`${file}: ${r.ok ? 'valid' : 'invalid'} for ${r.version.name}\n`);
  }
  void formatKickstart;
  return r.ok ? EXIT.OK : EXIT.FAILURE;
}

function readText(io: CliIo, file: string): string {
  const path = resolve(io.cwd, file);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new PxekitError(
      'PXEKIT_ERR_CONFIG_READ',
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

const BOOT_HELP = `usage: pxekit boot KERNEL [INITRD...] [--cmdline "ARGS"] [serve flags]

Serves one kernel (and its initrds) to every PXE client, as pixiecore does: BIOS clients get pxelinux.0,
UEFI clients syslinux.efi, iPXE clients an iPXE script, each with a one-entry menu that boots KERNEL with
ARGS. Runs beside your DHCP server (proxyDHCP) unless --dhcp-range (authoritative) or --no-dhcp is given.
Takes the serve flags --interface, --address, --dhcp-range, --router, --dns, --subnet, --no-dhcp,
--tftp-port, --http-port, --state-dir, --json.
`;

async function cmdBoot(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      cmdline: { type: 'string' },
      interface: { type: 'string', multiple: true },
      address: { type: 'string' },
      'tftp-port': { type: 'string' },
      'http-port': { type: 'string' },
      'dhcp-range': { type: 'string' },
      subnet: { type: 'string' },
      router: { type: 'string' },
      dns: { type: 'string', multiple: true },
      'no-dhcp': { type: 'boolean' },
      'state-dir': { type: 'string' },
      json: { type: 'boolean' },
    },
    true,
  );
  if (values.help) return help(io, BOOT_HELP);
  const [kernel, ...initrds] = positionals;
  if (kernel === undefined) throw usage('boot needs a kernel: pxekit boot KERNEL [INITRD...]');
  const extraFiles = new Map<string, string>();
  const place = (file: string): string => {
    const path = resolve(io.cwd, file);
    if (!existsSync(path)) throw new PxekitError('PXEKIT_ERR_CONFIG_READ', `cannot read ${path}: ENOENT`);
    const name = `pxekit-boot/${extraFiles.size}-${basename(path)}`;
    extraFiles.set(name, path);
    return name;
  };
  const kernelPath = place(kernel);
  const initrdPaths = initrds.map(place);
  let config = applyServeFlags(
    emptyConfig(io.cwd),
    { ...values, proxy: values['dhcp-range'] === undefined && values['no-dhcp'] !== true },
    io.cwd,
  );
  config = {
    ...config,
    tftp: { ...config.tftp, enabled: true },
    http: { ...config.http, enabled: true },
    profiles: new Map([
      [
        'default',
        { name: 'default', menu: 'boot', bios: { kind: 'pxelinux' }, uefiX64: { kind: 'syslinux-efi' } },
      ],
    ]),
    menus: new Map([
      [
        'boot',
        {
          name: 'boot',
          title: 'pxekit boot',
          timeout: 1,
          default: 'kernel',
          entries: [
            {
              kind: 'boot',
              id: 'kernel',
              label: basename(kernel),
              kernel: kernelPath,
              initrd: initrdPaths,
              append: values.cmdline ?? '',
            },
          ],
        },
      ],
    ]),
    defaults: { profile: 'default', unknownHosts: 'boot' },
  };
  return serveConfig(config, io, values.json === true, extraFiles);
}

const LEASES_HELP = `usage: pxekit leases [--url URL] [--json]

Shows the DHCP leases of a running pxekit (GET URL/api/leases; default http://127.0.0.1:8080).
`;

async function cmdLeases(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' }, url: { type: 'string' } });
  if (values.help) return help(io, LEASES_HELP);
  const base = (values.url ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  let leases: { mac: string; address: string; expiresAt: number; hostname?: string; state?: string }[];
  try {
    const res = await fetch(`${base}/api/leases`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    leases = (await res.json()) as typeof leases;
  } catch (e) {
    io.stderr(`pxekit: cannot read leases from ${base}: ${(e as Error).message}\n`);
    return EXIT.FAILURE;
  }
  if (values.json) io.stdout(json(leases));
  else {
    for (const l of leases) {
      io.stdout(
        `${l.address.padEnd(16)} ${l.mac}  ${(l.state ?? '').padEnd(8)} ${l.expiresAt >= INFINITE_LEASE ? 'never expires' : `until ${new Date(l.expiresAt).toISOString()}`}${l.hostname === undefined ? '' : `  ${l.hostname}`}\n`,
      );
    }
    if (leases.length === 0) io.stdout('no leases\n');
  }
  return EXIT.OK;
}

const EXAMPLE_HELP = `usage: pxekit example [--loopback] [--json]

Runs the bundled example config (packages/pxekit/example). In the pxekit monorepo, as root: brings up
the network lab, runs \`pxekit serve\` in it, PXE-boots a BIOS and a UEFI QEMU guest through it (DHCP,
TFTP, the generated menu, kernel, kickstart over HTTP), calls the install callback and prints each host's
boot timeline. Elsewhere (or with --loopback, or --json): serves the example on loopback (TFTP + HTTP),
plays a client through its menu, kickstart and install callback, and prints its timeline.
`;

function help(io: CliIo, text: string, code: number = EXIT.OK): number {
  (code === EXIT.OK ? io.stdout : io.stderr)(text);
  return code;
}

const COMMANDS: Record<string, Command> = {
  check: { help: CHECK_HELP, run: cmdCheck },
  explain: { help: EXPLAIN_HELP, run: cmdExplain },
  import: { help: IMPORT_HELP, run: cmdImport },
  serve: { help: SERVE_HELP, run: cmdServe },
  boot: { help: BOOT_HELP, run: cmdBoot },
  dhcp: { help: DHCP_HELP, run: cmdDhcp },
  tftp: { help: TFTP_HELP, run: cmdTftp },
  pxelinux: { help: PXELINUX_HELP, run: cmdPxelinux },
  ks: { help: KS_HELP, run: cmdKs },
  leases: { help: LEASES_HELP, run: cmdLeases },
  example: {
    help: EXAMPLE_HELP,
    run: async (args, io) => {
      const { values } = parse(args, { json: { type: 'boolean' }, loopback: { type: 'boolean' } });
      if (values.help) return help(io, EXAMPLE_HELP);
      return runExample(io, values.json === true, values.loopback === true);
    },
  },
};

/** Runs the CLI and returns its exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      const topic = name === 'help' ? rest[0] : undefined;
      if (topic !== undefined && COMMANDS[topic] !== undefined) return help(io, COMMANDS[topic].help);
      return help(io, MAIN_HELP, name === undefined ? EXIT.USAGE : EXIT.OK);
    }
    if (name === 'version' || name === '--version' || name === '-V') {
      io.stdout(`${PXEKIT_VERSION}\n`);
      return EXIT.OK;
    }
    const cmd = COMMANDS[name];
    if (cmd === undefined) throw usage(`unknown command ${JSON.stringify(name)}; run pxekit --help`);
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof PxekitError) {
      io.stderr(`pxekit: ${e.message}\n`);
      for (const d of e.details) io.stderr(`  ${d}\n`);
      if (e.code === 'PXEKIT_ERR_USAGE')
        io.stderr(
          `run: pxekit ${name !== undefined && COMMANDS[name] !== undefined ? `${name} ` : ''}--help\n`,
        );
      return EXIT_BY_CODE[e.code];
    }
    const err = e as Error & { code?: unknown };
    io.stderr(`pxekit: ${typeof err.code === 'string' ? `${err.code}: ` : ''}${err.message ?? String(e)}\n`);
    if (io.env.PXEKIT_DEBUG === '1' && err.stack !== undefined) io.stderr(`${err.stack}\n`);
    return typeof err.code === 'string' ? EXIT.FAILURE : EXIT.INTERNAL;
  }
}

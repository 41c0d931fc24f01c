import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { registerCleanup } from './cleanup.js';
import { LabError, LabErrorCode } from './errors.js';
import {
  type Daemon,
  type DaemonOptions,
  type RunOptions,
  type RunResult,
  run,
  runOk,
  spawnDaemon,
} from './exec.js';

/**
 * Every namespace the lab creates is named `pxk-<pid>-<n>-<name>-<role>`: the PID lets a later run
 * recognise leftovers of a dead process (and leave a live one's lab alone), `<n>` keeps two labs of one
 * process apart.
 */
export const NETNS_PREFIX = 'pxk-';
const STALE = /^pxk-(\d+)-/;

/** Roles the lab always has, plus `c1`, `c2`, ... for clients and any name given to `addHost`. */
export type LabRole = 'switch' | 'server' | 'ra' | (string & {});

export interface CreateLabOptions {
  /** Short label for the namespace names, [a-z0-9], at most 12 characters. */
  name: string;
  /**
   * The lab's /24 as its first three octets, e.g. '10.99.0'. Default: 10.99.<k>, with k derived from
   * the PID and a per-process counter so labs side by side have different subnets in their traces.
   */
  subnet?: string;
  /** How many client namespaces (`c1`..`cN`, each with `eth0` and no address). Default 1. */
  clients?: number;
  /** Start an IPv6 router-advertisement sender in the `ra` namespace (iPXE boots ~13 s faster). Default false. */
  ra?: boolean;
  /** How many taps (`tap0`..) to put on the bridge for QEMU guests. Default 0. */
  taps?: number;
}

export interface LabHost {
  /** Role within the lab: 'server', 'ra', 'c1', ... */
  role: string;
  /** The namespace name (for `ip netns exec` / {@link RunOptions.netns}). */
  netns: string;
  /** The interface inside the namespace that plugs into the bridge. */
  ifname: string;
  /** Its MAC address, lower-case colon form. */
  mac: string;
  /** IPv4 address without prefix length, when the host has one. */
  ip?: string;
}

export interface Lab {
  readonly name: string;
  /** Prefix of every namespace of this lab. */
  readonly prefix: string;
  /** First three octets of the lab's /24, e.g. '10.99.0'. */
  readonly subnet: string;
  /** e.g. '10.99.0.0/24'. */
  readonly cidr: string;
  /** The server namespace's address, `<subnet>.1`. */
  readonly serverIp: string;
  /** The switch namespace (bridge `br0`, taps, tshark). */
  readonly switchNs: string;
  readonly server: LabHost;
  readonly clients: readonly LabHost[];
  /** Tap interface names in the switch namespace, for QEMU. */
  readonly taps: readonly string[];
  /** The RA sender, when `ra: true`. */
  readonly raSender: Daemon | undefined;
  /** `<subnet>.<n>`. */
  ip(n: number): string;
  /** Namespace name for a role ('switch', 'server', 'c1', ...) or a namespace name passed through. */
  netns(role: LabRole): string;
  /** Adds a namespace with a veth into the bridge (and an address when `ip` is given). */
  addHost(role: string, options?: { ip?: string }): Promise<LabHost>;
  /** Adds a client namespace `c<N+1>`. */
  addClient(): Promise<LabHost>;
  /** Adds a tap to the bridge; returns its name. */
  addTap(): Promise<string>;
  /** Runs a command in a lab namespace (see {@link run}). */
  exec(
    role: LabRole,
    cmd: string,
    args: readonly string[],
    options?: Partial<RunOptions>,
  ): Promise<RunResult>;
  /** Starts a daemon in a lab namespace (see {@link spawnDaemon}); it is stopped by `close()` at the latest. */
  spawn(role: LabRole, cmd: string, args: readonly string[], options?: Omit<DaemonOptions, 'netns'>): Daemon;
  /** Stops every daemon the lab started, kills what is left in its namespaces and deletes them. */
  close(): Promise<void>;
}

let labCounter = 0;

/** Removes namespaces of our prefix whose owning process is gone (after a crash or SIGKILL). */
export function sweepStaleNamespaces(): string[] {
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 });
  const removed: string[] = [];
  for (const line of (list.stdout ?? '').split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = STALE.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    deleteNamespaceSync(name);
    removed.push(name);
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Kills every process in a namespace, deletes it and its /etc/netns directory. Synchronous. */
export function deleteNamespaceSync(netns: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', netns], { encoding: 'utf8', timeout: 10_000 });
  for (const p of (pids.stdout ?? '').split(/\s+/)) {
    const pid = Number(p);
    if (pid > 1 && pid !== process.pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  spawnSync('ip', ['netns', 'del', netns], { timeout: 10_000 });
  rmSync(`/etc/netns/${netns}`, { recursive: true, force: true });
}

function macFor(labIndex: number, host: number): string {
  // Locally administered unicast (02:...), 'PX' in the second and third octet.
  const b = [
    0x02,
    0x50,
    0x58,
    (process.pid >> 8) & 0xff,
    ((process.pid & 0xff) + labIndex) & 0xff,
    host & 0xff,
  ];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/**
 * Builds an isolated L2 segment out of network namespaces:
 *
 * ```
 * <prefix>-switch : bridge br0 (no IP), veth peers p-<role>, taps tap0.. for QEMU
 * <prefix>-server : eth0 <subnet>.1/24       the server under test
 * <prefix>-c1..   : eth0, no address        DHCP / TFTP clients
 * <prefix>-ra     : eth0 <subnet>.3/24 + fd99:<k>::3/64, sends IPv6 RAs only (option `ra`)
 * ```
 * Nothing is added to the host's root namespace. Always `close()` it (afterAll / finally); if the
 * process dies first, its exit handlers delete the namespaces, and the next lab sweeps what a SIGKILL left.
 *
 * @example
 * const lab = await createLab({ name: 'dhcp', clients: 3 });
 * try {
 *   const srv = lab.spawn('server', 'dnsmasq', ['--keep-in-foreground', ...]);
 *   await lab.exec('c1', 'udhcpc', ['-i', 'eth0', '-n', '-q'], { timeoutMs: 20_000 });
 * } finally {
 *   await lab.close();
 * }
 */
export async function createLab(options: CreateLabOptions): Promise<Lab> {
  const label = options.name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (label.length === 0 || label.length > 12) {
    throw new LabError(
      LabErrorCode.UNAVAILABLE,
      `createLab: name must have 1-12 of [a-z0-9], got ${options.name}`,
    );
  }
  if (process.getuid?.() !== 0) throw new LabError(LabErrorCode.UNAVAILABLE, 'createLab needs root');
  sweepStaleNamespaces();
  const index = ++labCounter;
  const prefix = `${NETNS_PREFIX}${process.pid}-${index}-${label}`;
  const k = (((process.pid % 250) + index * 17) % 250) + 1;
  const subnet = options.subnet ?? `10.99.${k}`;
  if (!/^\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(subnet)) {
    throw new LabError(
      LabErrorCode.UNAVAILABLE,
      `createLab: subnet must be three octets like 10.99.0, got ${subnet}`,
    );
  }
  const ip = (n: number): string => `${subnet}.${n}`;
  const namespaces: string[] = [];
  const daemons: Daemon[] = [];
  const hosts = new Map<string, LabHost>();
  const taps: string[] = [];
  let hostCount = 0;
  let closed = false;
  const opts = { timeoutMs: 15_000 };

  const release = registerCleanup(() => {
    for (const ns of [...namespaces].reverse()) deleteNamespaceSync(ns);
  });

  const nsName = (role: string): string => `${prefix}-${role}`;
  const addNamespace = async (role: string): Promise<string> => {
    const ns = nsName(role);
    namespaces.push(ns);
    await runOk('ip', ['netns', 'add', ns], opts);
    await runOk('ip', ['-n', ns, 'link', 'set', 'lo', 'up'], opts);
    // `ip netns exec` bind-mounts /etc/netns/<ns>/* over /etc/*: DHCP client hooks that write
    // resolv.conf write this file, never the host's.
    mkdirSync(`/etc/netns/${ns}`, { recursive: true });
    writeFileSync(`/etc/netns/${ns}/resolv.conf`, '# pxekit lab namespace\n');
    return ns;
  };

  const switchNs = await (async () => {
    try {
      const ns = await addNamespace('switch');
      await runOk(
        'ip',
        ['-n', ns, 'link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0'],
        opts,
      );
      await runOk('ip', ['-n', ns, 'link', 'set', 'br0', 'type', 'bridge', 'mcast_snooping', '0'], opts);
      await runOk('ip', ['-n', ns, 'link', 'set', 'br0', 'up'], opts);
      return ns;
    } catch (err) {
      for (const ns of namespaces) deleteNamespaceSync(ns);
      release();
      throw err;
    }
  })();

  const netns = (role: LabRole): string => {
    if (role === 'switch') return switchNs;
    if (role.startsWith(NETNS_PREFIX)) return role;
    const h = hosts.get(role);
    if (!h) throw new LabError(LabErrorCode.UNAVAILABLE, `lab ${label}: no host with role ${role}`);
    return h.netns;
  };

  const addHost = async (role: string, hostOptions: { ip?: string } = {}): Promise<LabHost> => {
    if (hosts.has(role) || role === 'switch' || !/^[a-z0-9]{1,8}$/.test(role)) {
      throw new LabError(LabErrorCode.UNAVAILABLE, `lab ${label}: bad or duplicate role ${role}`);
    }
    const ns = await addNamespace(role);
    const mac = macFor(index, ++hostCount);
    const port = `p-${role}`;
    await runOk(
      'ip',
      ['-n', switchNs, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns],
      opts,
    );
    await runOk('ip', ['-n', switchNs, 'link', 'set', port, 'master', 'br0', 'up'], opts);
    await runOk('ip', ['-n', ns, 'link', 'set', 'eth0', 'address', mac, 'up'], opts);
    if (hostOptions.ip !== undefined) {
      await runOk('ip', ['-n', ns, 'addr', 'add', `${hostOptions.ip}/24`, 'dev', 'eth0'], opts);
    }
    const host: LabHost = {
      role,
      netns: ns,
      ifname: 'eth0',
      mac,
      ...(hostOptions.ip === undefined ? {} : { ip: hostOptions.ip }),
    };
    hosts.set(role, host);
    return host;
  };

  const addTap = async (): Promise<string> => {
    const tap = `tap${taps.length}`;
    await runOk('ip', ['-n', switchNs, 'tuntap', 'add', 'dev', tap, 'mode', 'tap'], opts);
    await runOk('ip', ['-n', switchNs, 'link', 'set', tap, 'master', 'br0', 'up'], opts);
    taps.push(tap);
    return tap;
  };

  const spawnIn = (
    role: LabRole,
    cmd: string,
    args: readonly string[],
    o: Omit<DaemonOptions, 'netns'> = {},
  ) => {
    const d = spawnDaemon(cmd, args, { ...o, netns: netns(role) });
    daemons.push(d);
    return d;
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await Promise.all(daemons.map((d) => d.stop().catch(() => undefined)));
    for (const ns of [...namespaces].reverse()) deleteNamespaceSync(ns);
    release();
  };

  try {
    const server = await addHost('server', { ip: ip(1) });
    const clients: LabHost[] = [];
    for (let i = 1; i <= (options.clients ?? 1); i++) clients.push(await addHost(`c${i}`));
    for (let i = 0; i < (options.taps ?? 0); i++) await addTap();
    let raSender: Daemon | undefined;
    if (options.ra) raSender = await startRaSender(await addHost('ra', { ip: ip(3) }), k, spawnIn);

    return {
      name: label,
      prefix,
      subnet,
      cidr: `${subnet}.0/24`,
      serverIp: ip(1),
      switchNs,
      server,
      clients,
      taps,
      raSender,
      ip,
      netns,
      addHost,
      async addClient() {
        const host = await addHost(`c${clients.length + 1}`);
        clients.push(host);
        return host;
      },
      addTap,
      exec: (role, cmd, args, o = {}) => run(cmd, args, { timeoutMs: 30_000, ...o, netns: netns(role) }),
      spawn: spawnIn,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * IPv6 router advertisements only (no DHCPv6, no DNS, no DHCPv4), from dnsmasq (already a lab
 * package). Without any RA on the segment iPXE waits ~13 s for IPv6 autoconfiguration before it boots.
 */
async function startRaSender(
  host: LabHost,
  k: number,
  spawnIn: (role: LabRole, cmd: string, args: readonly string[], o?: Omit<DaemonOptions, 'netns'>) => Daemon,
): Promise<Daemon> {
  const prefix6 = `fd99:0:0:${k.toString(16)}::`;
  await runOk('ip', ['-n', host.netns, '-6', 'addr', 'add', `${prefix6}3/64`, 'dev', 'eth0', 'nodad'], {
    timeoutMs: 10_000,
  });
  // A router in IPv6 terms (procps' sysctl is not on a minimal Debian; /proc/sys/net is per namespace).
  await runOk('sh', ['-c', 'echo 1 > /proc/sys/net/ipv6/conf/all/forwarding'], {
    netns: host.netns,
    timeoutMs: 10_000,
  });
  const d = spawnIn(
    host.role,
    'dnsmasq',
    [
      '--keep-in-foreground',
      '--log-facility=-',
      '--port=0',
      '--no-resolv',
      '--no-hosts',
      '--conf-file=/dev/null',
      `--pid-file=`,
      '--interface=eth0',
      '--bind-interfaces',
      '--enable-ra',
      `--dhcp-range=${prefix6},ra-only,64,1h`,
      '--ra-param=eth0,10,600',
      '--dhcp-leasefile=/dev/null',
    ],
    { name: 'dnsmasq-ra' },
  );
  await d.waitForOutput(/started, version|router advertisement on/, 10_000);
  return d;
}

import { chmodSync, writeFileSync } from 'node:fs';
import { LabError, LabErrorCode } from './errors.js';
import type { Daemon } from './exec.js';
import type { Lab } from './netlab.js';
import { makeTempDir } from './tmp.js';

/**
 * Reference servers (Debian packages) started in a lab namespace, so a test can swap the server under
 * test: the same client side runs against `startDnsmasq` today and against pxekit later. Each returns a
 * {@link Daemon} that `lab.close()` stops at the latest.
 */

export interface DnsmasqOptions {
  /** Namespace role to run in. Default 'server' (address `lab.serverIp`). */
  role?: string;
  /** DHCP pool, host numbers within the lab's /24. Default 100..150. Omit DHCP with `dhcp: false`. */
  range?: [number, number];
  dhcp?: boolean;
  /** Router option (3). Default the server's address. */
  router?: string;
  /**
   * Boot file name (BOOTP `file`), one for every client or per architecture (RFC 4578 option 93:
   * 0 = BIOS, 7 and 9 = x86-64 UEFI), and next-server (`siaddr`, default the server's address).
   */
  bootFile?: string | { bios: string; efi64: string };
  nextServer?: string;
  /** Serve TFTP from this directory. */
  tftpRoot?: string;
  /**
   * Listen on this address only (`--listen-address`) instead of the whole `eth0`, so other servers can
   * share the namespace on other addresses (e.g. a benchmark running several TFTP servers at once).
   */
  listenAddress?: string;
  /** More dnsmasq arguments. */
  extraArgs?: readonly string[];
}

/** Debian packages for {@link startDnsmasq}. */
export const DNSMASQ_PACKAGES: readonly string[] = ['dnsmasq-base'];

/**
 * dnsmasq as a DHCP (and optionally TFTP) server: no DNS (`--port=0`), no resolv.conf or hosts file,
 * no ping before an OFFER (`--no-ping`, ~3 s saved), lease file in a temp dir, in the foreground,
 * logging every DHCP exchange to stderr. Resolves once it is serving.
 */
export async function startDnsmasq(lab: Lab, options: DnsmasqOptions = {}): Promise<Daemon> {
  const role = options.role ?? 'server';
  const dir = makeTempDir('dnsmasq');
  const [lo, hi] = options.range ?? [100, 150];
  const args = [
    '--keep-in-foreground',
    '--log-facility=-',
    '--conf-file=/dev/null',
    '--port=0',
    '--no-resolv',
    '--no-hosts',
    '--pid-file=',
    '--user=root',
    options.listenAddress === undefined ? '--interface=eth0' : `--listen-address=${options.listenAddress}`,
    '--bind-interfaces',
    '--no-ping',
    '--log-dhcp',
    `--dhcp-leasefile=${dir.join('leases')}`,
  ];
  if (options.dhcp !== false) {
    args.push(
      `--dhcp-range=${lab.ip(lo)},${lab.ip(hi)},255.255.255.0,1h`,
      `--dhcp-option=option:router,${options.router ?? lab.serverIp}`,
    );
    const next = options.nextServer ?? lab.serverIp;
    if (typeof options.bootFile === 'string') args.push(`--dhcp-boot=${options.bootFile},,${next}`);
    else if (options.bootFile) {
      args.push(
        '--dhcp-match=set:efi64,option:client-arch,7',
        '--dhcp-match=set:efi64,option:client-arch,9',
        `--dhcp-boot=tag:efi64,${options.bootFile.efi64},,${next}`,
        `--dhcp-boot=tag:!efi64,${options.bootFile.bios},,${next}`,
      );
    }
  }
  if (options.tftpRoot !== undefined) {
    chmodSync(options.tftpRoot, 0o755);
    args.push('--enable-tftp', `--tftp-root=${options.tftpRoot}`);
  }
  args.push(...(options.extraArgs ?? []));
  const d = lab.spawn(role, 'dnsmasq', args, { name: 'dnsmasq' });
  await d.waitForOutput(/started, version/, 15_000);
  return d;
}

/** Debian packages for {@link startTftpdHpa}. */
export const TFTPD_HPA_PACKAGES: readonly string[] = ['tftpd-hpa'];

/**
 * tftpd-hpa serving `root` on `<address>:69` in the foreground, verbose (`-v` logs each request to
 * syslog, which is absent here, so readiness is checked by the socket). Options blksize/tsize/timeout
 * are supported by in.tftpd itself.
 */
export async function startTftpdHpa(
  lab: Lab,
  root: string,
  options: { role?: string } = {},
): Promise<Daemon> {
  const role = options.role ?? 'server';
  const host = lab.netns(role) === lab.server.netns ? lab.serverIp : undefined;
  chmodSync(root, 0o755);
  const d = lab.spawn(
    role,
    'in.tftpd',
    ['--foreground', '--listen', '--user', 'root', '--address', `${host ?? '0.0.0.0'}:69`, '--secure', root],
    { name: 'in.tftpd' },
  );
  // in.tftpd prints nothing when ready: wait until UDP 69 is bound in its namespace.
  for (let i = 0; i < 100; i++) {
    const ss = await lab.exec(role, 'ss', ['-uln', 'sport = :69'], { timeoutMs: 5000 });
    if (ss.stdout.includes(':69')) return d;
    if (d.exitStatus) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = d.exitStatus !== undefined;
  await d.stop();
  throw new LabError(
    exited ? LabErrorCode.EXITED : LabErrorCode.TIMEOUT,
    `in.tftpd did not bind UDP 69 in ${lab.netns(role)}:\n${d.output}`,
  );
}

/** busybox httpd serving `root` on port 80 of the role's address (for the guest's `pxekit.url`). */
export async function startBusyboxHttpd(
  lab: Lab,
  root: string,
  options: { role?: string; port?: number } = {},
): Promise<Daemon> {
  chmodSync(root, 0o755);
  const port = options.port ?? 80;
  const d = lab.spawn(
    options.role ?? 'server',
    'busybox',
    ['httpd', '-f', '-vv', '-p', String(port), '-h', root],
    {
      name: 'busybox-httpd',
    },
  );
  for (let i = 0; i < 100; i++) {
    const ss = await lab.exec(options.role ?? 'server', 'ss', ['-tln', `sport = :${port}`], {
      timeoutMs: 5000,
    });
    if (ss.stdout.includes(`:${port}`)) return d;
    if (d.exitStatus) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = d.exitStatus !== undefined;
  await d.stop();
  throw new LabError(
    exited ? LabErrorCode.EXITED : LabErrorCode.TIMEOUT,
    `busybox httpd did not listen on ${port}:\n${d.output}`,
  );
}

/** Debian packages for {@link startKea}. */
export const KEA_PACKAGES: readonly string[] = ['kea-dhcp4-server'];

export interface KeaOptions {
  /** Namespace role to run in. Default 'server'. */
  role?: string;
  /** DHCP pool, host numbers within the lab's /24. Default 100..150. */
  range?: [number, number];
  /** Router option (3). Default the role's address. */
  router?: string;
  /** BOOTP `file` and `siaddr` for every client. */
  bootFile?: string;
  nextServer?: string;
  /** Merged into the `Dhcp4` object of the generated config (e.g. option-data, client-classes). */
  extra?: Record<string, unknown>;
}

/**
 * ISC Kea (kea-dhcp4) as the "site" DHCP server, e.g. beside a proxyDHCP server under test: memfile
 * leases, lock and pid files in a temp dir, no control socket, logging to stdout. Resolves once it
 * serves.
 */
export async function startKea(lab: Lab, options: KeaOptions = {}): Promise<Daemon> {
  const role = options.role ?? 'server';
  const host = role === 'server' ? lab.server : undefined;
  const self = host?.ip ?? (await roleAddress(lab, role));
  const dir = makeTempDir('kea');
  chmodSync(dir.path, 0o755);
  const [lo, hi] = options.range ?? [100, 150];
  const config = {
    Dhcp4: {
      'interfaces-config': { interfaces: ['eth0'], 'dhcp-socket-type': 'raw' },
      'lease-database': { type: 'memfile', persist: true, name: dir.join('leases.csv'), 'lfc-interval': 0 },
      'valid-lifetime': 3600,
      subnet4: [
        {
          id: 1,
          subnet: lab.cidr,
          pools: [{ pool: `${lab.ip(lo)} - ${lab.ip(hi)}` }],
          'option-data': [{ name: 'routers', data: options.router ?? self }],
          ...(options.bootFile === undefined
            ? {}
            : { 'boot-file-name': options.bootFile, 'next-server': options.nextServer ?? self }),
        },
      ],
      loggers: [{ name: 'kea-dhcp4', severity: 'INFO', output_options: [{ output: 'stdout' }] }],
      ...options.extra,
    },
  };
  const conf = dir.join('kea-dhcp4.conf');
  writeFileSync(conf, JSON.stringify(config, null, 2));
  const d = lab.spawn(role, 'kea-dhcp4', ['-c', conf], {
    name: 'kea-dhcp4',
    env: { KEA_LOCKFILE_DIR: dir.path, KEA_PIDFILE_DIR: dir.path },
  });
  await d.waitForOutput(/DHCP4_STARTED|DHCPSRV_CFGMGR_NEW_SUBNET4|server version .* started/, 20_000);
  return d;
}

async function roleAddress(lab: Lab, role: string): Promise<string> {
  const r = await lab.exec(role, 'ip', ['-4', '-o', 'addr', 'show', 'dev', 'eth0'], { timeoutMs: 5000 });
  const ip = /inet ([\d.]+)\//.exec(r.stdout)?.[1];
  if (!ip)
    throw new LabError(
      LabErrorCode.UNAVAILABLE,
      `startKea: ${role} has no IPv4 address on eth0 (give it one with lab.addHost(role, { ip }))`,
    );
  return ip;
}

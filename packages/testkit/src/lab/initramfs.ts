import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bootFile, findKernel } from './bootfiles.js';
import { type CpioEntry, encodeCpio, S_IFCHR, S_IFDIR, S_IFREG } from './cpio.js';
import { LabError, LabErrorCode } from './errors.js';

/** NIC drivers the guest can load. */
export type GuestNic = 'e1000' | 'virtio';

/** Top-level modules per NIC; their dependencies come from modules.dep. */
const NIC_MODULES: Record<GuestNic, readonly string[]> = {
  e1000: ['e1000'],
  virtio: ['virtio_pci', 'virtio_net'],
};

// From source this module is src/lab/initramfs.ts; from the build it is bundled into dist/*.js. The
// assets folder sits at the package root either way.
const ASSETS =
  [join(import.meta.dirname, '../../assets'), join(import.meta.dirname, '../assets')].find((d) =>
    existsSync(join(d, 'init.sh')),
  ) ?? join(import.meta.dirname, '../../assets');

/**
 * Module files (relative to /lib/modules/<release>) for `names` in load order, dependencies first,
 * resolved from a modules.dep text. Pure; exported for its unit test.
 */
export function resolveModuleOrder(modulesDep: string, names: readonly string[]): string[] {
  const deps = new Map<string, string[]>();
  const byName = new Map<string, string>();
  for (const line of modulesDep.split('\n')) {
    const [file, rest] = line.split(':');
    if (!file || rest === undefined) continue;
    deps.set(file, rest.trim().split(/\s+/).filter(Boolean));
    byName.set(
      basename(file)
        .replace(/\.ko(\.(xz|zst|gz))?$/, '')
        .replace(/-/g, '_'),
      file,
    );
  }
  const order: string[] = [];
  const visit = (file: string, depth: number): void => {
    if (order.includes(file)) return;
    if (depth > 64) throw new LabError(LabErrorCode.MISSING_FILE, `module dependency loop at ${file}`);
    for (const d of deps.get(file) ?? []) visit(d, depth + 1);
    if (!order.includes(file)) order.push(file);
  };
  for (const n of names) {
    const file = byName.get(n.replace(/-/g, '_'));
    if (!file) throw new LabError(LabErrorCode.MISSING_FILE, `kernel module ${n} not in modules.dep`);
    visit(file, 0);
  }
  return order;
}

function readModule(path: string): Uint8Array {
  const tool = path.endsWith('.xz')
    ? 'xz'
    : path.endsWith('.zst')
      ? 'zstd'
      : path.endsWith('.gz')
        ? 'gzip'
        : '';
  if (!tool) return readFileSync(path);
  const r = spawnSync(tool, ['-dc', path], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  if (r.status !== 0 || !r.stdout) {
    throw new LabError(
      LabErrorCode.MISSING_FILE,
      `cannot decompress ${path} with ${tool}: ${r.stderr?.toString()}`,
    );
  }
  return r.stdout;
}

export interface Initramfs {
  /** gzip-compressed newc cpio archive. */
  bytes: Uint8Array;
  /** The kernel it matches (its modules are inside). */
  kernel: string;
  release: string;
  /** Module files in load order. */
  modules: string[];
}

const cache = new Map<string, Initramfs>();

/**
 * Builds (once per process and NIC set) the lab guest's initramfs: busybox-static, the NIC modules of
 * the installed kernel, and an /init (assets/init.sh) that brings the NIC up with udhcpc, prints
 * `PXEKIT-TOKEN <pxekit.token>`, fetches `pxekit.url`, and powers off. Boot it with
 * `console=ttyS0,115200 pxekit.token=... pxekit.url=...` on the kernel command line.
 *
 * @example
 * const { bytes, kernel } = buildInitramfs(['e1000', 'virtio']);
 * writeFileSync(join(tftpRoot, 'initrd.img'), bytes);
 * copyFileSync(kernel, join(tftpRoot, 'vmlinuz'));
 */
export function buildInitramfs(nics: readonly GuestNic[] = ['e1000', 'virtio']): Initramfs {
  const key = [...new Set(nics)].sort().join(',');
  const hit = cache.get(key);
  if (hit) return hit;
  const { kernel, release, modules: modDir } = findKernel();
  const order = resolveModuleOrder(
    readFileSync(join(modDir, 'modules.dep'), 'utf8'),
    [...new Set(nics)].flatMap((n) => NIC_MODULES[n]),
  );
  const dir = (name: string): CpioEntry => ({ name, mode: S_IFDIR | 0o755 });
  const file = (name: string, data: Uint8Array, mode = 0o644): CpioEntry => ({
    name,
    mode: S_IFREG | mode,
    data,
  });
  const text = (t: string): Uint8Array => new TextEncoder().encode(t);
  const moduleNames = order.map((f) => basename(f).replace(/\.(xz|zst|gz)$/, ''));
  const entries: CpioEntry[] = [
    ...[
      'bin',
      'sbin',
      'usr',
      'usr/bin',
      'usr/sbin',
      'etc',
      'dev',
      'proc',
      'sys',
      'tmp',
      'run',
      'lib',
      'lib/modules',
    ].map(dir),
    // The kernel opens /dev/console for init's stdio before /init can mount devtmpfs.
    { name: 'dev/console', mode: S_IFCHR | 0o600, rdevMajor: 5, rdevMinor: 1 },
    file('bin/busybox', readFileSync(bootFile('busybox')), 0o755),
    file('init', readFileSync(join(ASSETS, 'init.sh')), 0o755),
    file('etc/udhcpc.script', readFileSync(join(ASSETS, 'udhcpc.script')), 0o755),
    // busybox-static is linked against glibc: its wget resolves the "http" service and host through
    // NSS, which without these files (and no libnss_* to dlopen) crashes. glibc >= 2.34 has "files" built in.
    file('etc/nsswitch.conf', text('hosts: files\nservices: files\nprotocols: files\nnetworks: files\n')),
    file('etc/services', text('ftp 21/tcp\nhttp 80/tcp www\ntftp 69/udp\nhttps 443/tcp\n')),
    file('etc/protocols', text('ip 0 IP\nicmp 1 ICMP\ntcp 6 TCP\nudp 17 UDP\n')),
    file('etc/hosts', text('127.0.0.1 localhost\n')),
    file('etc/passwd', text('root:x:0:0:root:/:/bin/sh\n')),
    file('etc/group', text('root:x:0:\n')),
    file('etc/modules.order', new TextEncoder().encode(`${moduleNames.join('\n')}\n`)),
    ...order.map((f, i) => file(`lib/modules/${moduleNames[i]}`, readModule(join(modDir, f)))),
  ];
  const built: Initramfs = { bytes: gzipSync(encodeCpio(entries)), kernel, release, modules: moduleNames };
  cache.set(key, built);
  return built;
}

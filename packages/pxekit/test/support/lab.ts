/**
 * Shared pieces of pxekit's lab tests: `pxekit serve` as its own process inside the lab's server
 * namespace (from the TypeScript sources, no build), its JSON-line timeline, and a guest boot that
 * checks the kickstart the guest fetched was rendered for its MAC.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Daemon, type Lab, spawnDaemon, startVm, type TempDir, writePxeTree } from '@pxekit/testkit/lab';

const ROOT = join(import.meta.dirname, '../../../..');
const SERVE = [
  '--conditions=@pxekit/source',
  '--import',
  join(import.meta.dirname, 'register.mjs'),
  join(ROOT, 'packages/pxekit/src/cli.ts'),
  'serve',
];

export interface TimelineEvent {
  readonly type: string;
  readonly mac?: string;
  readonly path?: string;
  readonly proxy?: boolean;
  readonly bootFile?: string;
  /** `boot.decision`: the reason trace. */
  readonly reason?: readonly string[];
}

/** The lab kernel and initramfs in `<dir>/tftp`, without the efi64/ copies (pxekit must cope). */
export function writeGuestFiles(dir: TempDir): string {
  const tree = writePxeTree(dir.join('tftp'), { token: 'unused' });
  rmSync(dir.join('tftp/efi64/vmlinuz'), { force: true });
  rmSync(dir.join('tftp/efi64/initrd.img'), { force: true });
  writeFileSync(
    dir.join('ks.cfg'),
    '# kickstart for {{ host.name }} {{ host.mac }} from {{ server.address }}\n',
  );
  return tree.root;
}

/**
 * The `server`, `dhcp`, `tftp` and `http` sections of a lab config: pxekit on the lab's server interface,
 * TFTP from `tftpRoot`, HTTP on 8080, and by default authoritative DHCP for the lab's subnet (pool
 * .100–.150, the server as router); pass `dhcp` (the section's value) for another mode.
 */
export function serverSections(lab: Lab, tftpRoot: string, dhcp?: string): string {
  const s = lab.subnet;
  return `server: { interfaces: [${lab.server.ifname}], address: ${lab.serverIp}, stateDir: ./state }
dhcp: ${
    dhcp ??
    `
  mode: authoritative
  subnets:
    - { subnet: ${lab.cidr}, ranges: [${s}.100-${s}.150], routers: [${lab.serverIp}], leaseTime: 10m }`
  }
tftp: { root: ${tftpRoot} }
http: { port: 8080 }
`;
}

/** Profiles, menu and kickstart shared by the lab configs; the guest prints `token` and fetches its kickstart. */
export function bootSections(token: string): string {
  return `profiles:
  default: { menu: lab, bios: pxelinux, uefiX64: syslinux-efi }
menus:
  lab:
    title: pxekit lab menu
    timeout: 1
    entries:
      - id: guest
        label: lab guest
        kernel: vmlinuz
        initrd: initrd.img
        append: "console=ttyS0,115200 quiet panic=-1 pxekit.token=${token} pxekit.url={{ kickstart.url }}"
        kickstart: ks
      - { id: local, label: local disk, localBoot: true }
kickstarts:
  ks: { template: ./ks.cfg }
`;
}

export interface Pxekit {
  readonly daemon: Daemon;
  events(mac: string): TimelineEvent[];
  stop(): Promise<unknown>;
}

/** Starts `pxekit serve -c <dir>/pxekit.yaml --json` in the server namespace; resolves when it serves. */
export async function startPxekit(lab: Lab, dir: TempDir, configYaml: string): Promise<Pxekit> {
  writeFileSync(dir.join('pxekit.yaml'), configYaml);
  const daemon = spawnDaemon(process.execPath, [...SERVE, '-c', dir.join('pxekit.yaml'), '--json'], {
    netns: lab.server.netns,
    cwd: dir.path,
    name: 'pxekit',
  });
  for (let i = 0; i < 150 && !/pxekit serving|pxekit: /.test(daemon.output); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!/pxekit serving/.test(daemon.output)) {
    await daemon.stop();
    throw new Error(`pxekit did not start:\n${daemon.output}`);
  }
  return {
    daemon,
    events: (mac) =>
      daemon.output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as TimelineEvent)
        .filter((e) => e.mac === mac),
    stop: () => daemon.stop(),
  };
}

export type GuestKind = 'bios' | 'uefi';

/**
 * Boots one guest, waits for its token and the kickstart body, checks the body was rendered for its MAC;
 * returns the guest's MAC and how long it took.
 */
export async function bootGuest(
  lab: Lab,
  kind: GuestKind,
  token: string,
  pxekit: Pxekit,
  opts: { tap?: string; mac?: string } = {},
): Promise<{ mac: string; ms: number }> {
  const vm = await startVm(lab, {
    ...(kind === 'bios'
      ? { firmware: 'bios', nic: 'e1000' }
      : { firmware: 'uefi', nic: 'virtio', ovmfPxe: true }),
    ...(opts.tap === undefined ? {} : { tap: opts.tap }),
    ...(opts.mac === undefined ? {} : { mac: opts.mac }),
  });
  try {
    const m = await vm.waitForSerial(/PXEKIT-TOKEN (\S+)/, 240_000);
    if (m[1] !== token) throw new Error(`token ${m[1]} is not ${token}`);
    const body = await vm.waitForSerial(/PXEKIT-BODY-BEGIN\r?\n([\s\S]*?)PXEKIT-BODY-END/, 60_000);
    const want = `# kickstart for pxe-${vm.mac.replace(/:/g, '')} ${vm.mac} from ${lab.serverIp}`;
    if (body[1]?.trim() !== want)
      throw new Error(`kickstart body ${JSON.stringify(body[1])}, expected ${JSON.stringify(want)}`);
    return { mac: vm.mac, ms: vm.elapsedMs() };
  } catch (err) {
    const errors = vm.serial.split(/\r?\n/).filter((l) => l.startsWith('PXEKIT-'));
    throw new Error(
      `${kind} guest ${vm.mac}: ${(err as Error).message.split('\n')[0]}\n--- guest\n${errors.join('\n')}\n--- pxekit\n${pxekit.daemon.output.slice(-3000)}`,
    );
  } finally {
    await vm.stop();
  }
}

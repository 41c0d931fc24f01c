/**
 * The README's main job: bring up the network lab (namespaces, a bridge, a tap), start `pxekit serve` with
 * the bundled example config inside the lab's server namespace, and PXE-boot QEMU guests through it — a
 * BIOS guest (QEMU's iPXE ROM) and a UEFI guest (OVMF's own PXE, syslinux.efi). Each guest gets its
 * address, boot loader and menu from pxekit, boots the kernel and the lab initramfs, and fetches its
 * kickstart over HTTP; then the install callback is called and the host's boot timeline is printed.
 *
 * This needs the monorepo's lab (@pxekit/testkit, a development package), root, and QEMU; `runExampleVm`
 * returns undefined when any of that is missing, and the caller runs the loopback example instead.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { type BootEvent, formatEvent } from '../events.js';
import type { CliIo } from './main.js';

/** The part of @pxekit/testkit/lab used here (it is a development package: loaded only if present). */
interface LabModule {
  labStatus(o: { packages: string[]; needs: string[] }): Promise<{ ok: boolean; reason?: string }>;
  QEMU_PACKAGES: readonly string[];
  BOOT_FILE_PACKAGES: readonly string[];
  createLab(o: { name: string; ra: boolean; clients: number; taps: number }): Promise<LabLike>;
  makeTempDir(prefix: string): { path: string; join(...p: string[]): string; remove(): void };
  writePxeTree(root: string, o: { token: string }): { root: string };
  spawnDaemon(
    cmd: string,
    args: string[],
    o: { netns: string; cwd: string; name: string },
  ): { output: string; stop(): Promise<unknown> };
  startVm(lab: LabLike, o: Record<string, unknown>): Promise<VmLike>;
  run(
    cmd: string,
    args: string[],
    o: { netns: string; timeoutMs: number },
  ): Promise<{ code: number | null; stdout: string }>;
}
interface LabLike {
  readonly serverIp: string;
  readonly cidr: string;
  readonly subnet: string;
  readonly server: { readonly netns: string; readonly ifname: string };
  close(): Promise<void>;
}
interface VmLike {
  readonly mac: string;
  readonly serial: string;
  elapsedMs(): number;
  waitForSerial(p: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  stop(): Promise<unknown>;
}

/** The keys of the bundled example this file rewrites. */
interface ExampleYaml {
  server: unknown;
  dhcp: { subnets: unknown };
  tftp: unknown;
  http: { roots: unknown };
  kickstarts: { centos7: { template: string } };
  menus: { install: { timeout: number; entries: unknown[] } };
  hosts: unknown;
}

const GUESTS = [
  { name: 'node01', mac: '52:54:00:00:99:01', firmware: 'bios', vm: { firmware: 'bios', nic: 'e1000' } },
  {
    name: 'node02',
    mac: '52:54:00:00:99:02',
    firmware: 'uefi',
    vm: { firmware: 'uefi', nic: 'virtio', ovmfPxe: true },
  },
] as const;

async function loadLab(): Promise<LabModule | undefined> {
  const spec = '@pxekit/testkit/lab';
  try {
    return (await import(spec)) as LabModule;
  } catch {
    return undefined;
  }
}

/**
 * Runs the VM example; undefined when the lab cannot run here (the reason is printed), else the exit code.
 */
export async function runExampleVm(io: CliIo, exampleDir: string): Promise<number | undefined> {
  const say = (s: string): void => io.stdout(`${s}\n`);
  const lab = await loadLab();
  if (lab === undefined) {
    say(
      '(the network lab is part of the pxekit monorepo, not of this install: running the loopback example)',
    );
    return undefined;
  }
  say('Setting up the network lab (Debian packages are installed on first use)…');
  const status = await lab.labStatus({
    packages: [...lab.QEMU_PACKAGES, ...lab.BOOT_FILE_PACKAGES, 'busybox-static', 'curl'],
    needs: ['root', 'netns', 'tun'],
  });
  if (!status.ok) {
    say(
      `(the lab cannot run here: ${status.reason ?? 'unknown reason'}; running the loopback example instead)`,
    );
    return undefined;
  }
  const l = await lab.createLab({ name: 'pxkexample', ra: true, clients: 0, taps: 1 });
  const dir = lab.makeTempDir('pxekit-example');
  let server: { output: string; stop(): Promise<unknown> } | undefined;
  try {
    let tree: { root: string };
    try {
      tree = lab.writePxeTree(dir.join('tftp'), { token: 'unused' });
    } catch (e) {
      // The lab's guest kernel and initramfs could not be prepared: say why, fall back to loopback.
      say(
        `(the lab could not prepare the guest files: ${(e as Error).message}; running the loopback example instead)`,
      );
      return undefined;
    }
    rmSync(dir.join('tftp/efi64/vmlinuz'), { force: true });
    rmSync(dir.join('tftp/efi64/initrd.img'), { force: true });
    // The bundled example, placed on the lab's network, booting the lab's kernel and initramfs.
    const config = parseYaml(readFileSync(join(exampleDir, 'pxekit.yaml'), 'utf8')) as ExampleYaml;
    const s = l.subnet;
    config.server = { interfaces: [l.server.ifname], address: l.serverIp, stateDir: dir.join('state') };
    config.dhcp.subnets = [
      {
        subnet: l.cidr,
        ranges: [`${s}.100-${s}.199`],
        routers: [l.serverIp],
        dns: [l.serverIp],
        domain: 'lab.example',
        leaseTime: '1h',
      },
    ];
    config.tftp = { root: tree.root };
    config.http.roots = { '/centos/7/x86_64/': dir.join('tftp') };
    config.kickstarts.centos7.template = join(exampleDir, 'kickstarts/centos7.ks');
    const token = `pxekit-example-${Date.now().toString(36)}`;
    config.menus.install.timeout = 1;
    config.menus.install.entries[0] = {
      id: 'centos7-auto',
      label: 'Install (the lab guest stands in for the installer)',
      kernel: 'vmlinuz',
      initrd: 'initrd.img',
      append: `console=ttyS0,115200 quiet panic=-1 pxekit.token=${token} pxekit.url={{ kickstart.url }}`,
      kickstart: 'centos7',
    };
    // node02 gets a pool address: OVMF and the guest's udhcpc present different client identifiers (61)
    // for one MAC, and @pxekit/dhcp refuses a reservation whose address is leased to another client key
    // ("reserved-elsewhere"), even when the MAC is the same.
    config.hosts = GUESTS.map((g, i) => ({
      mac: g.mac,
      name: g.name,
      ...(i === 0 ? { address: `${s}.21` } : {}),
      vars: { role: i === 0 ? 'web' : 'db' },
    }));
    const file = dir.join('pxekit.yaml');
    writeFileSync(file, stringify(config));
    const cli = resolve(process.argv[1] ?? '');
    server = lab.spawnDaemon(process.execPath, [...process.execArgv, cli, 'serve', '-c', file, '--json'], {
      netns: l.server.netns,
      // Where this process runs, so relative --import paths in execArgv still resolve.
      cwd: process.cwd(),
      name: 'pxekit',
    });
    for (let i = 0; i < 100 && !/pxekit serving|pxekit: /.test(server.output); i++)
      await new Promise((r) => setTimeout(r, 100));
    if (!/pxekit serving/.test(server.output)) {
      say(`pxekit did not start:\n${server.output}`);
      return 1;
    }
    say(`pxekit serve is running in the lab at ${l.serverIp} (DHCP ${l.cidr}, TFTP, HTTP :8080)`);
    let failed = false;
    for (const g of GUESTS) {
      say('');
      say(`Booting ${g.name} (${g.firmware.toUpperCase()}, MAC ${g.mac}) in QEMU…`);
      const vm = await lab.startVm(l, { ...g.vm, mac: g.mac });
      try {
        const t = await vm.waitForSerial(/PXEKIT-TOKEN (\S+)/, 180_000);
        const body = await vm.waitForSerial(/PXEKIT-BODY-BEGIN\r?\n([\s\S]*?)PXEKIT-BODY-END/, 60_000);
        const first = (body[1] ?? '').split(/\r?\n/).find((x) => x.startsWith('network')) ?? '';
        say(
          `  booted the kernel from pxekit's menu (token ${t[1] === token ? 'matches' : 'DOES NOT match'}) after ${(vm.elapsedMs() / 1000).toFixed(1)} s`,
        );
        say(`  fetched its kickstart over HTTP: "${first.trim()}"`);
        if (t[1] !== token) failed = true;
      } catch (e) {
        say(`  the boot did not finish: ${(e as Error).message.split('\n')[0]}`);
        const errors = vm.serial.split(/\r?\n/).filter((x: string) => x.startsWith('PXEKIT-ERROR'));
        for (const x of errors) say(`    guest: ${x}`);
        failed = true;
      } finally {
        await vm.stop();
      }
      // The kickstart's %post calls this; the lab guest's /init cannot POST, so the example does.
      const cb = await lab.run(
        'curl',
        ['-fsS', '-X', 'POST', `http://${l.serverIp}:8080/installed/${g.mac}`],
        {
          netns: l.server.netns,
          timeoutMs: 10_000,
        },
      );
      say(`  install callback: ${cb.code === 0 ? `${g.name} now boots from its disk` : 'failed'}`);
      const events = server.output
        .split('\n')
        .filter((x) => x.startsWith('{'))
        .map((x) => JSON.parse(x) as BootEvent)
        .filter((e) => e.mac === g.mac);
      say(`  ${g.name}'s boot timeline (${events.length} events):`);
      for (const e of events) say(`    ${formatEvent(e, events[0]?.at)}`);
    }
    return failed ? 1 : 0;
  } finally {
    await server?.stop();
    await l.close();
    dir.remove();
  }
}

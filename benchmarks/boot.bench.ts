/**
 * Boot time, QEMU start → the guest's token on the serial console, through pxekit and through dnsmasq
 * serving the same files, in the same run and the same lab. UEFI guests with OVMF's own PXE (virtio):
 * both servers then take the same path — DHCP, TFTP syslinux.efi, its menu, kernel and initrd over TFTP.
 * Prints the ratio pxekit / dnsmasq (aim: ≤ 1). Needs root (the lab); skipped otherwise, with the reason.
 *
 * Run: pnpm exec vitest bench --run --project lab benchmarks/boot.bench.ts (about 3 minutes)
 */
import {
  BOOT_FILE_PACKAGES,
  createLab,
  type Daemon,
  DNSMASQ_PACKAGES,
  type Lab,
  labStatus,
  labTitle,
  makeTempDir,
  QEMU_PACKAGES,
  startDnsmasq,
  startVm,
  type TempDir,
  writePxeTree,
} from '@pxekit/testkit/lab';
import { bench, describe } from 'vitest';
import {
  bootSections,
  type Pxekit,
  startPxekit,
  writeGuestFiles,
} from '../packages/pxekit/test/support/lab.js';

const status = await labStatus({
  packages: [...DNSMASQ_PACKAGES, ...QEMU_PACKAGES, ...BOOT_FILE_PACKAGES, 'busybox-static'],
  needs: ['root', 'netns', 'tun'],
});

const ITERATIONS = 3;
const token = `bench${Date.now().toString(36)}`;
const times: Record<'pxekit' | 'dnsmasq', number[]> = { pxekit: [], dnsmasq: [] };

interface Ctx {
  readonly lab: Lab;
  pxekit: Pxekit | undefined;
  dnsmasq: Daemon | undefined;
  readonly dmDir: TempDir;
}

/**
 * Set-up runs at module level: vitest's bench mode does not run beforeAll before the benches. The lab,
 * its namespaces, processes and folders are removed when the process exits (testkit registers that).
 */
async function setUp(): Promise<Ctx> {
  const lab = await createLab({ name: `pxb${process.pid % 100_000}`, ra: true, clients: 0, taps: 1 });
  const pxDir = makeTempDir('pxekit-bench');
  const dmDir = makeTempDir('dnsmasq-bench');
  writePxeTree(dmDir.join('tftp'), { token });
  const root = writeGuestFiles(pxDir);
  const s = lab.subnet;
  // Both menus are menu.c32 with a 1 s timeout and the same kernel command line: only serving differs.
  const sections = bootSections(token).replace(' pxekit.url={{ kickstart.url }}', '');
  const pxekit = await startPxekit(
    lab,
    pxDir,
    `server: { interfaces: [${lab.server.ifname}], address: ${lab.serverIp}, stateDir: ./state }
dhcp:
  mode: authoritative
  subnets:
    - { subnet: ${lab.cidr}, ranges: [${s}.100-${s}.150], routers: [${lab.serverIp}] }
tftp: { root: ${root} }
http: { port: 8080 }
${sections}`,
  );
  return { lab, pxekit, dnsmasq: undefined, dmDir };
}

const ctx = status.ok ? await setUp() : undefined;

async function bootOnce(which: 'pxekit' | 'dnsmasq'): Promise<void> {
  if (ctx === undefined) return;
  const vm = await startVm(ctx.lab, { firmware: 'uefi', nic: 'virtio', ovmfPxe: true });
  try {
    await vm.waitForSerial(new RegExp(`PXEKIT-TOKEN ${token}`), 240_000);
    times[which].push(vm.elapsedMs());
  } finally {
    await vm.stop();
  }
  if (times.pxekit.length === ITERATIONS && times.dnsmasq.length === ITERATIONS) {
    const p = median(times.pxekit);
    const d = median(times.dnsmasq);
    console.log(
      `UEFI PXE boot to token, median of ${ITERATIONS}: pxekit ${(p / 1000).toFixed(1)} s, dnsmasq ${(d / 1000).toFixed(1)} s, ratio pxekit/dnsmasq ${(p / d).toFixed(2)}`,
    );
    await ctx.dnsmasq?.stop();
    await ctx.lab.close();
  }
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

describe.skipIf(!status.ok)(
  labTitle('UEFI PXE boot time: pxekit vs dnsmasq (same files, same run)', status),
  () => {
    bench(
      'pxekit (DHCP + TFTP + generated menu)',
      async () => {
        await bootOnce('pxekit');
      },
      { iterations: ITERATIONS, time: 0, warmupIterations: 0, warmupTime: 0 },
    );

    bench(
      'dnsmasq (DHCP + TFTP, pxelinux.cfg/default)',
      async () => {
        if (ctx !== undefined && ctx.dnsmasq === undefined) {
          await ctx.pxekit?.stop();
          ctx.pxekit = undefined;
          ctx.dnsmasq = await startDnsmasq(ctx.lab, {
            tftpRoot: ctx.dmDir.join('tftp'),
            bootFile: { bios: 'pxelinux.0', efi64: 'efi64/syslinux.efi' },
          });
        }
        await bootOnce('dnsmasq');
      },
      { iterations: ITERATIONS, time: 0, warmupIterations: 0, warmupTime: 0 },
    );
  },
);

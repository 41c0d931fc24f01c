/**
 * Boot time, QEMU start → the guest's token on the serial console, through pxekit and through dnsmasq
 * serving the same files, in the same run and the same lab. UEFI guests with OVMF's own PXE (virtio):
 * both servers then take the same path — DHCP, TFTP syslinux.efi, its menu, kernel and initrd over TFTP.
 * Prints the ratio pxekit / dnsmasq (aim: ≤ 1). Needs root (the lab); skipped otherwise, with the reason.
 *
 * Run: pnpm bench benchmarks/boot.bench.ts
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
import { afterAll, beforeAll, bench, describe } from 'vitest';
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

let lab: Lab;
let pxDir: TempDir;
let dmDir: TempDir;
let pxekit: Pxekit | undefined;
let dnsmasq: Daemon | undefined;

async function bootOnce(which: 'pxekit' | 'dnsmasq'): Promise<void> {
  const vm = await startVm(lab, { firmware: 'uefi', nic: 'virtio', ovmfPxe: true });
  try {
    await vm.waitForSerial(new RegExp(`PXEKIT-TOKEN ${token}`), 240_000);
    times[which].push(vm.elapsedMs());
  } finally {
    await vm.stop();
  }
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

describe.skipIf(!status.ok)(
  labTitle('UEFI PXE boot time: pxekit vs dnsmasq (same files, same run)', status),
  () => {
    beforeAll(async () => {
      lab = await createLab({ name: 'pxkbench', ra: true, clients: 0, taps: 1 });
      pxDir = makeTempDir('pxekit-bench');
      dmDir = makeTempDir('dnsmasq-bench');
      writePxeTree(dmDir.join('tftp'), { token });
      const root = writeGuestFiles(pxDir);
      const s = lab.subnet;
      // Both menus are menu.c32 with a 1 s timeout and the same kernel command line: only serving differs.
      const sections = bootSections(token).replace(' pxekit.url={{ kickstart.url }}', '');
      pxekit = await startPxekit(
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
    }, 600_000);

    afterAll(async () => {
      await pxekit?.stop();
      await dnsmasq?.stop();
      await lab?.close();
      pxDir?.remove();
      dmDir?.remove();
      if (times.pxekit.length > 0 && times.dnsmasq.length > 0) {
        const p = median(times.pxekit);
        const d = median(times.dnsmasq);
        console.log(
          `UEFI PXE boot to token, median of ${ITERATIONS}: pxekit ${(p / 1000).toFixed(1)} s, dnsmasq ${(d / 1000).toFixed(1)} s, ratio pxekit/dnsmasq ${(p / d).toFixed(2)}`,
        );
      }
    });

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
        if (dnsmasq === undefined) {
          await pxekit?.stop();
          pxekit = undefined;
          dnsmasq = await startDnsmasq(lab, {
            tftpRoot: dmDir.join('tftp'),
            bootFile: { bios: 'pxelinux.0', efi64: 'efi64/syslinux.efi' },
          });
        }
        await bootOnce('dnsmasq');
      },
      { iterations: ITERATIONS, time: 0, warmupIterations: 0, warmupTime: 0 },
    );
  },
);

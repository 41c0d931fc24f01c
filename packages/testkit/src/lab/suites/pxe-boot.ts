import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOT_FILE_PACKAGES } from '../bootfiles.js';
import { type Capture, CAPTURE_PACKAGES, malformedFrames, startCapture, tsharkFields } from '../capture.js';
import { createLab, type Lab } from '../netlab.js';
import { type PxeTree, writePxeTree } from '../pxe-tree.js';
import { QEMU_PACKAGES, startVm, type VmOptions } from '../qemu.js';
import { DNSMASQ_PACKAGES, startBusyboxHttpd } from '../reference.js';
import { labStatus, labTitle } from '../status.js';
import { makeTempDir, type TempDir } from '../tmp.js';
import type { ServerUnderTest } from './types.js';

/** The boots the suite knows. */
export type PxeBoot = 'bios' | 'uefi' | 'uefi-ipxe';

const BOOTS: Record<PxeBoot, { title: string; vm: VmOptions; files: string[] }> = {
  bios: {
    title:
      'BIOS: iPXE ROM -> pxelinux.0 -> menu.c32 -> kernel + initramfs prints the token, fetches over HTTP',
    vm: { firmware: 'bios', nic: 'e1000' },
    files: ['pxelinux.0', 'ldlinux.c32', 'pxelinux.cfg/default', 'menu.c32', 'vmlinuz', 'initrd.img'],
  },
  uefi: {
    title: "UEFI: OVMF's own PXE (virtio) -> syslinux.efi -> menu -> kernel + initramfs prints the token",
    vm: { firmware: 'uefi', nic: 'virtio', ovmfPxe: true },
    files: [
      'efi64/syslinux.efi',
      'efi64/ldlinux.e64',
      'efi64/pxelinux.cfg/default',
      'efi64/vmlinuz',
      'efi64/initrd.img',
    ],
  },
  'uefi-ipxe': {
    title: "UEFI: OVMF + iPXE's EFI ROM (e1000) -> syslinux.efi -> kernel + initramfs prints the token",
    vm: { firmware: 'uefi', nic: 'e1000' },
    files: ['efi64/syslinux.efi', 'efi64/vmlinuz', 'efi64/initrd.img'],
  },
};

export interface PxeBootSuiteOptions {
  title: string;
  /** Debian packages the server needs (installed with QEMU, firmware and boot loaders). */
  packages?: readonly string[];
  /**
   * Starts the boot server under test in `lab.server` (`lab.serverIp`): DHCP with a pool in the lab's
   * /24, and TFTP serving `tree.root`, with boot file `tree.bios` for BIOS clients and `tree.efi64` for
   * x86-64 UEFI ones (option 93 = 7 or 9).
   */
  startServer(lab: Lab, tree: PxeTree): Promise<ServerUnderTest>;
  /** Which boots to run, in order. Default all: 'bios', 'uefi', 'uefi-ipxe'. */
  boots?: readonly PxeBoot[];
}

/** Debian packages of the PXE boot suite (without the server's). */
export const PXE_BOOT_PACKAGES: readonly string[] = [
  ...new Set([
    ...QEMU_PACKAGES,
    ...BOOT_FILE_PACKAGES,
    ...CAPTURE_PACKAGES,
    ...DNSMASQ_PACKAGES,
    'busybox-static',
  ]),
];

/**
 * The PXE boot suite: QEMU guests (TCG) network-boot through the server under test — BIOS through the
 * iPXE ROM and pxelinux with a menu.c32 menu, UEFI through OVMF (its own PXE, or iPXE's EFI ROM) and
 * syslinux.efi — into the installed kernel with the lab initramfs, which must print the token that only
 * the served boot config carries and fetch a file over HTTP (busybox httpd beside the server). An RA
 * sender keeps iPXE from waiting for IPv6. The capture must show the loader chain's TFTP requests and
 * no malformed frame. Run it with dnsmasq (test/pxe-reference.lab.test.ts) or with pxekit.
 *
 * Declares a vitest `describe`: await it at the top level of a `*.lab.test.ts`.
 *
 * @example
 * await pxeBootSuite({ title: 'pxekit boots QEMU guests', startServer: (lab, tree) => startMine(lab, tree) });
 */
export async function pxeBootSuite(options: PxeBootSuiteOptions): Promise<void> {
  const status = await labStatus({
    packages: [...PXE_BOOT_PACKAGES, ...(options.packages ?? [])],
    needs: ['root', 'netns', 'tun'],
  });
  const boots = options.boots ?? (['bios', 'uefi', 'uefi-ipxe'] as const);

  describe.skipIf(!status.ok)(labTitle(options.title, status), () => {
    let lab: Lab;
    let dir: TempDir;
    let server: ServerUnderTest;
    let capture: Capture;
    const token = randomBytes(8).toString('hex');
    const body = `hello from the lab ${token}\n`;

    beforeAll(async () => {
      lab = await createLab({ name: 'pxe', ra: true, clients: 0, taps: 1 });
      dir = makeTempDir('pxe');
      const tree = writePxeTree(dir.join('tftp'), {
        token,
        url: `http://${lab.serverIp}/hello.txt`,
        title: 'pxekit lab menu',
      });
      const http = dir.join('http');
      mkdirSync(http);
      writeFileSync(`${http}/hello.txt`, body);
      // Requests only (DHCP, and RRQs to port 69): the data transfers would make the file large.
      capture = await startCapture(lab, { filter: 'udp port 67 or udp port 68 or udp dst port 69' });
      server = await options.startServer(lab, tree);
      await startBusyboxHttpd(lab, http);
    });

    afterAll(async () => {
      await capture?.stop().catch(() => undefined);
      await lab?.close();
      dir?.remove();
    });

    for (const boot of boots) {
      const { title, vm: vmOptions } = BOOTS[boot];
      it(title, async () => {
        const vm = await startVm(lab, vmOptions);
        try {
          if (boot === 'bios') await vm.waitForSerial(/pxekit lab menu/, 120_000);
          const m = await vm.waitForSerial(/PXEKIT-TOKEN (\S+)/, 200_000);
          expect(m[1]).toBe(token);
          const ip = await vm.waitForSerial(/PXEKIT-IP (\S+) /, 5000);
          expect(ip[1]?.startsWith(`${lab.subnet}.`), `guest address ${ip[1]}`).toBe(true);
          const fetch = await vm.waitForSerial(/PXEKIT-FETCH ([0-9a-f]{64}) (\d+)/, 30_000);
          expect(fetch[1]).toBe(createHash('sha256').update(body).digest('hex'));
          await vm.waitForSerial(/PXEKIT-DONE/, 10_000);
          process.stdout.write(`[pxekit lab] ${boot} PXE boot: token after ${vm.elapsedMs()} ms\n`);
          // The guest powers off, which ends QEMU.
          const exit = await Promise.race([
            vm.exited,
            new Promise((r) => setTimeout(() => r('timeout'), 30_000)),
          ]);
          expect(exit).toMatchObject({ code: 0 });
        } catch (err) {
          process.stdout.write(`--- serial (tail)\n${vm.serial.slice(-4000)}\n`);
          throw err;
        } finally {
          await vm.stop();
        }
      });
    }

    it('the server survived, the loader chain asked for its files, no frame is malformed', async () => {
      expect(server.exitStatus).toBeUndefined();
      const pcap = await capture.stop();
      expect(await malformedFrames(pcap)).toEqual([]);
      const requested = new Set(
        (await tsharkFields(pcap, 'tftp.opcode == 1', ['tftp.source_file'])).map((r) => r[0]),
      );
      for (const boot of boots) {
        for (const file of BOOTS[boot].files)
          expect(requested, `${boot}: no RRQ for ${file}`).toContain(file);
      }
    });
  });
}

import {
  createLab,
  type Lab,
  labStatus,
  labTitle,
  makeTempDir,
  QEMU_PACKAGES,
  startVm,
  type TempDir,
} from '@pxekit/testkit/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pxekit, serverSections, startPxekit } from './support/lab.js';

// Debian 12's real netboot tree (debian-installer-12-netboot-amd64) served by pxekit as its TFTP root:
// a BIOS QEMU guest gets pxekit's menu and boots the installer's own kernel and initrd from the tree,
// up to the kernel starting the installer's /init. (The tree's own menu waits for a key press, "timeout
// 0", so the test boots through a pxekit menu entry that names the tree's files, with a serial console.)
const PACKAGE = 'debian-installer-12-netboot-amd64';
const TREE = '/usr/lib/debian-installer/images/12/amd64/text';

const status = await labStatus({ packages: [...QEMU_PACKAGES, PACKAGE], needs: ['root', 'netns', 'tun'] });

describe.skipIf(!status.ok)(
  labTitle(`${PACKAGE} served by pxekit boots the installer kernel (QEMU, TCG)`, status),
  () => {
    let lab: Lab;
    let dir: TempDir;
    let pxekit: Pxekit;

    beforeAll(async () => {
      lab = await createLab({ name: 'pxkdebian', ra: true, clients: 0, taps: 1 });
      dir = makeTempDir('pxekit-debian');
      pxekit = await startPxekit(
        lab,
        dir,
        `${serverSections(lab, TREE)}profiles:
  default: { menu: debian, bios: pxelinux, uefiX64: syslinux-efi }
menus:
  debian:
    title: Debian 12 installer (netboot tree served by pxekit)
    timeout: 1
    entries:
      - id: install
        label: Install
        kernel: debian-installer/amd64/linux
        initrd: debian-installer/amd64/initrd.gz
        append: "console=ttyS0,115200 priority=critical"
`,
      );
    });

    afterAll(async () => {
      await pxekit?.stop();
      await lab?.close();
      dir?.remove();
    });

    it('BIOS: the installer kernel from the tree starts its initrd', async () => {
      const vm = await startVm(lab, { firmware: 'bios', nic: 'e1000' });
      try {
        await vm.waitForSerial(/Linux version \S+/, 240_000);
        await vm.waitForSerial(/Run \/init as init process/, 120_000);
        console.log(`Debian installer kernel ran /init after ${vm.elapsedMs()} ms`);
      } catch (err) {
        console.log(
          `--- serial\n${vm.serial.slice(-3000)}\n--- pxekit\n${pxekit.daemon.output.slice(-3000)}`,
        );
        throw err;
      } finally {
        await vm.stop();
      }
      const fetched = pxekit
        .events(vm.mac)
        .filter((e) => e.type === 'http.request' || e.type === 'tftp.transfer')
        .map((e) => e.path);
      // QEMU's iPXE ROM gets the menu as an iPXE script and the tree's files over HTTP.
      expect(fetched).toEqual(
        expect.arrayContaining([
          '/boot/debian-installer/amd64/linux',
          '/boot/debian-installer/amd64/initrd.gz',
        ]),
      );
    });
  },
);

/**
 * A menu written by this package's builder is booted by the real pxelinux (iPXE ROM → pxelinux.0 →
 * menu.c32) in QEMU, and the label that `resolveBoot` predicts is the one that runs: each label carries a
 * different token on its kernel command line and the guest prints the one it was booted with.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BOOT_FILE_PACKAGES,
  createLab,
  DNSMASQ_PACKAGES,
  type Daemon,
  guestCommandLine,
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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfig, lint, parse, resolveBoot } from '../src/index.js';

const status = await labStatus({
  packages: [...DNSMASQ_PACKAGES, ...QEMU_PACKAGES, ...BOOT_FILE_PACKAGES, 'busybox-static'],
  needs: ['root', 'netns', 'tun'],
});

describe.skipIf(!status.ok)(
  labTitle('a builder-made menu boots in real pxelinux (QEMU, TCG)', status),
  () => {
    let lab: Lab;
    let dir: TempDir;
    let server: Daemon;
    const tokens = {
      rescue: `rescue-${randomBytes(6).toString('hex')}`,
      install: `install-${randomBytes(6).toString('hex')}`,
      hidden: `hidden-${randomBytes(6).toString('hex')}`,
    };
    let menu = '';

    beforeAll(async () => {
      lab = await createLab({ name: 'pxlmenu', ra: true, clients: 0, taps: 1 });
      dir = makeTempDir('pxlmenu');
      const tree = writePxeTree(dir.join('tftp'), { token: 'unused' });
      // The expected label is neither first nor DEFAULT for the core reader: menu.c32 picks the entry
      // marked MENU DEFAULT, so a menu that boots "rescue" (first) or the hidden one is caught.
      menu = buildConfig({
        serial: '0 115200',
        ui: 'menu.c32',
        title: `pxekit builder menu ${tokens.install.slice(-4)}`,
        timeout: 10,
        entries: [
          {
            label: 'rescue',
            menuLabel: '^Rescue',
            kernel: 'vmlinuz',
            initrd: ['initrd.img'],
            append: guestCommandLine({ token: tokens.rescue }),
          },
          { separator: true },
          {
            label: 'install',
            menuLabel: '^Install',
            kernel: 'vmlinuz',
            initrd: ['initrd.img'],
            append: guestCommandLine({ token: tokens.install }),
            menuDefault: true,
            help: ['Installs the lab guest.'],
          },
          {
            label: 'hidden',
            kernel: 'vmlinuz',
            initrd: ['initrd.img'],
            append: guestCommandLine({ token: tokens.hidden }),
            hide: true,
          },
          { label: 'local', menuLabel: 'Boot from ^disk', kernelType: 'localboot', kernel: '0' },
        ],
      });
      writeFileSync(join(tree.root, 'pxelinux.cfg', 'default'), menu);
      server = await startDnsmasq(lab, { tftpRoot: tree.root, bootFile: tree.bios });
    });

    afterAll(async () => {
      await lab?.close();
      dir?.remove();
    });

    it('resolveBoot and lint agree with what the menu is meant to do', () => {
      const doc = parse(menu);
      expect(lint(doc).filter((f) => f.severity === 'error')).toEqual([]);
      const boot = resolveBoot(doc, { exists: (n) => ['menu.c32', 'vmlinuz', 'initrd.img'].includes(n) });
      expect(boot.outcome).toBe('boot');
      expect(boot.label).toBe('install');
      expect(boot.cmdline).toContain(`pxekit.token=${tokens.install}`);
    });

    it('BIOS: iPXE ROM → pxelinux.0 → menu.c32 runs the MENU DEFAULT label at timeout', async () => {
      const vm = await startVm(lab, { firmware: 'bios', nic: 'e1000' });
      try {
        await vm.waitForSerial(/pxekit builder menu/, 120_000);
        const m = await vm.waitForSerial(/PXEKIT-TOKEN (\S+)/, 180_000);
        expect(m[1]).toBe(tokens.install);
        expect(server.output).toMatch(/sent .*pxelinux\.cfg\/default/);
      } catch (err) {
        console.log(`--- serial\n${vm.serial.slice(-4000)}\n--- server\n${server.output.slice(-3000)}`);
        throw err;
      } finally {
        await vm.stop();
      }
    });
  },
);

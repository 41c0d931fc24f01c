import { mkdirSync, writeFileSync } from 'node:fs';
import {
  BOOT_FILE_PACKAGES,
  CAPTURE_PACKAGES,
  createLab,
  type Lab,
  labStatus,
  labTitle,
  makeTempDir,
  QEMU_PACKAGES,
  runOk,
  startCapture,
  startVm,
  type TempDir,
  tsharkFields,
} from '@pxekit/testkit/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pxekit, serverSections, startPxekit, writeGuestFiles } from './support/lab.js';

// UEFI HTTP boot through pxekit alone: OVMF's HttpBootDxe (its PXE switched off through fw_cfg) sends a
// DISCOVER with vendor class `HTTPClient:Arch:00016…`; pxekit (authoritative DHCP + HTTP) answers with
// the `HTTPClient` vendor class echoed and the profile's `httpBoot` URL; the firmware fetches that EFI
// binary over HTTP and runs it. The binary is a standalone GRUB image carrying the lab kernel, initramfs
// and a grub.cfg in its memdisk (HTTP boot leaves no TFTP or PXE protocol for a loader to fetch more
// with), so the guest boots to the lab initramfs, prints its token and fetches its kickstart.
const status = await labStatus({
  packages: [
    ...QEMU_PACKAGES,
    ...BOOT_FILE_PACKAGES,
    ...CAPTURE_PACKAGES,
    'grub-efi-amd64-bin',
    'busybox-static',
  ],
  needs: ['root', 'netns', 'tun'],
});

describe.skipIf(!status.ok)(
  labTitle('UEFI HTTP boot through pxekit (OVMF HttpBootDxe, QEMU, TCG)', status),
  () => {
    let lab: Lab;
    let dir: TempDir;
    let pxekit: Pxekit;
    const token = `pxekithttp${Date.now().toString(36)}`;
    const mac = '52:54:00:bb:00:16';

    beforeAll(async () => {
      lab = await createLab({ name: 'pxkhttp', ra: true, clients: 0, taps: 1 });
      dir = makeTempDir('pxekit-http-boot');
      const root = writeGuestFiles(dir);
      const ks = `http://${lab.serverIp}:8080/ks/${mac}/ks`;
      writeFileSync(
        dir.join('grub.cfg'),
        [
          'serial --unit=0 --speed=115200',
          'terminal_output serial console',
          'echo PXEKIT-GRUB-HTTP',
          `linux (memdisk)/vmlinuz console=ttyS0,115200 quiet panic=-1 pxekit.token=${token} pxekit.url=${ks}`,
          'initrd (memdisk)/initrd.img',
          'boot',
          '',
        ].join('\n'),
      );
      mkdirSync(`${root}/http`);
      const modules = 'linux serial terminal echo memdisk tar';
      await runOk(
        'grub-mkstandalone',
        [
          '-O',
          'x86_64-efi',
          '-o',
          `${root}/http/lab.efi`,
          `--modules=${modules}`,
          `--install-modules=${modules} normal boot configfile`,
          '--locales=',
          '--fonts=',
          '--themes=',
          `boot/grub/grub.cfg=${dir.join('grub.cfg')}`,
          `vmlinuz=${root}/vmlinuz`,
          `initrd.img=${root}/initrd.img`,
        ],
        { timeoutMs: 60_000 },
      );
      pxekit = await startPxekit(
        lab,
        dir,
        `${serverSections(lab, root)}profiles:
  default: { menu: lab, httpBoot: "{{ server.httpUrl }}/boot/http/lab.efi" }
kickstarts:
  ks: { template: ./ks.cfg }
menus:
  lab:
    entries:
      - { id: guest, kernel: vmlinuz, kickstart: ks }
`,
      );
    });

    afterAll(async () => {
      await pxekit?.stop();
      await lab?.close();
      dir?.remove();
    });

    it('OVMF HTTP boot: HTTPClient offer with the URL → EFI binary over HTTP → kernel → kickstart', async () => {
      const capture = await startCapture(lab, { filter: 'udp port 67 or udp port 68' });
      const vm = await startVm(lab, { firmware: 'uefi', nic: 'virtio', ovmfHttpBoot: true, mac });
      let ms: number;
      try {
        const m = await vm.waitForSerial(/PXEKIT-TOKEN (\S+)/, 300_000);
        expect(m[1]).toBe(token);
        const body = await vm.waitForSerial(/PXEKIT-BODY-BEGIN\r?\n([\s\S]*?)PXEKIT-BODY-END/, 60_000);
        expect(body[1]?.trim()).toBe(
          `# kickstart for pxe-${mac.replace(/:/g, '')} ${mac} from ${lab.serverIp}`,
        );
        ms = vm.elapsedMs();
      } catch (err) {
        throw new Error(
          `${(err as Error).message.split('\n')[0]}\n--- guest\n${vm.serial.slice(-3000)}\n--- pxekit\n${pxekit.daemon.output.slice(-3000)}`,
        );
      } finally {
        await vm.stop();
      }
      const pcap = await capture.stop();
      console.log(`UEFI HTTP boot through pxekit: kickstart fetched after ${ms} ms`);

      const url = `http://${lab.serverIp}:8080/boot/http/lab.efi`;
      // On the wire: the firmware's DISCOVER says HTTPClient, arch 16 (x64 UEFI HTTP boot); pxekit's OFFER
      // and ACK echo the vendor class and carry the URL.
      const discovers = await tsharkFields(pcap, `dhcp.option.dhcp == 1 && dhcp.hw.mac_addr == ${mac}`, [
        'dhcp.option.vendor_class_id',
        'dhcp.option.client_system_architecture',
      ]);
      expect(discovers.length).toBeGreaterThan(0);
      expect(discovers[0]![0]).toMatch(/^HTTPClient:Arch:00016/);
      expect(Number(discovers[0]![1])).toBe(16);
      const replies = await tsharkFields(
        pcap,
        `(dhcp.option.dhcp == 2 || dhcp.option.dhcp == 5) && dhcp.hw.mac_addr == ${mac} && dhcp.option.vendor_class_id`,
        ['dhcp.option.dhcp', 'dhcp.option.vendor_class_id', 'dhcp.file', 'dhcp.option.bootfile_name'],
      );
      const firmwareReplies = replies.filter((r) => r[1] === 'HTTPClient');
      expect(firmwareReplies.map((r) => r[0])).toEqual(expect.arrayContaining(['2', '5']));
      for (const r of firmwareReplies) expect([r[2], r[3]]).toContain(url);

      // In pxekit's timeline: the boot decision was the HTTP-boot rule, the binary went out over HTTP.
      const events = pxekit.events(mac);
      expect(events.some((e) => e.type === 'boot.decision')).toBe(true);
      const paths = events.filter((e) => e.type === 'http.request').map((e) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['/boot/http/lab.efi', `/ks/${mac}/ks`]));
      expect(events.some((e) => e.type === 'kickstart.served')).toBe(true);
    });
  },
);

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BOOT_FILE_PACKAGES,
  type Daemon,
  type Lab,
  labStatus,
  labTitle,
  makeTempDir,
  QEMU_PACKAGES,
  run,
  spawnDaemon,
  startVm,
  type TempDir,
  createLab,
  writePxeTree,
} from '@pxekit/testkit/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The main job, end to end: QEMU guests PXE-boot through pxekit alone (authoritative DHCP + TFTP + HTTP,
// run as `pxekit serve` inside the lab's server namespace): firmware → DHCP → TFTP → pxelinux or
// syslinux.efi → the menu pxekit generated for that MAC → kernel + initramfs → the guest fetches its
// kickstart (rendered for its MAC) over HTTP. The lab guest's /init can only GET one URL, so the test
// then calls the install callback itself, as a kickstart's %post would, and checks that the host's next
// menu boots the local disk and that the timeline holds every step.
const status = await labStatus({
  packages: [...QEMU_PACKAGES, ...BOOT_FILE_PACKAGES, 'busybox-static'],
  needs: ['root', 'netns', 'tun'],
});

const ROOT = join(import.meta.dirname, '../../..');
// `pxekit serve` runs as its own process inside the server namespace, from the TypeScript sources (no
// build needed): test/support/register.mjs strips types on the fly.
const SERVE = [
  '--conditions=@pxekit/source',
  '--import',
  join(import.meta.dirname, 'support/register.mjs'),
  join(ROOT, 'packages/pxekit/src/cli.ts'),
  'serve',
];

describe.skipIf(!status.ok)(labTitle('PXE boot through pxekit alone (QEMU, TCG)', status), () => {
  let lab: Lab;
  let dir: TempDir;
  let pxekit: Daemon;
  const token = `pxekit${Date.now().toString(36)}`;
  const http = (path: string): string => `http://${lab.serverIp}:8080${path}`;

  beforeAll(async () => {
    lab = await createLab({ name: 'pxkboot', ra: true, clients: 0, taps: 1 });
    dir = makeTempDir('pxekit-boot');
    // Kernel and the lab initramfs (the SYSLINUX files it also copies are not used: pxekit serves the
    // distribution's own from where they are installed).
    const tree = writePxeTree(dir.join('tftp'), { token: 'unused' });
    // syslinux.efi asks for efi64/vmlinuz: pxekit must find it at the top of the root by itself.
    rmSync(dir.join('tftp/efi64/vmlinuz'));
    rmSync(dir.join('tftp/efi64/initrd.img'));
    writeFileSync(
      dir.join('ks.cfg'),
      '# kickstart for {{ host.name }} {{ host.mac }} from {{ server.address }}\n',
    );
    const s = lab.subnet;
    writeFileSync(
      dir.join('pxekit.yaml'),
      `server:
  interfaces: [${lab.server.ifname}]
  address: ${lab.serverIp}
  stateDir: ./state
dhcp:
  mode: authoritative
  subnets:
    - subnet: ${lab.cidr}
      ranges: [${s}.100-${s}.150]
      routers: [${lab.serverIp}]
      leaseTime: 10m
tftp:
  root: ${tree.root}
http:
  port: 8080
profiles:
  default: { menu: lab, bios: pxelinux, uefiX64: syslinux-efi }
menus:
  lab:
    title: pxekit e2e menu
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
`,
    );
    pxekit = spawnDaemon(process.execPath, [...SERVE, '-c', dir.join('pxekit.yaml'), '--json'], {
      netns: lab.server.netns,
      cwd: dir.path,
      name: 'pxekit',
    });
    // Ready when it says so on stderr.
    for (let i = 0; i < 100 && !/pxekit serving/.test(pxekit.output); i++)
      await new Promise((r) => setTimeout(r, 100));
    if (!/pxekit serving/.test(pxekit.output)) throw new Error(`pxekit did not start:\n${pxekit.output}`);
  });

  afterAll(async () => {
    await pxekit?.stop();
    await lab?.close();
    dir?.remove();
  });

  const events = (mac: string): { type: string; path?: string; kickstart?: string }[] =>
    pxekit.output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; mac?: string })
      .filter((e) => e.mac === mac);

  async function bootAndInstall(firmware: 'bios' | 'uefi'): Promise<void> {
    const vm = await startVm(
      lab,
      firmware === 'bios'
        ? { firmware: 'bios', nic: 'e1000' }
        : { firmware: 'uefi', nic: 'virtio', ovmfPxe: true },
    );
    try {
      const m = await vm.waitForSerial(/PXEKIT-TOKEN (\S+)/, 180_000);
      expect(m[1]).toBe(token);
      const ip = await vm.waitForSerial(/PXEKIT-IP (\S+) router=(\S*) siaddr=(\S*)/, 5000);
      expect(ip[2]).toBe(lab.serverIp);
      const body = await vm.waitForSerial(/PXEKIT-BODY-BEGIN\r?\n([\s\S]*?)PXEKIT-BODY-END/, 30_000);
      expect(body[1]?.trim()).toBe(
        `# kickstart for pxe-${vm.mac.replace(/:/g, '')} ${vm.mac} from ${lab.serverIp}`,
      );
      console.log(`${firmware} boot through pxekit: kickstart fetched after ${vm.elapsedMs()} ms`);
    } catch (err) {
      console.log(`--- serial\n${vm.serial.slice(-4000)}\n--- pxekit\n${pxekit.output.slice(-4000)}`);
      throw err;
    } finally {
      await vm.stop();
    }
    // The kickstart's %post would do this from the guest; the server namespace reaches the same address.
    const curl = (args: string[]) =>
      run('curl', ['-fsS', ...args], { netns: lab.server.netns, timeoutMs: 10_000 });
    expect((await curl(['-X', 'POST', http(`/installed/${vm.mac}`)])).code).toBe(0);
    const menuPath = `${firmware === 'bios' ? '' : 'efi64/'}pxelinux.cfg/01-${vm.mac.replace(/:/g, '-')}`;
    const next = await curl([http(`/boot/${menuPath}`)]);
    expect(next.stdout).toContain('LOCALBOOT 0');
    expect(next.stdout).not.toContain('KERNEL');
    expect(JSON.parse((await curl([http(`/api/hosts/${vm.mac}`)])).stdout)).toMatchObject({ state: 'local' });
    const seen = events(vm.mac);
    const types = seen.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['dhcp.discover', 'dhcp.offer', 'dhcp.ack', 'kickstart.served', 'install.done']),
    );
    if (firmware === 'bios') {
      // QEMU's BIOS NIC ROM is iPXE: pxekit hands it the menu as an iPXE script, files come over HTTP.
      const paths = seen.filter((e) => e.type === 'http.request').map((e) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['/ipxe/auto', '/boot/vmlinuz', '/boot/initrd.img']));
    } else {
      const files = seen.filter((e) => e.type === 'tftp.transfer').map((e) => e.path);
      const menu = `efi64/pxelinux.cfg/01-${vm.mac.replace(/:/g, '-')}`;
      expect(files).toEqual(
        expect.arrayContaining([
          'efi64/syslinux.efi',
          'efi64/ldlinux.e64',
          menu,
          'efi64/vmlinuz',
          'efi64/initrd.img',
        ]),
      );
    }
  }

  it('BIOS: iPXE ROM → pxekit DHCP → generated iPXE menu → kernel over HTTP → kickstart → install callback', async () => {
    await bootAndInstall('bios');
  });

  it('UEFI: OVMF PXE → pxekit DHCP → syslinux.efi → generated menu → kernel over TFTP → kickstart → install callback', async () => {
    await bootAndInstall('uefi');
  });
});

import {
  BOOT_FILE_PACKAGES,
  createLab,
  type Lab,
  labStatus,
  labTitle,
  makeTempDir,
  QEMU_PACKAGES,
  run,
  type TempDir,
} from '@pxekit/testkit/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootGuest,
  bootSections,
  type Pxekit,
  serverSections,
  startPxekit,
  writeGuestFiles,
} from './support/lab.js';

// The main job, end to end: QEMU guests PXE-boot through pxekit alone (authoritative DHCP + TFTP + HTTP,
// `pxekit serve` inside the lab's server namespace): firmware → DHCP → boot loader → the menu pxekit
// generated for that MAC → kernel + initramfs → the guest fetches its kickstart, rendered for its MAC,
// over HTTP. The lab guest's /init can only GET one URL, so the test calls the install callback itself,
// as a kickstart's %post would, and checks the host's next menu boots the local disk.
const status = await labStatus({
  packages: [...QEMU_PACKAGES, ...BOOT_FILE_PACKAGES, 'busybox-static', 'curl'],
  needs: ['root', 'netns', 'tun'],
});

describe.skipIf(!status.ok)(labTitle('PXE boot through pxekit alone (QEMU, TCG)', status), () => {
  let lab: Lab;
  let dir: TempDir;
  let pxekit: Pxekit;
  const token = `pxekit${Date.now().toString(36)}`;
  const http = (path: string): string => `http://${lab.serverIp}:8080${path}`;
  const curl = (args: string[]) =>
    run('curl', ['-fsS', ...args], { netns: lab.server.netns, timeoutMs: 10_000 });

  beforeAll(async () => {
    lab = await createLab({ name: 'pxkboot', ra: true, clients: 0, taps: 2 });
    dir = makeTempDir('pxekit-boot');
    const root = writeGuestFiles(dir);
    pxekit = await startPxekit(lab, dir, `${serverSections(lab, root)}${bootSections(token)}`);
  });

  afterAll(async () => {
    await pxekit?.stop();
    await lab?.close();
    dir?.remove();
  });

  async function installed(mac: string, firmware: 'bios' | 'uefi'): Promise<void> {
    expect((await curl(['-X', 'POST', http(`/installed/${mac}`)])).code).toBe(0);
    const menu = `${firmware === 'bios' ? '' : 'efi64/'}pxelinux.cfg/01-${mac.replace(/:/g, '-')}`;
    const next = await curl([http(`/boot/${menu}`)]);
    expect(next.stdout).toContain('LOCALBOOT 0');
    expect(next.stdout).not.toContain('KERNEL');
    expect(JSON.parse((await curl([http(`/api/hosts/${mac}`)])).stdout)).toMatchObject({ state: 'local' });
    const types = pxekit.events(mac).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['dhcp.discover', 'dhcp.offer', 'dhcp.ack', 'kickstart.served', 'install.done']),
    );
  }

  it('BIOS: iPXE ROM → pxekit DHCP → generated iPXE menu → kernel over HTTP → kickstart → install callback', async () => {
    const g = await bootGuest(lab, 'bios', token, pxekit);
    console.log(`BIOS boot through pxekit: kickstart fetched after ${g.ms} ms`);
    // QEMU's BIOS NIC ROM is iPXE: pxekit hands it the menu as an iPXE script, files come over HTTP.
    const paths = pxekit
      .events(g.mac)
      .filter((e) => e.type === 'http.request')
      .map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/ipxe/auto', '/boot/vmlinuz', '/boot/initrd.img']));
    await installed(g.mac, 'bios');
  });

  it('UEFI: OVMF PXE → pxekit DHCP → syslinux.efi → generated menu → kernel over TFTP → kickstart → install callback', async () => {
    const g = await bootGuest(lab, 'uefi', token, pxekit);
    console.log(`UEFI boot through pxekit: kickstart fetched after ${g.ms} ms`);
    const files = pxekit
      .events(g.mac)
      .filter((e) => e.type === 'tftp.transfer')
      .map((e) => e.path);
    const menu = `efi64/pxelinux.cfg/01-${g.mac.replace(/:/g, '-')}`;
    expect(files).toEqual(
      expect.arrayContaining([
        'efi64/syslinux.efi',
        'efi64/ldlinux.e64',
        menu,
        'efi64/vmlinuz',
        'efi64/initrd.img',
      ]),
    );
    await installed(g.mac, 'uefi');
  });

  it('two guests at once each get their own menu and their own kickstart', async () => {
    const [a, b] = await Promise.all([
      bootGuest(lab, 'bios', token, pxekit, { tap: lab.taps[0]!, mac: '52:54:00:aa:00:01' }),
      bootGuest(lab, 'uefi', token, pxekit, { tap: lab.taps[1]!, mac: '52:54:00:aa:00:02' }),
    ]);
    // bootGuest checked each kickstart body names its own MAC; each timeline has its own kickstart fetch.
    for (const g of [a, b]) {
      const ks = pxekit.events(g.mac).filter((e) => e.type === 'kickstart.served');
      expect(ks.length).toBeGreaterThan(0);
    }
    expect(pxekit.events(b.mac).map((e) => e.path)).toContain('efi64/pxelinux.cfg/01-52-54-00-aa-00-02');
  });
});

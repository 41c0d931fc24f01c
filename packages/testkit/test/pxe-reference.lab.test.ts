import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BOOT_FILE_PACKAGES,
  DNSMASQ_PACKAGES,
  type Lab,
  QEMU_PACKAGES,
  createLab,
  labStatus,
  labTitle,
  makeTempDir,
  startBusyboxHttpd,
  startDnsmasq,
  startVm,
  type Daemon,
  type TempDir,
  type PxeTree,
  writePxeTree,
} from '../src/lab/index.js';

// A QEMU guest PXE-boots through a reference DHCP+TFTP server: iPXE ROM (BIOS) -> pxelinux.0 ->
// pxelinux.cfg/default with menu.c32 -> kernel + the lab initramfs -> the token from the boot config
// appears on the serial console and the guest fetches a file over HTTP. `bootServer` is the server
// under test; pxekit's own server will be swapped in here.
const status = await labStatus({
  packages: [...DNSMASQ_PACKAGES, ...QEMU_PACKAGES, ...BOOT_FILE_PACKAGES, 'busybox-static'],
  needs: ['root', 'netns', 'tun'],
});

async function bootServer(lab: Lab, tree: PxeTree): Promise<Daemon> {
  return startDnsmasq(lab, { tftpRoot: tree.root, bootFile: { bios: tree.bios, efi64: tree.efi64 } });
}

describe.skipIf(!status.ok)(labTitle('PXE boot through dnsmasq (QEMU, TCG)', status), () => {
  let lab: Lab;
  let dir: TempDir;
  let server: Daemon;
  let tree: PxeTree;
  const token = randomBytes(8).toString('hex');
  const body = `hello from the lab ${token}\n`;

  beforeAll(async () => {
    lab = await createLab({ name: 'pxe', ra: true, clients: 0, taps: 1 });
    dir = makeTempDir('pxe');
    tree = writePxeTree(dir.join('tftp'), {
      token,
      url: `http://${lab.serverIp}/hello.txt`,
      title: 'pxekit lab menu',
    });
    const http = dir.join('http');
    mkdirSync(http);
    writeFileSync(`${http}/hello.txt`, body);
    server = await bootServer(lab, tree);
    await startBusyboxHttpd(lab, http);
  });

  afterAll(async () => {
    await lab?.close();
    dir?.remove();
  });

  it('BIOS: iPXE ROM -> pxelinux -> menu -> kernel + initramfs prints the token and fetches over HTTP', async () => {
    const vm = await startVm(lab, { firmware: 'bios', nic: 'e1000' });
    try {
      await vm.waitForSerial(/pxekit lab menu/, 90_000);
      const m = await vm.waitForSerial(/PXEKIT-TOKEN (\S+)/, 150_000);
      expect(m[1]).toBe(token);
      const ip = await vm.waitForSerial(/PXEKIT-IP (\S+) router=(\S*) siaddr=(\S*)/, 5000);
      expect(ip[1]).toMatch(new RegExp(`^${lab.subnet.replace(/\./g, '\\.')}\\.(1[0-4]\\d|150)$`));
      expect(ip[2]).toBe(lab.serverIp);
      const fetch = await vm.waitForSerial(/PXEKIT-FETCH ([0-9a-f]{64}) (\d+)/, 30_000);
      expect(fetch[1]).toBe(createHash('sha256').update(body).digest('hex'));
      await vm.waitForSerial(/PXEKIT-DONE/, 10_000);
      console.log(`BIOS PXE boot: token after ${vm.elapsedMs()} ms`);
      const exit = await Promise.race([
        vm.exited,
        new Promise((r) => setTimeout(() => r('timeout'), 30_000)),
      ]);
      expect(exit).toMatchObject({ code: 0 });
      // The server saw the whole chain.
      expect(server.output).toMatch(/sent .*pxelinux\.0/);
      expect(server.output).toMatch(/sent .*pxelinux\.cfg\/default/);
      expect(server.output).toMatch(/sent .*initrd\.img/);
    } catch (err) {
      console.log(`--- serial\n${vm.serial.slice(-4000)}\n--- server\n${server.output.slice(-4000)}`);
      throw err;
    } finally {
      await vm.stop();
    }
  });

  it('UEFI: OVMF PXE (virtio) -> syslinux.efi -> menu -> kernel + initramfs prints the token', async () => {
    const vm = await startVm(lab, { firmware: 'uefi', nic: 'virtio', ovmfPxe: true });
    try {
      const m = await vm.waitForSerial(/PXEKIT-TOKEN (\S+)/, 180_000);
      expect(m[1]).toBe(token);
      const fetch = await vm.waitForSerial(/PXEKIT-FETCH ([0-9a-f]{64}) (\d+)/, 30_000);
      expect(fetch[1]).toBe(createHash('sha256').update(body).digest('hex'));
      console.log(`UEFI PXE boot: token after ${vm.elapsedMs()} ms`);
      expect(server.output).toMatch(/sent .*efi64\/syslinux\.efi/);
      expect(server.output).toMatch(/sent .*efi64\/pxelinux\.cfg\/default/);
    } catch (err) {
      console.log(`--- serial\n${vm.serial.slice(-4000)}\n--- server\n${server.output.slice(-4000)}`);
      throw err;
    } finally {
      await vm.stop();
    }
  });

  it("UEFI: OVMF + iPXE's EFI ROM (e1000) -> syslinux.efi -> kernel + initramfs prints the token", async () => {
    const vm = await startVm(lab, { firmware: 'uefi', nic: 'e1000' });
    try {
      const m = await vm.waitForSerial(/PXEKIT-TOKEN (\S+)/, 180_000);
      expect(m[1]).toBe(token);
      await vm.waitForSerial(/PXEKIT-DONE/, 30_000);
      console.log(`UEFI iPXE PXE boot: token after ${vm.elapsedMs()} ms`);
      expect(vm.serial).toMatch(/iPXE/);
    } catch (err) {
      console.log(`--- serial\n${vm.serial.slice(-4000)}\n--- server\n${server.output.slice(-4000)}`);
      throw err;
    } finally {
      await vm.stop();
    }
  });
});

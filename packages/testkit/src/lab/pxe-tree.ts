import { copyFileSync, linkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BootFileName, bootFile } from './bootfiles.js';
import { buildInitramfs, type GuestNic } from './initramfs.js';

export interface PxelinuxMenuOptions {
  /** Printed back by the guest as `PXEKIT-TOKEN <token>`. [A-Za-z0-9._-] only (kernel command line). */
  token: string;
  /** Fetched by the guest (`PXEKIT-FETCH <sha256> <bytes>`). */
  url?: string;
  /** 'menu' (UI menu.c32 with a title the test can wait for) or 'simple' (DEFAULT + PROMPT 0). */
  ui?: 'menu' | 'simple';
  /** Menu title (shown on the serial console with ui 'menu'). */
  title?: string;
  kernel?: string;
  initrd?: string;
  /** More kernel command line. */
  append?: string;
}

/** The guest's kernel command line for a token and URL. */
export function guestCommandLine(o: { token: string; url?: string; append?: string }): string {
  if (!/^[A-Za-z0-9._-]+$/.test(o.token))
    throw new RangeError(`token must be [A-Za-z0-9._-]+, got ${o.token}`);
  return [
    'console=ttyS0,115200',
    'quiet',
    'panic=-1',
    `pxekit.token=${o.token}`,
    ...(o.url ? [`pxekit.url=${o.url}`] : []),
    ...(o.append ? [o.append] : []),
  ].join(' ');
}

/**
 * A pxelinux.cfg/default that boots the lab guest. `SERIAL 0 115200` comes first, or pxelinux prints
 * nothing on the serial console; TIMEOUT is in tenths of a second.
 */
export function pxelinuxMenu(o: PxelinuxMenuOptions): string {
  const ui =
    (o.ui ?? 'menu') === 'menu'
      ? ['UI menu.c32', `MENU TITLE ${o.title ?? 'pxekit lab menu'}`, 'TIMEOUT 10']
      : ['PROMPT 0', 'TIMEOUT 1'];
  return [
    'SERIAL 0 115200',
    ...ui,
    'DEFAULT guest',
    'LABEL guest',
    '  MENU LABEL lab guest',
    `  KERNEL ${o.kernel ?? 'vmlinuz'}`,
    `  INITRD ${o.initrd ?? 'initrd.img'}`,
    `  APPEND ${guestCommandLine(o)}`,
    '',
  ].join('\n');
}

export interface PxeTree {
  root: string;
  /** Boot file names relative to `root`, for DHCP option 67 / the BOOTP `file` field. */
  bios: string;
  efi64: string;
  /** The kernel command line in both configs. */
  commandLine: string;
}

const BIOS_FILES: [string, BootFileName][] = [
  ['pxelinux.0', 'pxelinux'],
  ['ldlinux.c32', 'ldlinux'],
  ['menu.c32', 'menu'],
  ['libutil.c32', 'libutil'],
  ['libcom32.c32', 'libcom32'],
];
const EFI64_FILES: [string, BootFileName][] = [
  ['syslinux.efi', 'syslinuxEfi'],
  ['ldlinux.e64', 'ldlinuxE64'],
  ['menu.c32', 'menuE64'],
  ['libutil.c32', 'libutilE64'],
  ['libcom32.c32', 'libcom32E64'],
];

/**
 * Writes a TFTP root that boots the lab guest on BIOS (`pxelinux.0`) and x86-64 UEFI
 * (`efi64/syslinux.efi`): boot loaders from the Debian packages, the installed kernel as `vmlinuz`, the
 * lab initramfs as `initrd.img`, and a `pxelinux.cfg/default` for each. syslinux.efi resolves every path,
 * even "/x", below its own directory, so the EFI side gets its own config and hard links to the kernel
 * and initrd. Serve `root` with any TFTP server and hand out `bios` / `efi64` as boot files.
 *
 * @example
 * const tree = writePxeTree(dir.join('tftp'), { token, url: `http://${lab.serverIp}/hello.txt` });
 * await startDnsmasq(lab, { tftpRoot: tree.root, bootFile: { bios: tree.bios, efi64: tree.efi64 } });
 */
export function writePxeTree(root: string, options: PxelinuxMenuOptions & { nics?: GuestNic[] }): PxeTree {
  mkdirSync(join(root, 'pxelinux.cfg'), { recursive: true });
  mkdirSync(join(root, 'efi64', 'pxelinux.cfg'), { recursive: true });
  for (const [name, file] of BIOS_FILES) copyFileSync(bootFile(file), join(root, name));
  for (const [name, file] of EFI64_FILES) copyFileSync(bootFile(file), join(root, 'efi64', name));
  const initramfs = buildInitramfs(options.nics ?? ['e1000', 'virtio']);
  copyFileSync(initramfs.kernel, join(root, 'vmlinuz'));
  writeFileSync(join(root, 'initrd.img'), initramfs.bytes);
  linkSync(join(root, 'vmlinuz'), join(root, 'efi64', 'vmlinuz'));
  linkSync(join(root, 'initrd.img'), join(root, 'efi64', 'initrd.img'));
  const menu = pxelinuxMenu(options);
  writeFileSync(join(root, 'pxelinux.cfg', 'default'), menu);
  writeFileSync(join(root, 'efi64', 'pxelinux.cfg', 'default'), menu);
  return { root, bios: 'pxelinux.0', efi64: 'efi64/syslinux.efi', commandLine: guestCommandLine(options) };
}

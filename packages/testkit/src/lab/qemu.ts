import { copyFileSync, createWriteStream, type WriteStream } from 'node:fs';
import { bootFile } from './bootfiles.js';
import type { Daemon, DaemonExit } from './exec.js';
import type { Lab } from './netlab.js';
import { makeTempDir } from './tmp.js';

/** Debian packages the QEMU runner needs (firmware, NIC ROMs, the kernel and busybox for the guest). */
export const QEMU_PACKAGES: readonly string[] = [
  'qemu-system-x86',
  'ipxe-qemu',
  'ovmf',
  'busybox-static',
  'linux-image-amd64',
];

export type Firmware = 'bios' | 'uefi';

export interface VmOptions {
  /** 'bios': SeaBIOS + the NIC's iPXE ROM (ipxe-qemu). 'uefi': OVMF. Default 'bios'. */
  firmware?: Firmware;
  /** 'e1000' (iPXE ROM on BIOS and UEFI) or 'virtio'. Default 'e1000'. */
  nic?: 'e1000' | 'virtio';
  /**
   * UEFI only: use OVMF's own network stack and PXE (the NIC gets no option ROM; needs `nic: 'virtio'`,
   * OVMF has no e1000 driver) instead of iPXE's EFI ROM. Default false.
   */
  ovmfPxe?: boolean;
  /**
   * UEFI only: boot with OVMF's own UEFI HTTP boot (HttpBootDxe: DHCP with vendor class
   * `HTTPClient:Arch:00016…`, then the URL from the offer). OVMF's network stack as with `ovmfPxe`; its
   * PXE boot options are switched off through fw_cfg (`opt/org.tianocore/IPv4PXESupport` and
   * `IPv6PXESupport` = n), which leaves HTTP boot as the NIC's boot option. Default false.
   */
  ovmfHttpBoot?: boolean;
  /** Tap in the lab's switch namespace. Default: the lab's first tap (one is added if it has none). */
  tap?: string;
  /** Guest MAC. Default 52:54:00:xx:xx:xx from the lab and tap. */
  mac?: string;
  memoryMb?: number;
  /** QEMU `-cpu` model. Default 'max' (TCG's qemu64 lacks instructions glibc's static binaries use). */
  cpu?: string;
  /** Boot a kernel directly instead of from the network (tests the initramfs without PXE). */
  kernel?: { kernel: string; initrd: string; append: string };
  /** Also write the serial console to this file. */
  serialLog?: string;
  /** Called with every chunk of serial output (e.g. process.stdout.write for live debugging). */
  onSerial?: (chunk: string) => void;
}

export interface Vm {
  readonly mac: string;
  readonly daemon: Daemon;
  /** Serial console so far (QEMU's own messages are in it too). */
  readonly serial: string;
  /** Milliseconds since QEMU was started. */
  elapsedMs(): number;
  /** First match of `pattern` on the serial console; rejects on timeout or when QEMU exits first. */
  waitForSerial(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Settles when QEMU exits (the guest powered off, or it was killed). */
  readonly exited: Promise<DaemonExit>;
  /** Kills QEMU (its process group); resolves when it is gone. */
  stop(): Promise<DaemonExit>;
}

let vmCounter = 0;

/** QEMU's command line for a lab guest. Pure apart from the file paths it is given; exported for tests. */
export function qemuArgs(o: {
  firmware: Firmware;
  nic: 'e1000' | 'virtio';
  ovmfPxe: boolean;
  ovmfHttpBoot?: boolean;
  tap: string;
  mac: string;
  memoryMb: number;
  cpu: string;
  ovmfCode?: string;
  ovmfVars?: string;
  kernel?: { kernel: string; initrd: string; append: string };
}): string[] {
  const device = o.nic === 'virtio' ? 'virtio-net-pci' : 'e1000';
  const ovmfNet = o.firmware === 'uefi' && (o.ovmfPxe || o.ovmfHttpBoot === true);
  const rom = ovmfNet ? ',romfile=' : '';
  const args = [
    '-machine',
    'pc,accel=tcg',
    '-cpu',
    o.cpu,
    '-m',
    String(o.memoryMb),
    '-smp',
    '1',
    '-nodefaults',
    '-display',
    'none',
    '-monitor',
    'none',
    '-serial',
    'stdio',
    '-no-reboot',
    '-netdev',
    `tap,id=n0,ifname=${o.tap},script=no,downscript=no`,
    '-device',
    `${device},netdev=n0,mac=${o.mac}${rom}${o.kernel ? '' : ',bootindex=1'}`,
  ];
  if (o.firmware === 'uefi') {
    args.push(
      '-drive',
      `if=pflash,format=raw,unit=0,readonly=on,file=${o.ovmfCode}`,
      '-drive',
      `if=pflash,format=raw,unit=1,file=${o.ovmfVars}`,
    );
    if (o.ovmfHttpBoot === true) {
      for (const ip of ['IPv4', 'IPv6'])
        args.push('-fw_cfg', `name=opt/org.tianocore/${ip}PXESupport,string=n`);
    }
  }
  if (o.kernel) args.push('-kernel', o.kernel.kernel, '-initrd', o.kernel.initrd, '-append', o.kernel.append);
  else if (o.firmware === 'bios') args.push('-boot', 'order=n');
  return args;
}

/**
 * Starts a QEMU guest (TCG: iPXE's real-mode code dies under nested KVM) on one of the lab's taps. It
 * network-boots (BIOS: iPXE ROM; UEFI: OVMF with iPXE's EFI ROM, its own PXE or its HTTP boot) unless `kernel` is
 * given. The serial console is captured; QEMU exits when the guest powers off and is killed by `stop()`,
 * by `lab.close()`, or when the test process exits.
 *
 * @example
 * const vm = await startVm(lab, { firmware: 'bios' });
 * try {
 *   await vm.waitForSerial(/PXEKIT-TOKEN abc123/, 120_000);
 * } finally {
 *   await vm.stop();
 * }
 */
export async function startVm(lab: Lab, options: VmOptions = {}): Promise<Vm> {
  const firmware = options.firmware ?? 'bios';
  const tap = options.tap ?? lab.taps[0] ?? (await lab.addTap());
  const n = ++vmCounter;
  const mac =
    options.mac ??
    `52:54:00:${[process.pid & 0xff, (process.pid >> 8) & 0xff, n & 0xff].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;
  let ovmfVars: string | undefined;
  if (firmware === 'uefi') {
    // OVMF writes its variable store: each guest gets a fresh copy.
    const dir = makeTempDir('ovmf');
    ovmfVars = dir.join('OVMF_VARS.fd');
    copyFileSync(bootFile('ovmfVars'), ovmfVars);
  }
  const args = qemuArgs({
    firmware,
    nic: options.nic ?? 'e1000',
    ovmfPxe: options.ovmfPxe ?? false,
    ...(options.ovmfHttpBoot === true ? { ovmfHttpBoot: true } : {}),
    tap,
    mac,
    memoryMb: options.memoryMb ?? 512,
    cpu: options.cpu ?? 'max',
    ...(firmware === 'uefi' ? { ovmfCode: bootFile('ovmfCode'), ovmfVars: ovmfVars ?? '' } : {}),
    ...(options.kernel ? { kernel: options.kernel } : {}),
  });
  let log: WriteStream | undefined;
  if (options.serialLog) log = createWriteStream(options.serialLog);
  const started = Date.now();
  const daemon = lab.spawn('switch', 'qemu-system-x86_64', args, {
    name: `qemu-${firmware}-${n}`,
    killTimeoutMs: 2000,
    onOutput: (chunk) => {
      log?.write(chunk);
      options.onSerial?.(chunk);
    },
  });
  void daemon.exited.then(() => log?.end());
  return {
    mac,
    daemon,
    get serial() {
      return daemon.output;
    },
    elapsedMs: () => Date.now() - started,
    waitForSerial: (pattern, timeoutMs) => daemon.waitForOutput(pattern, timeoutMs),
    exited: daemon.exited,
    stop: () => daemon.stop(),
  };
}

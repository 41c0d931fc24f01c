import { describe, expect, it } from 'vitest';
import {
  cpioEncodingLength,
  encodeCpio,
  guestCommandLine,
  pxelinuxMenu,
  qemuArgs,
  resolveModuleOrder,
  S_IFCHR,
  S_IFDIR,
  S_IFREG,
  withPrivateMounts,
} from '../src/lab/index.js';

/** A minimal newc reader, independent of the writer, to check what the kernel would unpack. */
function readCpio(bytes: Uint8Array): { name: string; mode: number; data: string; rdev: [number, number] }[] {
  const text = new TextDecoder('latin1');
  const out = [];
  let off = 0;
  for (;;) {
    const h = text.decode(bytes.subarray(off, off + 110));
    expect(h.slice(0, 6)).toBe('070701');
    const field = (i: number): number => Number.parseInt(h.slice(6 + i * 8, 14 + i * 8), 16);
    const nameSize = field(11);
    const fileSize = field(6);
    const name = text.decode(bytes.subarray(off + 110, off + 110 + nameSize - 1));
    expect(bytes[off + 110 + nameSize - 1]).toBe(0);
    off += 110 + nameSize;
    off += (4 - (off % 4)) % 4;
    if (name === 'TRAILER!!!') break;
    out.push({
      name,
      mode: field(1),
      data: text.decode(bytes.subarray(off, off + fileSize)),
      rdev: [field(9), field(10)] as [number, number],
    });
    off += fileSize;
    off += (4 - (off % 4)) % 4;
  }
  expect(off).toBe(bytes.length);
  return out;
}

describe('cpio newc writer', () => {
  it('writes entries a reader gets back, 4-byte aligned, with a trailer', () => {
    const enc = new TextEncoder();
    const entries = [
      { name: 'bin', mode: S_IFDIR | 0o755 },
      { name: 'dev/console', mode: S_IFCHR | 0o600, rdevMajor: 5, rdevMinor: 1 },
      { name: 'init', mode: S_IFREG | 0o755, data: enc.encode('#!/bin/sh\necho hi\n') },
      { name: 'a', mode: S_IFREG | 0o644, data: enc.encode('') },
      { name: 'odd-name-length', mode: S_IFREG | 0o644, data: enc.encode('x') },
    ];
    const bytes = encodeCpio(entries);
    expect(bytes.length).toBe(cpioEncodingLength(entries));
    expect(bytes.length % 4).toBe(0);
    const back = readCpio(bytes);
    expect(back.map((e) => e.name)).toEqual(['bin', 'dev/console', 'init', 'a', 'odd-name-length']);
    expect(back[1]?.rdev).toEqual([5, 1]);
    expect(back[1]?.mode).toBe(S_IFCHR | 0o600);
    expect(back[2]?.data).toBe('#!/bin/sh\necho hi\n');
    expect(back[4]?.data).toBe('x');
  });

  it('rejects absolute names', () => {
    expect(() => encodeCpio([{ name: '/init', mode: S_IFREG | 0o755 }])).toThrow(/relative/);
  });
});

describe('kernel module order', () => {
  const dep = [
    'kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko',
    'kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko',
    'kernel/net/core/failover.ko:',
    'kernel/drivers/virtio/virtio_ring.ko:',
    'kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko',
    'kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
    'kernel/drivers/virtio/virtio_pci_legacy_dev.ko:',
    'kernel/drivers/virtio/virtio_pci_modern_dev.ko:',
    'kernel/drivers/net/ethernet/intel/e1000/e1000.ko.xz:',
  ].join('\n');

  it('puts dependencies before the modules that need them', () => {
    const order = resolveModuleOrder(dep, ['virtio_pci', 'virtio_net', 'e1000']);
    const pos = (n: string): number =>
      order.findIndex((f) => f.endsWith(`/${n}.ko`) || f.endsWith(`/${n}.ko.xz`));
    expect(order).toHaveLength(9);
    expect(pos('virtio_ring')).toBeLessThan(pos('virtio'));
    expect(pos('virtio')).toBeLessThan(pos('virtio_pci'));
    expect(pos('failover')).toBeLessThan(pos('net_failover'));
    expect(pos('net_failover')).toBeLessThan(pos('virtio_net'));
    expect(order.at(-1)).toMatch(/e1000\.ko\.xz$/);
  });

  it('names a module that is not there', () => {
    expect(() => resolveModuleOrder(dep, ['e1000e'])).toThrow(/e1000e/);
  });
});

describe('qemu command line', () => {
  const base = {
    nic: 'e1000',
    ovmfPxe: false,
    tap: 'tap0',
    mac: '52:54:00:00:00:01',
    memoryMb: 512,
    cpu: 'max',
  } as const;

  it('BIOS boots from the network on the tap, TCG, serial on stdio, never reboots', () => {
    const a = qemuArgs({ ...base, firmware: 'bios' }).join(' ');
    expect(a).toContain('-machine pc,accel=tcg');
    expect(a).toContain('-netdev tap,id=n0,ifname=tap0,script=no,downscript=no');
    expect(a).toContain('-device e1000,netdev=n0,mac=52:54:00:00:00:01,bootindex=1');
    expect(a).toContain('-serial stdio');
    expect(a).toContain('-no-reboot');
    expect(a).toContain('-boot order=n');
    expect(a).not.toContain('pflash');
  });

  it("UEFI uses OVMF with a private vars copy; ovmfPxe drops the NIC's option ROM", () => {
    const a = qemuArgs({
      ...base,
      firmware: 'uefi',
      nic: 'virtio',
      ovmfPxe: true,
      ovmfCode: '/c.fd',
      ovmfVars: '/v.fd',
    });
    expect(a.join(' ')).toContain('if=pflash,format=raw,unit=0,readonly=on,file=/c.fd');
    expect(a.join(' ')).toContain('if=pflash,format=raw,unit=1,file=/v.fd');
    expect(a.join(' ')).toContain('virtio-net-pci,netdev=n0,mac=52:54:00:00:00:01,romfile=,bootindex=1');
  });

  it('ovmfHttpBoot turns OVMF PXE off through fw_cfg and drops the option ROM; PXE mode keeps PXE on', () => {
    const uefi = { ...base, firmware: 'uefi' as const, ovmfCode: '/c.fd', ovmfVars: '/v.fd' };
    const http = qemuArgs({ ...uefi, ovmfHttpBoot: true }).join(' ');
    expect(http).toContain('-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n');
    expect(http).toContain('-fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n');
    expect(http).toContain('mac=52:54:00:00:00:01,romfile=,bootindex=1');
    const pxe = qemuArgs({ ...uefi, ovmfPxe: true }).join(' ');
    expect(pxe).not.toContain('fw_cfg');
    expect(pxe).toContain('romfile=,bootindex=1');
    // On BIOS the flag means nothing: no fw_cfg, the NIC keeps its iPXE ROM.
    const bios = qemuArgs({ ...base, firmware: 'bios', ovmfHttpBoot: true }).join(' ');
    expect(bios).not.toContain('fw_cfg');
    expect(bios).not.toContain('romfile=');
  });

  it('direct kernel boot passes kernel, initrd and command line', () => {
    const a = qemuArgs({
      ...base,
      firmware: 'bios',
      kernel: { kernel: '/k', initrd: '/i', append: 'console=ttyS0' },
    });
    expect(a.slice(-6)).toEqual(['-kernel', '/k', '-initrd', '/i', '-append', 'console=ttyS0']);
    expect(a).not.toContain('order=n');
  });
});

describe('private mounts', () => {
  it('bind-mounts inside its own mount namespace and then execs the command', () => {
    const [cmd, args] = withPrivateMounts({ '/var/lib/dhcpcd': '/tmp/a b' }, 'dhcpcd', ['-1', 'eth0']);
    expect(cmd).toBe('unshare');
    expect(args.slice(0, 3)).toEqual(['-m', '--propagation', 'private']);
    expect(args[5]).toBe(`set -e; mount --bind '/tmp/a b' /var/lib/dhcpcd; exec "$@"`);
    expect(args.slice(6)).toEqual(['sh', 'dhcpcd', '-1', 'eth0']);
  });
});

describe('pxelinux menu for the lab guest', () => {
  it('puts SERIAL first and the token and URL on the kernel line', () => {
    const text = pxelinuxMenu({ token: 'abc123', url: 'http://10.99.0.1/x' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('SERIAL 0 115200');
    expect(lines).toContain('UI menu.c32');
    expect(text).toMatch(
      /^ {2}APPEND console=ttyS0,115200 .*pxekit\.token=abc123 pxekit\.url=http:\/\/10\.99\.0\.1\/x$/m,
    );
    const simple = pxelinuxMenu({ token: 't', ui: 'simple' });
    expect(simple).toContain('PROMPT 0');
    expect(simple).not.toContain('menu.c32');
  });

  it('refuses a token that would break the kernel command line', () => {
    expect(() => guestCommandLine({ token: 'a b' })).toThrow(RangeError);
  });
});

import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { QEMU_PACKAGES, labStatus, labTitle, makeTempDir, spawnDaemon } from '@pxekit/testkit/lab';
import { describe, expect, it } from 'vitest';
import {
  type CapturedDhcp,
  DhcpError,
  clientArchitectureName,
  decodeDhcpMessage,
  decodeDhcpMessageTolerant,
  encodeDhcpMessage,
  extractDhcpMessages,
  getMessageType,
  getOption,
  readCapture,
  toHex,
} from '../src/index.js';

// PXE firmware in QEMU (TCG) asks for an address: iPXE's BIOS ROM, and OVMF's own UEFI PXE. QEMU's
// user-mode network answers (libslirp, inside the QEMU process; restrict=on keeps the guest off every real
// network) and filter-dump writes the frames to a pcap. Every DHCP message of the firmware and of libslirp
// must decode strictly, re-encode byte for byte and carry the PXE options boot decisions need.
const lab = await labStatus({ packages: [...QEMU_PACKAGES, 'ipxe'], needs: [] });

async function bootAndCapture(
  name: string,
  firmware: string[],
  nic: string,
  bootfile: string,
): Promise<CapturedDhcp[]> {
  using dir = makeTempDir(`dhcp-${name}`);
  const tftp = dir.join('tftp');
  mkdirSync(tftp);
  copyFileSync(`/usr/lib/ipxe/${bootfile}`, `${tftp}/${bootfile}`);
  const pcap = dir.join('dhcp.pcap');
  const vm = spawnDaemon(
    'qemu-system-x86_64',
    [
      ...[
        '-nographic',
        '-m',
        '256',
        '-no-reboot',
        '-display',
        'none',
        '-serial',
        'null',
        '-monitor',
        'none',
        '-boot',
        'n',
      ],
      ...firmware,
      '-netdev',
      `user,id=n0,restrict=on,tftp=${tftp},bootfile=${bootfile}`,
      '-device',
      nic,
      '-object',
      `filter-dump,id=f0,netdev=n0,file=${pcap}`,
    ],
    { name: `qemu-${name}` },
  );
  try {
    // Poll the capture (bounded: 90 s) until the firmware's first exchange has reached its ACK.
    for (let i = 0; i < 180; i++) {
      await new Promise((r) => setTimeout(r, 500));
      if (vm.exitStatus) throw new Error(`QEMU exited early: ${vm.output.slice(-2000)}`);
      if (!existsSync(pcap)) continue;
      const found = extractDhcpMessages(readCapture(new Uint8Array(readFileSync(pcap))));
      const acked = found.some((m) => {
        try {
          return getMessageType(decodeDhcpMessage(m.payload)) === 5;
        } catch (e) {
          if (e instanceof DhcpError) return false;
          throw e;
        }
      });
      // The firmware's own exchange only (a loaded boot file starts another one with a new xid).
      if (acked) return found.filter((m) => m.payload.length >= 8 && readXid(m) === readXid(found[0]!));
    }
    throw new Error('no DHCP ACK within 90 s');
  } finally {
    await vm.stop();
  }
}

function readXid(m: CapturedDhcp): number {
  const p = m.payload;
  return ((p[4]! << 24) | (p[5]! << 16) | (p[6]! << 8) | p[7]!) >>> 0;
}

function checkAll(messages: CapturedDhcp[], vendorClass: string, arch: number): void {
  const types = messages.map((m) => getMessageType(decodeDhcpMessage(m.payload)));
  expect(types).toEqual(expect.arrayContaining([1, 2, 3, 5]));
  for (const m of messages) {
    const msg = decodeDhcpMessage(m.payload);
    expect(decodeDhcpMessageTolerant(m.payload).problems).toEqual([]);
    expect(toHex(encodeDhcpMessage(msg))).toBe(toHex(m.payload));
    if (msg.op === 1) {
      expect(getOption(msg, 'vendorClassIdentifier')).toBe(vendorClass);
      expect(getOption(msg, 'clientSystemArchitecture')).toEqual([arch]);
      expect(clientArchitectureName(arch)).not.toMatch(/unknown/);
      expect(getOption(msg, 'clientMachineId')?.id.length).toBe(16);
      expect(getOption(msg, 'clientNetworkInterfaceId')?.type).toBe(1);
    }
  }
}

describe.skipIf(!lab.ok)(labTitle('PXE firmware DHCP in QEMU, decoded and re-encoded', lab), () => {
  it('iPXE BIOS ROM (e1000)', async () => {
    const found = await bootAndCapture('bios', [], 'e1000,netdev=n0,mac=52:54:00:99:34:01', 'undionly.kpxe');
    checkAll(found, 'PXEClient:Arch:00000:UNDI:002001', 0);
    const first = decodeDhcpMessage(found[0]!.payload);
    expect(getOption(first, 'userClass')).toEqual({ raw: 'iPXE' });
    expect(getOption(first, 'ipxeEncapsulated')?.length).toBeGreaterThan(0);
  });

  it("OVMF's own UEFI PXE (virtio, no option ROM)", async () => {
    const found = await bootAndCapture(
      'ovmf',
      ['-bios', '/usr/share/ovmf/OVMF.fd'],
      'virtio-net-pci,netdev=n0,mac=52:54:00:99:34:02,romfile=',
      'ipxe.efi',
    );
    checkAll(found, 'PXEClient:Arch:00007:UNDI:003000', 7);
  });
});

#!/usr/bin/env bash
# Dev script (not CI): captures the DHCP traffic of PXE firmware booting in QEMU (TCG), with QEMU's
# user-mode network (libslirp answers DHCP and TFTP inside the QEMU process; restrict=on keeps the guest
# off the host network) and QEMU's filter-dump writing a pcap. Nothing is sent on any real interface.
#   packages/dhcp/scripts/capture-qemu.sh /tmp/pxk-qemu
# Needs: qemu-system-x86 ipxe-qemu ovmf ipxe. Each VM is killed after its time limit.
set -euo pipefail
OUT=${1:-/tmp/pxk-qemu}
mkdir -p "$OUT/tftp"
cp /usr/lib/ipxe/undionly.kpxe /usr/lib/ipxe/ipxe.efi "$OUT/tftp/"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
vm() { # name seconds firmware-args... -- nic-args
  local name=$1 secs=$2
  shift 2
  timeout -k 5 "$secs" qemu-system-x86_64 -nographic -m 256 -no-reboot -display none -serial null -monitor none \
    -object filter-dump,id=f0,netdev=n0,file="$OUT/$name.pcap" -boot n "$@" >"$OUT/$name.log" 2>&1 &
  PIDS+=($!)
}
# BIOS: QEMU's e1000 option ROM is iPXE; it loads undionly.kpxe (iPXE again).
vm bios 60 -netdev user,id=n0,restrict=on,tftp="$OUT/tftp",bootfile=undionly.kpxe \
  -device e1000,netdev=n0,mac=52:54:00:99:32:01
# UEFI with iPXE's EFI ROM for e1000, which loads ipxe.efi.
vm uefi 70 -bios /usr/share/ovmf/OVMF.fd -netdev user,id=n0,restrict=on,tftp="$OUT/tftp",bootfile=ipxe.efi \
  -device e1000,netdev=n0,mac=52:54:00:99:32:02
# UEFI with OVMF's own PXE (virtio without option ROM), which loads ipxe.efi.
vm ovmf 70 -bios /usr/share/ovmf/OVMF.fd -netdev user,id=n0,restrict=on,tftp="$OUT/tftp",bootfile=ipxe.efi \
  -device virtio-net-pci,netdev=n0,mac=52:54:00:99:32:03,romfile=
wait || true
echo "captures in $OUT/{bios,uefi,ovmf}.pcap"

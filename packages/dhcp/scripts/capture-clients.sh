#!/usr/bin/env bash
# Dev script (not CI): captures what real DHCP clients and servers send, inside a throwaway pair of network
# namespaces, and writes a pcapng. The fixtures in test/fixtures/ were derived from its output.
#   sudo packages/dhcp/scripts/capture-clients.sh /tmp/dhcp-capture.pcapng [dnsmasq|kea]
# Addresses 10.99.31.0/24 exist only inside the namespaces; both are deleted on exit, also after a failure.
# Needs: iproute2 dnsmasq-base (or kea-dhcp4-server) isc-dhcp-client busybox(-static) dhcpcd-base tshark.
set -euo pipefail
OUT=${1:-/tmp/dhcp-capture.pcapng}
SERVER=${2:-dnsmasq}
SRV=pxkdhcp-srv
CLI=pxkdhcp-cli
WORK=$(mktemp -d /tmp/pxkdhcp.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  ip netns del "$SRV" 2>/dev/null || true
  ip netns del "$CLI" 2>/dev/null || true
  rm -rf "$WORK" /etc/netns/"$CLI"
}
trap cleanup EXIT INT TERM

ip netns add "$SRV"
ip netns add "$CLI"
ip link add pxk-s type veth peer name pxk-c
ip link set pxk-s netns "$SRV"
ip link set pxk-c netns "$CLI"
ip -n "$SRV" link set lo up
ip -n "$CLI" link set lo up
ip -n "$SRV" addr add 10.99.31.1/24 dev pxk-s
ip -n "$SRV" link set pxk-s up
ip -n "$CLI" link set pxk-c address 52:54:00:99:31:02
ip -n "$CLI" link set pxk-c up
mkdir -p /etc/netns/"$CLI"
: > /etc/netns/"$CLI"/resolv.conf

timeout 120 ip netns exec "$SRV" dumpcap -q -i pxk-s -f udp -w "$OUT" &
PIDS+=($!)
sleep 1.5

if [ "$SERVER" = dnsmasq ]; then
  timeout 120 ip netns exec "$SRV" dnsmasq --no-daemon --conf-file=/dev/null --port=0 --interface=pxk-s \
    --bind-interfaces --dhcp-range=10.99.31.100,10.99.31.150,255.255.255.0,1h --no-ping \
    --dhcp-leasefile="$WORK/leases" --pid-file="$WORK/dnsmasq.pid" \
    --dhcp-option=3,10.99.31.1 --dhcp-option=6,10.99.31.1 --dhcp-option=119,lab.example,example \
    --dhcp-option=121,10.20.0.0/16,10.99.31.1 --dhcp-option=42,10.99.31.1 \
    --dhcp-boot=pxelinux.0,boot,10.99.31.1 --dhcp-option=209,pxelinux.cfg/default >"$WORK/dnsmasq.log" 2>&1 &
  PIDS+=($!)
else
  cat >"$WORK/kea.json" <<JSON
{ "Dhcp4": {
  "interfaces-config": { "interfaces": [ "pxk-s" ], "dhcp-socket-type": "raw" },
  "lease-database": { "type": "memfile", "persist": false },
  "control-socket": { "socket-type": "unix", "socket-name": "$WORK/kea.sock" },
  "valid-lifetime": 3600,
  "subnet4": [ { "id": 1, "subnet": "10.99.31.0/24", "pools": [ { "pool": "10.99.31.100 - 10.99.31.150" } ],
    "next-server": "10.99.31.1", "boot-file-name": "ipxe.efi",
    "option-data": [ { "name": "routers", "data": "10.99.31.1" }, { "name": "domain-name-servers", "data": "10.99.31.1" },
                     { "name": "domain-search", "data": "lab.example, example" } ] } ],
  "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "$WORK/kea.log" } ], "severity": "INFO" } ]
} }
JSON
  KEA_PIDFILE_DIR="$WORK" KEA_LOCKFILE_DIR="$WORK" timeout 120 ip netns exec "$SRV" kea-dhcp4 -c "$WORK/kea.json" >"$WORK/kea.out" 2>&1 &
  PIDS+=($!)
fi
sleep 1.5

# dhclient: its own lease file and a no-op script, so nothing on the host changes.
printf 'send host-name "pxkclient";\nrequest subnet-mask, broadcast-address, routers, domain-name-servers, domain-search, classless-static-routes, ntp-servers, bootfile-name;\n' >"$WORK/dhclient.conf"
timeout 20 ip netns exec "$CLI" dhclient -4 -1 -v -cf "$WORK/dhclient.conf" -sf /bin/true -lf "$WORK/dhclient.leases" \
  -pf "$WORK/dhclient.pid" pxk-c >"$WORK/dhclient.log" 2>&1 || true
timeout 10 ip netns exec "$CLI" dhclient -4 -r -cf "$WORK/dhclient.conf" -sf /bin/true -lf "$WORK/dhclient.leases" -pf "$WORK/dhclient.pid" pxk-c \
  >>"$WORK/dhclient.log" 2>&1 || true
ip -n "$CLI" addr flush dev pxk-c
# udhcpc (busybox): -q quit after lease, -n exit if none, -R release on exit.
timeout 20 ip netns exec "$CLI" busybox udhcpc -i pxk-c -s /bin/true -q -n -R -t 3 -x hostname:pxkbusybox \
  -V pxekit-udhcpc >"$WORK/udhcpc.log" 2>&1 || true
ip -n "$CLI" addr flush dev pxk-c
# dhcpcd: IPv4 only, one shot, no ARP probe, no hooks, its own config.
: > "$WORK/dhcpcd.conf"
rm -f /var/lib/dhcpcd/pxk-c.lease /var/lib/dhcpcd/pxk-c-*.lease  # our own leftovers: forces a DISCOVER
timeout 30 ip netns exec "$CLI" dhcpcd -f "$WORK/dhcpcd.conf" -4 -1 -A -B -c /bin/true -t 15 -h pxkdhcpcd \
  --nohook resolv.conf pxk-c >"$WORK/dhcpcd.log" 2>&1 || true
timeout 10 ip netns exec "$CLI" dhcpcd -f "$WORK/dhcpcd.conf" -4 -k pxk-c >>"$WORK/dhcpcd.log" 2>&1 || true
sleep 1
mkdir -p "${OUT%.pcapng}.logs" && cp "$WORK"/*.log "${OUT%.pcapng}.logs/" 2>/dev/null || true
echo "captured to $OUT"

#!/usr/bin/env bash
# Dev script (not CI): a DHCP exchange through ISC dhcrelay (adding option 82) to ISC dhcpd, captured on
# both sides of the relay. Three throwaway namespaces; 10.99.32.0/24 (client side) and 10.99.33.0/24
# (server side) exist only inside them; all are deleted on exit, also after a failure.
#   packages/dhcp/scripts/capture-relay.sh /tmp/pxk-relay.pcapng
# Needs: iproute2 isc-dhcp-relay isc-dhcp-server isc-dhcp-client tshark.
set -euo pipefail
OUT=${1:-/tmp/pxk-relay.pcapng}
CLI=pxkrl-cli
RLY=pxkrl-rly
SRV=pxkrl-srv
WORK=$(mktemp -d /tmp/pxkrl.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for n in "$CLI" "$RLY" "$SRV"; do ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$WORK" /etc/netns/"$CLI"
}
trap cleanup EXIT INT TERM
for n in "$CLI" "$RLY" "$SRV"; do ip netns add "$n"; ip -n "$n" link set lo up; done
ip link add pxr-c type veth peer name pxr-rc
ip link add pxr-s type veth peer name pxr-rs
ip link set pxr-c netns "$CLI"
ip link set pxr-rc netns "$RLY"
ip link set pxr-rs netns "$RLY"
ip link set pxr-s netns "$SRV"
ip -n "$CLI" link set pxr-c address 52:54:00:99:33:02
ip -n "$CLI" link set pxr-c up
ip -n "$RLY" addr add 10.99.32.1/24 dev pxr-rc
ip -n "$RLY" addr add 10.99.33.2/24 dev pxr-rs
ip -n "$RLY" link set pxr-rc up
ip -n "$RLY" link set pxr-rs up
ip -n "$SRV" addr add 10.99.33.1/24 dev pxr-s
ip -n "$SRV" link set pxr-s up
ip -n "$SRV" route add 10.99.32.0/24 via 10.99.33.2
mkdir -p /etc/netns/"$CLI"
: > /etc/netns/"$CLI"/resolv.conf

cat >"$WORK/dhcpd.conf" <<CONF
authoritative;
default-lease-time 600;
max-lease-time 7200;
subnet 10.99.33.0 netmask 255.255.255.0 { }
subnet 10.99.32.0 netmask 255.255.255.0 {
  range 10.99.32.100 10.99.32.150;
  option routers 10.99.32.1;
  option domain-name-servers 10.99.33.1;
  option domain-search "lab.example", "example";
  next-server 10.99.33.1;
  filename "pxelinux.0";
}
CONF
: > "$WORK/dhcpd.leases"
timeout 60 ip netns exec "$RLY" dumpcap -q -i pxr-rc -i pxr-rs -f udp -w "$OUT" &
PIDS+=($!)
sleep 1.5
timeout 60 ip netns exec "$SRV" dhcpd -4 -f -cf "$WORK/dhcpd.conf" -lf "$WORK/dhcpd.leases" -pf "$WORK/dhcpd.pid" pxr-s \
  >"$WORK/dhcpd.log" 2>&1 &
PIDS+=($!)
# -a: add relay agent information (option 82) with circuit id = interface name.
timeout 60 ip netns exec "$RLY" dhcrelay -4 -d -a -pf "$WORK/dhcrelay.pid" -id pxr-rc -iu pxr-rs 10.99.33.1 \
  >"$WORK/dhcrelay.log" 2>&1 &
PIDS+=($!)
sleep 1.5
timeout 20 ip netns exec "$CLI" dhclient -4 -1 -v -sf /bin/true -lf "$WORK/dhclient.leases" -pf "$WORK/dhclient.pid" pxr-c \
  >"$WORK/dhclient.log" 2>&1 || true
sleep 1
mkdir -p "${OUT%.pcapng}.logs" && cp "$WORK"/*.log "${OUT%.pcapng}.logs/" 2>/dev/null || true
echo "captured to $OUT"

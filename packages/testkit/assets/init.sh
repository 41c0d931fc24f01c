#!/bin/busybox sh
# pxekit lab guest /init: load the NIC driver, DHCP with udhcpc, print the boot token, fetch a URL,
# power off. Every line the test waits for starts with "PXEKIT-". Parameters come from the kernel
# command line:
#   pxekit.token=<t>   printed back as "PXEKIT-TOKEN <t>" (only the boot config knows it)
#   pxekit.url=<url>   fetched with busybox wget: "PXEKIT-FETCH <sha256> <bytes>", body between
#                      PXEKIT-BODY-BEGIN / PXEKIT-BODY-END when it is under 4 KiB
#   pxekit.hold=1      stay up (no poweroff) for interactive debugging
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
/bin/busybox mkdir -p /proc /sys /dev /tmp /bin /sbin /usr/bin /usr/sbin /etc /run
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
echo "PXEKIT-INIT"
arg() { for w in $(cat /proc/cmdline); do case "$w" in "$1="*) echo "${w#*=}";; esac; done; }
for m in $(cat /etc/modules.order 2>/dev/null); do insmod "/lib/modules/$m" 2>/dev/null; done
IF=
i=0
while [ $i -lt 100 ] && [ -z "$IF" ]; do
  for d in /sys/class/net/*; do n=${d##*/}; [ "$n" != lo ] && IF=$n && break; done
  [ -z "$IF" ] && sleep 0.1
  i=$((i+1))
done
if [ -z "$IF" ]; then echo "PXEKIT-ERROR no network interface"; poweroff -f; fi
echo "PXEKIT-MAC $(cat /sys/class/net/$IF/address)"
ip link set lo up
ip link set "$IF" up
if udhcpc -i "$IF" -n -q -t 10 -T 2 -s /etc/udhcpc.script; then
  . /tmp/dhcp.env
  echo "PXEKIT-IP $ip router=$router siaddr=$siaddr"
else
  echo "PXEKIT-ERROR udhcpc got no lease"
fi
TOKEN=$(arg pxekit.token)
[ -n "$TOKEN" ] && echo "PXEKIT-TOKEN $TOKEN"
URL=$(arg pxekit.url)
if [ -n "$URL" ]; then
  # (busybox-static 1.35 wget segfaults with -T here; bound it with timeout instead)
  if timeout 30 wget -q -O - "$URL" >/tmp/body 2>/tmp/wget.err; then
    echo "PXEKIT-FETCH $(sha256sum /tmp/body | cut -d' ' -f1) $(wc -c < /tmp/body)"
    if [ "$(wc -c < /tmp/body)" -lt 4096 ]; then
      echo "PXEKIT-BODY-BEGIN"; cat /tmp/body; echo; echo "PXEKIT-BODY-END"
    fi
  else
    echo "PXEKIT-ERROR fetch failed: $URL: $(tail -n 3 /tmp/wget.err)"
  fi
fi
echo "PXEKIT-DONE"
[ "$(arg pxekit.hold)" = 1 ] && exec sh
sync
poweroff -f

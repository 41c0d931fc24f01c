#!/usr/bin/env python3
"""Dev script: turns captures made by capture-clients.sh into test/fixtures/captures.json.
Expected values come from tshark's dissector (an independent decoder), not from ours.
  python3 packages/dhcp/scripts/make-fixtures.py out.json label=capture.pcapng[@display-filter] ...
"""
import json, subprocess, sys

FIELDS = ['frame.number', 'udp.srcport', 'dhcp.type', 'udp.payload', 'dhcp.type', 'dhcp.id', 'dhcp.hw.mac_addr', 'dhcp.ip.your',
          'dhcp.ip.server', 'dhcp.file', 'dhcp.option.type', 'dhcp.option.dhcp', 'dhcp.option.hostname',
          'dhcp.option.vendor_class_id', 'dhcp.option.dhcp_server_id', 'dhcp.option.requested_ip_address',
          'dhcp.option.ip_address_lease_time', 'dhcp.option.request_list_item']

out = []
for arg in sys.argv[2:]:
    label, path = arg.split('=', 1)
    path, _, extra = path.partition('@')
    res = subprocess.run(['tshark', '-r', path, '-Y', f'dhcp && ({extra})' if extra else 'dhcp', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a',
                          '-E', 'aggregator=,'] + sum([['-e', f] for f in FIELDS], []),
                         capture_output=True, text=True, check=True)
    for line in res.stdout.splitlines():
        v = dict(zip(FIELDS, line.split('\t')))
        ints = lambda s: [int(x) for x in s.split(',') if x != '']
        codes = [c for c in ints(v['dhcp.option.type']) if c not in (0, 255)]
        msgtype = int(v['dhcp.option.dhcp'])
        client = v['dhcp.type'] == '1'  # BOOTREQUEST, also when a relay forwards it from port 67
        expect = {
            'messageType': msgtype,
            'xid': int(v['dhcp.id'], 16),
            'mac': v['dhcp.hw.mac_addr'].split(',')[0],
            'yiaddr': v['dhcp.ip.your'],
            'siaddr': v['dhcp.ip.server'],
            'file': v['dhcp.file'],
            'optionCodes': codes,
        }
        for key, field in [('hostName', 'dhcp.option.hostname'), ('vendorClassIdentifier', 'dhcp.option.vendor_class_id'),
                           ('serverIdentifier', 'dhcp.option.dhcp_server_id'),
                           ('requestedIpAddress', 'dhcp.option.requested_ip_address')]:
            if v[field]:
                expect[key] = v[field]
        if v['dhcp.option.ip_address_lease_time']:
            expect['ipAddressLeaseTime'] = int(v['dhcp.option.ip_address_lease_time'])
        if v['dhcp.option.request_list_item']:
            expect['parameterRequestList'] = ints(v['dhcp.option.request_list_item'])
        names = {1: 'DISCOVER', 2: 'OFFER', 3: 'REQUEST', 5: 'ACK', 6: 'NAK', 7: 'RELEASE', 8: 'INFORM'}
        out.append({'name': f"{label} {names.get(msgtype, msgtype)} #{v['frame.number']}",
                    'from': 'client' if client else 'server', 'hex': v['udp.payload'].replace(':', ''), 'expect': expect})

json.dump(out, open(sys.argv[1], 'w'), indent=1)
print(f'{len(out)} messages')

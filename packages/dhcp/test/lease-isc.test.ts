import { describe, expect, it } from 'vitest';
import { formatIscDate, formatIscLeases, leasesFromIsc, parseIscLeases } from '../src/lease/isc-leases.js';
import type { Lease } from '../src/lease/types.js';

// A file in the shape ISC dhcpd 4.4 writes, with the statements it adds that we do not use.
const DHCPD_LEASES = `# The format of this file is documented in the dhcpd.leases(5) manual page.
# This lease file was written by isc-dhcp-4.4.3-P1

# authoring-byte-order entry is generated, DO NOT DELETE
authoring-byte-order little-endian;

server-duid "\\000\\001\\000\\001-\\377\\263\\220RT\\000\\022V";

lease 10.99.0.100 {
  starts 2 2026/11/24 15:00:00;
  ends 2 2026/11/24 16:00:00;
  cltt 2 2026/11/24 15:00:00;
  binding state active;
  next binding state free;
  rewind binding state free;
  hardware ethernet 52:54:00:12:34:56;
  uid "\\001RT\\000\\0224V";
  set vendor-class-identifier = "PXEClient:Arch:00000:UNDI:002001";
  client-hostname "node-1";
}
lease 10.99.0.101 {
  starts 2 2026/11/24 14:00:00;
  ends 2 2026/11/24 14:10:00;
  tstp 2 2026/11/24 14:10:00;
  binding state free;
  hardware ethernet 52:54:00:00:00:01;
}
lease 10.99.0.102 {
  starts epoch 1795532400; # Tue Nov 24 14:20:00 2026
  ends epoch 1795536000; # Tue Nov 24 15:20:00 2026
  binding state expired;
  hardware ethernet 52:54:00:00:00:02;
  on commit { set x = "y"; }
}
lease 10.99.0.100 {
  starts 2 2026/11/24 15:30:00;
  ends 2 2026/11/24 16:30:00;
  binding state active;
  hardware ethernet 52:54:00:12:34:56;
  uid "\\001RT\\000\\0224V";
  client-hostname "node-1";
}
lease 10.99.0.103 {
  starts 2 2026/11/24 15:00:00;
  ends 2 2026/11/24 16:00:00;
  binding state abandoned;
}
lease 192.168.5.5 {
  binding state active;
  hardware ethernet 52:54:00:00:00:05;
}
`;

const subnetOf = (a: string): string | undefined => (a.startsWith('10.99.0.') ? 'lab' : undefined);

describe('ISC dhcpd.leases import', () => {
  it('maps binding states, keeps the last block per address, decodes octal uids and epoch dates', () => {
    const { leases, problems } = leasesFromIsc(parseIscLeases(DHCPD_LEASES), { subnetOf });
    expect(problems).toEqual([{ line: 48, message: '192.168.5.5 is in no configured subnet' }]);
    expect(leases).toEqual([
      {
        address: '10.99.0.102',
        subnet: 'lab',
        clientKey: 'hw:52:54:00:00:00:02',
        mac: '52:54:00:00:00:02',
        state: 'expired',
        start: 1795532400_000,
        expires: 1795536000_000,
      },
      {
        address: '10.99.0.100',
        subnet: 'lab',
        clientKey: 'id:015254001234 56'.replace(' ', ''),
        mac: '52:54:00:12:34:56',
        clientId: '01525400123456',
        hostname: 'node-1',
        state: 'bound',
        start: Date.UTC(2026, 10, 24, 15, 30),
        expires: Date.UTC(2026, 10, 24, 16, 30),
      },
      {
        address: '10.99.0.103',
        subnet: 'lab',
        clientKey: '',
        mac: '',
        state: 'declined',
        start: Date.UTC(2026, 10, 24, 15),
        expires: Date.UTC(2026, 10, 24, 16),
      },
    ]);
  });

  it('reports broken input with line numbers instead of throwing', () => {
    const { blocks, problems } = parseIscLeases(
      'lease nope {\n}\nlease 10.0.0.1 {\n starts 2 yesterday;\n uid "\\001',
    );
    expect(blocks.map((b) => b.address)).toEqual([]);
    expect(problems.map((p) => p.line)).toEqual([5, 1, 4, 3]);
  });
});

describe('ISC dhcpd.leases export', () => {
  it('writes what import reads back', () => {
    const leases: Lease[] = [
      {
        address: '10.99.0.7',
        subnet: 'lab',
        clientKey: 'id:ff00112233',
        mac: '52:54:00:aa:bb:cc',
        clientId: 'ff00112233',
        hostname: 'a "quoted" \\ name',
        state: 'bound',
        start: Date.UTC(2026, 0, 4, 1, 2, 3),
        expires: Date.UTC(2026, 0, 4, 2, 2, 3),
      },
      {
        address: '10.99.0.8',
        subnet: 'lab',
        clientKey: 'hw:52:54:00:aa:bb:cd',
        mac: '52:54:00:aa:bb:cd',
        state: 'released',
        start: Date.UTC(2026, 0, 4),
        expires: Date.UTC(2026, 0, 4, 1),
      },
    ];
    const text = formatIscLeases(leases);
    expect(text).toContain('lease 10.99.0.7 {\n  starts 0 2026/01/04 01:02:03;\n');
    expect(text).toContain('uid "\\377\\000\\021\\0423";');
    expect(leasesFromIsc(parseIscLeases(text), { subnetOf })).toEqual({ leases, problems: [] });
  });

  it('formats dates with the weekday first, 0 = Sunday, UTC', () => {
    expect(formatIscDate(Date.UTC(2026, 10, 22, 0, 0, 0))).toBe('0 2026/11/22 00:00:00');
  });
});

import { describe, expect, it } from 'vitest';
import { allocateAddress, hashClientKey } from '../src/lease/allocator.js';
import { ipv4ToNumber, numberToIpv4 } from '../src/lease/ipv4.js';
import { bindLease, grantLeaseTime, offerLease, renewalTimes } from '../src/lease/policy.js';
import { compileSubnet } from '../src/lease/subnet.js';
import { LeaseTable } from '../src/lease/table.js';

const mac = (i: number): string => `52:54:00:00:00:${i.toString(16).padStart(2, '0')}`;
const client = (i: number) => ({ key: `hw:${mac(i)}`, mac: mac(i) });

describe('compileSubnet', () => {
  it('subtracts exclusions and reserved addresses from pools', () => {
    const s = compileSubnet({
      network: '10.1.0.0/24',
      pools: ['10.1.0.10-10.1.0.19', { start: '10.1.0.15', end: '10.1.0.25' }],
      exclude: ['10.1.0.12', '10.1.0.20-10.1.0.21'],
      reservations: [{ address: '10.1.0.11', mac: '52:54:00:AA:BB:CC' }],
    });
    expect(s.ranges.map((r) => `${numberToIpv4(r.start)}-${numberToIpv4(r.end)}`)).toEqual([
      '10.1.0.10-10.1.0.10',
      '10.1.0.13-10.1.0.19',
      '10.1.0.22-10.1.0.25',
    ]);
    expect(s.poolSize).toBe(1 + 7 + 4);
    expect(s.reservedByMac.get('52:54:00:aa:bb:cc')?.address).toBe('10.1.0.11');
  });

  it.each([
    [{ network: '10.1.0.0/33' }, /CIDR/],
    [{ network: '10.1.0.1/24' }, /host bits/],
    [{ network: '10.1.0.0/24', pools: ['10.1.1.1-10.1.1.5'] }, /not inside/],
    [{ network: '10.1.0.0/24', pools: ['10.1.0.0-10.1.0.5'] }, /not inside/],
    [{ network: '10.1.0.0/24', pools: ['10.1.0.9-10.1.0.5'] }, /after/],
    [{ network: '10.1.0.0/24', reservations: [{ address: '10.1.0.5' }] }, /needs a mac/],
    [{ network: '10.1.0.0/24', renewalRatio: 0.9 }, /renewalRatio/],
    [{ network: '10.1.0.0/24', leaseTime: 0 }, /leaseTime/],
  ])('rejects %j', (config, message) => {
    expect(() => compileSubnet(config)).toThrow(message);
  });
});

describe('allocateAddress', () => {
  const subnet = compileSubnet({
    network: '10.2.0.0/24',
    pools: ['10.2.0.100-10.2.0.199'],
    reservations: [
      { address: '10.2.0.5', mac: mac(1) },
      { address: '10.2.0.6', clientId: '01:52:54:00:00:00:09' },
    ],
  });

  it('is stable: the same client gets the same address from an empty table (hash of its identity)', () => {
    const a = allocateAddress(subnet, new LeaseTable(), { clientKey: client(7).key, mac: mac(7) }, 0);
    const b = allocateAddress(subnet, new LeaseTable(), { clientKey: client(7).key, mac: mac(7) }, 0);
    expect(a).toEqual(b);
    expect(a.ok && a.address).toBe(ipv4ToNumber('10.2.0.100') + (hashClientKey(client(7).key) % 100));
  });

  it('gives a returning client its previous address after expiry, even if it asks for another', () => {
    const table = new LeaseTable();
    const first = bindLease(table, subnet, client(3), ipv4ToNumber('10.2.0.150'), 60, 0);
    expect(first.ok).toBe(true);
    table.sweep(61_000);
    expect(table.at(ipv4ToNumber('10.2.0.150'))?.state).toBe('expired');
    const again = allocateAddress(
      subnet,
      table,
      { clientKey: client(3).key, mac: mac(3), requested: ipv4ToNumber('10.2.0.120') },
      61_000,
    );
    expect(again).toEqual({ ok: true, address: ipv4ToNumber('10.2.0.150'), source: 'previous' });
    // Another client does not take 10.2.0.150 while never-used addresses remain.
    for (let i = 10; i < 40; i++) {
      const r = allocateAddress(subnet, table, { clientKey: client(i).key, mac: mac(i) }, 61_000);
      expect(r.ok && numberToIpv4(r.address)).not.toBe('10.2.0.150');
    }
  });

  it('honours a free requested address (option 50) and refuses one outside the pools', () => {
    const table = new LeaseTable();
    expect(
      allocateAddress(
        subnet,
        table,
        { clientKey: client(4).key, mac: mac(4), requested: ipv4ToNumber('10.2.0.111') },
        0,
      ),
    ).toEqual({
      ok: true,
      address: ipv4ToNumber('10.2.0.111'),
      source: 'requested',
    });
    const outside = allocateAddress(
      subnet,
      table,
      { clientKey: client(4).key, mac: mac(4), requested: ipv4ToNumber('10.2.0.50') },
      0,
    );
    expect(outside.ok && outside.source).toBe('pool');
  });

  it('hands reservations by MAC and by client identifier to their owners only', () => {
    const table = new LeaseTable();
    expect(allocateAddress(subnet, table, { clientKey: client(1).key, mac: mac(1) }, 0)).toEqual({
      ok: true,
      address: ipv4ToNumber('10.2.0.5'),
      source: 'reservation',
    });
    const byId = allocateAddress(
      subnet,
      table,
      { clientKey: 'id:01525400000009', mac: mac(9), clientId: '01525400000009' },
      0,
    );
    expect(byId).toEqual({ ok: true, address: ipv4ToNumber('10.2.0.6'), source: 'reservation' });
    // Someone else asking for a reserved address is refused it.
    expect(bindLease(table, subnet, client(2), ipv4ToNumber('10.2.0.5'), undefined, 0)).toEqual({
      ok: false,
      reason: 'reserved-elsewhere',
    });
    // The owner of a reservation cannot bind some other address.
    expect(bindLease(table, subnet, client(1), ipv4ToNumber('10.2.0.120'), undefined, 0)).toEqual({
      ok: false,
      reason: 'not-reserved-address',
    });
  });

  it('lets the same machine take its MAC reservation over under a new client identifier', () => {
    // Firmware (option 61 = a UUID-based id) gets the reserved address; then the installed system on the same
    // NIC asks with another identifier (or none). Both match the MAC reservation: the newer identity wins.
    const table = new LeaseTable();
    const firmware = { key: 'id:00aabbcc', mac: mac(1), clientId: '00aabbcc' };
    const os = { key: 'id:ff0102', mac: mac(1), clientId: 'ff0102' };
    const reserved = ipv4ToNumber('10.2.0.5');
    expect(bindLease(table, subnet, firmware, reserved, 60, 0).ok).toBe(true);
    expect(
      allocateAddress(subnet, table, { clientKey: os.key, mac: os.mac, clientId: os.clientId }, 1),
    ).toEqual({
      ok: true,
      address: reserved,
      source: 'reservation',
    });
    const bound = bindLease(table, subnet, os, reserved, 60, 1);
    expect(bound.ok && bound.lease.clientKey).toBe(os.key);
    expect(table.at(reserved)?.clientKey).toBe(os.key);
    // A stranger still cannot take it, and a machine that declined it keeps the quarantine.
    expect(bindLease(table, subnet, client(2), reserved, undefined, 2)).toEqual({
      ok: false,
      reason: 'reserved-elsewhere',
    });
    table.put({ ...table.at(reserved)!, state: 'declined', expires: 10_000 });
    expect(allocateAddress(subnet, table, { clientKey: firmware.key, mac: firmware.mac }, 3)).toEqual({
      ok: false,
      reason: 'reserved-elsewhere',
    });
  });

  it('enforces maxLeases per subnet, counting offers and bindings', () => {
    const small = compileSubnet({ network: '10.3.0.0/24', pools: ['10.3.0.10-10.3.0.50'], maxLeases: 2 });
    const table = new LeaseTable();
    expect(offerLease(table, small, client(1), {}, 0).ok).toBe(true);
    expect(offerLease(table, small, client(2), {}, 0).ok).toBe(true);
    expect(offerLease(table, small, client(3), {}, 0)).toEqual({ ok: false, reason: 'lease-limit' });
    // A client that already holds an offer is not counted twice.
    expect(offerLease(table, small, client(1), {}, 1).ok).toBe(true);
    table.sweep(60_000); // offers lapse
    expect(offerLease(table, small, client(3), {}, 60_000).ok).toBe(true);
  });

  it('grants lease times within limits and computes T1/T2 as 50 % / 87.5 %', () => {
    const s = compileSubnet({
      network: '10.4.0.0/24',
      leaseTime: 3600,
      minLeaseTime: 600,
      maxLeaseTime: 7200,
    });
    expect(grantLeaseTime(s, undefined)).toBe(3600);
    expect(grantLeaseTime(s, 10)).toBe(600);
    expect(grantLeaseTime(s, 99999)).toBe(7200);
    expect(renewalTimes(s, 3600)).toEqual({ t1: 1800, t2: 3150 });
  });
});

import { describe, expect, it } from 'vitest';
import { ProxyDhcpEngine } from '../src/engine/proxy.js';
import { compileServerConfig, type DhcpServerConfig } from '../src/engine/server.js';
import { DHCP_ERROR_CODES, DhcpConfigError, DhcpError } from '../src/errors.js';
import { ipv4ToNumber, parseCidr } from '../src/lease/ipv4.js';
import { compileSubnet, type SubnetConfig } from '../src/lease/subnet.js';

function thrown(f: () => unknown): DhcpConfigError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DhcpConfigError);
    expect(e).toBeInstanceOf(DhcpError);
    return e as DhcpConfigError;
  }
  throw new Error('did not throw');
}

const net = '10.1.0.0/24';

describe('configuration errors are DhcpConfigError with code DHCP_ERR_CONFIG and the field', () => {
  it.each<[Partial<SubnetConfig> & { network?: string }, string, RegExp]>([
    [{ network: '10.1.0.0/33' }, 'network', /CIDR/],
    [{ network: '10.1.0.1/24' }, 'network', /host bits/],
    [{ network: 'ten/24' }, 'network', /not an IPv4 address/],
    [{ pools: ['10.1.1.1-10.1.1.5'] }, 'pools', /not inside/],
    [{ pools: ['10.1.0.0-10.1.0.5'] }, 'pools', /not inside/],
    [{ pools: ['10.1.0.9-10.1.0.5'] }, 'pools', /after/],
    [{ pools: ['10.1.0.x'] }, 'pools', /not an IPv4 address/],
    [{ exclude: ['nope'] }, 'exclude', /not an IPv4 address/],
    [{ reservations: [{ address: '10.1.0.5' }] }, 'reservations', /needs a mac/],
    [{ reservations: [{ address: '10.1.2.5', mac: '52:54:00:00:00:01' }] }, 'reservations', /not inside/],
    [{ reservations: [{ address: '10.1.0.5', mac: 'zz' }] }, 'reservations', /bad mac/],
    [{ reservations: [{ address: '10.1.0.5', clientId: '01' }] }, 'reservations', /clientId/],
    [
      {
        reservations: [
          { address: '10.1.0.5', mac: '52:54:00:00:00:01' },
          { address: '10.1.0.5', mac: '52:54:00:00:00:02' },
        ],
      },
      'reservations',
      /reserved twice/,
    ],
    [{ renewalRatio: 0.9 }, 'renewalRatio', /renewalRatio/],
    [{ leaseTime: 0 }, 'leaseTime', /leaseTime/],
    [{ minLeaseTime: 1.5 }, 'minLeaseTime', /minLeaseTime/],
    [{ maxLeaseTime: 2 ** 32 }, 'maxLeaseTime', /maxLeaseTime/],
    [{ leaseTime: 100, minLeaseTime: 200 }, 'leaseTime', /minLeaseTime <= leaseTime/],
    [{ maxLeases: -1 }, 'maxLeases', /maxLeases/],
    [{ routers: ['10.1.0.256'] }, 'routers', /not an IPv4 address/],
    [{ dnsServers: ['x'] }, 'dnsServers', /not an IPv4 address/],
    [{ options: [{ code: 0, value: Uint8Array.of(1) }] }, 'options', /code/],
    [{ options: [{ code: 255, value: Uint8Array.of(1) }] }, 'options', /code/],
    [{ options: [{ code: 42, value: 'x' as unknown as Uint8Array }] }, 'options', /Uint8Array/],
  ])('compileSubnet(%j) names %s', (over, field, message) => {
    const e = thrown(() => compileSubnet({ network: net, id: 'lab', ...over }));
    expect(e.code).toBe(DHCP_ERROR_CODES.CONFIG);
    expect(e.code).toBe('DHCP_ERR_CONFIG');
    expect(e.field).toBe(field);
    expect(e.subnet).toBe('lab');
    expect(e.message).toMatch(message);
    expect(e.message).toContain(field);
    expect(e.name).toBe('DhcpConfigError');
  });

  it.each<[Partial<DhcpServerConfig>, string, RegExp]>([
    [{ subnets: [{ network: net }, { network: net }] }, 'id', /used twice/],
    [{ serverId: '1.2.3' }, 'serverId', /not an IPv4 address/],
    [{ serverAddresses: ['10.1.0.1', 'x'] }, 'serverAddresses', /not an IPv4 address/],
    [{ offerHoldMs: -1 }, 'offerHoldMs', /offerHoldMs/],
    [{ declineHoldMs: Number.NaN }, 'declineHoldMs', /declineHoldMs/],
    [{ maxHops: 1.5 }, 'maxHops', /maxHops/],
  ])('compileServerConfig(%j) names %s', (over, field, message) => {
    const e = thrown(() => compileServerConfig({ subnets: [{ network: net }], ...over }));
    expect(e.code).toBe('DHCP_ERR_CONFIG');
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
  });

  it('the subnet list itself must be a list', () => {
    const e = thrown(() => compileServerConfig({} as DhcpServerConfig));
    expect(e.field).toBe('subnets');
  });

  it('proxy mode checks its serverId and maxHops', () => {
    expect(thrown(() => new ProxyDhcpEngine({ serverId: 'x', boot: { rules: [] } })).field).toBe('serverId');
    expect(thrown(() => new ProxyDhcpEngine({ maxHops: -2, boot: { rules: [] } })).field).toBe('maxHops');
  });

  it('the lease-layer parsers name what they were parsing', () => {
    expect(thrown(() => ipv4ToNumber('1.2.3.4.5', 'lease')).field).toBe('lease');
    expect(thrown(() => parseCidr('10.0.0.0')).field).toBe('network');
    expect(ipv4ToNumber('10.0.0.1')).toBe(0x0a000001);
  });
});

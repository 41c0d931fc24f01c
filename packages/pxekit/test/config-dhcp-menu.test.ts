import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DhcpMessage, getMessageType, getOptionData, withOptionData } from '@pxekit/dhcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePxeMenu } from '../src/boot/pxe-menu.js';
import { compileDhcpConfig } from '../src/dhcp.js';
import { dhcpExchange, relayedPxeRequest } from './support/dhcp.js';
import {
  type BootServer,
  createBootServer,
  decideBoot,
  formatIssue,
  loadConfig,
  preflight,
  type PxekitConfig,
} from '../src/index.js';

// dhcp.pxeMenu (the proxyDHCP PXE boot menu) and dhcp.subnets[].bootpLeaseTime, from the config file to
// the @pxekit/dhcp engine.

const FILE = '/etc/pxekit/pxekit.yaml';

const PROFILES = `profiles:
  default: { bios: pxelinux, uefiX64: syslinux-efi }
  ipxe: { bios: undionly, uefiX64: ipxe-efi, arm64: ipxe-efi }
  http: { httpBoot: "http://10.0.0.1/x.efi" }
`;

function load(dhcp: string, rest = PROFILES) {
  return loadConfig(`server: { address: 10.99.0.1 }\ndhcp:\n${dhcp}\n${rest}`, { file: FILE });
}

function ok(dhcp: string, rest = PROFILES): PxekitConfig {
  const r = load(dhcp, rest);
  if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
  return r.config;
}

function errors(dhcp: string, rest = PROFILES): string {
  const r = load(dhcp, rest);
  if (r.ok) throw new Error('expected the config to be rejected');
  return r.issues.map(formatIssue).join('\n');
}

const menu = (items: string, extra = '') => `  mode: proxy
  pxeMenu:${extra}
    items:
${items}`;

describe('dhcp.pxeMenu', () => {
  it('the dnsmasq form: prompt and timeout, a profile per line, the local disk, a file on another server', () => {
    const c = ok(
      menu(
        `      - { label: Install (pxekit), profile: default }
      - { label: iPXE, profile: ipxe, arch: bios }
      - { label: Boot from local disk, localBoot: true }
      - { label: Legacy server, file: legacy/pxelinux, arch: [bios], server: 10.99.0.9 }`,
        `\n    prompt: "Press F8 for the boot menu"\n    timeout: 10s`,
      ),
    );
    if (c.dhcp.mode !== 'proxy') throw new Error('mode');
    expect(c.dhcp.pxeMenu).toEqual({
      prompt: 'Press F8 for the boot menu',
      timeout: 10,
      items: [
        { kind: 'profile', label: 'Install (pxekit)', profile: 'default' },
        { kind: 'profile', label: 'iPXE', profile: 'ipxe', arch: ['bios'] },
        { kind: 'local', label: 'Boot from local disk' },
        {
          kind: 'file',
          label: 'Legacy server',
          file: 'legacy/pxelinux',
          arch: ['bios'],
          server: '10.99.0.9',
        },
      ],
    });
    // A profile item is one choice with the profile's loader per firmware class (one type, per-arch files).
    expect(compilePxeMenu(c.dhcp.pxeMenu!, c.profiles)).toEqual({
      prompt: 'Press F8 for the boot menu',
      timeout: 10,
      items: [
        { description: 'Install (pxekit)', type: 0x8000, bootFile: 'pxelinux.0', arch: [0] },
        { description: 'Install (pxekit)', type: 0x8000, bootFile: 'efi64/syslinux.efi', arch: [7, 9] },
        { description: 'iPXE', type: 0x8001, bootFile: 'undionly.kpxe', arch: [0] },
        { description: 'Boot from local disk', type: 0 },
        {
          description: 'Legacy server',
          type: 0x8003,
          bootFile: 'legacy/pxelinux',
          arch: [0],
          server: '10.99.0.9',
        },
      ],
    });
  });

  it('pxekit explain says a PXE ROM is offered the menu, with what each item boots for its class', () => {
    const c = ok(
      menu(`      - { label: Install, profile: default }
      - { label: Local, localBoot: true }
      - { label: Old, file: old.0, arch: bios }`),
    );
    const bios = decideBoot(c, { mac: '52:54:00:00:00:01', arch: 0, vendorClass: 'PXEClient:Arch:00000' });
    expect(bios.reason.at(-1)).toBe(
      'dhcp.pxeMenu: the ROM is offered the PXE menu instead and boots the item chosen: Install → pxelinux.0 (profile default); Local → the local disk; Old → old.0',
    );
    const uefi = decideBoot(c, { mac: '52:54:00:00:00:01', arch: 7, vendorClass: 'PXEClient:Arch:00007' });
    expect(uefi.reason.at(-1)).toMatch(
      /Install → efi64\/syslinux\.efi \(profile default\); Local → the local disk$/,
    );
  });

  it('pxekit check names a menu file missing from tftp.root, not one on another server', () => {
    const c = ok(
      menu(`      - { label: Here, file: here.0, arch: bios }
      - { label: Gone, file: /gone.0, arch: bios }
      - { label: Elsewhere, file: far.0, arch: bios, server: 10.99.0.9 }`),
      `tftp: { root: /srv/tftp }\n${PROFILES}`,
    );
    const report = preflight(c, { isFile: (p) => p === '/srv/tftp/here.0', family: 'debian' });
    expect(
      report.problems.filter((p) => p.message.startsWith('dhcp.pxeMenu')).map((p) => [p.code, p.message]),
    ).toEqual([
      ['PXEKIT_ERR_LOADER_MISSING', 'dhcp.pxeMenu.items[1] (Gone): /gone.0 is not in tftp.root (/srv/tftp)'],
    ]);
  });

  it('timeout: wait is 255 (until a key); no prompt or timeout leaves the engine defaults', () => {
    const c = ok(menu('      - { label: Go, profile: default }', '\n    timeout: wait'));
    expect(c.dhcp.mode === 'proxy' && c.dhcp.pxeMenu?.timeout).toBe(255);
    const d = ok(menu('      - { label: Go, profile: default }'));
    if (d.dhcp.mode !== 'proxy') throw new Error('mode');
    expect(compilePxeMenu(d.dhcp.pxeMenu!, d.profiles)).not.toHaveProperty('timeout');
    expect(compilePxeMenu(d.dhcp.pxeMenu!, d.profiles)).not.toHaveProperty('prompt');
  });

  it('refuses items that are not exactly one kind, a file without arch, a server without a file', () => {
    const text = errors(
      menu(`      - { label: Two, profile: default, localBoot: true }
      - { label: None }
      - { label: File, file: x.0 }
      - { label: Srv, profile: default, server: 10.0.0.2 }`),
    );
    expect(text).toContain(
      'error dhcp.pxeMenu.items[0]: an item has exactly one of profile, localBoot: true, file',
    );
    expect(text).toContain(
      'error dhcp.pxeMenu.items[1]: an item has exactly one of profile, localBoot: true, file',
    );
    expect(text).toMatch(/error dhcp\.pxeMenu\.items\[2\]: a file item needs arch/);
    expect(text).toMatch(
      /error dhcp\.pxeMenu\.items\[3\]\.server: server names the boot server of a file item/,
    );
  });

  it('refuses an unknown profile, a profile without PXE loaders, and an arch the profile does not cover', () => {
    const text = errors(
      menu(`      - { label: A, profile: nosuch }
      - { label: B, profile: http }
      - { label: C, profile: default, arch: arm64 }`),
    );
    expect(text).toMatch(
      /:\d+:\d+: error dhcp\.pxeMenu\.items\[0\]\.profile: no profile named "nosuch" \(expected one of default, ipxe, http\)/,
    );
    expect(text).toMatch(/error dhcp\.pxeMenu\.items\[1\]\.profile: profile http has no loader for PXE ROMs/);
    expect(text).toMatch(/error dhcp\.pxeMenu\.items\[2\]\.arch: profile default has no arm64 loader/);
  });

  it('warns when a profile loader file has no extension (the boot server appends the layer)', () => {
    const r = load(
      menu('      - { label: Own, profile: own }'),
      `${PROFILES}  own: { bios: { file: boot/mine } }\n`,
    );
    if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
    expect(r.warnings.map(formatIssue)).toEqual([
      expect.stringMatching(
        /warning dhcp\.pxeMenu\.items\[0\]\.profile: the bios loader boot\/mine has no extension, so the PXE boot server answers with boot\/mine\.<layer> \(boot\/mine\.0\)/,
      ),
    ]);
  });

  it('refuses bad text, timeouts and arch names with the key and what is allowed', () => {
    const text = errors(
      menu(
        `      - { label: "Boot ☃", profile: default }
      - { label: B, profile: default, arch: efi }`,
        '\n    timeout: 5m\n    prompt: ""',
      ),
    );
    expect(text).toMatch(
      /error dhcp\.pxeMenu\.items\[0\]\.label: .*\(expected a label: 1 to 255 Latin-1 characters\)/,
    );
    expect(text).toMatch(/error dhcp\.pxeMenu\.items\[1\]\.arch: "efi" is not allowed/);
    expect(text).toMatch(
      /error dhcp\.pxeMenu\.timeout: 300s is longer than the 254 s a PXE ROM can count \(use wait\)/,
    );
    expect(text).toMatch(/error dhcp\.pxeMenu\.prompt: /);
    expect(errors(menu(''))).toMatch(/dhcp\.pxeMenu\.items/);
  });

  it('a menu too large for option 43 is refused with the engine reason', () => {
    const items = Array.from(
      { length: 8 },
      (_, i) => `      - { label: "${'x'.repeat(40)}${i}", profile: default }`,
    );
    expect(errors(menu(items.join('\n')))).toMatch(
      /error dhcp\.pxeMenu: menu: the menu for architecture 0 cannot be encoded \(.+\)/,
    );
  });

  it('is for proxy mode only, and not with defaults.unknownHosts: ignore', () => {
    expect(
      errors(`  mode: authoritative
  subnets: [{ subnet: 10.99.0.0/24 }]
  pxeMenu: { items: [{ label: A, localBoot: true }] }`),
    ).toMatch(/error dhcp\.pxeMenu: pxeMenu applies to proxy mode only/);
    expect(
      errors(
        menu('      - { label: A, profile: default }'),
        `${PROFILES}defaults: { unknownHosts: ignore }\n`,
      ),
    ).toMatch(/error dhcp\.pxeMenu: the PXE menu is shown to every PXE ROM on the segment/);
  });
});

describe('dhcp.subnets[].bootpLeaseTime', () => {
  const subnet = (extra: string) => `  mode: authoritative
  subnets:
    - subnet: 10.99.0.0/24
      ranges: [10.99.0.100-10.99.0.150]
${extra}`;
  const engineSubnet = (extra: string) =>
    compileDhcpConfig(ok(subnet(extra)), { address: '10.99.0.1' }).subnets[0]!;

  it('reaches the engine as seconds or infinite, and is absent by default', () => {
    expect(engineSubnet('      bootp: dynamic\n      bootpLeaseTime: 1d').bootpLeaseTime).toBe(86400);
    expect(engineSubnet('      bootpLeaseTime: infinite').bootpLeaseTime).toBe('infinite');
    expect(engineSubnet('').bootpLeaseTime).toBeUndefined();
  });

  it('refuses 0, values past 4294967294 s, other words, and a lease time when bootp is off', () => {
    expect(errors(subnet('      bootpLeaseTime: 0'))).toMatch(
      /error dhcp\.subnets\[0\]\.bootpLeaseTime: 0s is out of range \(expected infinite, or a duration from 1s to 4294967294s\)/,
    );
    expect(errors(subnet('      bootpLeaseTime: 4294967295'))).toMatch(
      /bootpLeaseTime: 4294967295s is out of range/,
    );
    expect(errors(subnet('      bootpLeaseTime: forever'))).toMatch(
      /bootpLeaseTime: "forever" is not a duration/,
    );
    expect(errors(subnet('      bootp: off\n      bootpLeaseTime: 1h'))).toMatch(
      /error dhcp\.subnets\[0\]\.bootpLeaseTime: bootp is off, so no BOOTP binding gets this lease time/,
    );
  });
});

describe('dhcp.pxeMenu in a running proxy server over loopback', () => {
  let dir: string;
  let server: BootServer;
  let client: Socket;

  async function freePort(): Promise<number> {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    const port = s.address().port;
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pxekit-menu-'));
    mkdirSync(join(dir, 'loaders/efi64'), { recursive: true });
    for (const f of ['pxelinux.0', 'ldlinux.c32', 'undionly.kpxe'])
      writeFileSync(join(dir, 'loaders', f), `fake ${f}`);
    for (const f of ['syslinux.efi', 'ldlinux.e64'])
      writeFileSync(join(dir, 'loaders/efi64', f), `fake ${f}`);
    const r = loadConfig(
      `server: { address: 127.0.0.1, stateDir: ./state }
dhcp:
  mode: proxy
  pxeMenu:
    prompt: Press F8
    timeout: 10
    items:
      - { label: Install, profile: default }
      - { label: Local disk, localBoot: true }
tftp: {}
bootLoaders: { search: [./loaders] }
profiles:
  default: { bios: pxelinux, uefiX64: syslinux-efi }
`,
      { file: join(dir, 'pxekit.yaml') },
    );
    if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
    const config = { ...r.config, tftp: { ...r.config.tftp, port: 0 } };
    server = await createBootServer(config, {
      bindHost: '127.0.0.1',
      dhcpSockets: { bind: 'any', address: '127.0.0.1', port: 0, proxyPort: await freePort() },
    });
    await server.start();
    client = createSocket('udp4');
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', () => resolve()));
  });

  afterAll(async () => {
    client?.close();
    await server?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** A PXE ROM's request to the server's DHCP (`server`) or boot server (`pxe`, 4011) port. */
  function send(role: 'server' | 'pxe', type: number, arch: number, o43?: Uint8Array): Promise<DhcpMessage> {
    const msg = relayedPxeRequest({
      mac: '52:54:00:00:08:01',
      xid: 0x8f,
      type,
      arch,
      vendorClass: `PXEClient:Arch:0000${arch}:UNDI:002001`,
    });
    const port = server.addresses.dhcp!.find((a) => a.role === role)!.port;
    return dhcpExchange(client, port, o43 === undefined ? msg : withOptionData(msg, 43, o43));
  }

  it('a BIOS ROM is offered the menu; choosing the profile item on 4011 gets the profile loader', async () => {
    const offer = await send('server', 1, 0);
    expect(getMessageType(offer)).toBe(2);
    expect(offer.file).toBe('');
    const o43 = Buffer.from(getOptionData(offer, 43)!).toString('latin1');
    expect(o43).toContain('Install');
    expect(o43).toContain('Local disk');
    expect(o43).toContain('Press F8');
    // 43.71 boot item: type 0x8000 (the first item), layer 0.
    const ack = await send('pxe', 3, 0, Uint8Array.of(71, 4, 0x80, 0x00, 0, 0, 255));
    expect(getMessageType(ack)).toBe(5);
    expect(ack.file).toBe('pxelinux.0');
    expect(ack.siaddr).toBe('127.0.0.1');
  });

  it('an x86-64 UEFI ROM choosing the same item gets the UEFI loader of the profile', async () => {
    const ack = await send('pxe', 3, 7, Uint8Array.of(71, 4, 0x80, 0x00, 0, 0, 255));
    expect(ack.file).toBe('efi64/syslinux.efi');
  });
});

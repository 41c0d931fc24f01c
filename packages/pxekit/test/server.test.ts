import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSocket, type Socket } from 'node:dgram';
import { type DhcpMessage, getMessageType, withOption, withOptionData } from '@pxekit/dhcp';
import { tftpGet } from '@pxekit/tftp/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BootServer,
  createBootServer,
  decideBoot,
  formatIssue,
  loadConfig,
  preflight,
  type PxekitConfig,
} from '../src/index.js';
import { dhcpExchange, relayedPxeRequest } from './support/dhcp.js';

let dir: string;
let server: BootServer;
let config: PxekitConfig;
const lines: string[] = [];

function load(text: string): PxekitConfig {
  const r = loadConfig(text, { file: join(dir, 'pxekit.yaml') });
  if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
  return r.config;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pxekit-server-'));
  mkdirSync(join(dir, 'tftp/images'), { recursive: true });
  mkdirSync(join(dir, 'loaders'), { recursive: true });
  mkdirSync(join(dir, 'loaders/efi64'), { recursive: true });
  for (const f of ['pxelinux.0', 'ldlinux.c32', 'menu.c32', 'libutil.c32', 'libcom32.c32', 'undionly.kpxe']) {
    writeFileSync(join(dir, 'loaders', f), `fake ${f}`);
  }
  for (const f of ['syslinux.efi', 'ldlinux.e64', 'menu.c32', 'libutil.c32', 'libcom32.c32']) {
    writeFileSync(join(dir, 'loaders/efi64', f), `fake efi64 ${f}`);
  }
  writeFileSync(join(dir, 'tftp/arm64.efi'), 'fake arm64 loader');
  writeFileSync(join(dir, 'tftp/images/vmlinuz'), Buffer.alloc(5000, 7));
  writeFileSync(join(dir, 'tftp/images/initrd.img'), 'initrd');
  writeFileSync(join(dir, 'ks.cfg'), 'network --hostname={{ host.name }}\n');
  const c = load(`
server: { address: 127.0.0.1, stateDir: ./state }
tftp: { root: ./tftp }
http: { port: 8080 }
bootLoaders: { search: [./loaders] }
profiles:
  default: { menu: m, bios: pxelinux }
menus:
  m:
    entries:
      - { id: inst, kernel: images/vmlinuz, initrd: images/initrd.img, append: "ks={{ kickstart.url }}", kickstart: ks }
kickstarts:
  ks: { template: ./ks.cfg }
hosts:
  - { mac: 52:54:00:00:00:07, name: seven }
`);
  config = { ...c, tftp: { ...c.tftp, port: 0 }, http: { ...c.http, port: 0 } };
  server = await createBootServer(config, { bindHost: '127.0.0.1', onEventLine: (l) => lines.push(l) });
  await server.start();
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createBootServer over loopback', () => {
  it('serves loaders from their discovered place, files from the root, and generated menus', async () => {
    const port = server.addresses.tftp!.port;
    const get = (f: string) => tftpGet({ host: '127.0.0.1', port, retries: 2, timeoutMs: 500 }, f);
    expect(Buffer.from(await get('pxelinux.0')).toString()).toBe('fake pxelinux.0');
    expect((await get('/images/vmlinuz')).length).toBe(5000);
    const menu = Buffer.from(await get('pxelinux.cfg/01-52-54-00-00-00-07')).toString();
    expect(menu).toContain('KERNEL /images/vmlinuz');
    expect(menu).toContain(`ks=http://127.0.0.1:${server.addresses.http!.port}/ks/52:54:00:00:00:07/ks`);
    await expect(get('pxelinux.cfg/7F000001')).rejects.toThrow();
  });

  it('TFTP transfers join the timeline of the client that asked for its menu', async () => {
    const events = server.timeline.query({ mac: '52:54:00:00:00:07', types: ['tftp.transfer'] });
    // The menu request binds 127.0.0.1 to the MAC; transfers after it are attributed.
    expect(events.map((e) => (e.type === 'tftp.transfer' ? `${e.path} ${e.outcome}` : ''))).toContain(
      'pxelinux.cfg/01-52-54-00-00-00-07 ok',
    );
    expect(lines.some((l) => JSON.parse(l).type === 'tftp.transfer')).toBe(true);
    const res = await fetch(`http://127.0.0.1:${server.addresses.http!.port}/metrics`);
    expect(await res.text()).toMatch(/pxekit_tftp_transfers_total\{outcome="ok"\} [1-9]/);
  });

  it('refuses a config whose loaders are missing, naming each and its package', async () => {
    const report = preflight(
      { ...config, bootLoaders: { search: [], files: new Map() } },
      { isFile: () => false, family: 'debian' },
    );
    expect(
      report.problems.filter((p) => p.code === 'PXEKIT_ERR_LOADER_MISSING').map((p) => p.message),
    ).toEqual([
      'missing pxelinux.0 (PXELINUX for BIOS (TFTP only)): install pxelinux (Debian/Ubuntu) or syslinux-tftpboot (Fedora/RHEL)',
      'missing ldlinux.c32 (SYSLINUX core module (BIOS)): install syslinux-common (Debian/Ubuntu) or syslinux-nonlinux (Fedora/RHEL)',
      'missing menu.c32 (SYSLINUX text menu (BIOS)): install syslinux-common (Debian/Ubuntu) or syslinux-nonlinux (Fedora/RHEL)',
      'missing libutil.c32 (SYSLINUX library needed by menu.c32 (BIOS)): install syslinux-common (Debian/Ubuntu) or syslinux-nonlinux (Fedora/RHEL)',
      'missing libcom32.c32 (SYSLINUX library needed by menu.c32 (BIOS)): install syslinux-common (Debian/Ubuntu) or syslinux-nonlinux (Fedora/RHEL)',
    ]);
    const c = load('tftp: { root: ./tftp }\nprofiles:\n  default: { bios: { file: nothere.0 } }\n');
    await expect(createBootServer(c)).rejects.toMatchObject({
      code: 'PXEKIT_ERR_LOADER_MISSING',
      details: [`profiles.default.bios: nothere.0 is not in tftp.root (${join(dir, 'tftp')})`],
    });
  });

  it('an unreadable root is one clear error', async () => {
    const c = load('tftp: { root: ./nope }\n');
    await expect(createBootServer(c)).rejects.toMatchObject({
      code: 'PXEKIT_ERR_ROOT_UNREADABLE',
      details: [`tftp.root ${join(dir, 'nope')} does not exist`],
    });
  });
});

describe('createBootServer with DHCP over loopback', () => {
  let dhcpServer: BootServer;
  let client: Socket;

  beforeAll(async () => {
    const c = load(
      `
server: { address: 127.0.0.1, stateDir: ./state-dhcp }
dhcp:
  mode: authoritative
  subnets:
    - subnet: 127.0.0.0/24
      ranges: [127.0.0.100-127.0.0.150]
      routers: [127.0.0.1]
      leaseFile: x
tftp: { root: ./tftp }
http: { port: 8080 }
bootLoaders: { search: [./loaders] }
profiles:
  default:
    menu: m
    bios: pxelinux
    uefiX64: syslinux-efi
    arm64: { file: arm64.efi }
    httpBoot: "http://{{ server.address }}:8080/boot/efi64/syslinux.efi"
  other: { menu: m, bios: undionly, uefiX64: { file: arm64.efi } }
menus:
  m: { entries: [{ id: local, localBoot: true }] }
hosts:
  - { mac: 52:54:00:00:00:07, name: seven, address: 127.0.0.20 }
  - { mac: 52:54:00:00:00:08, name: eight, address: 127.0.0.21, profile: other }
`.replace('      leaseFile: x\n', ''),
    );
    const config2 = { ...c, tftp: { ...c.tftp, port: 0 }, http: { ...c.http, port: 0 } };
    dhcpServer = await createBootServer(config2, {
      bindHost: '127.0.0.1',
      dhcpSockets: { bind: 'any', address: '127.0.0.1', port: 0 },
    });
    await dhcpServer.start();
    client = createSocket('udp4');
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
  });

  afterAll(async () => {
    client?.close();
    await dhcpServer?.close();
  });

  /** A relayed DISCOVER (giaddr 127.0.0.1, RFC 8357 relay source port) so the reply comes back to us. */
  function exchange(
    mac: string,
    type: number,
    extra: (m: DhcpMessage) => DhcpMessage = (m) => m,
    arch = 0,
    vendorClass = 'PXEClient:Arch:00000:UNDI:002001',
  ): Promise<DhcpMessage> {
    const msg = extra(relayedPxeRequest({ mac, xid: 0x5eed, type, arch, vendorClass }));
    return dhcpExchange(client, dhcpServer.addresses.dhcp![0]!.port, msg);
  }

  it("offers the reserved address and the profile's boot file, and acks it", async () => {
    const offer = await exchange('52:54:00:00:00:07', 1);
    expect(offer.yiaddr).toBe('127.0.0.20');
    expect(offer.siaddr).toBe('127.0.0.1');
    expect(offer.file).toBe('pxelinux.0');
    const ack = await exchange('52:54:00:00:00:07', 3, (m) =>
      withOption(withOption(m, 'requestedIpAddress', '127.0.0.20'), 'serverIdentifier', '127.0.0.1'),
    );
    expect(getMessageType(ack)).toBe(5);
    expect(ack.yiaddr).toBe('127.0.0.20');
    const types = dhcpServer.timeline.query({ mac: '52:54:00:00:00:07' }).map((e) => e.type);
    expect(types).toEqual([
      'dhcp.discover',
      'boot.decision',
      'dhcp.offer',
      'dhcp.request',
      'boot.decision',
      'dhcp.ack',
    ]);
    // The ACK bound the address to the MAC: later TFTP/HTTP requests from it join this host's timeline.
    expect(dhcpServer.timeline.macForAddress('127.0.0.20')).toBe('52:54:00:00:00:07');
    const leases = await (
      await fetch(`http://127.0.0.1:${dhcpServer.addresses.http!.port}/api/leases`)
    ).json();
    expect(leases).toEqual([
      expect.objectContaining({ mac: '52:54:00:00:00:07', address: '127.0.0.20', state: 'bound' }),
    ]);
  });

  it('the running server hands out what pxekit explain predicts, for every firmware class', async () => {
    const endpoints = {
      address: '127.0.0.1',
      httpUrl: `http://127.0.0.1:${dhcpServer.addresses.http!.port}`,
    };
    const clients = [
      { arch: 0, vendorClass: 'PXEClient:Arch:00000:UNDI:002001' },
      { arch: 7, vendorClass: 'PXEClient:Arch:00007:UNDI:003016' },
      { arch: 9, vendorClass: 'PXEClient:Arch:00009:UNDI:003016' },
      { arch: 11, vendorClass: 'PXEClient:Arch:00011:UNDI:003016' },
      { arch: 16, vendorClass: 'HTTPClient:Arch:00016:UNDI:003016' },
      { arch: 0, vendorClass: 'PXEClient:Arch:00000:UNDI:002001', userClass: 'iPXE' },
      { arch: 7, vendorClass: 'PXEClient:Arch:00007:UNDI:003010', userClass: 'iPXE' },
    ];
    const rows: string[] = [];
    for (const mac of ['52:54:00:00:00:07', '52:54:00:00:00:08', '52:54:00:00:00:42']) {
      for (const c of clients) {
        const expected = decideBoot(dhcpServer.config, { mac, ...c }, { endpoints });
        const offer = await exchange(
          mac,
          1,
          (m) =>
            c.userClass === undefined ? m : withOptionData(m, 77, new TextEncoder().encode(c.userClass)),
          c.arch,
          c.vendorClass,
        );
        const got = offer.file === '' ? 'none' : offer.file;
        const want = expected.bootFile ?? 'none';
        rows.push(
          `${mac} arch ${c.arch}${c.userClass === undefined ? '' : ' iPXE'}: ${got === want ? 'same' : `server ${got}, explain ${want}`}`,
        );
      }
    }
    expect(rows.filter((r) => !r.endsWith('same'))).toEqual([]);
  });

  it('an unknown client gets a pool address and the default profile', async () => {
    const offer = await exchange('52:54:00:00:00:99', 1);
    expect(offer.yiaddr).toMatch(/^127\.0\.0\.1[0-4][0-9]$|^127\.0\.0\.150$/);
    expect(offer.file).toBe('pxelinux.0');
  });
});

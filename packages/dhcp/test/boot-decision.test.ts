import { describe, expect, it } from 'vitest';
import { archInfo, archMatches } from '../src/engine/arch.js';
import { type BootConfig, decideBoot } from '../src/engine/boot.js';
import { bootFactsOf } from '../src/engine/facts.js';
import { DhcpServerEngine } from '../src/engine/server.js';
import { CLIENT_ARCHITECTURES } from '../src/wire/constants.js';
import { getOption, getOptionData } from '../src/wire/message.js';
import { context, MT, option, request } from './engine-helpers.js';

// What real firmware sends (LAB.md): iPXE BIOS/EFI, OVMF's own PXE, UEFI HTTP boot.
const ipxeBios = request(MT.DISCOVER, {
  options: [
    option('vendorClassIdentifier', 'PXEClient:Arch:00000:UNDI:002001'),
    option('clientSystemArchitecture', [0]),
    option('userClass', { raw: 'iPXE' }),
    { code: 175, data: Uint8Array.of(0xb1, 1, 1) },
  ],
});
const ovmfPxe = request(MT.DISCOVER, {
  mac: '52:54:00:aa:00:01',
  options: [
    option('vendorClassIdentifier', 'PXEClient:Arch:00007:UNDI:003000'),
    option('clientSystemArchitecture', [7]),
    option('clientNetworkInterfaceId', { type: 1, major: 3, minor: 0 }),
    option('clientMachineId', { type: 0, id: new Uint8Array(16).fill(0xab) }),
  ],
});
const biosRom = request(MT.DISCOVER, {
  mac: '52:54:00:aa:00:02',
  options: [
    option('vendorClassIdentifier', 'PXEClient:Arch:00000:UNDI:002001'),
    option('clientSystemArchitecture', [0]),
  ],
});
const httpBoot = request(MT.DISCOVER, {
  mac: '52:54:00:aa:00:03',
  options: [
    option('vendorClassIdentifier', 'HTTPClient:Arch:00016:UNDI:003000'),
    option('clientSystemArchitecture', [16]),
  ],
});
const plain = request(MT.DISCOVER, { mac: '52:54:00:aa:00:04' });

const boot: BootConfig = {
  rules: [
    { name: 'lab-host', match: { mac: '52:54:00:aa:00:04' }, bootFile: 'special.0' },
    { name: 'http', match: { http: true }, httpUrl: 'http://10.99.0.1/boot/shimx64.efi' },
    { name: 'uefi', match: { arch: 'efi-x64' }, bootFile: 'ipxe.efi' },
    { name: 'bios', match: { arch: 'bios' }, bootFile: 'undionly.kpxe' },
  ],
  ipxeScriptUrl: 'http://10.99.0.1/boot.ipxe',
};

describe('architecture table (RFC 4578 §2.1, IANA)', () => {
  it('covers every code the codec names, and treats 7 and 9 as x64 UEFI', () => {
    for (const code of Object.keys(CLIENT_ARCHITECTURES).map(Number)) expect(archInfo(code).code).toBe(code);
    expect(archMatches(7, 'efi-x64') && archMatches(9, 'efi-x64')).toBe(true);
    expect(archMatches(0, 'bios')).toBe(true);
    expect(archMatches(16, 'http') && archMatches(16, 'efi-x64')).toBe(true);
    expect(archMatches(11, 'efi-arm64')).toBe(true);
    expect(archInfo(999)).toEqual({ code: 999, firmware: 'other', cpu: 'other', http: false });
  });
});

describe('decideBoot', () => {
  it('reads the client facts from the options', () => {
    expect(bootFactsOf(ovmfPxe)).toEqual({
      mac: '52:54:00:aa:00:01',
      arch: [7],
      vendorClass: 'PXEClient:Arch:00007:UNDI:003000',
      pxe: true,
      http: false,
      ipxe: false,
      userClasses: [],
      ndi: '1.3.0',
      uuid: 'ab'.repeat(16),
    });
    expect(bootFactsOf(ipxeBios)).toMatchObject({ ipxe: true, userClasses: ['iPXE'] });
  });

  it('gives a BIOS PXE ROM its TFTP file and says which rule matched and why the others did not', () => {
    const d = decideBoot(bootFactsOf(biosRom), boot, '10.99.0.1');
    expect(d).toMatchObject({
      kind: 'tftp',
      rule: 'bios',
      bootFile: 'undionly.kpxe',
      nextServer: '10.99.0.1',
      vendorClass: 'PXEClient',
    });
    expect(d.trace).toEqual([
      'client 52:54:00:aa:00:02: PXE, arch 0',
      'rule lab-host: no (mac 52:54:00:aa:00:02 not in 52:54:00:aa:00:04)',
      'rule http: no (client is not an HTTP-boot client)',
      'rule uefi: no (arch 0 is not efi-x64)',
      'rule bios: yes, TFTP undionly.kpxe from 10.99.0.1',
    ]);
  });

  it('gives UEFI x64 PXE (arch 7) ipxe.efi', () => {
    expect(decideBoot(bootFactsOf(ovmfPxe), boot)).toMatchObject({
      kind: 'tftp',
      rule: 'uefi',
      bootFile: 'ipxe.efi',
    });
  });

  it('gives iPXE a script URL, never an iPXE binary again', () => {
    expect(decideBoot(bootFactsOf(ipxeBios), boot)).toMatchObject({
      kind: 'ipxe-script',
      rule: 'bios',
      bootFile: 'http://10.99.0.1/boot.ipxe',
    });
    const noScript = decideBoot(bootFactsOf(ipxeBios), { rules: boot.rules });
    expect(noScript.kind).toBe('none');
    expect(noScript.trace).toContain(
      'rule bios: skipped, undionly.kpxe would make iPXE chain-load itself again',
    );
  });

  it('gives UEFI HTTP boot a URL and the HTTPClient vendor class to echo', () => {
    expect(decideBoot(bootFactsOf(httpBoot), boot)).toMatchObject({
      kind: 'http',
      rule: 'http',
      bootFile: 'http://10.99.0.1/boot/shimx64.efi',
      vendorClass: 'HTTPClient',
    });
  });

  it('matches per-host rules and reports no decision when nothing applies', () => {
    expect(decideBoot(bootFactsOf(plain), boot)).toMatchObject({ kind: 'tftp', rule: 'lab-host' });
    const none = decideBoot(bootFactsOf(request(MT.DISCOVER, { mac: '00:11:22:33:44:55' })), boot);
    expect(none.kind).toBe('none');
    expect(none.trace.at(-1)).toBe('no rule applies: no boot information');
  });

  it('matches on UUID, user class, vendor class prefix, relay circuit id and subnet', () => {
    const cfg: BootConfig = {
      rules: [
        { name: 'by-uuid', match: { uuid: 'AB'.repeat(16) }, bootFile: 'a' },
        { name: 'by-circuit', match: { circuitId: '00000007' }, bootFile: 'b' },
      ],
    };
    expect(decideBoot(bootFactsOf(ovmfPxe), cfg)).toMatchObject({ rule: 'by-uuid' });
    const relayed = request(MT.DISCOVER, {
      giaddr: '10.50.0.1',
      options: [{ code: 82, data: Uint8Array.of(1, 4, 0, 0, 0, 7) }],
    });
    expect(decideBoot(bootFactsOf(relayed), cfg)).toMatchObject({ rule: 'by-circuit' });
    expect(
      decideBoot(bootFactsOf(relayed, 'x'), {
        rules: [{ name: 's', match: { subnet: 'x', userClass: 'nope' }, bootFile: 'c' }],
      }).kind,
    ).toBe('none');
  });
});

describe('boot information in authoritative replies', () => {
  const engine = new DhcpServerEngine({
    subnets: [{ network: '10.99.0.0/24', pools: ['10.99.0.100-10.99.0.199'], interface: 'eth0' }],
    boot,
  });

  it('puts siaddr and file in the BOOTP header for a PXE ROM (pxelinux needs only these)', () => {
    const r = engine.handle(biosRom, context(0));
    expect(r.type === 'reply' && [r.message.siaddr, r.message.file]).toEqual(['10.99.0.1', 'undionly.kpxe']);
    expect(r.type === 'reply' && r.boot?.rule).toBe('bios');
  });

  it('echoes 60 HTTPClient and puts the URL in 67 for HTTP boot', () => {
    const r = engine.handle(httpBoot, context(0));
    if (r.type !== 'reply') throw new Error('no reply');
    expect(getOption(r.message, 'vendorClassIdentifier')).toBe('HTTPClient');
    expect(getOption(r.message, 'bootFileName')).toBe('http://10.99.0.1/boot/shimx64.efi');
  });

  it('sends 67 as well when the client lists it in its parameter request list', () => {
    const asks = request(MT.DISCOVER, {
      mac: '52:54:00:aa:00:02',
      options: [option('clientSystemArchitecture', [0]), option('parameterRequestList', [1, 3, 66, 67])],
    });
    const r = engine.handle(asks, context(0));
    expect(r.type === 'reply' && getOption(r.message, 'bootFileName')).toBe('undionly.kpxe');
    const noPrl = engine.handle(biosRom, context(0));
    expect(noPrl.type === 'reply' && getOptionData(noPrl.message, 67)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { ProxyDhcpEngine, type ProxyDhcpConfig } from '../src/engine/proxy.js';
import type { EngineResult, ReplyResult } from '../src/engine/types.js';
import { DhcpConfigError } from '../src/errors.js';
import { encapsulated } from '../src/wire/codecs.js';
import { getOption, getOptionData } from '../src/wire/message.js';
import { PXE_SUBOPTIONS, readSubOption } from '../src/wire/options.js';
import { encodePxeVendorOptions, PXE_DISCOVERY_CONTROL, readPxeBootItem } from '../src/wire/pxe.js';
import { encodeDhcpReply } from '../src/wire/reply.js';
import { context, MT, option, request, SERVER } from './engine-helpers.js';

// proxyDHCP with a PXE boot menu (PXE 2.1 §2.4.5 sub-options 8, 9, 10; boot server discovery §2.2.5 on
// port 4011 with sub-option 71), as dnsmasq's pxe-service / pxe-prompt do.

const boot: ProxyDhcpConfig['boot'] = {
  rules: [
    { name: 'uefi', match: { arch: 'efi-x64' }, bootFile: 'ipxe.efi' },
    { name: 'bios', match: { arch: 'bios' }, bootFile: 'undionly.kpxe' },
  ],
  ipxeScriptUrl: 'http://10.99.0.1/boot.ipxe',
};

const menu: NonNullable<ProxyDhcpConfig['menu']> = {
  items: [
    { description: 'Install Linux', arch: 'bios', type: 0x8000, bootFile: 'pxelinux' },
    { description: 'Install Linux', arch: 'efi-x64', type: 0x8000, bootFile: 'syslinux.efi' },
    { description: 'Memory test', arch: 'bios', bootFile: 'memtest', server: '10.99.0.7' },
    { description: 'Boot from local disk' },
  ],
  prompt: 'Press F8 for the boot menu',
  timeout: 5,
};

const proxy = new ProxyDhcpEngine({ boot, menu });
const uuid = option('clientMachineId', { type: 0, id: new Uint8Array(16).fill(7) });

function pxe(type: number, arch = 0, extra: ReturnType<typeof option>[] = []) {
  return request(type, {
    options: [
      option('vendorClassIdentifier', `PXEClient:Arch:0000${arch}:UNDI:002001`),
      option('clientSystemArchitecture', [arch]),
      uuid,
      ...extra,
    ],
  });
}

function bootItem(type: number, layer: number) {
  return { code: 43, data: Uint8Array.of(71, 4, type >> 8, type & 255, layer >> 8, layer & 255, 255) };
}

function reply(r: EngineResult): ReplyResult {
  if (r.type !== 'reply') throw new Error(`expected a reply, got ${JSON.stringify(r)}`);
  return r;
}

function pxeOptions(r: ReplyResult) {
  const list = encapsulated.decode(getOptionData(r.message, 43)!);
  return {
    control: readSubOption(list, PXE_SUBOPTIONS, 'discoveryControl'),
    servers: readSubOption(list, PXE_SUBOPTIONS, 'bootServers'),
    menu: readSubOption(list, PXE_SUBOPTIONS, 'bootMenu'),
    prompt: readSubOption(list, PXE_SUBOPTIONS, 'menuPrompt'),
    item: readSubOption(list, PXE_SUBOPTIONS, 'bootItem'),
    codes: list.map((s) => s.code),
  };
}

const at4011 = (ciaddr = '10.99.0.150') =>
  context(0, { localPort: 4011, source: { address: ciaddr, port: 68 } });

describe('PXE boot menu in proxy mode', () => {
  it('offers a BIOS client the menu items for its architecture, their boot servers and the prompt', () => {
    const r = reply(proxy.handle(pxe(MT.DISCOVER), context(0)));
    expect(r.kind).toBe('proxy-offer');
    expect(r.message.yiaddr).toBe('0.0.0.0');
    expect(r.message.file).toBe('');
    expect(getOption(r.message, 'vendorClassIdentifier')).toBe('PXEClient');
    expect(getOptionData(r.message, 97)).toEqual(getOptionData(pxe(MT.DISCOVER), 97));
    const o = pxeOptions(r);
    // Multicast and broadcast discovery off: every item names its server (unicast to port 4011).
    expect(o.control).toBe(PXE_DISCOVERY_CONTROL.NO_BROADCAST | PXE_DISCOVERY_CONTROL.NO_MULTICAST);
    expect(o.menu).toEqual([
      { type: 0x8000, description: 'Install Linux' },
      { type: 0x8002, description: 'Memory test' },
      { type: 0, description: 'Boot from local disk' },
    ]);
    expect(o.servers).toEqual([
      { type: 0x8000, addresses: [SERVER] },
      { type: 0x8002, addresses: ['10.99.0.7'] },
    ]);
    expect(o.prompt).toEqual({ timeout: 5, prompt: 'Press F8 for the boot menu' });
    expect(o.codes).toEqual([6, 8, 9, 10, 255]);
    expect(r.trace.join('\n')).toMatch(/menu/);
  });

  it('offers a UEFI x64 client its own items', () => {
    const r = reply(proxy.handle(pxe(MT.DISCOVER, 7), context(0)));
    expect(pxeOptions(r).menu).toEqual([
      { type: 0x8000, description: 'Install Linux' },
      { type: 0, description: 'Boot from local disk' },
    ]);
  });

  it('answers the boot server request on 4011 with the chosen item’s file, the layer appended to a base name', () => {
    const req = { ...pxe(MT.REQUEST, 0, [bootItem(0x8000, 0)]), ciaddr: '10.99.0.150' };
    const r = reply(proxy.handle(req, at4011()));
    expect(r.kind).toBe('proxy-ack');
    expect(getOption(r.message, 'messageType')).toBe(MT.ACK);
    expect(getOption(r.message, 'serverIdentifier')).toBe(SERVER);
    expect(r.message.file).toBe('pxelinux.0');
    expect(r.message.siaddr).toBe(SERVER);
    expect(pxeOptions(r).item).toEqual({ type: 0x8000, layer: 0 });
    expect(pxeOptions(r).codes).toEqual([71, 255]);
    expect(getOption(r.message, 'vendorClassIdentifier')).toBe('PXEClient');
    expect(r.destination).toEqual({ address: '10.99.0.150', port: 68, broadcast: false });
    expect(r.boot).toMatchObject({ kind: 'tftp', bootFile: 'pxelinux.0', nextServer: SERVER });
    expect(r.boot?.rule).toMatch(/Install Linux/);
    expect(encodeDhcpReply(r.message, { request: req }).bytes.length).toBeGreaterThanOrEqual(300);
  });

  it('chooses the file by the client’s architecture for an item type shared by several', () => {
    const req = { ...pxe(MT.REQUEST, 7, [bootItem(0x8000, 0)]), ciaddr: '10.99.0.150' };
    const r = reply(proxy.handle(req, at4011()));
    // A name with an extension is used as it is.
    expect(r.message.file).toBe('syslinux.efi');
  });

  it('uses the item’s own server as next server and appends other layers', () => {
    const req = { ...pxe(MT.REQUEST, 0, [bootItem(0x8002, 1)]), ciaddr: '10.99.0.150' };
    const r = reply(proxy.handle(req, at4011()));
    expect(r.message.file).toBe('memtest.1');
    expect(r.message.siaddr).toBe('10.99.0.7');
    expect(pxeOptions(r).item).toEqual({ type: 0x8002, layer: 1 });
  });

  it('also answers a boot server request on port 67 that names this server', () => {
    const req = pxe(MT.REQUEST, 0, [bootItem(0x8000, 0), option('serverIdentifier', SERVER)]);
    expect(reply(proxy.handle(req, context(0))).message.file).toBe('pxelinux.0');
  });

  it.each([
    ['an unknown type', bootItem(0x9999, 0), 0],
    ['an item of another architecture', bootItem(0x8002, 0), 7],
    ['the local boot item', bootItem(0, 0), 0],
    ['a credentials request (layer bit 15)', bootItem(0x8000, 0x8000), 0],
  ])('drops a request for %s with no-boot-item', (_name, item, arch) => {
    const req = { ...pxe(MT.REQUEST, arch, [item]), ciaddr: '10.99.0.150' };
    expect(proxy.handle(req, at4011())).toMatchObject({ type: 'drop', reason: 'no-boot-item' });
  });

  it('iPXE and HTTP-boot clients never get the menu (iPXE would reload itself)', () => {
    const ipxe = request(MT.DISCOVER, {
      options: [
        option('vendorClassIdentifier', 'PXEClient:Arch:00000:UNDI:002001'),
        option('clientSystemArchitecture', [0]),
        { code: 77, data: new TextEncoder().encode('iPXE') },
      ],
    });
    const r = reply(proxy.handle(ipxe, context(0)));
    expect(r.message.file).toBe('http://10.99.0.1/boot.ipxe');
    expect(getOptionData(r.message, 43)).toEqual(Uint8Array.of(6, 1, 8, 255));
  });

  it('a client whose architecture has no item gets the rule-based answer, as without a menu', () => {
    const only = new ProxyDhcpEngine({
      boot,
      menu: { items: [{ description: 'BIOS only', arch: 'bios', bootFile: 'pxelinux' }] },
    });
    const r = reply(only.handle(pxe(MT.DISCOVER, 7), context(0)));
    expect(r.message.file).toBe('ipxe.efi');
    expect(getOptionData(r.message, 43)).toEqual(Uint8Array.of(6, 1, 8, 255));
  });

  it('without a prompt: wait for a key when there is a choice, boot at once when there is one item', () => {
    const two = new ProxyDhcpEngine({
      boot,
      menu: { items: [{ description: 'A', bootFile: 'a' }, { description: 'Local' }] },
    });
    expect(pxeOptions(reply(two.handle(pxe(MT.DISCOVER), context(0)))).prompt?.timeout).toBe(255);
    const one = new ProxyDhcpEngine({ boot, menu: { items: [{ description: 'A', bootFile: 'a' }] } });
    expect(pxeOptions(reply(one.handle(pxe(MT.DISCOVER), context(0)))).prompt?.timeout).toBe(0);
  });

  it('lets the client discover a boot server of a type by broadcast when the item names no server', () => {
    const e = new ProxyDhcpEngine({ boot, menu: { items: [{ description: 'WDS', type: 1 }] } });
    const o = pxeOptions(reply(e.handle(pxe(MT.DISCOVER), context(0))));
    expect(o.control).toBe(PXE_DISCOVERY_CONTROL.NO_MULTICAST);
    expect(o.servers).toBeUndefined();
  });

  it('a menu client that asks on 4011 without 71 gets the rule-based ACK as before', () => {
    const req = { ...pxe(MT.REQUEST), ciaddr: '10.99.0.150' };
    expect(reply(proxy.handle(req, at4011())).message.file).toBe('undionly.kpxe');
  });

  it.each<[string, NonNullable<ProxyDhcpConfig['menu']>]>([
    ['no items', { items: [] }],
    ['type 0 with a boot file', { items: [{ description: 'x', type: 0, bootFile: 'a' }] }],
    ['a type above 65535', { items: [{ description: 'x', type: 70000, bootFile: 'a' }] }],
    ['an empty description', { items: [{ description: '', bootFile: 'a' }] }],
    ['a bad server', { items: [{ description: 'x', bootFile: 'a', server: 'x' }] }],
    ['a boot file of 128 bytes', { items: [{ description: 'x', bootFile: 'a'.repeat(128) }] }],
    ['a timeout of 256', { items: [{ description: 'x', bootFile: 'a' }], timeout: 256 }],
    [
      'a menu over 255 bytes',
      {
        items: Array.from({ length: 12 }, (_, i) => ({
          description: `item ${i} ${'x'.repeat(20)}`,
          bootFile: `f${i}`,
        })),
      },
    ],
  ])('rejects %s', (_name, bad) => {
    let error: unknown;
    try {
      new ProxyDhcpEngine({ boot, menu: bad });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DhcpConfigError);
    expect((error as DhcpConfigError).field).toBe('menu');
  });
});

describe('PXE vendor option encoders (wire/pxe.ts)', () => {
  it('encodes the sub-options in code order with END, and they decode back', () => {
    const bytes = encodePxeVendorOptions({
      discoveryControl: 3,
      bootServers: [{ type: 0x8000, addresses: ['10.0.0.1'] }],
      bootMenu: [{ type: 0x8000, description: 'A' }],
      menuPrompt: { timeout: 10, prompt: 'Go' },
    });
    expect(Array.from(bytes)).toEqual([
      6, 1, 3, 8, 7, 0x80, 0, 1, 10, 0, 0, 1, 9, 4, 0x80, 0, 1, 65, 10, 3, 10, 71, 111, 255,
    ]);
    expect(encodePxeVendorOptions({ discoveryControl: 8 })).toEqual(Uint8Array.of(6, 1, 8, 255));
    expect(encodePxeVendorOptions({ bootItem: { type: 1, layer: 2 } })).toEqual(
      Uint8Array.of(71, 4, 0, 1, 0, 2, 255),
    );
  });

  it('readPxeBootItem finds 71 in a 43 value and never throws', () => {
    expect(readPxeBootItem(Uint8Array.of(0, 71, 4, 0, 1, 0, 2, 255))).toEqual({ type: 1, layer: 2 });
    expect(readPxeBootItem(Uint8Array.of(6, 1, 8, 255))).toBeUndefined();
    expect(readPxeBootItem(Uint8Array.of(71, 3, 0, 1, 0))).toBeUndefined();
    expect(readPxeBootItem(Uint8Array.of(71, 9))).toBeUndefined();
    expect(readPxeBootItem(new Uint8Array(0))).toBeUndefined();
  });
});

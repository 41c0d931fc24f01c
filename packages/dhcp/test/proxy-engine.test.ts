import { describe, expect, it } from 'vitest';
import { ProxyDhcpEngine } from '../src/engine/proxy.js';
import type { EngineResult, ReplyResult } from '../src/engine/types.js';
import { getOption, getOptionData } from '../src/wire/message.js';
import { context, MT, option, request } from './engine-helpers.js';

const proxy = new ProxyDhcpEngine({
  boot: {
    rules: [
      { name: 'http', match: { http: true }, httpUrl: 'http://10.99.0.1/shim.efi' },
      { name: 'uefi', match: { arch: 'efi-x64' }, bootFile: 'ipxe.efi' },
      { name: 'bios', match: { arch: 'bios' }, bootFile: 'undionly.kpxe' },
    ],
    ipxeScriptUrl: 'http://10.99.0.1/boot.ipxe',
  },
});

const uuid = option('clientMachineId', { type: 0, id: new Uint8Array(16).fill(7) });
const pxe = (type: number, extra = [] as ReturnType<typeof option>[]) =>
  request(type, {
    options: [
      option('vendorClassIdentifier', 'PXEClient:Arch:00000:UNDI:002001'),
      option('clientSystemArchitecture', [0]),
      uuid,
      ...extra,
    ],
  });

function reply(r: EngineResult): ReplyResult {
  if (r.type !== 'reply') throw new Error(`expected a reply, got ${JSON.stringify(r)}`);
  return r;
}

describe('proxyDHCP (PXE 2.1 §2.2.3–2.2.5)', () => {
  it('answers a PXE DISCOVER with boot information and no address: 60 PXEClient, 43, 97 echoed', () => {
    const r = reply(proxy.handle(pxe(MT.DISCOVER), context(0)));
    expect(r.kind).toBe('proxy-offer');
    expect(r.message.yiaddr).toBe('0.0.0.0');
    expect(r.message.siaddr).toBe('10.99.0.1');
    expect(r.message.file).toBe('undionly.kpxe');
    expect(getOption(r.message, 'messageType')).toBe(MT.OFFER);
    expect(getOption(r.message, 'serverIdentifier')).toBe('10.99.0.1');
    expect(getOption(r.message, 'vendorClassIdentifier')).toBe('PXEClient');
    expect(getOptionData(r.message, 43)).toEqual(Uint8Array.of(6, 1, 8, 255));
    expect(getOptionData(r.message, 97)).toEqual(getOptionData(pxe(MT.DISCOVER), 97));
    expect(getOptionData(r.message, 51)).toBeUndefined();
    expect(r.writes).toEqual([]);
    expect(r.destination).toMatchObject({ address: '255.255.255.255', port: 68, broadcast: true });
  });

  it('answers the REQUEST on port 4011 with an ACK to the client’s address and port, echoing boot item 71', () => {
    const req = pxe(MT.REQUEST, [{ code: 43, data: Uint8Array.of(71, 4, 0x80, 0x00, 0x00, 0x00, 255) }]);
    const r = reply(
      proxy.handle(
        { ...req, ciaddr: '10.99.0.150' },
        context(0, { localPort: 4011, source: { address: '10.99.0.150', port: 68 } }),
      ),
    );
    expect(r.kind).toBe('proxy-ack');
    expect(getOption(r.message, 'messageType')).toBe(MT.ACK);
    expect(r.message.ciaddr).toBe('10.99.0.150');
    expect(r.message.file).toBe('undionly.kpxe');
    expect(getOptionData(r.message, 43)).toEqual(Uint8Array.of(71, 4, 0x80, 0, 0, 0, 255));
    expect(r.destination).toEqual({ address: '10.99.0.150', port: 68, broadcast: false });
  });

  it('gives iPXE its script and UEFI HTTP boot its URL with HTTPClient (no option 43)', () => {
    const ipxe = reply(proxy.handle(pxe(MT.DISCOVER, [option('userClass', { raw: 'iPXE' })]), context(0)));
    expect(ipxe.message.file).toBe('http://10.99.0.1/boot.ipxe');
    const http = reply(
      proxy.handle(
        request(MT.DISCOVER, {
          options: [
            option('vendorClassIdentifier', 'HTTPClient:Arch:00016:UNDI:003000'),
            option('clientSystemArchitecture', [16]),
          ],
        }),
        context(0),
      ),
    );
    expect(getOption(http.message, 'vendorClassIdentifier')).toBe('HTTPClient');
    expect(getOption(http.message, 'bootFileName')).toBe('http://10.99.0.1/shim.efi');
    expect(getOptionData(http.message, 43)).toBeUndefined();
  });

  it('ignores everyone else: plain clients, the site server’s traffic, REQUESTs for the site server', () => {
    expect(proxy.handle(request(MT.DISCOVER), context(0))).toMatchObject({
      type: 'drop',
      reason: 'not-a-boot-client',
    });
    expect(proxy.handle(pxe(MT.OFFER), context(0))).toMatchObject({ reason: 'not-a-request' });
    expect(
      proxy.handle(pxe(MT.REQUEST, [option('serverIdentifier', '10.99.0.2')]), context(0)),
    ).toMatchObject({
      reason: 'other-server',
    });
    expect(proxy.handle(pxe(MT.DISCOVER), context(0, { localPort: 4011 }))).toMatchObject({
      reason: 'wrong-port',
    });
    const arm = request(MT.DISCOVER, {
      options: [option('vendorClassIdentifier', 'PXEClient'), option('clientSystemArchitecture', [11])],
    });
    expect(proxy.handle(arm, context(0))).toMatchObject({ reason: 'no-boot-rule' });
  });

  it('sends relayed proxy offers back through the relay with 82 echoed', () => {
    const relayed = {
      ...pxe(MT.DISCOVER, [{ code: 82, data: Uint8Array.of(1, 1, 9) }]),
      giaddr: '10.50.0.1',
    };
    const r = reply(proxy.handle(relayed, context(0)));
    expect(r.destination).toEqual({ address: '10.50.0.1', port: 67, broadcast: false });
    expect(getOptionData(r.message, 82)).toEqual(Uint8Array.of(1, 1, 9));
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dhcpMessageArbitrary,
  pxeClientArbitrary,
  relayedRequestArbitrary,
} from '../src/arbitraries/index.js';
import { ProxyDhcpEngine } from '../src/engine/proxy.js';
import { DhcpServerEngine } from '../src/engine/server.js';
import type { EngineResult } from '../src/engine/types.js';
import { decodeDhcpMessage } from '../src/wire/message.js';
import { encodeDhcpReply } from '../src/wire/reply.js';
import { context, MT, option, request } from './engine-helpers.js';

// Properties of the engines over generated input: they never throw, every reply encodes within the
// client's size limit and decodes back, and however clients interleave, no two hold one address.

const boot = {
  rules: [
    { name: 'uefi', match: { arch: 'efi-x64' }, bootFile: 'ipxe.efi' },
    { name: 'bios', match: { arch: 'bios' }, bootFile: 'undionly.kpxe' },
    { name: 'http', match: { http: true }, httpUrl: 'http://10.99.0.1/x.efi' },
  ],
  ipxeScriptUrl: 'http://10.99.0.1/boot.ipxe',
};

// A PXE menu (proxy mode): items per architecture, a shared type, local boot.
const menu = {
  items: [
    { description: 'Install', arch: 'bios', type: 0x8000, bootFile: 'pxelinux' },
    { description: 'Install', arch: 'efi-x64', type: 0x8000, bootFile: 'syslinux.efi' },
    { description: 'Local disk' },
  ],
};

function engine(): DhcpServerEngine {
  return new DhcpServerEngine({
    subnets: [
      {
        network: '10.99.0.0/24',
        pools: ['10.99.0.100-10.99.0.110'],
        interface: 'eth0',
        routers: ['10.99.0.1'],
        // The shortcuts take part too: Rapid Commit (RFC 4039) and dynamic BOOTP (RFC 951).
        rapidCommit: true,
        bootp: 'dynamic',
      },
      { network: '0.0.0.0/1', pools: ['10.0.0.10-10.0.0.20'] },
      { network: '128.0.0.0/1', pools: ['200.0.0.10-200.0.0.20'] },
    ],
    boot,
  });
}

function checkReply(r: EngineResult, req: Parameters<DhcpServerEngine['handle']>[0]): void {
  if (r.type !== 'reply') return;
  const { bytes } = encodeDhcpReply(r.message, { request: req });
  expect(bytes.length).toBeGreaterThanOrEqual(300);
  const back = decodeDhcpMessage(bytes);
  expect(back.xid).toBe(req.xid);
  expect(back.op).toBe(2);
}

describe('engine properties', () => {
  it('never throws on any well-formed message, and every reply encodes and decodes', () => {
    fc.assert(
      fc.property(
        fc.oneof(dhcpMessageArbitrary(), pxeClientArbitrary(), relayedRequestArbitrary()),
        fc.constantFrom('server', 'proxy', 'proxy-menu'),
        fc.constantFrom(67, 4011),
        (msg, mode, port) => {
          const ctx = context(1_000_000, { localPort: port });
          const r =
            mode === 'server'
              ? engine().handle(msg, ctx)
              : new ProxyDhcpEngine(mode === 'proxy' ? { boot } : { boot, menu }).handle(msg, ctx);
          expect(['reply', 'silent', 'drop']).toContain(r.type);
          checkReply(r, msg);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('no two clients are ever ACKed one address, whatever the interleaving and timing', () => {
    const step = fc.record({
      client: fc.nat(14),
      kind: fc.constantFrom(
        'discover',
        'select',
        'reboot',
        'renew',
        'release',
        'decline',
        'inform',
        'rapid',
        'bootp',
      ),
      wantOther: fc.nat(10),
      dt: fc.constantFrom(0, 1000, 40_000, 2_000_000),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const e = engine();
        let now = 1_000_000;
        const offered = new Map<number, string>();
        const held = new Map<string, { client: number; until: number }>();
        for (const s of steps) {
          now += s.dt;
          const mac = `52:54:00:00:01:${s.client.toString(16).padStart(2, '0')}`;
          const mine = [...held].find(([, h]) => h.client === s.client)?.[0];
          const other = `10.99.0.${100 + s.wantOther}`;
          const msg =
            s.kind === 'rapid'
              ? request(MT.DISCOVER, { mac, options: [{ code: 80, data: new Uint8Array(0) }] })
              : s.kind === 'bootp'
                ? { ...request(MT.DISCOVER, { mac }), options: [] }
                : s.kind === 'discover'
                  ? request(MT.DISCOVER, { mac })
                  : s.kind === 'select'
                    ? request(MT.REQUEST, {
                        mac,
                        options: [
                          option('serverIdentifier', '10.99.0.1'),
                          option('requestedIpAddress', offered.get(s.client) ?? other),
                        ],
                      })
                    : s.kind === 'reboot'
                      ? request(MT.REQUEST, { mac, options: [option('requestedIpAddress', mine ?? other)] })
                      : s.kind === 'renew'
                        ? request(MT.REQUEST, { mac, ciaddr: mine ?? other })
                        : s.kind === 'release'
                          ? request(MT.RELEASE, { mac, ciaddr: mine ?? other })
                          : s.kind === 'decline'
                            ? request(MT.DECLINE, {
                                mac,
                                options: [option('requestedIpAddress', mine ?? other)],
                              })
                            : request(MT.INFORM, { mac, ciaddr: mine ?? other });
          const r = e.handle(msg, context(now));
          checkReply(r, msg);
          if (r.type === 'reply' && r.kind === 'offer') offered.set(s.client, r.message.yiaddr);
          if (r.type === 'reply' && r.kind === 'ack') {
            const h = held.get(r.message.yiaddr);
            // The address is free, expired, or already this client's.
            if (h !== undefined && h.until > now) expect(h.client).toBe(s.client);
            for (const [a, x] of held) if (x.client === s.client && a !== r.message.yiaddr) held.delete(a);
            held.set(r.message.yiaddr, { client: s.client, until: r.lease!.expires });
          }
          if (r.type === 'silent' && (r.kind === 'release' || r.kind === 'decline') && r.writes.length > 0) {
            held.delete(r.writes[0]!.address);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

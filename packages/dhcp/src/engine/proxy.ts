/**
 * proxyDHCP (PXE 2.1 §2.2.3–§2.2.5): for networks that already have a DHCP server. Answers only PXE and
 * UEFI HTTP-boot clients, gives no address, only boot information:
 *
 * ```
 * client ── DISCOVER (broadcast, :67) ──▶ site server ──▶ OFFER with an address
 *        └─────────────────────────────▶ proxy        ──▶ proxy OFFER: yiaddr 0, 60 "PXEClient", 43, 97, file
 * client ── REQUEST/ACK with the site server
 * client ── REQUEST to proxy :4011 (iPXE, some ROMs) ─▶ proxy ACK with the boot file
 * ```
 *
 * Option 43 carries PXE discovery control 6 = 8 ("use the boot file in the offer, skip boot server
 * discovery", PXE 2.1 §2.4.5): ROMs that honour it boot straight from the offer; clients that still ask on
 * port 4011 get the same answer there (the dnsmasq/pixiecore path). A boot item 71 the client sends on
 * 4011 is echoed, as the ROMs expect.
 */
import { ipv4ToNumber, u32Bytes } from '../lease/ipv4.js';
import { DHCP_MESSAGE_TYPE } from '../wire/constants.js';
import { type DhcpMessage, getOptionData } from '../wire/message.js';
import { type BootConfig, decideBoot, isHttpClient } from './boot.js';
import { bootFactsOf, readOption } from './facts.js';
import { applyBoot, buildReply, checkCount, type ReplyDraft, replyDestination } from './server.js';
import type { DropResult, EngineResult, RequestContext } from './types.js';

const MT = DHCP_MESSAGE_TYPE;

export interface ProxyDhcpConfig {
  /** Option 54 and the address clients send to on port 4011. Default: the arrival interface's address. */
  readonly serverId?: string;
  readonly boot: BootConfig;
  /** Relay hop limit (RFC 1542 §4.1.1). Default 16. */
  readonly maxHops?: number;
}

function textBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 255;
  return out;
}

/** Sub-option 71 (boot item) of a request's option 43, raw, if well formed. */
function bootItemOf(msg: DhcpMessage): Uint8Array | undefined {
  const d = getOptionData(msg, 43);
  if (d === undefined) return undefined;
  let i = 0;
  while (i + 2 <= d.length) {
    const code = d[i]!;
    if (code === 255) break;
    if (code === 0) {
      i++;
      continue;
    }
    const len = d[i + 1]!;
    if (i + 2 + len > d.length) return undefined;
    if (code === 71 && len === 4) return d.subarray(i + 2, i + 6);
    i += 2 + len;
  }
  return undefined;
}

/**
 * A proxyDHCP responder as a sans-IO object.
 *
 * @example
 * const proxy = new ProxyDhcpEngine({ boot: { rules: [{ name: 'bios', match: { arch: 'bios' }, bootFile: 'undionly.kpxe' }], ipxeScriptUrl: 'http://10.99.0.1/boot.ipxe' } });
 */
export class ProxyDhcpEngine {
  readonly config: ProxyDhcpConfig;

  constructor(config: ProxyDhcpConfig) {
    if (config.serverId !== undefined) ipv4ToNumber(config.serverId, 'serverId');
    checkCount('maxHops', config.maxHops);
    this.config = config;
  }

  handle(request: DhcpMessage, context: RequestContext): EngineResult {
    const trace: string[] = [];
    const dropped = (reason: DropResult['reason'], detail?: string): DropResult =>
      detail === undefined ? { type: 'drop', reason, trace } : { type: 'drop', reason, detail, trace };
    if (request.op !== 1) return dropped('not-a-request', `op ${request.op}`);
    if (request.hlen > 16 || request.htype === 0) return dropped('bad-hardware-address');
    if (request.hops > (this.config.maxHops ?? 16)) return dropped('too-many-hops');
    const t = getOptionData(request, 53)?.[0];
    if (t === undefined) return dropped('bootp-unsupported');
    const serverId = this.config.serverId ?? context.interface?.address;
    if (serverId === undefined) return dropped('no-server-id');
    let kind: 'proxy-offer' | 'proxy-ack';
    if (context.localPort === 4011) {
      if (t !== MT.REQUEST && t !== MT.INFORM) return dropped('wrong-port', `message type ${t} on 4011`);
      kind = 'proxy-ack';
    } else if (t === MT.DISCOVER) {
      kind = 'proxy-offer';
    } else if (t === MT.REQUEST) {
      // On port 67 a REQUEST is for the site server unless it names us.
      const sid = readOption(request, 'serverIdentifier');
      if (sid !== serverId) return dropped('other-server');
      kind = 'proxy-ack';
    } else if (t === MT.OFFER || t === MT.ACK || t === MT.NAK) {
      return dropped('not-a-request', `message type ${t}`);
    } else {
      return dropped('unsupported-message-type', `message type ${t}`);
    }
    const facts = bootFactsOf(request);
    if (!facts.pxe && !isHttpClient(facts))
      return dropped('not-a-boot-client', facts.vendorClass ?? 'no option 60');
    const decision = decideBoot(facts, this.config.boot, serverId);
    trace.push(...decision.trace);
    if (decision.kind === 'none') return dropped('no-boot-rule');
    const d: ReplyDraft = {
      kind,
      yiaddr: '0.0.0.0',
      ciaddr: request.ciaddr,
      siaddr: '0.0.0.0',
      sname: '',
      file: '',
      options: new Map(),
    };
    d.options.set(53, Uint8Array.of(kind === 'proxy-offer' ? MT.OFFER : MT.ACK));
    d.options.set(54, u32Bytes(ipv4ToNumber(serverId)));
    applyBoot(d, decision, request);
    if (decision.vendorClass !== 'HTTPClient') {
      // PXE 2.1 §2.2.3: a proxy offer is recognised by 60 "PXEClient" and carries option 43.
      d.options.set(60, textBytes('PXEClient'));
      const item = kind === 'proxy-ack' ? bootItemOf(request) : undefined;
      d.options.set(
        43,
        item === undefined ? Uint8Array.of(6, 1, 8, 255) : Uint8Array.of(71, 4, ...item, 255),
      );
    }
    const uuid = getOptionData(request, 97);
    if (uuid !== undefined) d.options.set(97, uuid); // PXE 2.1: echo the client's UUID/GUID.
    const id = getOptionData(request, 61);
    if (id !== undefined) d.options.set(61, id);
    const relay = getOptionData(request, 82);
    if (relay !== undefined && request.giaddr !== '0.0.0.0') d.options.set(82, relay);
    return {
      type: 'reply',
      kind,
      message: buildReply(request, d),
      destination: replyDestination(request, kind, '0.0.0.0', context),
      writes: [],
      boot: decision,
      trace,
    };
  }
}

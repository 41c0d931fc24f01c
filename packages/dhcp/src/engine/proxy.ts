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
 *
 * With a `menu` (dnsmasq's pxe-service / pxe-prompt), PXE ROM clients instead get a boot menu: 43.9 items
 * for their architecture, 43.8 the boot server of each item, 43.10 the prompt, and discovery control
 * without multicast (and without broadcast when every item names its server). The client shows the
 * menu, then asks the chosen item's boot server on port 4011 with 43.71 {type, layer}; that request gets
 * the item's boot file for the client's architecture (a base name gets ".<layer>" appended) and 71 echoed:
 *
 * ```
 * client ── DISCOVER ─▶ proxy ─▶ OFFER: 43 = 6 (3), 8 servers, 9 menu, 10 prompt; no file
 * client ── REQUEST :4011, 43.71 = {type, layer} ─▶ proxy ─▶ ACK: file = item's file, 43.71 echoed
 * ```
 *
 * iPXE and HTTP-boot clients never get the menu (iPXE would show it and chain-load itself again).
 */
import { DhcpConfigError } from '../errors.js';
import { ipv4ToNumber, u32Bytes } from '../lease/ipv4.js';
import { DHCP_MESSAGE_TYPE } from '../wire/constants.js';
import { type DhcpMessage, getOptionData } from '../wire/message.js';
import {
  encodePxeVendorOptions,
  PXE_DISCOVERY_CONTROL,
  type PxeBootServer,
  type PxeMenuEntry,
  readPxeBootItem,
} from '../wire/pxe.js';
import { archMatches } from './arch.js';
import { type BootConfig, type BootDecision, decideBoot, isHttpClient } from './boot.js';
import { type BootFacts, bootFactsOf, readOption } from './facts.js';
import { applyBoot, buildReply, checkCount, type ReplyDraft, replyDestination } from './server.js';
import type { DropResult, EngineResult, RequestContext } from './types.js';

const MT = DHCP_MESSAGE_TYPE;

export interface ProxyDhcpConfig {
  /** Option 54 and the address clients send to on port 4011. Default: the arrival interface's address. */
  readonly serverId?: string;
  readonly boot: BootConfig;
  /** Relay hop limit (RFC 1542 §4.1.1). Default 16. */
  readonly maxHops?: number;
  /**
   * A PXE boot menu for PXE ROM clients (PXE 2.1 §2.4.5 sub-options 8, 9, 10). Without it (the default)
   * clients are told to boot the file in the offer (discovery control 8), as before.
   */
  readonly menu?: PxeMenu;
}

/** One item of a PXE boot menu (dnsmasq: one `pxe-service`). */
export interface PxeMenuItem {
  /** The text shown (43.9), at most 255 Latin-1 characters. */
  readonly description: string;
  /**
   * Client architectures (option 93) the item is shown to: codes or names as in a boot rule's
   * `match.arch` (`bios`, `efi-x64`, `uefi`, 7…). Default: every architecture. A client without option 93
   * counts as BIOS (0).
   */
  readonly arch?: number | string | readonly (number | string)[];
  /**
   * Boot server type (PXE 2.1 table 2-2), the key the client sends back in 43.71. 0 is local boot (the
   * client leaves network boot). Default: 0 for an item without `bootFile`, else 32768 + the item's index
   * (the vendor range). Give several items the same type to offer one choice with a file per architecture.
   */
  readonly type?: number;
  /**
   * The file the boot server hands out for this item (by TFTP from `server`): a base name without an
   * extension gets the requested layer appended (`pxelinux` → `pxelinux.0`, as dnsmasq does); a name
   * with an extension is sent as it is. Without it, an item of type 0 is local boot and any other type
   * leaves the client to find a boot server of that type (at `server`, else by broadcast).
   */
  readonly bootFile?: string;
  /** The boot server's address (43.8, and `siaddr` of the answer). Default: this server. */
  readonly server?: string;
}

/** A PXE boot menu (dnsmasq: `pxe-service` lines and `pxe-prompt`). */
export interface PxeMenu {
  /** In menu order; the first item shown is the one the timeout selects. */
  readonly items: readonly PxeMenuItem[];
  /** The prompt shown before the menu (43.10). Default "PXE boot menu". */
  readonly prompt?: string;
  /**
   * Seconds before the first item is chosen (0: at once, 255: wait for a key). Default: 255 when the
   * client has a choice, 0 when it has one item (dnsmasq's behaviour without `pxe-prompt`).
   */
  readonly timeout?: number;
}

interface CompiledMenuItem {
  readonly index: number;
  readonly description: string;
  readonly arch: readonly (number | string)[];
  readonly type: number;
  readonly bootFile?: string;
  readonly server?: string;
}

function archList(v: PxeMenuItem['arch']): readonly (number | string)[] {
  return v === undefined
    ? []
    : Array.isArray(v)
      ? (v as readonly (number | string)[])
      : [v as number | string];
}

const latin1Only = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 255) return false;
  return true;
};

function compileMenu(menu: PxeMenu): CompiledMenuItem[] {
  const bad = (message: string): never => {
    throw new DhcpConfigError('menu', message);
  };
  if (!Array.isArray(menu.items) || menu.items.length === 0) bad('needs at least one item');
  const out = menu.items.map((item, index): CompiledMenuItem => {
    const what = `item ${index}`;
    if (typeof item.description !== 'string' || item.description === '' || item.description.length > 255)
      bad(`${what}: description must be 1..255 characters`);
    if (!latin1Only(item.description)) bad(`${what}: description has characters above U+00FF`);
    const type = item.type ?? (item.bootFile === undefined ? 0 : 0x8000 + index);
    if (!Number.isInteger(type) || type < 0 || type > 0xffff) bad(`${what}: type ${type} is not 0..65535`);
    if (item.bootFile !== undefined) {
      if (type === 0) bad(`${what}: type 0 is local boot and takes no bootFile`);
      if (typeof item.bootFile !== 'string' || item.bootFile === '' || item.bootFile.length > 120)
        bad(`${what}: bootFile must be 1..120 characters (the BOOTP file field holds 128 with the layer)`);
      if (!latin1Only(item.bootFile)) bad(`${what}: bootFile has characters above U+00FF`);
    }
    if (item.server !== undefined) ipv4ToNumber(item.server, 'menu');
    for (const a of archList(item.arch)) {
      if (typeof a !== 'number' && typeof a !== 'string')
        bad(`${what}: arch ${String(a)} is not a code or name`);
    }
    return {
      index,
      description: item.description,
      arch: archList(item.arch),
      type,
      ...(item.bootFile === undefined ? {} : { bootFile: item.bootFile }),
      ...(item.server === undefined ? {} : { server: item.server }),
    };
  });
  if (
    menu.timeout !== undefined &&
    (!Number.isInteger(menu.timeout) || menu.timeout < 0 || menu.timeout > 255)
  )
    bad(`timeout ${menu.timeout} is not 0..255 s`);
  if (
    menu.prompt !== undefined &&
    (typeof menu.prompt !== 'string' || menu.prompt.length > 250 || !latin1Only(menu.prompt))
  )
    bad('prompt must be at most 250 Latin-1 characters');
  // Option 43 is one option of at most 255 bytes for PXE ROMs: check what each architecture would get.
  for (let arch = 0; arch <= 0x30; arch++) {
    const shown = out.filter((i) => showsTo(i, [arch]));
    if (shown.length === 0) continue;
    let length: number;
    try {
      length = menuOptions(shown, menu, '255.255.255.255').length;
    } catch (error) {
      throw new DhcpConfigError('menu', `the menu for architecture ${arch} cannot be encoded`, {
        cause: error,
      });
    }
    if (length > 255)
      bad(`the menu for architecture ${arch} needs ${length} bytes in option 43; at most 255 fit`);
  }
  return out;
}

/** Whether an item is shown to a client with these option 93 codes (none: BIOS). */
function showsTo(item: CompiledMenuItem, arch: readonly number[]): boolean {
  if (item.arch.length === 0) return true;
  const codes = arch.length === 0 ? [0] : arch;
  return codes.some((code) =>
    item.arch.some((w) => (typeof w === 'number' ? w === code : archMatches(code, w))),
  );
}

/** Option 43 of a menu offer: discovery control, boot servers, menu, prompt (PXE 2.1 §2.4.5). */
function menuOptions(shown: readonly CompiledMenuItem[], menu: PxeMenu, serverId: string): Uint8Array {
  const servers: PxeBootServer[] = [];
  const entries: PxeMenuEntry[] = [];
  let control = PXE_DISCOVERY_CONTROL.NO_BROADCAST | PXE_DISCOVERY_CONTROL.NO_MULTICAST;
  for (const item of shown) {
    entries.push({ type: item.type, description: item.description });
    const server = item.server ?? (item.bootFile === undefined ? undefined : serverId);
    if (server !== undefined) servers.push({ type: item.type, addresses: [server] });
    // A boot server type with no known server: the client has to broadcast for one.
    else if (item.type !== 0) control = PXE_DISCOVERY_CONTROL.NO_MULTICAST;
  }
  return encodePxeVendorOptions({
    discoveryControl: control,
    ...(servers.length === 0 ? {} : { bootServers: servers }),
    bootMenu: entries,
    menuPrompt: {
      timeout: menu.timeout ?? (shown.length > 1 ? 255 : 0),
      prompt: menu.prompt ?? 'PXE boot menu',
    },
  });
}

/** The file a boot server hands out for `item` at `layer`: a base name gets ".<layer>". */
function itemFile(bootFile: string, layer: number): string {
  const base = bootFile.slice(bootFile.lastIndexOf('/') + 1);
  return base.includes('.') ? bootFile : `${bootFile}.${layer}`;
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
  readonly #menu: readonly CompiledMenuItem[] | undefined;

  constructor(config: ProxyDhcpConfig) {
    if (config.serverId !== undefined) ipv4ToNumber(config.serverId, 'serverId');
    checkCount('maxHops', config.maxHops);
    this.#menu = config.menu === undefined ? undefined : compileMenu(config.menu);
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
    const shown = this.#menuFor(facts);
    if (shown !== undefined) {
      const value43 = getOptionData(request, 43);
      const item = kind === 'proxy-ack' && value43 !== undefined ? readPxeBootItem(value43) : undefined;
      if (kind === 'proxy-offer') return this.#menuOffer(request, context, shown, serverId, trace);
      if (item !== undefined) {
        return (
          this.#bootServerAck(request, context, shown, item, serverId, trace) ??
          dropped('no-boot-item', `type ${item.type} layer ${item.layer}`)
        );
      }
    }
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

  /** The menu items for a PXE ROM client, or undefined when it gets no menu (no menu, iPXE, HTTP boot). */
  #menuFor(facts: BootFacts): readonly CompiledMenuItem[] | undefined {
    if (this.#menu === undefined || !facts.pxe || facts.ipxe || isHttpClient(facts)) return undefined;
    const shown = this.#menu.filter((i) => showsTo(i, facts.arch));
    return shown.length === 0 ? undefined : shown;
  }

  /** Common reply fields of the menu path: no address, 53/54, 60 "PXEClient", 97/61/82 echoed. */
  #menuReply(
    request: DhcpMessage,
    context: RequestContext,
    kind: 'proxy-offer' | 'proxy-ack',
    d: ReplyDraft,
    serverId: string,
    value43: Uint8Array,
    trace: string[],
    boot?: BootDecision,
  ): EngineResult {
    d.options.set(53, Uint8Array.of(kind === 'proxy-offer' ? MT.OFFER : MT.ACK));
    d.options.set(54, u32Bytes(ipv4ToNumber(serverId)));
    d.options.set(60, textBytes('PXEClient'));
    d.options.set(43, value43);
    for (const code of [97, 61]) {
      const v = getOptionData(request, code);
      if (v !== undefined) d.options.set(code, v);
    }
    const relay = getOptionData(request, 82);
    if (relay !== undefined && request.giaddr !== '0.0.0.0') d.options.set(82, relay);
    return {
      type: 'reply',
      kind,
      message: buildReply(request, d),
      destination: replyDestination(request, kind, '0.0.0.0', context),
      writes: [],
      ...(boot === undefined ? {} : { boot }),
      trace,
    };
  }

  /** PXE 2.1 §2.2.3: a proxy offer carrying the boot menu instead of a boot file. */
  #menuOffer(
    request: DhcpMessage,
    context: RequestContext,
    shown: readonly CompiledMenuItem[],
    serverId: string,
    trace: string[],
  ): EngineResult {
    trace.push(`PXE menu: ${shown.map((i) => `${i.description} (type ${i.type})`).join(', ')}`);
    const d: ReplyDraft = {
      kind: 'proxy-offer',
      yiaddr: '0.0.0.0',
      ciaddr: request.ciaddr,
      siaddr: '0.0.0.0',
      sname: '',
      file: '',
      options: new Map(),
    };
    const value43 = menuOptions(shown, this.config.menu!, serverId);
    return this.#menuReply(request, context, 'proxy-offer', d, serverId, value43, trace);
  }

  /**
   * PXE 2.1 §2.2.5, boot server discovery: the client chose a menu item and asks its boot server (on
   * 4011) with 43.71 {type, layer}; the answer names that item's file for the client's architecture and
   * echoes 71. Undefined when no boot item of the client's menu has that type and a file, or for a
   * credentials request (layer bit 15, PXE BIS), which is not supported.
   */
  #bootServerAck(
    request: DhcpMessage,
    context: RequestContext,
    shown: readonly CompiledMenuItem[],
    item: { readonly type: number; readonly layer: number },
    serverId: string,
    trace: string[],
  ): EngineResult | undefined {
    if ((item.layer & 0x8000) !== 0) {
      trace.push(`boot item ${item.type}: credentials (PXE BIS) requested, not supported`);
      return undefined;
    }
    const chosen = shown.find((i) => i.type === item.type && i.bootFile !== undefined);
    if (chosen === undefined) {
      trace.push(`boot item type ${item.type}: not a boot file item of this client's menu`);
      return undefined;
    }
    const file = itemFile(chosen.bootFile!, item.layer);
    const nextServer = chosen.server ?? serverId;
    trace.push(
      `PXE menu item ${chosen.description} (type ${item.type}, layer ${item.layer}): TFTP ${file} from ${nextServer}`,
    );
    const d: ReplyDraft = {
      kind: 'proxy-ack',
      yiaddr: '0.0.0.0',
      ciaddr: request.ciaddr,
      siaddr: nextServer,
      sname: '',
      file,
      options: new Map(),
    };
    if (getOptionData(request, 55)?.includes(67)) d.options.set(67, textBytes(file));
    const boot: BootDecision = {
      kind: 'tftp',
      rule: `menu: ${chosen.description}`,
      nextServer,
      bootFile: file,
      vendorClass: 'PXEClient',
      trace,
    };
    const value43 = encodePxeVendorOptions({ bootItem: item });
    return this.#menuReply(request, context, 'proxy-ack', d, serverId, value43, trace, boot);
  }
}

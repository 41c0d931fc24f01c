/**
 * Boot decisions: a pure function from what a client says about itself (`BootFacts`) and an ordered list
 * of rules to what it should boot, with a trace of which rule matched and why the others did not. The
 * same function serves authoritative and proxy mode, and can answer "what would you send to this
 * capture, and why" offline.
 *
 * Firmware families (docs/DESIGN.md, LAB.md):
 * - BIOS/UEFI PXE ROMs: TFTP, `siaddr` + `file` (and 66/67 when asked for).
 * - UEFI HTTP boot (60 = `HTTPClient`): the boot file is a URL and the reply must carry 60 `HTTPClient`
 *   (UEFI 2.5 §24.7.2) or the firmware ignores the offer.
 * - iPXE (77 = `iPXE` or 175 present): a script URL. Handing iPXE an iPXE binary again would make it
 *   chain-load itself for ever, so such a rule is skipped for iPXE clients.
 */
import { archInfo, archMatches } from './arch.js';
import type { BootFacts } from './facts.js';

/** Conditions of a rule; all given conditions must hold. */
export interface BootMatch {
  /** Option 93 code(s) or names (`bios`, `uefi`, `efi-x64`, `efi-arm64`, `http`, a CPU name...). */
  readonly arch?: number | string | readonly (number | string)[];
  /** true: only iPXE clients; false: only non-iPXE clients. */
  readonly ipxe?: boolean;
  /** true: only UEFI HTTP-boot clients (60 `HTTPClient` or an HTTP arch code). */
  readonly http?: boolean;
  /** MAC addresses or prefixes (`52:54:00`), lower or upper case. */
  readonly mac?: string | readonly string[];
  /** Prefix of option 60. */
  readonly vendorClass?: string;
  /** One of the client's option 77 user classes. */
  readonly userClass?: string;
  /** Option 97 UUID, hex without separators (case-insensitive). */
  readonly uuid?: string;
  /** Id of the subnet the request was placed in. */
  readonly subnet?: string;
  /** Relay agent circuit id (82.1), hex. */
  readonly circuitId?: string;
}

export interface BootRule {
  /** Shown in the reason trace and in events. */
  readonly name: string;
  readonly match?: BootMatch;
  /** TFTP boot file for PXE ROMs (BOOTP `file`, option 67). */
  readonly bootFile?: string;
  /** Boot URL for UEFI HTTP-boot clients. */
  readonly httpUrl?: string;
  /** Script URL for iPXE clients (default: the config's `ipxeScriptUrl`). */
  readonly ipxeScriptUrl?: string;
  /** `siaddr` (next server); default: the config's `nextServer`, else the server's own address. */
  readonly nextServer?: string;
  /** Option 66 TFTP server name, also written to `sname`. */
  readonly tftpServerName?: string;
}

export interface BootConfig {
  readonly rules: readonly BootRule[];
  /** Default script URL for iPXE clients whose rule names none. */
  readonly ipxeScriptUrl?: string;
  /** Default `siaddr`. */
  readonly nextServer?: string;
}

export type BootKind = 'tftp' | 'http' | 'ipxe-script';

export interface BootDecision {
  readonly kind: BootKind;
  /** The rule that matched. */
  readonly rule: string;
  /** `siaddr`; for HTTP and iPXE script boots, also set (harmless, and older iPXE builds want it). */
  readonly nextServer?: string;
  /** What goes in `file` and option 67: a TFTP path or a URL. */
  readonly bootFile: string;
  readonly tftpServerName?: string;
  /** The vendor class to echo in option 60, when the firmware needs it. */
  readonly vendorClass?: 'PXEClient' | 'HTTPClient';
  /** Why: one line per rule looked at, then the outcome. */
  readonly trace: readonly string[];
}

/** No rule applied; the trace says why. */
export interface NoBootDecision {
  readonly kind: 'none';
  readonly trace: readonly string[];
}

/** File names of iPXE builds: handing one to iPXE again would loop. */
const IPXE_BINARY = /(^|\/)(ipxe|undionly|snponly|snp)[^/]*\.(efi|kpxe|kkpxe|kkkpxe|pxe|lkrn|0)$/i;

function list<T>(v: T | readonly T[] | undefined): readonly T[] {
  return v === undefined ? [] : Array.isArray(v) ? (v as readonly T[]) : [v as T];
}

/** Checks `match` against `facts`; returns undefined on a match, else why not. */
function mismatch(match: BootMatch | undefined, f: BootFacts): string | undefined {
  if (match === undefined) return undefined;
  if (match.arch !== undefined) {
    const wanted = list(match.arch);
    const ok = f.arch.some((code) =>
      wanted.some((w) => (typeof w === 'number' ? w === code : archMatches(code, w))),
    );
    if (!ok) return `arch ${f.arch.length === 0 ? 'absent' : f.arch.join(',')} is not ${wanted.join('|')}`;
  }
  if (match.ipxe !== undefined && match.ipxe !== f.ipxe)
    return f.ipxe ? 'client is iPXE' : 'client is not iPXE';
  if (match.http !== undefined && match.http !== isHttpClient(f)) {
    return isHttpClient(f) ? 'client is an HTTP-boot client' : 'client is not an HTTP-boot client';
  }
  if (match.mac !== undefined) {
    const macs = list(match.mac).map((m) => m.toLowerCase().replace(/-/g, ':'));
    if (!macs.some((m) => f.mac.startsWith(m))) return `mac ${f.mac} not in ${macs.join('|')}`;
  }
  if (match.vendorClass !== undefined && !(f.vendorClass ?? '').startsWith(match.vendorClass)) {
    return `vendor class ${JSON.stringify(f.vendorClass ?? '')} does not start with ${JSON.stringify(match.vendorClass)}`;
  }
  if (match.userClass !== undefined && !f.userClasses.includes(match.userClass)) {
    return `user class ${match.userClass} not sent`;
  }
  if (match.uuid !== undefined && match.uuid.replace(/-/g, '').toLowerCase() !== f.uuid)
    return `uuid ${f.uuid ?? 'absent'}`;
  if (match.subnet !== undefined && match.subnet !== f.subnet) return `subnet ${f.subnet ?? 'unknown'}`;
  if (match.circuitId !== undefined && match.circuitId.toLowerCase() !== f.circuitId) {
    return `circuit id ${f.circuitId ?? 'absent'}`;
  }
  return undefined;
}

/** A UEFI HTTP-boot client: 60 `HTTPClient`, or an HTTP architecture code in 93. */
export function isHttpClient(f: BootFacts): boolean {
  return f.http || f.arch.some((a) => archInfo(a).http);
}

/**
 * Chooses what a client boots: the first rule whose conditions hold and that has something this client
 * can use (a script URL for iPXE, a URL for HTTP boot, a file for PXE).
 *
 * @example
 * decideBoot(facts, { rules: [
 *   { name: 'uefi', match: { arch: 'efi-x64' }, bootFile: 'ipxe.efi' },
 *   { name: 'bios', match: { arch: 'bios' }, bootFile: 'undionly.kpxe' },
 * ], ipxeScriptUrl: 'http://10.99.0.1/boot.ipxe' });
 */
export function decideBoot(
  facts: BootFacts,
  config: BootConfig,
  serverAddress?: string,
): BootDecision | NoBootDecision {
  const trace: string[] = [];
  const who = facts.ipxe ? 'iPXE' : isHttpClient(facts) ? 'HTTP boot' : facts.pxe ? 'PXE' : 'plain DHCP';
  const archText = facts.arch.map((a) => `${a}`).join(',') || 'none';
  trace.push(`client ${facts.mac}: ${who}, arch ${archText}`);
  for (const rule of config.rules) {
    const why = mismatch(rule.match, facts);
    if (why !== undefined) {
      trace.push(`rule ${rule.name}: no (${why})`);
      continue;
    }
    const nextServer = rule.nextServer ?? config.nextServer ?? serverAddress;
    const common = {
      rule: rule.name,
      ...(nextServer === undefined ? {} : { nextServer }),
      ...(rule.tftpServerName === undefined ? {} : { tftpServerName: rule.tftpServerName }),
    };
    if (facts.ipxe) {
      const script = rule.ipxeScriptUrl ?? config.ipxeScriptUrl;
      if (script !== undefined) {
        trace.push(`rule ${rule.name}: yes, iPXE gets script ${script}`);
        return { kind: 'ipxe-script', bootFile: script, ...common, trace };
      }
      if (rule.bootFile !== undefined && IPXE_BINARY.test(rule.bootFile)) {
        trace.push(`rule ${rule.name}: skipped, ${rule.bootFile} would make iPXE chain-load itself again`);
        continue;
      }
    }
    if (isHttpClient(facts)) {
      if (rule.httpUrl === undefined) {
        trace.push(`rule ${rule.name}: skipped, no httpUrl for an HTTP-boot client`);
        continue;
      }
      trace.push(`rule ${rule.name}: yes, HTTP boot from ${rule.httpUrl}`);
      return { kind: 'http', bootFile: rule.httpUrl, vendorClass: 'HTTPClient', ...common, trace };
    }
    if (rule.bootFile === undefined) {
      trace.push(`rule ${rule.name}: skipped, no bootFile for a ${who} client`);
      continue;
    }
    trace.push(
      `rule ${rule.name}: yes, TFTP ${rule.bootFile}${nextServer === undefined ? '' : ` from ${nextServer}`}`,
    );
    return {
      kind: 'tftp',
      bootFile: rule.bootFile,
      ...(facts.pxe ? { vendorClass: 'PXEClient' as const } : {}),
      ...common,
      trace,
    };
  }
  trace.push('no rule applies: no boot information');
  return { kind: 'none', trace };
}

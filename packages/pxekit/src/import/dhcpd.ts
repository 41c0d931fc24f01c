/**
 * `pxekit import dhcpd.conf`: the ISC dhcpd subset that classic PXE guides use (subnet, range, option
 * routers / domain-name-servers / subnet-mask / domain-name / others, host, hardware ethernet,
 * fixed-address, next-server, filename, lease times), turned into a pxekit config.
 *
 * Everything outside that subset is listed as a note (and as a comment in the output), never dropped
 * silently. Statements that only made sense for ISC dhcpd (`ddns-update-style`, `log-facility`,
 * `allow booting`) are noted as not needed.
 */
import { stringify } from 'yaml';
import { PxekitError } from '../errors.js';
import { formatIpv4, maskToPrefix, normalizeMac, parseIpv4, prefixMask } from '../net.js';

interface Token {
  readonly text: string;
  readonly quoted: boolean;
  readonly line: number;
  readonly column: number;
}

function tokenize(text: string, file: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
      lineStart = i;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const column = i - lineStart + 1;
    if (c === '{' || c === '}' || c === ';' || c === ',') {
      out.push({ text: c, quoted: false, line, column });
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        if (text[j] === '\n') break;
        s += text[j];
        j++;
      }
      if (text[j] !== '"') {
        throw new PxekitError('PXEKIT_ERR_IMPORT', `${file}:${line}:${column}: unterminated string`);
      }
      out.push({ text: s, quoted: true, line, column });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/[\s{};,"#]/.test(text[j]!)) j++;
    out.push({ text: text.slice(i, j), quoted: false, line, column });
    i = j;
  }
  return out;
}

/** One statement: its words, and a block of statements when it has `{ … }`. */
interface Statement {
  readonly words: readonly Token[];
  readonly block?: readonly Statement[];
}

function parseStatements(tokens: readonly Token[], file: string): Statement[] {
  let pos = 0;
  const parseBlock = (nested: boolean, opener?: Token): Statement[] => {
    const out: Statement[] = [];
    let words: Token[] = [];
    while (pos < tokens.length) {
      const t = tokens[pos++]!;
      if (!t.quoted && t.text === ';') {
        if (words.length > 0) out.push({ words });
        words = [];
      } else if (!t.quoted && t.text === '{') {
        const block = parseBlock(true, t);
        out.push({ words, block });
        words = [];
      } else if (!t.quoted && t.text === '}') {
        if (!nested)
          throw new PxekitError(
            'PXEKIT_ERR_IMPORT',
            `${file}:${t.line}:${t.column}: "}" without a matching "{"`,
          );
        if (words.length > 0) {
          const w = words[0]!;
          throw new PxekitError(
            'PXEKIT_ERR_IMPORT',
            `${file}:${w.line}:${w.column}: statement "${words.map((x) => x.text).join(' ')}" is missing its ";"`,
          );
        }
        return out;
      } else words.push(t);
    }
    if (words.length > 0) {
      const w = words[0]!;
      throw new PxekitError(
        'PXEKIT_ERR_IMPORT',
        `${file}:${w.line}:${w.column}: statement "${words.map((x) => x.text).join(' ')}" is missing its ";"`,
      );
    }
    if (nested)
      throw new PxekitError(
        'PXEKIT_ERR_IMPORT',
        `${file}:${opener?.line}:${opener?.column}: "{" is never closed`,
      );
    return out;
  };
  return parseBlock(false);
}

/** ISC option names → @pxekit/dhcp registry names, for options that go into `options:`. */
const OPTION_NAMES: Record<string, string> = {
  'time-offset': 'timeOffset',
  'ntp-servers': 'ntpServers',
  'netbios-name-servers': 'netbiosNameServers',
  'netbios-node-type': 'netbiosNodeType',
  'netbios-scope': 'netbiosScope',
  'domain-search': 'domainSearch',
  'interface-mtu': 'interfaceMtu',
  'log-servers': 'logServers',
  'time-servers': 'timeServers',
  'tftp-server-name': 'tftpServerName',
  'root-path': 'rootPath',
};

const NOT_NEEDED = new Set([
  'ddns-update-style',
  'ignore',
  'log-facility',
  'allow',
  'deny',
  'authoritative',
  'not',
  'one-lease-per-client',
  'ping-check',
  'ping-timeout',
  'update-static-leases',
  'use-host-decl-names',
]);

export interface ImportNote {
  readonly line: number;
  readonly message: string;
}

export interface ImportResult {
  /** The config as a plain object, in the shape of the YAML file. */
  readonly config: Record<string, unknown>;
  /** The YAML text, with notes as comments at the top. */
  readonly yaml: string;
  readonly notes: readonly ImportNote[];
}

interface Scope {
  routers?: string[];
  dns?: string[];
  domain?: string;
  options: Record<string, unknown>;
  leaseTime?: number;
  maxLeaseTime?: number;
  /** ISC `dynamic-bootp-lease-length`, seconds. */
  bootpLeaseTime?: number;
  nextServer?: string;
  filename?: string;
}

interface HostOut {
  mac?: string;
  name: string;
  address?: string;
  filename?: string;
  nextServer?: string;
  line: number;
}

/** Loader kinds by boot file name; anything else is kept as `{ file: … }`. */
const LOADER_BY_FILE: Record<string, { arch: 'bios' | 'uefiX64'; kind: string }> = {
  'pxelinux.0': { arch: 'bios', kind: 'pxelinux' },
  'lpxelinux.0': { arch: 'bios', kind: 'lpxelinux' },
  'undionly.kpxe': { arch: 'bios', kind: 'undionly' },
  'syslinux.efi': { arch: 'uefiX64', kind: 'syslinux-efi' },
  'ipxe.efi': { arch: 'uefiX64', kind: 'ipxe-efi' },
  'grubx64.efi': { arch: 'uefiX64', kind: 'grub' },
  'shimx64.efi': { arch: 'uefiX64', kind: 'shim' },
};

/**
 * Converts dhcpd.conf text. Throws PXEKIT_ERR_IMPORT on syntax errors (with line and column); anything
 * it understands but cannot carry over becomes a note.
 *
 * @example
 * const { yaml, notes } = importDhcpdConf(readFileSync('/etc/dhcp/dhcpd.conf', 'utf8'), 'dhcpd.conf');
 */
export function importDhcpdConf(text: string, file = 'dhcpd.conf'): ImportResult {
  const statements = parseStatements(tokenize(text, file), file);
  const notes: ImportNote[] = [];
  const note = (t: Token | undefined, message: string): void => {
    notes.push({ line: t?.line ?? 0, message });
  };
  const global: Scope = { options: {} };
  const subnets: Record<string, unknown>[] = [];
  const hosts: HostOut[] = [];
  const nextServers = new Set<string>();
  const filenames = new Set<string>();

  const ip = (t: Token | undefined, what: string): string | undefined => {
    if (t === undefined || parseIpv4(t.text) === undefined) {
      note(
        t,
        `${what}: ${t === undefined ? 'missing' : JSON.stringify(t.text)} is not an IPv4 address (host names are not resolved); left out`,
      );
      return undefined;
    }
    return t.text;
  };

  const ipList = (words: readonly Token[], what: string): string[] => {
    const out: string[] = [];
    for (const w of words) {
      if (w.text === ',') continue;
      const a = ip(w, what);
      if (a !== undefined) out.push(a);
    }
    return out;
  };

  /** Handles a statement that may appear at any level; returns false when it is not one of those. */
  const common = (s: Statement, scope: Scope, where: string): boolean => {
    const [kw, ...rest] = s.words;
    const k = kw?.text.toLowerCase();
    if (k === 'option') {
      const name = rest[0]?.text.toLowerCase() ?? '';
      const args = rest.slice(1);
      if (name === 'routers') scope.routers = ipList(args, 'option routers');
      else if (name === 'domain-name-servers') scope.dns = ipList(args, 'option domain-name-servers');
      else if (name === 'domain-name') scope.domain = args[0]?.text ?? '';
      else if (name === 'subnet-mask' || name === 'broadcast-address') {
        note(
          kw,
          `option ${name} ${args.map((a) => a.text).join(' ')} in ${where}: derived from the subnet in pxekit; left out`,
        );
      } else if (OPTION_NAMES[name] !== undefined) {
        const values = args
          .filter((a) => a.text !== ',')
          .map((a) => (/^-?[0-9]+$/.test(a.text) ? Number(a.text) : a.text));
        scope.options[OPTION_NAMES[name]] = values.length === 1 ? values[0] : values;
      } else {
        note(kw, `option ${name} in ${where}: not imported; add it under options: by its @pxekit/dhcp name`);
      }
      return true;
    }
    if (k === 'default-lease-time' || k === 'max-lease-time' || k === 'dynamic-bootp-lease-length') {
      const n = Number(rest[0]?.text);
      if (!Number.isInteger(n) || n < (k === 'dynamic-bootp-lease-length' ? 1 : 0))
        note(kw, `${k}: ${rest[0]?.text} is not a number of seconds; left out`);
      else if (k === 'default-lease-time') scope.leaseTime = n;
      else if (k === 'max-lease-time') scope.maxLeaseTime = n;
      else scope.bootpLeaseTime = n;
      return true;
    }
    if (k === 'next-server') {
      const a = ip(rest[0], 'next-server');
      if (a !== undefined) {
        scope.nextServer = a;
        nextServers.add(a);
      }
      return true;
    }
    if (k === 'filename') {
      scope.filename = rest[0]?.text ?? '';
      filenames.add(scope.filename);
      return true;
    }
    if (k !== undefined && NOT_NEEDED.has(k)) {
      note(kw, `${s.words.map((w) => w.text).join(' ')}: not needed with pxekit; left out`);
      return true;
    }
    return false;
  };

  const host = (s: Statement, inherited: Scope): void => {
    const name = s.words[1]?.text ?? 'host';
    const h: HostOut = { name, line: s.words[0]!.line };
    const scope: Scope = { options: {} };
    for (const st of s.block ?? []) {
      const [kw, ...rest] = st.words;
      const k = kw?.text.toLowerCase();
      if (k === 'hardware') {
        if (rest[0]?.text.toLowerCase() !== 'ethernet')
          note(kw, `host ${name}: hardware ${rest[0]?.text} is not Ethernet; left out`);
        else {
          const mac = normalizeMac(rest[1]?.text ?? '');
          if (mac === undefined) note(kw, `host ${name}: ${rest[1]?.text} is not a MAC address`);
          else h.mac = mac;
        }
      } else if (k === 'fixed-address') {
        const a = ip(rest[0], `host ${name} fixed-address`);
        if (a !== undefined) h.address = a;
        if (rest.some((r) => r.text === ','))
          note(kw, `host ${name}: several fixed addresses; only the first is kept`);
      } else if (k === 'option' && rest[0]?.text.toLowerCase() === 'host-name') {
        h.name = rest[1]?.text ?? name;
      } else if (k === 'server-name') {
        note(kw, `host ${name}: server-name is not needed with pxekit; left out`);
      } else if (!common(st, scope, `host ${name}`)) {
        note(kw, `host ${name}: "${st.words.map((w) => w.text).join(' ')}" is not imported`);
      }
    }
    const filename = scope.filename ?? inherited.filename;
    if (filename !== undefined) h.filename = filename;
    if (scope.nextServer !== undefined) h.nextServer = scope.nextServer;
    if (Object.keys(scope.options).length > 0 || scope.routers !== undefined || scope.dns !== undefined) {
      note(s.words[0], `host ${name}: per-host DHCP options are not supported by pxekit yet; left out`);
    }
    if (h.mac === undefined) note(s.words[0], `host ${name} has no hardware ethernet; left out`);
    else hosts.push(h);
  };

  const subnet = (s: Statement): void => {
    const [, netTok, nmKw, maskTok] = s.words;
    const net = parseIpv4(netTok?.text ?? '');
    const prefix = nmKw?.text.toLowerCase() === 'netmask' ? maskToPrefix(maskTok?.text ?? '') : undefined;
    if (net === undefined || prefix === undefined) {
      throw new PxekitError(
        'PXEKIT_ERR_IMPORT',
        `${file}:${s.words[0]!.line}:${s.words[0]!.column}: expected "subnet <address> netmask <mask> { … }"`,
      );
    }
    const network = formatIpv4((net & prefixMask(prefix)) >>> 0);
    const scope: Scope = { options: {} };
    const ranges: string[] = [];
    // ISC's per-range dynamic-bootp flag; pxekit's `bootp` setting is per subnet.
    const bootpRanges: Token[] = [];
    const visit = (block: readonly Statement[]): void => {
      for (const st of block) {
        const k = st.words[0]?.text.toLowerCase();
        if (k === 'range') {
          const flag = st.words.find((w) => w.text.toLowerCase() === 'dynamic-bootp');
          if (flag !== undefined) bootpRanges.push(flag);
          const words = st.words.slice(1).filter((w) => w !== flag);
          const a = ip(words[0], 'range');
          const b = words[1] === undefined ? a : ip(words[1], 'range');
          if (a !== undefined && b !== undefined) ranges.push(`${a}-${b}`);
        } else if (k === 'host') host(st, { ...global, ...definedOf(scope) });
        else if (k === 'pool' && st.block !== undefined) {
          note(st.words[0], `pool in subnet ${network}: its ranges are imported, its permit lists are not`);
          visit(st.block);
        } else if (!common(st, scope, `subnet ${network}`)) {
          note(st.words[0], `subnet ${network}: "${st.words.map((w) => w.text).join(' ')}" is not imported`);
        }
      }
    };
    visit(s.block ?? []);
    const merged = { ...global, ...definedOf(scope), options: { ...global.options, ...scope.options } };
    const out: Record<string, unknown> = { subnet: `${network}/${prefix}` };
    if (ranges.length > 0) out.ranges = ranges;
    if (merged.routers !== undefined) out.routers = merged.routers;
    if (merged.dns !== undefined && merged.dns.length > 0) out.dns = merged.dns;
    if (merged.domain !== undefined) out.domain = merged.domain;
    if (merged.leaseTime !== undefined) out.leaseTime = merged.leaseTime;
    if (merged.maxLeaseTime !== undefined)
      out.maxLeaseTime = Math.max(merged.maxLeaseTime, merged.leaseTime ?? 0);
    if (scope.nextServer !== undefined) out.nextServer = scope.nextServer;
    if (merged.bootpLeaseTime !== undefined) out.bootpLeaseTime = merged.bootpLeaseTime;
    if (bootpRanges.length > 0) {
      out.bootp = 'dynamic';
      if (bootpRanges.length < ranges.length)
        note(
          bootpRanges[0]!,
          `subnet ${network}: dynamic-bootp now applies to all its ranges (bootp: dynamic)`,
        );
    }
    if (Object.keys(merged.options).length > 0) out.options = merged.options;
    subnets.push(out);
  };

  const visitTop = (block: readonly Statement[]): void => {
    for (const s of block) {
      const k = s.words[0]?.text.toLowerCase();
      if (k === 'subnet') subnet(s);
      else if (k === 'host') host(s, global);
      else if ((k === 'group' || k === 'shared-network') && s.block !== undefined) {
        note(s.words[0], `${k}: flattened; its own settings apply only where the importer could carry them`);
        visitTop(s.block);
      } else if (!common(s, global, 'the global scope')) {
        note(
          s.words[0],
          `"${s.words.map((w) => w.text).join(' ')}${s.block === undefined ? '' : ' { … }'}" is not imported`,
        );
      }
    }
  };
  visitTop(statements);

  // Boot profiles: the global/subnet filename becomes the default profile, per-host filenames their own.
  const profiles: Record<string, Record<string, unknown>> = {};
  const profileFor = (filename: string): string => {
    const base = filename.slice(filename.lastIndexOf('/') + 1);
    const known = LOADER_BY_FILE[base];
    const key = known === undefined ? base.replace(/[^A-Za-z0-9_.-]/g, '_') : known.kind;
    if (profiles[key] === undefined) {
      profiles[key] =
        known === undefined
          ? { bios: { file: filename } }
          : known.arch === 'bios'
            ? { bios: filename.includes('/') ? { file: filename } : known.kind }
            : { uefiX64: filename.includes('/') ? { file: filename } : known.kind };
      if (known === undefined)
        notes.push({
          line: 0,
          message: `boot file ${filename}: not a loader pxekit knows; served as a plain file for BIOS clients`,
        });
    }
    return key;
  };
  const defaultFile = global.filename ?? [...filenames][0];
  const defaultProfile = defaultFile === undefined ? undefined : profileFor(defaultFile);
  if (filenames.size > 1)
    notes.push({
      line: 0,
      message: `several boot files (${[...filenames].join(', ')}): hosts got their own profiles; check defaults.profile`,
    });

  const serverAddress = [...nextServers][0];
  if (nextServers.size > 1)
    notes.push({
      line: 0,
      message: `several next-server addresses (${[...nextServers].join(', ')}): server.address is ${serverAddress}; subnets keep their own as nextServer`,
    });

  const config: Record<string, unknown> = {};
  if (serverAddress !== undefined) config.server = { address: serverAddress };
  config.dhcp = subnets.length > 0 ? { mode: 'authoritative', subnets } : { mode: 'off' };
  config.tftp = { root: '/var/lib/tftpboot' };
  if (Object.keys(profiles).length > 0 || defaultProfile !== undefined) {
    config.profiles = profiles;
    if (defaultProfile !== undefined) config.defaults = { profile: defaultProfile };
  }
  if (hosts.length > 0) {
    config.hosts = hosts.map((h) => {
      const out: Record<string, unknown> = { mac: h.mac, name: h.name };
      if (h.address !== undefined) out.address = h.address;
      if (h.filename !== undefined && h.filename !== defaultFile) out.profile = profileFor(h.filename);
      if (h.nextServer !== undefined && h.nextServer !== serverAddress) {
        notes.push({
          line: h.line,
          message: `host ${h.name}: next-server ${h.nextServer} differs from server.address; per-host next-server is not supported`,
        });
      }
      return out;
    });
  }
  notes.sort((a, b) => a.line - b.line);
  const header = [
    `# Imported from ${file} by pxekit import dhcpd.conf.`,
    '# The TFTP root is the CentOS default; point it at your boot files. Reference: docs/config.md.',
    ...notes.map((n) => `# note${n.line > 0 ? ` (line ${n.line})` : ''}: ${n.message}`),
  ].join('\n');
  return { config, yaml: `${header}\n${stringify(config, { lineWidth: 0 })}`, notes };
}

function definedOf(scope: Scope): Partial<Scope> {
  const out: Partial<Scope> = {};
  for (const [k, v] of Object.entries(scope))
    if (v !== undefined && k !== 'options') (out as Record<string, unknown>)[k] = v;
  return out;
}

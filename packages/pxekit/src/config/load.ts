import {
  DHCP_OPTIONS,
  DhcpConfigError,
  type DhcpOptionName,
  type OptionDef,
  optionByCode,
  optionByName,
  ProxyDhcpEngine,
} from '@pxekit/dhcp';
import { isAbsolute, resolve } from 'node:path';
import { LineCounter, type Node, parseDocument } from 'yaml';
import { compilePxeMenu, PXE_MENU_ARCHES, profileItemFiles } from '../boot/pxe-menu.js';
import { LOADERS_FOR_ARCH } from '../loaders/discover.js';
import { inNetwork, normalizeMac, parseCidr, parseDuration, parseIpv4 } from '../net.js';
import type {
  AddressRange,
  BootProfile,
  DhcpConfig,
  DhcpOptionSetting,
  HostConfig,
  IpxeChoice,
  KickstartConfig,
  LoaderChoice,
  Menu,
  MenuEntry,
  PxeMenuConfig,
  PxeMenuItemConfig,
  PxekitConfig,
  SubnetConfig,
} from './model.js';
import {
  bool,
  type ConfigIssue,
  custom,
  DecodeContext,
  type Decoder,
  field,
  INVALID,
  int,
  list,
  nodeAt,
  obj,
  oneOf,
  record,
  scalarOrMap,
  str,
  suggest,
} from './schema.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const ipv4: Decoder<string> = custom('an IPv4 address like 10.0.0.1', (raw) =>
  typeof raw === 'string' && parseIpv4(raw) !== undefined
    ? raw
    : { error: `${JSON.stringify(raw)} is not an IPv4 address` },
);

const mac: Decoder<string> = custom('a MAC address like 52:54:00:12:34:56', (raw) => {
  const m = typeof raw === 'string' ? normalizeMac(raw) : undefined;
  return m ?? { error: `${JSON.stringify(raw)} is not a MAC address` };
});

const duration: Decoder<number> = custom('a duration: seconds, or like 90s, 10m, 12h, 7d', (raw) =>
  parseDuration(raw),
);

/** BOOTP binding length: `infinite` or a duration of 1 s to 4294967294 s (RFC 2132 §9.2 without 0xffffffff). */
const bootpLease: Decoder<number | 'infinite'> = custom(
  'infinite, or a duration from 1s to 4294967294s',
  (raw) => {
    if (raw === 'infinite') return 'infinite';
    const d = parseDuration(raw);
    if (typeof d !== 'number') return d;
    return d >= 1 && d <= 0xfffffffe ? d : { error: `${d}s is out of range` };
  },
);

/** Latin-1 text of 1 to `max` characters (PXE option 43 carries single bytes). */
const latin1 = (max: number, what: string): Decoder<string> =>
  str({
    pattern: new RegExp(`^[\\u0001-\\u00ff]{1,${max}}$`),
    patternName: `${what}: 1 to ${max} Latin-1 characters`,
  });

/** PXE menu timeout (43.10): 0–254 seconds, or `wait` (255: until a key is pressed). */
const pxeTimeout: Decoder<number> = custom('a duration of 0s to 254s, or wait', (raw) => {
  if (raw === 'wait') return 255;
  const d = parseDuration(raw);
  if (typeof d !== 'number') return d;
  return d <= 254 ? d : { error: `${d}s is longer than the 254 s a PXE ROM can count (use wait)` };
});

const cidr = custom('a network in CIDR form like 10.0.0.0/24', (raw) =>
  typeof raw === 'string' ? parseCidr(raw) : { error: `${raw} is not in CIDR form` },
);

const range: Decoder<AddressRange> = (node, ctx, path) => {
  const parse = (start: string, end: string): AddressRange | { error: string } => {
    const a = parseIpv4(start);
    const b = parseIpv4(end);
    if (a === undefined) return { error: `${JSON.stringify(start)} is not an IPv4 address` };
    if (b === undefined) return { error: `${JSON.stringify(end)} is not an IPv4 address` };
    if (a > b) return { error: `range starts at ${start}, after its end ${end}` };
    return { start, end };
  };
  const asMap = obj({ start: field(ipv4, true), end: field(ipv4, true) });
  const asText = custom('a range like 10.0.0.100-10.0.0.200', (raw) => {
    const m = typeof raw === 'string' ? /^\s*([0-9.]+)\s*-\s*([0-9.]+)\s*$/.exec(raw) : null;
    return m === null ? { error: `${JSON.stringify(raw)} is not a range` } : parse(m[1]!, m[2]!);
  });
  return scalarOrMap<AddressRange>(asText, (n, c, p) => {
    const v = asMap(n, c, p);
    if (v === INVALID) return INVALID;
    const r = parse(v.start, v.end);
    return 'error' in r ? c.report(n, p, 'PXEKIT_CONFIG_VALUE', r.error) : r;
  })(node, ctx, path);
};

const optionValue: Decoder<DhcpOptionSetting['value']> = (node, ctx, path) => {
  const scalar = (n: Node | null | undefined, p: string): string | number | boolean | typeof INVALID => {
    const v = n !== null && n !== undefined && 'value' in n ? (n as { value: unknown }).value : undefined;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    return ctx.report(
      n,
      p,
      'PXEKIT_CONFIG_TYPE',
      'an option value must be a string, number, boolean or list',
      'a value',
    );
  };
  if (node !== null && node !== undefined && 'items' in node) {
    return list<string | number>((n, _c, p) => {
      const v = scalar(n, p);
      if (typeof v === 'boolean')
        return ctx.report(n, p, 'PXEKIT_CONFIG_TYPE', 'lists hold strings or numbers', 'a string or number');
      return v;
    })(node, ctx, path);
  }
  return scalar(node, path);
};

const LOADER_KINDS = [
  'pxelinux',
  'lpxelinux',
  'undionly',
  'syslinux-efi',
  'ipxe-efi',
  'grub',
  'shim',
] as const;

const loader: Decoder<LoaderChoice> = scalarOrMap<LoaderChoice>(
  (n, c, p) => {
    const k = oneOf(LOADER_KINDS)(n, c, p);
    return k === INVALID ? INVALID : { kind: k };
  },
  (n, c, p) => {
    const v = obj({ file: field(str({ nonEmpty: true }), true) }, 'a loader name or { file: path }')(n, c, p);
    return v === INVALID ? INVALID : { kind: 'file', file: v.file };
  },
);

const ipxeChoice: Decoder<IpxeChoice> = scalarOrMap<IpxeChoice>(
  (n, c, p) => (oneOf(['menu'])(n, c, p) === INVALID ? INVALID : { kind: 'menu' }),
  (n, c, p) => {
    const v = obj({ url: field(str({ nonEmpty: true }), true) }, '"menu" or { url: … }')(n, c, p);
    return v === INVALID ? INVALID : { kind: 'url', url: v.url };
  },
);

const stringVars = record(
  custom('a string or number', (raw) => String(raw)),
  { keyPattern: /^[A-Za-z_][A-Za-z0-9_]*$/, keyName: 'a variable name (letters, digits, _)' },
);

const schema = obj(
  {
    server: field(
      obj({
        interfaces: field(list(str({ nonEmpty: true }), { single: true })),
        address: field(ipv4),
        user: field(str({ nonEmpty: true })),
        group: field(str({ nonEmpty: true })),
        stateDir: field(str({ nonEmpty: true })),
        eventLog: field(str({ nonEmpty: true })),
      }),
    ),
    dhcp: field(
      obj({
        mode: field(oneOf(['off', 'authoritative', 'proxy']), true),
        port: field(int({ min: 1, max: 65535 })),
        proxyPort: field(int({ min: 1, max: 65535 })),
        pxeMenu: field(
          obj({
            prompt: field(latin1(250, 'a prompt')),
            timeout: field(pxeTimeout),
            items: field(
              list(
                obj({
                  label: field(latin1(255, 'a label'), true),
                  profile: field(str({ pattern: NAME, patternName: 'a profile name' })),
                  localBoot: field(bool()),
                  file: field(latin1(120, 'a boot file path')),
                  server: field(ipv4),
                  arch: field(list(oneOf(PXE_MENU_ARCHES), { single: true, nonEmpty: true })),
                }),
                { nonEmpty: true },
              ),
              true,
            ),
          }),
        ),
        leaseFile: field(str({ nonEmpty: true })),
        subnets: field(
          list(
            obj({
              subnet: field(cidr, true),
              ranges: field(list(range, { single: true })),
              routers: field(list(ipv4, { single: true })),
              dns: field(list(ipv4, { single: true })),
              domain: field(str({ nonEmpty: true })),
              leaseTime: field(duration),
              maxLeaseTime: field(duration),
              nextServer: field(ipv4),
              bootp: field(oneOf(['reserved', 'dynamic', 'off'])),
              bootpLeaseTime: field(bootpLease),
              rapidCommit: field(bool()),
              options: field(
                record(optionValue, {
                  keyPattern: /^([a-z][A-Za-z0-9]*|[0-9]{1,3})$/,
                  keyName: 'an option name or code',
                }),
              ),
            }),
          ),
        ),
      }),
    ),
    tftp: field(
      obj({
        enabled: field(bool()),
        root: field(str({ nonEmpty: true })),
        port: field(int({ min: 1, max: 65535 })),
        maxBlockSize: field(int({ min: 512, max: 65464 })),
      }),
    ),
    http: field(
      obj({
        enabled: field(bool()),
        port: field(int({ min: 1, max: 65535 })),
        bind: field(ipv4),
        roots: field(
          record(str({ nonEmpty: true }), {
            keyPattern: /^\/[^\s]*$/,
            keyName: 'a URL prefix starting with /',
          }),
        ),
      }),
    ),
    bootLoaders: field(
      obj({
        search: field(list(str({ nonEmpty: true }), { single: true })),
        files: field(record(str({ nonEmpty: true }))),
      }),
    ),
    profiles: field(
      record(
        obj({
          menu: field(str({ pattern: NAME, patternName: 'a menu name' })),
          bios: field(loader),
          uefiX64: field(loader),
          arm64: field(loader),
          httpBoot: field(
            str({
              pattern: /^(https?:\/\/|(?=\{\{))[^\s{]*(\{\{[^}]*\}\}[^\s{]*)*$/,
              patternName: 'an http:// or https:// URL (template variables allowed)',
            }),
          ),
          ipxe: field(ipxeChoice),
        }),
        { keyPattern: NAME, keyName: 'a profile name' },
      ),
    ),
    menus: field(
      record(
        obj({
          title: field(str()),
          timeout: field(duration),
          default: field(str({ nonEmpty: true })),
          entries: field(
            list(
              obj({
                id: field(str({ pattern: NAME, patternName: 'an entry id (letters, digits, _ . -)' })),
                label: field(str()),
                kernel: field(str({ nonEmpty: true })),
                initrd: field(list(str({ nonEmpty: true }), { single: true })),
                append: field(str()),
                kickstart: field(str({ pattern: NAME, patternName: 'a kickstart name' })),
                localBoot: field(bool()),
                separator: field(bool()),
              }),
            ),
            true,
          ),
        }),
        { keyPattern: NAME, keyName: 'a menu name' },
      ),
    ),
    kickstarts: field(
      record(
        obj({
          template: field(str({ nonEmpty: true }), true),
          release: field(str({ nonEmpty: true })),
          vars: field(stringVars),
        }),
        { keyPattern: NAME, keyName: 'a kickstart name' },
      ),
    ),
    hosts: field(
      list(
        obj({
          mac: field(mac, true),
          name: field(str({ pattern: /^[A-Za-z0-9][A-Za-z0-9.-]*$/, patternName: 'a host name' })),
          address: field(ipv4),
          profile: field(str({ pattern: NAME, patternName: 'a profile name' })),
          menuDefault: field(str({ nonEmpty: true })),
          vars: field(stringVars),
        }),
      ),
    ),
    defaults: field(
      obj({
        profile: field(str({ pattern: NAME, patternName: 'a profile name' })),
        unknownHosts: field(oneOf(['boot', 'ignore'])),
      }),
    ),
  },
  'a pxekit config mapping',
);

/** Result of loading a config: the model and any warnings, or every issue found. */
export type LoadResult =
  | { readonly ok: true; readonly config: PxekitConfig; readonly warnings: readonly ConfigIssue[] }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

export interface LoadOptions {
  /** Shown in messages and used to resolve relative paths; default `pxekit.yaml` in the working dir. */
  readonly file?: string;
}

/**
 * Parses and checks a config file's text. Never throws on bad input: every problem is an issue with
 * file, line, column and path.
 *
 * @example
 * const r = loadConfig(text, { file: '/etc/pxekit.yaml' });
 * if (!r.ok) for (const i of r.issues) console.error(formatIssue(i));
 */
export function loadConfig(text: string, opts: LoadOptions = {}): LoadResult {
  const file = resolve(opts.file ?? 'pxekit.yaml');
  const baseDir = resolve(file, '..');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const ctx = new DecodeContext(file, lines);
  for (const e of doc.errors) {
    const pos = ctx.positionOfOffset(e.pos[0]);
    ctx.issues.push({
      severity: 'error',
      code: 'PXEKIT_CONFIG_YAML',
      file,
      line: pos.line,
      column: pos.column,
      path: '',
      message: e.message.split('\n')[0] ?? e.message,
    });
  }
  if (ctx.issues.length > 0) return { ok: false, issues: ctx.issues };

  const root = doc.contents as Node | null;
  const raw = schema(root, ctx, '');
  if (raw === INVALID) return { ok: false, issues: ctx.issues };

  const at = (...keys: (string | number)[]): Node | undefined => nodeAt(root, keys);
  const path = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));

  const stateDir = path(raw.server?.stateDir ?? '/var/lib/pxekit');

  let dhcp: DhcpConfig;
  const d = raw.dhcp;
  if (d === undefined || d.mode === 'off') {
    dhcp = { mode: 'off' };
  } else if (d.mode === 'proxy') {
    if (d.subnets !== undefined) {
      ctx.report(
        at('dhcp', 'subnets'),
        'dhcp.subnets',
        'PXEKIT_CONFIG_CONFLICT',
        'proxy mode hands out no addresses, so it takes no subnets',
      );
    }
    const pxeMenu = d.pxeMenu === undefined ? undefined : pxeMenuOf(d.pxeMenu, ctx, at);
    dhcp = {
      mode: 'proxy',
      port: d.port ?? 67,
      proxyPort: d.proxyPort ?? 4011,
      ...(pxeMenu === undefined ? {} : { pxeMenu }),
    };
  } else {
    const subnets: SubnetConfig[] = (d.subnets ?? []).map((s, i) => ({
      network: s.subnet.network,
      prefix: s.subnet.prefix,
      ranges: s.ranges ?? [],
      routers: s.routers ?? [],
      dns: s.dns ?? [],
      ...(s.domain === undefined ? {} : { domain: s.domain }),
      leaseTime: s.leaseTime ?? 43200,
      maxLeaseTime: s.maxLeaseTime ?? Math.max(86400, s.leaseTime ?? 0),
      ...(s.nextServer === undefined ? {} : { nextServer: s.nextServer }),
      ...(s.bootp === undefined ? {} : { bootp: s.bootp }),
      ...(s.bootpLeaseTime === undefined ? {} : { bootpLeaseTime: s.bootpLeaseTime }),
      ...(s.rapidCommit === undefined ? {} : { rapidCommit: s.rapidCommit }),
      options: each(s.options).flatMap(([key, value]) => {
        const o = checkOption(
          key,
          value,
          ctx,
          at('dhcp', 'subnets', i, 'options', key),
          `dhcp.subnets[${i}].options.${key}`,
        );
        return o === undefined ? [] : [o];
      }),
    }));
    if (subnets.length === 0) {
      ctx.report(
        at('dhcp'),
        'dhcp.subnets',
        'PXEKIT_CONFIG_REQUIRED',
        'authoritative mode needs at least one subnet',
      );
    }
    for (const key of ['proxyPort', 'pxeMenu'] as const) {
      if (d[key] !== undefined) {
        ctx.report(
          at('dhcp', key),
          `dhcp.${key}`,
          'PXEKIT_CONFIG_CONFLICT',
          `${key} applies to proxy mode only`,
        );
      }
    }
    dhcp = {
      mode: 'authoritative',
      port: d.port ?? 67,
      subnets,
      leaseFile: path(d.leaseFile ?? `${stateDir}/leases.journal`),
    };
    checkSubnets(subnets, ctx, at);
  }

  const profiles = new Map<string, BootProfile>();
  for (const [name, p] of each(raw.profiles)) {
    const profile: BootProfile = { name, ...p };
    if (
      p.bios === undefined &&
      p.uefiX64 === undefined &&
      p.arm64 === undefined &&
      p.httpBoot === undefined &&
      p.ipxe === undefined
    ) {
      ctx.report(
        at('profiles', name),
        `profiles.${name}`,
        'PXEKIT_CONFIG_REQUIRED',
        'a profile needs at least one of bios, uefiX64, arm64, httpBoot, ipxe',
      );
    }
    for (const arch of ['bios', 'uefiX64', 'arm64'] as const) {
      const choice = p[arch];
      if (choice !== undefined && !LOADERS_FOR_ARCH[arch].includes(choice.kind)) {
        ctx.report(
          at('profiles', name, arch),
          `profiles.${name}.${arch}`,
          'PXEKIT_CONFIG_VALUE',
          `${choice.kind} cannot boot ${arch} clients`,
          `one of ${LOADERS_FOR_ARCH[arch].filter((k) => k !== 'file').join(', ')} or { file: path }`,
        );
      }
    }
    profiles.set(name, profile);
  }

  const menus = new Map<string, Menu>();
  for (const [name, m] of each(raw.menus)) {
    const entries: MenuEntry[] = [];
    m.entries.forEach((e, i) => {
      const p = `menus.${name}.entries[${i}]`;
      const node = at('menus', name, 'entries', i);
      const kinds = [e.kernel !== undefined, e.localBoot === true, e.separator === true].filter(
        Boolean,
      ).length;
      if (kinds !== 1) {
        ctx.report(
          node,
          p,
          'PXEKIT_CONFIG_VALUE',
          'an entry has exactly one of kernel, localBoot: true, separator: true',
        );
        return;
      }
      if (e.separator === true) {
        entries.push({ kind: 'separator', ...(e.label === undefined ? {} : { label: e.label }) });
        return;
      }
      if (e.id === undefined) {
        ctx.report(node, `${p}.id`, 'PXEKIT_CONFIG_REQUIRED', 'missing required key "id"');
        return;
      }
      const label = e.label ?? e.id;
      if (e.localBoot === true) {
        for (const k of ['initrd', 'append', 'kickstart'] as const) {
          if (e[k] !== undefined)
            ctx.report(
              at('menus', name, 'entries', i, k),
              `${p}.${k}`,
              'PXEKIT_CONFIG_CONFLICT',
              `a localBoot entry takes no ${k}`,
            );
        }
        entries.push({ kind: 'local', id: e.id, label });
        return;
      }
      entries.push({
        kind: 'boot',
        id: e.id,
        label,
        kernel: e.kernel!,
        initrd: e.initrd ?? [],
        append: e.append ?? '',
        ...(e.kickstart === undefined ? {} : { kickstart: e.kickstart }),
      });
    });
    const ids = new Set<string>();
    entries.forEach((e, i) => {
      if (e.kind === 'separator') return;
      if (ids.has(e.id))
        ctx.report(
          at('menus', name, 'entries', i, 'id'),
          `menus.${name}.entries[${i}].id`,
          'PXEKIT_CONFIG_CONFLICT',
          `entry id ${JSON.stringify(e.id)} is used twice in this menu`,
        );
      ids.add(e.id);
    });
    if (m.default !== undefined && !ids.has(m.default)) {
      ctx.report(
        at('menus', name, 'default'),
        `menus.${name}.default`,
        'PXEKIT_CONFIG_REFERENCE',
        `no entry with id ${JSON.stringify(m.default)} in this menu`,
        `one of ${[...ids].join(', ')}`,
      );
    }
    if (!entries.some((e) => e.kind !== 'separator')) {
      ctx.report(
        at('menus', name, 'entries'),
        `menus.${name}.entries`,
        'PXEKIT_CONFIG_VALUE',
        'a menu needs at least one bootable or local entry',
      );
    }
    menus.set(name, {
      name,
      title: m.title ?? name,
      timeout: m.timeout ?? 0,
      ...(m.default === undefined ? {} : { default: m.default }),
      entries,
    });
  }

  const kickstarts = new Map<string, KickstartConfig>();
  for (const [name, k] of each(raw.kickstarts)) {
    kickstarts.set(name, {
      name,
      template: path(k.template),
      ...(k.release === undefined ? {} : { release: k.release }),
      vars: k.vars ?? new Map(),
    });
  }

  // References between sections.
  for (const [name, p] of profiles) {
    if (p.menu !== undefined && !menus.has(p.menu)) {
      ctx.report(
        at('profiles', name, 'menu'),
        `profiles.${name}.menu`,
        'PXEKIT_CONFIG_REFERENCE',
        `no menu named ${JSON.stringify(p.menu)}`,
        listOf(menus),
      );
    }
  }
  for (const [name, m] of menus) {
    m.entries.forEach((e, i) => {
      if (e.kind === 'boot' && e.kickstart !== undefined && !kickstarts.has(e.kickstart)) {
        ctx.report(
          at('menus', name, 'entries', i, 'kickstart'),
          `menus.${name}.entries[${i}].kickstart`,
          'PXEKIT_CONFIG_REFERENCE',
          `no kickstart named ${JSON.stringify(e.kickstart)}`,
          listOf(kickstarts),
        );
      }
    });
  }

  if (dhcp.mode === 'proxy' && dhcp.pxeMenu !== undefined)
    checkPxeMenu(dhcp.pxeMenu, profiles, raw.defaults?.unknownHosts ?? 'boot', ctx, at);

  const defaultsProfile = raw.defaults?.profile ?? (profiles.has('default') ? 'default' : undefined);
  if (raw.defaults?.profile !== undefined && !profiles.has(raw.defaults.profile)) {
    ctx.report(
      at('defaults', 'profile'),
      'defaults.profile',
      'PXEKIT_CONFIG_REFERENCE',
      `no profile named ${JSON.stringify(raw.defaults.profile)}`,
      listOf(profiles),
    );
  }

  const hosts: HostConfig[] = (raw.hosts ?? []).map((h) => ({
    mac: h.mac,
    ...(h.name === undefined ? {} : { name: h.name }),
    ...(h.address === undefined ? {} : { address: h.address }),
    ...(h.profile === undefined ? {} : { profile: h.profile }),
    ...(h.menuDefault === undefined ? {} : { menuDefault: h.menuDefault }),
    vars: h.vars ?? new Map(),
  }));
  checkHosts(hosts, dhcp, profiles, menus, defaultsProfile, ctx, at);

  const tftpRoot = raw.tftp?.root;
  const http = raw.http;
  const roots = each(http?.roots).map(([prefix, dir]) => ({
    prefix: prefix.endsWith('/') ? prefix : `${prefix}/`,
    dir: path(dir),
  }));

  if (ctx.issues.some((i) => i.severity === 'error')) return { ok: false, issues: ctx.issues };

  const config: PxekitConfig = {
    source: file,
    server: {
      interfaces: raw.server?.interfaces ?? [],
      ...(raw.server?.address === undefined ? {} : { address: raw.server.address }),
      ...(raw.server?.user === undefined ? {} : { user: raw.server.user }),
      ...(raw.server?.group === undefined ? {} : { group: raw.server.group }),
      stateDir,
      ...(raw.server?.eventLog === undefined
        ? {}
        : { eventLog: raw.server.eventLog === '-' ? '-' : path(raw.server.eventLog) }),
    },
    dhcp,
    tftp: {
      enabled: raw.tftp?.enabled ?? raw.tftp !== undefined,
      ...(tftpRoot === undefined ? {} : { root: path(tftpRoot) }),
      port: raw.tftp?.port ?? 69,
      maxBlockSize: raw.tftp?.maxBlockSize ?? 1468,
    },
    http: {
      enabled: http?.enabled ?? http !== undefined,
      port: http?.port ?? 8080,
      ...(http?.bind === undefined ? {} : { bind: http.bind }),
      roots,
    },
    bootLoaders: {
      search: (raw.bootLoaders?.search ?? []).map(path),
      files: new Map(each(raw.bootLoaders?.files).map(([k, v]) => [k, path(v)])),
    },
    profiles,
    menus,
    kickstarts,
    hosts,
    defaults: {
      ...(defaultsProfile === undefined ? {} : { profile: defaultsProfile }),
      unknownHosts: raw.defaults?.unknownHosts ?? 'boot',
    },
  };
  return { ok: true, config, warnings: ctx.issues };
}

/** Options pxekit fills in itself, and the config key that sets each instead. */
const OWN_OPTIONS: ReadonlyMap<number, string> = new Map([
  [1, 'the subnet prefix'],
  [3, 'routers'],
  [6, 'dns'],
  [15, 'domain'],
  [51, 'leaseTime'],
  [53, 'the DHCP engine'],
  [54, 'the DHCP engine'],
  [58, 'leaseTime'],
  [59, 'leaseTime'],
  [43, 'the boot decision'],
  [60, 'the boot decision'],
  [66, 'the boot decision'],
  [67, 'the boot decision'],
]);

function checkOption(
  key: string,
  value: DhcpOptionSetting['value'],
  ctx: DecodeContext,
  node: Node | undefined,
  path: string,
): DhcpOptionSetting | undefined {
  let def: OptionDef | undefined;
  let code: number;
  if (/^[0-9]+$/.test(key)) {
    code = Number(key);
    if (code < 1 || code > 254) {
      ctx.report(
        node,
        path,
        'PXEKIT_CONFIG_VALUE',
        `option code ${code} is out of range`,
        'a code from 1 to 254',
      );
      return undefined;
    }
    def = optionByCode(code);
  } else {
    try {
      def = optionByName(key as DhcpOptionName);
    } catch {
      const hint = suggest(
        key,
        DHCP_OPTIONS.map((o) => o.name),
      );
      ctx.report(
        node,
        path,
        'PXEKIT_CONFIG_UNKNOWN_KEY',
        `unknown DHCP option ${JSON.stringify(key)}${hint === undefined ? '' : `; did you mean ${JSON.stringify(hint)}?`}`,
        'an option name from @pxekit/dhcp (camelCase) or a code',
      );
      return undefined;
    }
    code = def.code;
  }
  const own = OWN_OPTIONS.get(code);
  if (own !== undefined) {
    ctx.report(
      node,
      path,
      'PXEKIT_CONFIG_CONFLICT',
      `option ${code}${def === undefined ? '' : ` (${def.name})`} is set from ${own}, not here`,
    );
    return undefined;
  }
  if (def === undefined) {
    // An option the registry does not know: its bytes, written as hex.
    const hex = typeof value === 'string' ? value.replace(/[:\s]/g, '') : '';
    if (!/^([0-9a-fA-F]{2})+$/.test(hex)) {
      ctx.report(
        node,
        path,
        'PXEKIT_CONFIG_VALUE',
        `option ${code} is not in the registry, so its value must be hex bytes`,
        'hex bytes like 01:02:0a',
      );
      return undefined;
    }
    return { key, code, value, data: Uint8Array.from(hex.match(/../g)!.map((h) => Number.parseInt(h, 16))) };
  }
  const codecType = def.codec.type;
  const v = codecType.endsWith('[]') && !Array.isArray(value) ? [value] : value;
  try {
    const data = (def.codec as { encode(value: unknown): Uint8Array }).encode(v);
    return { key, code, value, data };
  } catch (e) {
    ctx.report(
      node,
      path,
      'PXEKIT_CONFIG_VALUE',
      `${def.name}: ${(e as Error).message}`,
      `a value of type ${codecType}`,
    );
    return undefined;
  }
}

function each<T>(m: ReadonlyMap<string, T> | undefined): [string, T][] {
  return m === undefined ? [] : [...m];
}

function listOf(m: ReadonlyMap<string, unknown>): string {
  return m.size === 0 ? 'a name defined in the file (there are none)' : `one of ${[...m.keys()].join(', ')}`;
}

type At = (...keys: (string | number)[]) => Node | undefined;

function checkSubnets(subnets: readonly SubnetConfig[], ctx: DecodeContext, at: At): void {
  subnets.forEach((s, i) => {
    const net = { network: s.network, prefix: s.prefix };
    const p = `dhcp.subnets[${i}]`;
    s.ranges.forEach((r, j) => {
      if (!inNetwork(r.start, net) || !inNetwork(r.end, net)) {
        ctx.report(
          at('dhcp', 'subnets', i, 'ranges', j),
          `${p}.ranges[${j}]`,
          'PXEKIT_CONFIG_VALUE',
          `range ${r.start}-${r.end} is not inside ${s.network}/${s.prefix}`,
        );
      }
      for (let k = 0; k < j; k++) {
        const o = s.ranges[k]!;
        if (parseIpv4(r.start)! <= parseIpv4(o.end)! && parseIpv4(o.start)! <= parseIpv4(r.end)!) {
          ctx.report(
            at('dhcp', 'subnets', i, 'ranges', j),
            `${p}.ranges[${j}]`,
            'PXEKIT_CONFIG_CONFLICT',
            `range overlaps ranges[${k}] ${o.start}-${o.end}`,
          );
        }
      }
    });
    for (const r of s.routers) {
      if (!inNetwork(r, net)) {
        ctx.report(
          at('dhcp', 'subnets', i, 'routers'),
          `${p}.routers`,
          'PXEKIT_CONFIG_VALUE',
          `router ${r} is not inside ${s.network}/${s.prefix}`,
        );
      }
    }
    if (s.bootp === 'off' && s.bootpLeaseTime !== undefined) {
      ctx.report(
        at('dhcp', 'subnets', i, 'bootpLeaseTime'),
        `${p}.bootpLeaseTime`,
        'PXEKIT_CONFIG_CONFLICT',
        'bootp is off, so no BOOTP binding gets this lease time',
      );
    }
    if (s.maxLeaseTime < s.leaseTime) {
      ctx.report(
        at('dhcp', 'subnets', i, 'maxLeaseTime'),
        `${p}.maxLeaseTime`,
        'PXEKIT_CONFIG_VALUE',
        `maxLeaseTime ${s.maxLeaseTime}s is shorter than leaseTime ${s.leaseTime}s`,
      );
    }
    for (let k = 0; k < i; k++) {
      const o = subnets[k]!;
      if (inNetwork(s.network, o) || inNetwork(o.network, net)) {
        ctx.report(
          at('dhcp', 'subnets', i, 'subnet'),
          `${p}.subnet`,
          'PXEKIT_CONFIG_CONFLICT',
          `overlaps dhcp.subnets[${k}] ${o.network}/${o.prefix}`,
        );
      }
    }
  });
}

function checkHosts(
  hosts: readonly HostConfig[],
  dhcp: DhcpConfig,
  profiles: ReadonlyMap<string, BootProfile>,
  menus: ReadonlyMap<string, Menu>,
  defaultProfile: string | undefined,
  ctx: DecodeContext,
  at: At,
): void {
  const macs = new Map<string, number>();
  const names = new Map<string, number>();
  const addresses = new Map<string, number>();
  hosts.forEach((h, i) => {
    const p = `hosts[${i}]`;
    const dup = (seen: Map<string, number>, value: string | undefined, key: string, what: string): void => {
      if (value === undefined) return;
      const first = seen.get(value);
      if (first !== undefined) {
        ctx.report(
          at('hosts', i, key),
          `${p}.${key}`,
          'PXEKIT_CONFIG_CONFLICT',
          `${what} ${value} is already used by hosts[${first}]`,
        );
      } else seen.set(value, i);
    };
    dup(macs, h.mac, 'mac', 'MAC address');
    dup(names, h.name?.toLowerCase(), 'name', 'host name');
    dup(addresses, h.address, 'address', 'address');
    if (h.profile !== undefined && !profiles.has(h.profile)) {
      ctx.report(
        at('hosts', i, 'profile'),
        `${p}.profile`,
        'PXEKIT_CONFIG_REFERENCE',
        `no profile named ${JSON.stringify(h.profile)}`,
        listOf(profiles),
      );
    }
    if (h.menuDefault !== undefined) {
      const menuName = profiles.get(h.profile ?? defaultProfile ?? '')?.menu;
      const menu = menuName === undefined ? undefined : menus.get(menuName);
      if (menu === undefined) {
        ctx.report(
          at('hosts', i, 'menuDefault'),
          `${p}.menuDefault`,
          'PXEKIT_CONFIG_REFERENCE',
          "this host's profile has no menu",
        );
      } else if (!menu.entries.some((e) => e.kind !== 'separator' && e.id === h.menuDefault)) {
        ctx.report(
          at('hosts', i, 'menuDefault'),
          `${p}.menuDefault`,
          'PXEKIT_CONFIG_REFERENCE',
          `menu ${JSON.stringify(menu.name)} has no entry ${JSON.stringify(h.menuDefault)}`,
        );
      }
    }
    if (h.address !== undefined && dhcp.mode === 'authoritative') {
      const subnet = dhcp.subnets.find((s) => inNetwork(h.address!, s));
      const a = parseIpv4(h.address)!;
      if (subnet === undefined) {
        ctx.report(
          at('hosts', i, 'address'),
          `${p}.address`,
          'PXEKIT_CONFIG_VALUE',
          `address ${h.address} is in none of dhcp.subnets, so it cannot be handed out`,
        );
      } else if (subnet.ranges.some((r) => parseIpv4(r.start)! <= a && a <= parseIpv4(r.end)!)) {
        ctx.report(
          at('hosts', i, 'address'),
          `${p}.address`,
          'PXEKIT_CONFIG_CONFLICT',
          `address ${h.address} is inside a dynamic range; reserve it outside the ranges so no other client can lease it`,
        );
      }
    }
  });
}

type RawPxeMenu = {
  prompt?: string;
  timeout?: number;
  items: {
    label: string;
    profile?: string;
    localBoot?: boolean;
    file?: string;
    server?: string;
    arch?: PxeMenuConfig['items'][number]['arch'];
  }[];
};

/** `dhcp.pxeMenu` items: exactly one of `profile`, `localBoot: true`, `file`; `server` with `file` only. */
function pxeMenuOf(raw: RawPxeMenu, ctx: DecodeContext, at: At): PxeMenuConfig | undefined {
  const items: PxeMenuItemConfig[] = [];
  let ok = true;
  raw.items.forEach((item, i) => {
    const p = `dhcp.pxeMenu.items[${i}]`;
    const fail = (key: string | undefined, code: ConfigIssue['code'], message: string, expected?: string) => {
      ok = false;
      const node =
        key === undefined ? at('dhcp', 'pxeMenu', 'items', i) : at('dhcp', 'pxeMenu', 'items', i, key);
      ctx.report(node, key === undefined ? p : `${p}.${key}`, code, message, expected);
    };
    const kinds = [item.profile !== undefined, item.localBoot === true, item.file !== undefined];
    if (kinds.filter(Boolean).length !== 1) {
      fail(undefined, 'PXEKIT_CONFIG_VALUE', 'an item has exactly one of profile, localBoot: true, file');
      return;
    }
    if (item.server !== undefined && item.file === undefined)
      fail(
        'server',
        'PXEKIT_CONFIG_CONFLICT',
        'server names the boot server of a file item; this item has no file',
      );
    const arch = item.arch === undefined ? {} : { arch: [...new Set(item.arch)] };
    if (item.profile !== undefined)
      items.push({ kind: 'profile', label: item.label, profile: item.profile, ...arch });
    else if (item.localBoot === true) items.push({ kind: 'local', label: item.label, ...arch });
    else if (item.arch === undefined)
      fail(
        undefined,
        'PXEKIT_CONFIG_REQUIRED',
        'a file item needs arch: the firmware classes that can run the file',
        `a list of ${PXE_MENU_ARCHES.join(', ')}`,
      );
    else
      items.push({
        kind: 'file',
        label: item.label,
        file: item.file!,
        arch: [...new Set(item.arch)],
        ...(item.server === undefined ? {} : { server: item.server }),
      });
  });
  if (!ok) return undefined;
  return {
    items,
    ...(raw.prompt === undefined ? {} : { prompt: raw.prompt }),
    ...(raw.timeout === undefined ? {} : { timeout: raw.timeout }),
  };
}

/**
 * Profile items name a profile with a loader for each class they are shown to; the menu as a whole
 * must fit option 43 for every architecture (checked by @pxekit/dhcp's own compiler).
 */
function checkPxeMenu(
  menu: PxeMenuConfig,
  profiles: ReadonlyMap<string, BootProfile>,
  unknownHosts: 'boot' | 'ignore',
  ctx: DecodeContext,
  at: At,
): void {
  let ok = true;
  if (unknownHosts === 'ignore') {
    ok = false;
    ctx.report(
      at('dhcp', 'pxeMenu'),
      'dhcp.pxeMenu',
      'PXEKIT_CONFIG_CONFLICT',
      'the PXE menu is shown to every PXE ROM on the segment, and defaults.unknownHosts is "ignore"',
    );
  }
  menu.items.forEach((item, i) => {
    if (item.kind !== 'profile') return;
    const p = `dhcp.pxeMenu.items[${i}]`;
    const profile = profiles.get(item.profile);
    if (profile === undefined) {
      ok = false;
      ctx.report(
        at('dhcp', 'pxeMenu', 'items', i, 'profile'),
        `${p}.profile`,
        'PXEKIT_CONFIG_REFERENCE',
        `no profile named ${JSON.stringify(item.profile)}`,
        listOf(profiles),
      );
      return;
    }
    const files = profileItemFiles(profile, item.arch);
    for (const f of files) {
      if (f.bootFile !== undefined && !f.bootFile.slice(f.bootFile.lastIndexOf('/') + 1).includes('.'))
        ctx.warn(
          at('dhcp', 'pxeMenu', 'items', i, 'profile'),
          `${p}.profile`,
          'PXEKIT_CONFIG_VALUE',
          `the ${f.arch} loader ${f.bootFile} has no extension, so the PXE boot server answers with ${f.bootFile}.<layer> (${f.bootFile}.0), as dnsmasq does`,
        );
    }
    const missing = files.filter((f) => f.bootFile === undefined).map((f) => f.arch);
    if (files.length === 0 || missing.length > 0) {
      ok = false;
      ctx.report(
        at('dhcp', 'pxeMenu', 'items', i, item.arch === undefined ? 'profile' : 'arch'),
        item.arch === undefined ? `${p}.profile` : `${p}.arch`,
        'PXEKIT_CONFIG_VALUE',
        files.length === 0
          ? `profile ${item.profile} has no loader for PXE ROMs (bios, uefiX64 or arm64)`
          : `profile ${item.profile} has no ${missing.join(', ')} loader`,
      );
    }
  });
  if (!ok) return;
  try {
    new ProxyDhcpEngine({ boot: { rules: [] }, menu: compilePxeMenu(menu, profiles) });
  } catch (e) {
    if (!(e instanceof DhcpConfigError)) throw e;
    const cause = e.cause instanceof Error ? ` (${e.cause.message})` : '';
    ctx.report(at('dhcp', 'pxeMenu'), 'dhcp.pxeMenu', 'PXEKIT_CONFIG_VALUE', `${e.message}${cause}`);
  }
}

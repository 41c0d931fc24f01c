/**
 * The semantic model on top of the CST: what Anaconda would act on. Commands keep every occurrence
 * (with `overridden` set when a later line replaces a singleton, pykickstart's "last one wins"),
 * option values are canonicalised (abbreviations expanded, old spellings such as `--isUtc` folded into
 * `--utc`), `%packages` sections are merged with pykickstart's set semantics, scripts keep their body
 * text exactly.
 *
 * Lines that validation rejects (unknown, removed or unavailable commands; lines with an unclosed
 * quote) are not in the model, as pykickstart does not act on them either. Deprecated commands are
 * kept with `deprecated: true`.
 */
import { commaSplit, parseArgs } from './args.js';
import { type KickstartDocument, type SectionNode, walkNodes } from './cst.js';
import { KickstartError } from './errors.js';
import { lifeIn } from './life.js';
import { type PackageItem, parsePackageLine } from './packages.js';
import { commandObject, getCommand, getSection } from './registry.js';
import type { OptionSpec } from './registry-types.js';
import { DEFAULT_VERSION, type KickstartVersion, parseVersion, toVersion } from './versions.js';
import { versionComment } from './validate.js';

/** `true` for flags; the value as written for string/int/bool/choice; a list for comma lists and repeatable options. */
export type OptionValue = string | true | readonly string[];

export interface ModelCommand {
  /** Command name as written (`part` or `partition`). */
  readonly name: string;
  /** Shared singleton object (`displaymode` for text/graphical/cmdline). */
  readonly object: string;
  /** 1-based line in the document. */
  readonly line: number;
  /** Canonical option name (with dashes) → value. */
  readonly options: Readonly<Record<string, OptionValue>>;
  /** Positional arguments (for freeform commands such as `authselect`: the words after the name). */
  readonly args: readonly string[];
  /** True when a later line of the same singleton object replaced this one. */
  readonly overridden: boolean;
  /** Deprecated in the model's version: pykickstart warns, and Anaconda ignores most such commands. */
  readonly deprecated: boolean;
}

export interface PackagesModel {
  readonly options: Readonly<Record<string, OptionValue>>;
  /** Only the last `@^environment` counts; `-@^env` clears it when it names the current one. */
  readonly environment: string | null;
  readonly groups: readonly {
    readonly name: string;
    readonly include: 'default' | 'nodefaults' | 'optional';
  }[];
  readonly modules: readonly { readonly name: string; readonly stream: string; readonly profile?: string }[];
  readonly packages: readonly string[];
  readonly excludedPackages: readonly string[];
  readonly excludedGroups: readonly string[];
}

export type ScriptType = '%pre' | '%pre-install' | '%post' | '%onerror' | '%traceback';

export interface ScriptModel {
  readonly type: ScriptType;
  readonly line: number;
  readonly interpreter: string;
  readonly logfile: string | null;
  readonly errorOnFail: boolean;
  /** `%post --nochroot` only. */
  readonly nochroot: boolean;
  /** The body exactly as in the file, line terminators included. */
  readonly body: string;
}

export interface OpaqueSectionModel {
  /** `%addon`, `%anaconda`, `%certificate` or an unknown tag. */
  readonly type: string;
  readonly line: number;
  /** Header words after the tag (for `%addon`: the addon name first). */
  readonly args: readonly string[];
  readonly body: string;
}

export interface KickstartModel {
  readonly version: KickstartVersion;
  readonly commands: readonly ModelCommand[];
  /** null when the file has no `%packages` section. */
  readonly packages: PackagesModel | null;
  readonly scripts: readonly ScriptModel[];
  readonly sections: readonly OpaqueSectionModel[];
}

export interface InterpretOptions {
  readonly version?: KickstartVersion | string;
}

/** Turns parsed options into canonical name → value. */
export function optionValues(
  options: readonly { spec: OptionSpec; value: string | null }[],
): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  for (const o of options) {
    const key = o.spec.dest ?? o.spec.name;
    if (o.spec.kind === 'flag' || (o.spec.optionalValue && o.value === null)) {
      out[key] = true;
      continue;
    }
    if (o.value === null) continue;
    if (o.spec.kind === 'list') {
      const items = commaSplit(o.value);
      const prev = out[key];
      out[key] = o.spec.append && Array.isArray(prev) ? [...prev, ...items] : items;
      continue;
    }
    if (o.spec.append) {
      const prev = out[key];
      out[key] = Array.isArray(prev) ? [...prev, o.value] : [o.value];
      continue;
    }
    out[key] = o.value;
  }
  return out;
}

function bodyText(doc: KickstartDocument, s: SectionNode): string {
  let out = '';
  for (const b of s.body) {
    const l = doc.lines[b.line]!;
    out += l.text + l.eol;
  }
  return out;
}

/**
 * Builds the semantic model of a document for a version (caller's, else `#version=`, else DEVEL).
 *
 * @example
 * const m = interpretKickstart(parseKickstart('network --boot=dhcp\n'));
 * m.commands[0].options; // { '--bootproto': 'dhcp' }
 */
export function interpretKickstart(doc: KickstartDocument, options: InterpretOptions = {}): KickstartModel {
  let version = DEFAULT_VERSION;
  if (options.version !== undefined) {
    const v = toVersion(options.version);
    if (v === null)
      throw new KickstartError(
        'KS_ERR_UNKNOWN_VERSION',
        `unsupported version ${String(typeof options.version === 'string' ? options.version : options.version.name)}`,
      );
    version = v;
  } else {
    const w = versionComment(doc);
    if (w !== null) version = parseVersion(w) ?? DEFAULT_VERSION;
  }
  const commands: { c: ModelCommand; object: string; multi: boolean }[] = [];
  const scripts: ScriptModel[] = [];
  const sections: OpaqueSectionModel[] = [];
  let packages: MutablePackages | null = null;
  for (const n of walkNodes(doc)) {
    if (n.kind === 'command') {
      if (n.problem?.kind === 'unclosed-quote') continue;
      const spec = getCommand(n.name);
      const status = spec ? lifeIn(spec.life, version).status : 'unavailable';
      if (!spec || (status !== 'ok' && status !== 'deprecated')) continue;
      const deprecated = status === 'deprecated';
      const object = commandObject(spec);
      if (spec.freeform) {
        commands.push({
          c: {
            name: n.name,
            object,
            line: n.line + 1,
            options: {},
            args: n.words.slice(1).map((w) => w.value),
            overridden: false,
            deprecated,
          },
          object,
          multi: spec.multi === true,
        });
        continue;
      }
      const parsed = parseArgs(n.words.slice(1), spec.options, version);
      const usable = parsed.options.filter((o) => o.life.status === 'ok');
      commands.push({
        c: {
          name: n.name,
          object,
          line: n.line + 1,
          options: optionValues(usable),
          args: parsed.positionals.map((t) => t.value),
          overridden: false,
          deprecated,
        },
        object,
        multi: spec.multi === true,
      });
    } else if (n.kind === 'section') {
      const spec = getSection(n.name);
      const header = n.header.words.slice(1);
      if (spec?.body === 'packages') {
        packages ??= newPackages();
        const parsed = parseArgs(header, spec.options, version);
        Object.assign(packages.options, optionValues(parsed.options.filter((o) => o.life.status === 'ok')));
        addPackageSection(
          packages,
          n.body.flatMap((b) => (b.kind === 'body' ? [parsePackageLine(doc.lines[b.line]!.text).item] : [])),
        );
      } else if (spec?.body === 'script') {
        const parsed = parseArgs(header, spec.options, version);
        const o = optionValues(parsed.options);
        const body = bodyText(doc, n);
        if (body.trim() === '') continue; // pykickstart drops scripts with an empty body
        scripts.push({
          type: n.name as ScriptType,
          line: n.header.line + 1,
          interpreter: typeof o['--interpreter'] === 'string' ? o['--interpreter'] : '/bin/sh',
          logfile: typeof o['--logfile'] === 'string' ? o['--logfile'] : null,
          errorOnFail: o['--erroronfail'] === true,
          nochroot: o['--nochroot'] === true,
          body,
        });
      } else {
        sections.push({
          type: n.name,
          line: n.header.line + 1,
          args: header.map((w) => w.value),
          body: bodyText(doc, n),
        });
      }
    }
  }
  const lastOf = new Map<string, number>();
  commands.forEach((c, i) => {
    if (!c.multi) lastOf.set(c.object, i);
  });
  return {
    version,
    commands: commands.map((c, i) =>
      !c.multi && lastOf.get(c.object) !== i ? { ...c.c, overridden: true } : c.c,
    ),
    packages: packages ? freezePackages(packages) : null,
    scripts,
    sections,
  };
}

/** The effective (last, not overridden) command writing to `name`'s object, or undefined. */
export function effectiveCommand(model: KickstartModel, name: string): ModelCommand | undefined {
  const spec = getCommand(name);
  const object = spec ? commandObject(spec) : name;
  return model.commands.findLast((c) => c.object === object && !c.overridden);
}

interface MutablePackages {
  options: Record<string, OptionValue>;
  environment: string | null;
  groups: Map<string, 'default' | 'nodefaults' | 'optional'>;
  modules: { name: string; stream: string; profile?: string }[];
  packages: Set<string>;
  excludedPackages: Set<string>;
  /** pykickstart keeps a list: an excluded group may repeat. */
  excludedGroups: string[];
}

function newPackages(): MutablePackages {
  return {
    options: {},
    environment: null,
    groups: new Map(),
    modules: [],
    packages: new Set(),
    excludedPackages: new Set(),
    excludedGroups: [],
  };
}

const moduleName = (m: { name: string; stream: string; profile?: string }): string =>
  `${m.name}:${m.stream}${m.profile !== undefined ? `/${m.profile}` : ''}`;

/**
 * pykickstart's `Packages.add()`, which its `%packages` section calls once per body line (comment cut
 * at `#`), so order matters across the whole file:
 * - `@^env` sets the environment (the last one wins); `-@^env` clears it when it names the current
 *   one, and is otherwise kept as an excluded group named `^env`;
 * - a group is added once (the first mention decides `--nodefaults`/`--optional`); `-@group` removes
 *   it (a later `@group` adds it again) and is remembered as an excluded group;
 * - `name` / `-name`: the later line wins (a package is never in both lists).
 * Module streams (`@name:stream[/profile]`) are groups to pykickstart; we list them apart.
 */
function addPackageSection(p: MutablePackages, items: readonly (PackageItem | null)[]): void {
  const known = (name: string): boolean =>
    p.groups.has(name) || p.modules.some((m) => moduleName(m) === name);
  for (const item of items) {
    if (item === null) continue;
    switch (item.kind) {
      case 'package':
        p.packages.add(item.name);
        p.excludedPackages.delete(item.name);
        break;
      case 'exclude-package':
        p.packages.delete(item.name);
        p.excludedPackages.add(item.name);
        break;
      case 'environment':
        p.environment = item.name;
        break;
      case 'exclude-environment':
        if (p.environment === item.name) p.environment = null;
        else p.excludedGroups.push(`^${item.name}`);
        break;
      case 'group':
        if (!known(item.name)) p.groups.set(item.name, item.include ?? 'default');
        break;
      case 'exclude-group':
        p.groups.delete(item.name);
        p.modules = p.modules.filter((m) => moduleName(m) !== item.name);
        p.excludedGroups.push(item.name);
        break;
      case 'module': {
        const m =
          item.profile !== undefined
            ? { name: item.name, stream: item.stream ?? '', profile: item.profile }
            : { name: item.name, stream: item.stream ?? '' };
        if (!known(moduleName(m))) p.modules.push(m);
        break;
      }
    }
  }
}

function freezePackages(p: MutablePackages): PackagesModel {
  return {
    options: p.options,
    environment: p.environment,
    groups: [...p.groups].map(([name, include]) => ({ name, include })),
    modules: p.modules,
    packages: [...p.packages],
    excludedPackages: [...p.excludedPackages],
    excludedGroups: [...p.excludedGroups],
  };
}

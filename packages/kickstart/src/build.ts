/**
 * Writing kickstart lines. Unlike pykickstart's writer (which does not re-quote values, so
 * `rootpw --plaintext 'a b'` comes back as `rootpw --plaintext a b`), every value is quoted so that
 * the shlex splitter gives back exactly the same words.
 *
 * Rules:
 * - option values are always written glued with `=` (`--opt=value`), so a value that starts with `-`
 *   cannot be mistaken for an option;
 * - a positional argument that starts with `-` is put after `--`, which argparse reads as "only
 *   positionals from here";
 * - comma-list options join their items with `,`; an item containing a comma, an empty item or one
 *   with blanks at either end cannot survive pykickstart's `commaSplit`, so it is refused;
 * - nothing with a line break can be written on a line (`KS_ERR_UNREPRESENTABLE`).
 */
import { KickstartError } from './errors.js';
import { firstWord, hasLineBreak, lstrip } from './lines.js';
import { formatPackageItem, type PackageItem, parsePackageLine } from './packages.js';
import { getCommand, getSection } from './registry.js';
import type { OptionSpec } from './registry-types.js';
import { quoteWord } from './shlex.js';
import type { OptionValue } from './model.js';

/** A command to write: option names with or without the leading `--`. `false`/`undefined` options are skipped. */
export interface CommandInput {
  readonly name: string;
  readonly options?: Readonly<Record<string, OptionValue | number | boolean | undefined>>;
  readonly args?: readonly string[];
}

function word(v: string, what: string): string {
  if (hasLineBreak(v)) throw new KickstartError('KS_ERR_UNREPRESENTABLE', `${what} contains a line break`);
  return quoteWord(v);
}

function findOption(specs: readonly OptionSpec[], key: string): OptionSpec | undefined {
  return specs.find((s) => s.name === key || s.aliases?.includes(key));
}

/** Formats options (shared by commands and section headers). */
export function formatOptions(
  specs: readonly OptionSpec[] | null,
  options: Readonly<Record<string, OptionValue | number | boolean | undefined>>,
): string[] {
  const out: string[] = [];
  for (const [rawKey, value] of Object.entries(options)) {
    if (value === undefined || value === false) continue;
    const key = rawKey.startsWith('-') ? rawKey : `--${rawKey}`;
    if (!/^--[A-Za-z0-9][A-Za-z0-9_-]*$/.test(key))
      throw new KickstartError('KS_ERR_UNREPRESENTABLE', `bad option name ${key}`);
    const spec = specs ? findOption(specs, key) : undefined;
    if (value === true) {
      out.push(key);
      continue;
    }
    if (typeof value === 'number') {
      out.push(`${key}=${String(value)}`);
      continue;
    }
    if (typeof value === 'string') {
      out.push(`${key}=${word(value, key)}`);
      continue;
    }
    // An array: a comma list, or a repeatable option.
    if (spec?.kind === 'list' || (!spec?.append && spec !== undefined)) {
      for (const item of value) {
        if (item === '' || item.includes(',') || item.trim() !== item)
          throw new KickstartError(
            'KS_ERR_UNREPRESENTABLE',
            `${key}: list item "${item}" cannot survive comma splitting`,
          );
      }
      if (value.length > 0) out.push(`${key}=${word(value.join(','), key)}`);
      continue;
    }
    for (const item of value) out.push(`${key}=${word(item, key)}`);
  }
  return out;
}

/**
 * Formats one command line (no line terminator).
 *
 * @example formatCommand({ name: 'rootpw', options: { plaintext: true }, args: ['a b'] }) // "rootpw --plaintext 'a b'"
 */
export function formatCommand(input: CommandInput): string {
  const spec = getCommand(input.name);
  if (!/^[^\s%#'"\\]+$/.test(input.name))
    throw new KickstartError('KS_ERR_UNKNOWN_NAME', `bad command name "${input.name}"`);
  const parts = [input.name, ...formatOptions(spec?.options ?? null, input.options ?? {})];
  const args = input.args ?? [];
  if (args.some((a) => a.startsWith('-'))) parts.push('--');
  for (const a of args) parts.push(word(a, `${input.name} argument`));
  return parts.join(' ');
}

/** A section header such as `%post --nochroot --interpreter=/bin/bash` (no terminator). */
export function formatSectionHeader(
  tag: string,
  options: Readonly<Record<string, OptionValue | number | boolean | undefined>> = {},
  args: readonly string[] = [],
): string {
  const spec = getSection(tag);
  if (!spec) throw new KickstartError('KS_ERR_UNKNOWN_NAME', `unknown section ${tag}`);
  return [tag, ...args.map((a) => word(a, tag)), ...formatOptions(spec.options, options)].join(' ');
}

export interface ScriptInput {
  readonly type: '%pre' | '%pre-install' | '%post' | '%onerror' | '%traceback';
  readonly body: string;
  readonly interpreter?: string;
  readonly logfile?: string;
  readonly errorOnFail?: boolean;
  readonly nochroot?: boolean;
}

export interface PackagesInput {
  readonly options?: Readonly<Record<string, OptionValue | number | boolean | undefined>>;
  readonly items: readonly PackageItem[];
}

export interface KickstartInput {
  /** Written as `#version=NAME` on the first line when given. */
  readonly version?: string;
  readonly commands?: readonly CommandInput[];
  readonly packages?: PackagesInput;
  readonly scripts?: readonly ScriptInput[];
  /** Line terminator, `\n` by default. */
  readonly eol?: '\n' | '\r\n';
}

/**
 * Would this line end the section it is written in? The same test the parser applies inside a
 * section (pykickstart: `line.split()[0]`): `%end`, `%include`, `%ksappend` or a known section tag.
 */
function closesSection(line: string): boolean {
  const first = firstWord(line);
  return (
    first === '%end' ||
    first === '%include' ||
    getSection(first) !== undefined ||
    lstrip(line).startsWith('%ksappend')
  );
}

function sameItem(a: PackageItem | null, b: PackageItem): boolean {
  if (a === null || a.kind !== b.kind || a.name !== b.name) return false;
  if (b.kind === 'module') return a.stream === (b.stream ?? '') && a.profile === b.profile;
  if (b.kind === 'group') return a.include === (b.include ?? 'default');
  return true;
}

/** Checks that a package item can be written on one line and read back unchanged. */
export function packageLine(item: PackageItem): string {
  const s = formatPackageItem(item);
  const names = [item.name, item.stream ?? '', item.profile ?? ''];
  for (const n of names) {
    if (hasLineBreak(n) || n.includes('#') || n.trim() !== n)
      throw new KickstartError(
        'KS_ERR_UNREPRESENTABLE',
        `package item "${n}" cannot be written on a %packages line`,
      );
  }
  if (item.name === '') throw new KickstartError('KS_ERR_UNREPRESENTABLE', 'empty package item name');
  // A name such as `%end` would close the section; `-vim` as a package or `x:1` as a group would
  // read back as another kind of item.
  if (closesSection(s) || !sameItem(parsePackageLine(s).item, item))
    throw new KickstartError(
      'KS_ERR_UNREPRESENTABLE',
      `package item "${item.name}" would not read back as the same ${item.kind}`,
    );
  return s;
}

/**
 * Writes a new kickstart: commands in the given order, then `%packages`, then scripts.
 * Every body line keeps its text; a body line that would close or open a section (`%end`, `%post`...)
 * cannot be written inside a script and is refused.
 *
 * @example buildKickstart({ commands: [{ name: 'lang', args: ['en_US.UTF-8'] }] }) // "lang en_US.UTF-8\n"
 */
export function buildKickstart(input: KickstartInput): string {
  const eol = input.eol ?? '\n';
  const out: string[] = [];
  if (input.version !== undefined) out.push(`#version=${word(input.version, 'version')}`);
  for (const c of input.commands ?? []) out.push(formatCommand(c));
  if (input.packages) {
    out.push(formatSectionHeader('%packages', input.packages.options));
    for (const item of input.packages.items) out.push(packageLine(item));
    out.push('%end');
  }
  for (const s of input.scripts ?? []) {
    const opts: Record<string, OptionValue | undefined> = {
      '--interpreter': s.interpreter,
      '--logfile': s.logfile,
      '--erroronfail': s.errorOnFail === true ? true : undefined,
      '--nochroot': s.nochroot === true ? true : undefined,
    };
    out.push(formatSectionHeader(s.type, opts));
    const body = s.body.endsWith('\n') ? s.body.slice(0, -1) : s.body;
    if (body !== '') {
      for (let line of body.split('\n')) {
        if (closesSection(line))
          throw new KickstartError('KS_ERR_UNREPRESENTABLE', `script line "${line}" would end the section`);
        if (hasLineBreak(line.replace(/\r$/, '')))
          throw new KickstartError(
            'KS_ERR_UNREPRESENTABLE',
            'script body contains a line break other than \\n',
          );
        // With CRLF terminators the CR of a CRLF body line comes from `eol`: keeping it would double it.
        if (eol === '\r\n' && line.endsWith('\r')) line = line.slice(0, -1);
        out.push(line);
      }
    }
    out.push('%end');
  }
  return out.map((l) => l + eol).join('');
}

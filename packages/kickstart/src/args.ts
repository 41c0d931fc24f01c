/**
 * Option parsing the way pykickstart's `KSOptionParser` (an `argparse.ArgumentParser` with
 * `allow_abbrev=True`) does it, made version-aware and non-fatal: we collect every problem.
 *
 * argparse rules we follow (`_parse_optional`, `_get_option_tuples`):
 * - `--opt=value` and `--opt value` are the same; the `=` form splits at the first `=`;
 * - an unambiguous prefix of a long option registered *in this version* selects it (`--boot` →
 *   `--bootproto`); a prefix matching several options is an error;
 * - a word that starts with `-` is an option unless it looks like a negative number or contains a
 *   space; so `--mkfsoptions "-m bigtime=0"` works but `--mkfsoptions -m` is "expected one argument";
 * - `--` ends the options: every later word is positional;
 * - a flag (`store_true`) given a value with `=` is "ignored explicit argument".
 *
 * Options the registry knows but that are not registered in the target version (removed, or not yet
 * added) still consume their value, so one mistake gives one finding.
 */
import { type LifeVerdict, lifeIn } from './life.js';
import type { OptionSpec } from './registry-types.js';
import type { Token } from './shlex.js';
import type { KickstartVersion } from './versions.js';

export interface ParsedOption {
  readonly spec: OptionSpec;
  /** The option name as written, before any `=` (`--boot`). */
  readonly written: string;
  /** The word holding the option name. */
  readonly token: Token;
  /** The value, or null for a flag (or a missing value). */
  readonly value: string | null;
  /** The word holding the value: the option word itself for `--opt=value`, the next word otherwise. */
  readonly valueToken: Token | null;
  /** True when the name was an abbreviation. */
  readonly abbreviated: boolean;
  readonly life: LifeVerdict;
}

export interface ArgProblem {
  readonly code:
    | 'KS_UNKNOWN_OPTION'
    | 'KS_AMBIGUOUS_OPTION'
    | 'KS_OPTION_MISSING_VALUE'
    | 'KS_OPTION_UNEXPECTED_VALUE';
  readonly token: Token;
  readonly message: string;
}

export interface ParsedArgs {
  readonly options: readonly ParsedOption[];
  readonly positionals: readonly Token[];
  readonly problems: readonly ArgProblem[];
}

const NEGATIVE = /^-\d+$|^-\d*\.\d+$/;

interface OptionTable {
  readonly all: ReadonlyMap<string, OptionSpec>;
  readonly registered: readonly (readonly [string, OptionSpec])[];
}

/** Option tables per spec list and version. Specs are frozen registry data, so caching by identity is safe. */
const TABLES = new WeakMap<readonly OptionSpec[], Map<string, OptionTable>>();

function table(specs: readonly OptionSpec[], version: KickstartVersion): OptionTable {
  let byVersion = TABLES.get(specs);
  if (byVersion === undefined) {
    byVersion = new Map();
    TABLES.set(specs, byVersion);
  }
  let t = byVersion.get(version.name);
  if (t === undefined) {
    t = buildTable(specs, version);
    byVersion.set(version.name, t);
  }
  return t;
}

function buildTable(specs: readonly OptionSpec[], version: KickstartVersion): OptionTable {
  const all = new Map<string, OptionSpec>();
  const registered: [string, OptionSpec][] = [];
  for (const s of specs) {
    const st = lifeIn(s.life, version).status;
    for (const n of [s.name, ...(s.aliases ?? [])]) {
      // Later definitions win, like argparse's conflict_handler="resolve".
      all.set(n, s);
      if (st === 'ok' || st === 'deprecated') registered.push([n, s]);
    }
  }
  return { all, registered };
}

/**
 * Registered option strings that start with `name`. argparse counts option *strings*, so two
 * spellings of one option (`--enable`/`--enabled`) still make a prefix ambiguous.
 */
function prefixMatches(t: OptionTable, name: string): { readonly name: string; readonly spec: OptionSpec }[] {
  if (!name.startsWith('--') || name.length < 3) return [];
  const found: { name: string; spec: OptionSpec }[] = [];
  for (const [n, s] of t.registered)
    if (n.startsWith(name) && !found.some((f) => f.name === n)) found.push({ name: n, spec: s });
  return found;
}

/** argparse's decision whether a word is an option ('O') or an argument ('A'). */
function isOptionWord(t: OptionTable, v: string): boolean {
  if (!v.startsWith('-') || v === '-') return false;
  if (t.all.has(v)) return true;
  const eq = v.indexOf('=');
  const head = eq >= 0 ? v.slice(0, eq) : v;
  if (eq >= 0 && t.all.has(head)) return true;
  if (prefixMatches(t, head).length > 0) return true;
  if (NEGATIVE.test(v)) return false;
  if (v.includes(' ')) return false;
  return true;
}

/**
 * Parses the words after a command name (or section tag) against option specs.
 *
 * @example
 * parseArgs(splitWords('--boot=dhcp').tokens, networkSpec.options, parseVersion('RHEL9')!)
 */
export function parseArgs(
  words: readonly Token[],
  specs: readonly OptionSpec[],
  version: KickstartVersion,
): ParsedArgs {
  const t = table(specs, version);
  const options: ParsedOption[] = [];
  const positionals: Token[] = [];
  const problems: ArgProblem[] = [];
  let onlyPositionals = false;
  for (let k = 0; k < words.length; k++) {
    const tok = words[k]!;
    const v = tok.value;
    if (onlyPositionals || !isOptionWord(t, v)) {
      positionals.push(tok);
      continue;
    }
    if (v === '--') {
      onlyPositionals = true;
      continue;
    }
    const eq = v.indexOf('=');
    const head = eq >= 0 && v.startsWith('--') ? v.slice(0, eq) : v;
    const inline = eq >= 0 && v.startsWith('--') ? v.slice(eq + 1) : null;
    let spec = t.all.get(v) ?? (inline !== null ? t.all.get(head) : undefined);
    let name = spec ? (t.all.has(v) ? v : head) : head;
    let abbreviated = false;
    if (spec === undefined) {
      const m = prefixMatches(t, head);
      if (m.length > 1) {
        problems.push({
          code: 'KS_AMBIGUOUS_OPTION',
          token: tok,
          message: `ambiguous option: ${head} could match ${m.map((x) => x.name).join(', ')}`,
        });
        continue;
      }
      if (m.length === 1) {
        spec = m[0]!.spec;
        abbreviated = true;
        name = head;
      }
    }
    if (spec === undefined) {
      problems.push({ code: 'KS_UNKNOWN_OPTION', token: tok, message: `unrecognized option ${head}` });
      // An unknown option followed by a plain word most likely meant it as its value.
      if (inline === null && k + 1 < words.length && !isOptionWord(t, words[k + 1]!.value)) k++;
      continue;
    }
    const life = lifeIn(spec.life, version);
    // A value given with `=` to a full name that is also another option's `=`-less spelling is impossible;
    // `v` itself matched exactly means there was no inline value.
    const inlineValue = t.all.has(v) && !abbreviated ? null : inline;
    if (spec.kind === 'flag') {
      if (inlineValue !== null) {
        problems.push({
          code: 'KS_OPTION_UNEXPECTED_VALUE',
          token: tok,
          message: `${spec.name} takes no value (argparse: ignored explicit argument '${inlineValue}')`,
        });
      }
      options.push({ spec, written: name, token: tok, value: null, valueToken: null, abbreviated, life });
      continue;
    }
    if (inlineValue !== null) {
      options.push({
        spec,
        written: name,
        token: tok,
        value: inlineValue,
        valueToken: tok,
        abbreviated,
        life,
      });
      continue;
    }
    const next = words[k + 1];
    if (isOptionalValue(spec) && (next === undefined || isOptionWord(t, next.value))) {
      options.push({ spec, written: name, token: tok, value: null, valueToken: null, abbreviated, life });
      continue;
    }
    if (next !== undefined && !isOptionWord(t, next.value)) {
      options.push({
        spec,
        written: name,
        token: tok,
        value: next.value,
        valueToken: next,
        abbreviated,
        life,
      });
      k++;
      continue;
    }
    problems.push({ code: 'KS_OPTION_MISSING_VALUE', token: tok, message: `${spec.name} expects a value` });
    options.push({ spec, written: name, token: tok, value: null, valueToken: null, abbreviated, life });
  }
  return { options, positionals, problems };
}

const isOptionalValue = (s: OptionSpec): boolean => s.optionalValue === true;

/** pykickstart's `ksboolean`: on/yes/true/1 and off/no/false/0, any case. Returns null when neither. */
export function ksBoolean(v: string): boolean | null {
  const s = v.toLowerCase();
  if (s === 'on' || s === 'yes' || s === 'true' || s === '1') return true;
  if (s === 'off' || s === 'no' || s === 'false' || s === '0') return false;
  return null;
}

/** Python's `int()` on a string: optional blanks and sign, digits with single `_` separators. */
export function isPythonInt(v: string): boolean {
  return /^\s*[+-]?\d+(?:_\d+)*\s*$/.test(v);
}

/** pykickstart's `commaSplit`: split on commas, trim, drop empties. */
export function commaSplit(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

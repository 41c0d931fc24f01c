/**
 * Types of the command registry. The registry itself is plain frozen data (`registry.ts`); every
 * version rule, option table and alias is derived from it, never coded as a special case.
 */

/**
 * When a command, option or section exists in one version family:
 * `[since, deprecatedIn?, removedIn?]` (majors; `null` to skip a stage). A missing `Life` for a
 * family means "never existed there". `since` at or below the family's oldest supported version
 * means "from the start".
 */
export type Life = readonly [since: number, deprecated?: number | null, removed?: number | null];

/**
 * "Will be deprecated": from these majors on pykickstart prints a deprecation warning but still
 * applies the command or option (unlike `Life`'s deprecated stage, where it is ignored).
 * `use` names the replacement.
 */
export interface FutureDeprecation {
  readonly rhel?: number;
  readonly fedora?: number;
  readonly use: string;
}

/** Per-family availability. */
export interface Availability {
  readonly rhel?: Life;
  readonly fedora?: Life;
}

/**
 * How an option takes its value (pykickstart's argparse `type`/`action`):
 * `flag` store_true (no value), `string` any value, `int` Python `int()`, `list` pykickstart's
 * `commaSplit` (comma separated, blanks trimmed, empties dropped), `bool` `ksboolean`
 * (on/yes/true/1, off/no/false/0, any case), `choice` one of `choices`.
 */
export type OptionKind = 'flag' | 'string' | 'int' | 'list' | 'bool' | 'choice';

export interface OptionSpec {
  /** Canonical spelling, with the dashes (`--bootproto`). */
  readonly name: string;
  /** Other spellings that set the same value (`--log` for `--logfile`). */
  readonly aliases?: readonly string[];
  readonly kind: OptionKind;
  readonly choices?: readonly string[];
  /** Choices compare case-insensitively (pykickstart lower-cases first). */
  readonly ignoreCase?: boolean;
  /** argparse `action="append"`: every occurrence adds a value instead of replacing it. */
  readonly append?: boolean;
  /** Defaults to "always there". */
  readonly life?: Availability;
  /** argparse `nargs='?'`: the value may be left out (`mount --reformat` or `--reformat=xfs`). */
  readonly optionalValue?: boolean;
  /** pykickstart warns (but applies the option) from these versions on. */
  readonly warns?: FutureDeprecation;
  /** The option whose value this one sets, when it is an old spelling (`--isUtc` sets `--utc`). */
  readonly dest?: string;
  readonly help?: string;
}

/** Positional arguments: `[min, max]` (`max` may be `Infinity`). */
export type Arity = readonly [min: number, max: number];

export interface CommandSpec {
  readonly name: string;
  /**
   * Commands with the same `object` are one pykickstart object: the last one wins
   * (`text`/`graphical`/`cmdline`, `reboot`/`poweroff`/`shutdown`/`halt`, `part`/`partition`,
   * `auth`/`authconfig`). Defaults to `name`.
   */
  readonly object?: string;
  /** Accumulating ("multi") command: each line adds an item (network, part, user, repo, ...). */
  readonly multi?: boolean;
  readonly life?: Availability;
  /** pykickstart warns (but applies the command) from these versions on. */
  readonly warns?: FutureDeprecation;
  readonly args?: Arity;
  /** Name of the positional argument, for messages (`mntpoint`, `password`). */
  readonly argName?: string;
  /** The rest of the line is free text that pykickstart does not split into options (`auth`, `authselect`). */
  readonly freeform?: boolean;
  readonly options: readonly OptionSpec[];
  /** At least one of these options (or a positional argument when `orArgs`) must be given. */
  readonly requireOneOf?: readonly string[];
  readonly requireOneOfOrArgs?: boolean;
  /** Options that are all required. */
  readonly required?: readonly string[];
  /** Groups of options of which at most one may be given (pykickstart rejects the line). */
  readonly exclusive?: readonly (readonly string[])[];
  /**
   * Groups of options that set the same value, so giving several is accepted and the last one wins
   * (`selinux --enforcing --disabled`); reported as a warning.
   */
  readonly lastWins?: readonly (readonly string[])[];
  /** `requireOneOf` is Anaconda's rule, not pykickstart's: report a warning instead of an error. */
  readonly requireOneOfIsSoft?: boolean;
  /** Install-source commands: Anaconda uses exactly one. */
  readonly source?: boolean;
  readonly help?: string;
}

export interface SectionSpec {
  /** Tag with the percent sign (`%post`). */
  readonly name: string;
  readonly life?: Availability;
  readonly options: readonly OptionSpec[];
  /** Section takes positional arguments (`%addon NAME`). */
  readonly args?: Arity;
  /** Body kind: shell script, package list, opaque text. */
  readonly body: 'script' | 'packages' | 'opaque';
  readonly exclusive?: readonly (readonly string[])[];
  /** Header arguments are not kickstart options (`%addon NAME --addon-args`): not checked. */
  readonly passThrough?: boolean;
}

/**
 * `%packages` body lines, as pykickstart's `Packages.add()` reads them: one item per line,
 * everything from the first `#` on is a comment, surrounding blanks are stripped, and the line is
 * never split into several packages (`vim emacs` is one item named "vim emacs").
 *
 * | form | meaning |
 * | --- | --- |
 * | `name`, `glob*` | package |
 * | `-name` | excluded package (exclusion wins over inclusion anywhere in the file) |
 * | `@group`, `@Group Name` | group; `--nodefaults` (mandatory only) or `--optional` (all), not both |
 * | `@module:stream[/profile]` | module stream (RHEL 8 / F29 on; pykickstart stores it as a group) |
 * | `@^environment` | environment: only the last one counts |
 * | `-@group`, `-@^env` | excluded group / environment |
 */

export type PackageItemKind =
  | 'package'
  | 'exclude-package'
  | 'group'
  | 'exclude-group'
  | 'environment'
  | 'exclude-environment'
  | 'module';

export interface PackageItem {
  readonly kind: PackageItemKind;
  /** Package, group, environment or module name (`@` / `-` / `^` removed). */
  readonly name: string;
  /** Groups: `--nodefaults` → 'nodefaults', `--optional` → 'optional', else 'default'. */
  readonly include?: 'default' | 'nodefaults' | 'optional';
  /** Modules: `@name:stream/profile`. */
  readonly stream?: string;
  readonly profile?: string;
}

export interface PackageLineProblem {
  readonly code:
    | 'KS_PACKAGES_EMPTY_NAME'
    | 'KS_PACKAGES_BAD_GROUP_OPTION'
    | 'KS_PACKAGES_GROUP_OPTION_CONFLICT'
    | 'KS_PACKAGES_SPACE_IN_NAME';
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** Offset in the line. */
  readonly column: number;
}

export interface PackageLine {
  /** null for blank and comment-only lines. */
  readonly item: PackageItem | null;
  readonly problems: readonly PackageLineProblem[];
  /** Offset where the item text starts. */
  readonly start: number;
}

const GROUP_OPTS = ['--nodefaults', '--optional'] as const;

/**
 * Reads one `%packages` body line.
 *
 * @example parsePackageLine('@core --nodefaults # base').item // { kind: 'group', name: 'core', include: 'nodefaults' }
 */
export function parsePackageLine(text: string): PackageLine {
  const hash = text.indexOf('#');
  const raw = hash >= 0 ? text.slice(0, hash) : text;
  const s = raw.trim();
  const start = raw.length - raw.trimStart().length;
  if (s === '') return { item: null, problems: [], start };
  const problems: PackageLineProblem[] = [];
  const empty = (what: string): PackageLine => ({
    item: null,
    problems: [
      { code: 'KS_PACKAGES_EMPTY_NAME', severity: 'error', message: `${what} without a name`, column: start },
    ],
    start,
  });
  let exclude = false;
  let rest = s;
  if (rest.startsWith('-')) {
    exclude = true;
    rest = rest.slice(1);
  }
  if (!rest.startsWith('@')) {
    if (rest.trim() === '') return empty('excluded package');
    if (/\s/.test(rest)) {
      problems.push({
        code: 'KS_PACKAGES_SPACE_IN_NAME',
        severity: 'warning',
        message: `"${rest}" is read as one package name: %packages takes one item per line`,
        column: start,
      });
    }
    return { item: { kind: exclude ? 'exclude-package' : 'package', name: rest }, problems, start };
  }
  rest = rest.slice(1);
  if (rest.startsWith('^')) {
    const name = rest.slice(1).trim();
    if (name === '') return empty('environment');
    return { item: { kind: exclude ? 'exclude-environment' : 'environment', name }, problems, start };
  }
  // Groups are split on blanks and argparse-parsed: `--nodefaults` / `--optional` (prefixes allowed),
  // the remaining words joined with one space are the name.
  const parts = rest.split(/\s+/u).filter((p) => p !== '');
  const nameParts: string[] = [];
  let include: 'default' | 'nodefaults' | 'optional' = 'default';
  let both = false;
  for (const p of parts) {
    if (p.startsWith('--') && p.length > 2) {
      const m = GROUP_OPTS.filter((o) => o.startsWith(p));
      if (m.length !== 1) {
        problems.push({
          code: 'KS_PACKAGES_BAD_GROUP_OPTION',
          severity: 'error',
          message: `unknown group option ${p} (only --nodefaults and --optional)`,
          column: start + s.indexOf(p),
        });
        continue;
      }
      const which = m[0] === '--nodefaults' ? 'nodefaults' : 'optional';
      if (include !== 'default' && include !== which) both = true;
      include = which;
      continue;
    }
    nameParts.push(p);
  }
  if (both) {
    problems.push({
      code: 'KS_PACKAGES_GROUP_OPTION_CONFLICT',
      severity: 'error',
      message: 'a group cannot take both --nodefaults and --optional',
      column: start,
    });
  }
  const name = nameParts.join(' ');
  if (name === '') return { ...empty('group'), problems: [...empty('group').problems, ...problems] };
  if (exclude) return { item: { kind: 'exclude-group', name }, problems, start };
  const mod = /^([^:\s]+):([^/\s]+)(?:\/(.+))?$/.exec(name);
  if (mod && include === 'default') {
    const item: PackageItem =
      mod[3] !== undefined
        ? { kind: 'module', name: mod[1]!, stream: mod[2]!, profile: mod[3] }
        : { kind: 'module', name: mod[1]!, stream: mod[2]! };
    return { item, problems, start };
  }
  return { item: { kind: 'group', name, include }, problems, start };
}

/**
 * Writes one package item as a `%packages` line (without line terminator).
 * Throws nothing; names with `#` or line breaks cannot be written and are checked by the builder.
 */
export function formatPackageItem(item: PackageItem): string {
  switch (item.kind) {
    case 'package':
      return item.name;
    case 'exclude-package':
      return `-${item.name}`;
    case 'environment':
      return `@^${item.name}`;
    case 'exclude-environment':
      return `-@^${item.name}`;
    case 'exclude-group':
      return `-@${item.name}`;
    case 'module':
      return `@${item.name}:${item.stream ?? ''}${item.profile !== undefined ? `/${item.profile}` : ''}`;
    case 'group':
      return `@${item.name}${item.include === 'nodefaults' ? ' --nodefaults' : item.include === 'optional' ? ' --optional' : ''}`;
  }
}

/**
 * Validation: every finding, not the first. What pykickstart's `ksvalidator` reports (errors,
 * deprecation and duplicate warnings, "General error" for shlex failures), plus the checks it leaves
 * to Anaconda (one install source, `authselect` given authconfig syntax, CRLF in scripts, `%ksappend`
 * separators, `%packages` lines that do not mean what they look like).
 */
import { commaSplit, isPythonInt, ksBoolean, type ParsedArgs, type ParsedOption, parseArgs } from './args.js';
import {
  type CommandNode,
  type CommentNode,
  type KickstartDocument,
  type KsappendNode,
  type SectionNode,
  type Words,
  walkNodes,
} from './cst.js';
import type { Finding, Severity } from './errors.js';
import { lifeIn, warnsIn } from './life.js';
import { parsePackageLine } from './packages.js';
import { CONFLICTS, commandObject, getCommand, getSection, COMMANDS, SECTIONS } from './registry.js';
import type { CommandSpec } from './registry-types.js';
import type { Token } from './shlex.js';
import { DEFAULT_VERSION, type KickstartVersion, parseVersion, toVersion } from './versions.js';

export interface ValidateOptions {
  /** Target version (`'RHEL9'`, `'F45'`, `'DEVEL'` or a parsed version). Overrides `#version=`. */
  readonly version?: KickstartVersion | string;
  /**
   * Accept template placeholders (`@KSTEST_URL@`, `{{ x }}`, `{% %}`, `<%= %>`, `$var`) as values of
   * any type and as whole lines (reported as `info`). Off by default, like pykickstart.
   */
  readonly templates?: boolean;
  /** File name put on every finding. */
  readonly file?: string;
}

export interface ValidationResult {
  readonly version: KickstartVersion;
  /** Where the version came from. */
  readonly versionSource: 'caller' | 'file' | 'default';
  readonly findings: readonly Finding[];
  /** True when no finding is an error. */
  readonly ok: boolean;
}

/**
 * Words that only other installers' files start lines with. VMware ESXi kickstarts (cobbler's
 * `sample_esxi*`), Debian preseed and AutoYaST files often sit next to Anaconda kickstarts with the
 * same extension; say so once instead of only listing unknown commands.
 */
const FOREIGN: ReadonlyMap<string, string> = new Map([
  ['vmaccepteula', 'VMware ESXi kickstart'],
  ['%firstboot', 'VMware ESXi kickstart'],
  ['d-i', 'Debian preseed'],
  ['<?xml', 'AutoYaST/XML'],
  ['<profile', 'AutoYaST/XML'],
]);

const PLACEHOLDER = /@[A-Za-z0-9_]+@|\{\{|\{%|<%|\$\{?[A-Za-z_]/;

/**
 * Reads the `#version=NAME` comment (first one wins), as pykickstart's `versionFromFile` does.
 * Returns the name as written, or null.
 */
export function versionComment(doc: KickstartDocument): string | null {
  for (const n of doc.nodes) {
    if (n.kind !== 'comment') continue;
    const m = /^\s*#\s*version\s*=\s*(.*?)\s*$/i.exec(doc.lines[n.line]!.text);
    if (m) return m[1]!;
  }
  return null;
}

/**
 * Validates a kickstart for one target version and returns every finding, in line order.
 *
 * @example
 * const r = validateKickstart(parseKickstart('install\n'), { version: 'RHEL9' });
 * r.findings[0].code; // 'KS_COMMAND_REMOVED'
 */
export function validateKickstart(doc: KickstartDocument, options: ValidateOptions = {}): ValidationResult {
  const v = new Validator(doc, options);
  return v.run();
}

class Validator {
  private readonly findings: Finding[] = [];
  private version: KickstartVersion = DEFAULT_VERSION;
  private versionSource: 'caller' | 'file' | 'default' = 'default';
  private readonly seenObjects = new Map<string, number>();
  private readonly seenCommands = new Set<string>();
  private readonly sources: { name: string; line: number }[] = [];
  private readonly keys = new Map<string, number>();
  private readonly templates: boolean;
  private foreignReported = false;

  constructor(
    private readonly doc: KickstartDocument,
    private readonly options: ValidateOptions,
  ) {
    this.templates = options.templates === true;
  }

  run(): ValidationResult {
    this.pickVersion();
    for (const n of walkNodes(this.doc)) {
      switch (n.kind) {
        case 'command':
          this.command(n);
          break;
        case 'section':
          if (n.name === '%packages') this.packages(n);
          this.section(n);
          break;
        case 'include':
          if (n.problem) this.lexProblem(n.line, n);
          if (n.target === null || n.target === '') {
            this.at(
              'KS_INCLUDE_MISSING_TARGET',
              'error',
              '%include needs a file name or URL',
              n.line,
              n.words[0]!,
            );
          } else if (n.words.length > 2) {
            this.at(
              'KS_UNEXPECTED_ARGUMENTS',
              'warning',
              '%include takes one file name; the rest is ignored',
              n.line,
              n.words[2]!,
            );
          }
          break;
        case 'ksappend':
          this.ksappend(n);
          break;
        case 'stray-end':
          this.at('KS_STRAY_END', 'error', '%end without an open section', n.line, n.words[0]!);
          break;
        default:
          break;
      }
    }
    if (this.sources.length > 1) {
      const [first, ...rest] = this.sources;
      for (const s of rest) {
        this.atLine(
          'KS_MULTIPLE_SOURCES',
          'warning',
          `more than one installation source: ${s.name} (line ${s.line + 1}) after ${first!.name} (line ${first!.line + 1}); Anaconda uses only one`,
          s.line,
        );
      }
    }
    this.findings.sort((a, b) => a.line - b.line || a.column - b.column);
    return {
      version: this.version,
      versionSource: this.versionSource,
      findings: this.findings,
      ok: !this.findings.some((f) => f.severity === 'error'),
    };
  }

  private pickVersion(): void {
    if (this.options.version !== undefined) {
      const v = toVersion(this.options.version);
      if (v) {
        this.version = v;
        this.versionSource = 'caller';
        return;
      }
      const name =
        typeof this.options.version === 'string' ? this.options.version : this.options.version.name;
      this.atLine(
        'KS_UNKNOWN_VERSION',
        'warning',
        `unsupported version ${name}; validating for ${DEFAULT_VERSION.name}`,
        0,
      );
      return;
    }
    const written = versionComment(this.doc);
    if (written === null) return;
    const v = parseVersion(written);
    if (v) {
      this.version = v;
      this.versionSource = 'file';
      return;
    }
    const line = this.doc.nodes.find(
      (n): n is CommentNode => n.kind === 'comment' && /version\s*=/i.test(this.doc.lines[n.line]!.text),
    );
    this.atLine(
      'KS_UNKNOWN_VERSION',
      'warning',
      `unsupported #version=${written}; validating for ${DEFAULT_VERSION.name}`,
      line?.line ?? 0,
    );
  }

  // ---- reporting helpers -------------------------------------------------------------------------

  private push(f: Omit<Finding, 'file'>): void {
    this.findings.push(this.options.file !== undefined ? { ...f, file: this.options.file } : f);
  }

  private at(code: string, severity: Severity, message: string, line: number, tok: Token): void {
    this.push({ code, severity, message, line: line + 1, column: tok.start + 1, endColumn: tok.end + 1 });
  }

  private atLine(code: string, severity: Severity, message: string, line: number): void {
    const text = this.doc.lines[line]?.text ?? '';
    const col = text.length - text.trimStart().length;
    this.push({ code, severity, message, line: line + 1, column: col + 1 });
  }

  /**
   * shlex ends a word at an unquoted `#` even in the middle of it (`rootpw foo#bar` sets "foo").
   * pykickstart accepts that silently; it is almost never what the author meant.
   */
  private commentInWord(line: number, w: Words): void {
    const text = this.doc.lines[line]!.text;
    const c = w.commentStart;
    if (c > 0 && !/\s/.test(text[c - 1]!)) {
      this.push({
        code: 'KS_COMMENT_IN_WORD',
        severity: 'warning',
        message: `"#" inside a word starts a comment: the rest of the line is ignored (quote the value to keep it)`,
        line: line + 1,
        column: c + 1,
      });
    }
  }

  private lexProblem(line: number, w: Words): boolean {
    this.commentInWord(line, w);
    const p = w.problem;
    if (p === null) return false;
    if (p.kind === 'unclosed-quote') {
      this.push({
        code: 'KS_UNCLOSED_QUOTE',
        severity: 'error',
        message: 'no closing quotation (pykickstart: "General error in input file")',
        line: line + 1,
        column: p.offset + 1,
      });
      return true;
    }
    this.push({
      code: 'KS_LINE_CONTINUATION',
      severity: 'error',
      message:
        'a trailing backslash does not continue a kickstart line; it escapes the newline and leaves a stray argument',
      line: line + 1,
      column: p.offset + 1,
    });
    return false;
  }

  private isPlaceholder(s: string): boolean {
    return this.templates && PLACEHOLDER.test(s);
  }

  // ---- commands ----------------------------------------------------------------------------------

  private command(n: CommandNode): void {
    const unclosed = this.lexProblem(n.line, n);
    const nameTok = n.words[0]!;
    const spec = getCommand(n.name);
    if (spec === undefined) {
      if (n.line === 0 && n.name.startsWith('\ufeff')) {
        this.at(
          'KS_BOM',
          'error',
          'the file starts with a byte order mark; pykickstart reads it as part of the first word',
          n.line,
          nameTok,
        );
        return;
      }
      if (this.isPlaceholder(n.name)) {
        this.at(
          'KS_TEMPLATE_LINE',
          'info',
          `template placeholder line ${n.name} (expanded before install)`,
          n.line,
          nameTok,
        );
        return;
      }
      const dialect = FOREIGN.get(n.name);
      if (dialect !== undefined && !this.foreignReported) {
        this.foreignReported = true;
        this.at(
          'KS_FOREIGN_DIALECT',
          'error',
          `this looks like a ${dialect} file, not an Anaconda kickstart`,
          n.line,
          nameTok,
        );
      }
      const lower = COMMANDS.find((c) => c.name === n.name.toLowerCase());
      const hint = lower ? ` (command names are case-sensitive: did you mean ${lower.name}?)` : '';
      this.at('KS_UNKNOWN_COMMAND', 'error', `unknown command ${n.name}${hint}`, n.line, nameTok);
      return;
    }
    const life = lifeIn(spec.life, this.version);
    const vn = this.version.name;
    if (life.status === 'removed') {
      this.at(
        'KS_COMMAND_REMOVED',
        'error',
        `${n.name} has been removed (since ${life.since}; target ${vn})`,
        n.line,
        nameTok,
      );
      return;
    }
    if (life.status === 'unavailable') {
      const when = life.since
        ? `it was added in ${life.since}`
        : `it does not exist on ${this.version.family === 'rhel' ? 'RHEL' : 'Fedora'}`;
      this.at(
        'KS_COMMAND_UNAVAILABLE',
        'error',
        `${n.name} is not available in ${vn}: ${when}`,
        n.line,
        nameTok,
      );
      return;
    }
    if (life.status === 'deprecated') {
      // pykickstart warns and ignores the line (ksvalidator treats that as a failure).
      this.at(
        'KS_COMMAND_DEPRECATED',
        'warning',
        `${n.name} is deprecated since ${life.since} and ignored`,
        n.line,
        nameTok,
      );
      return;
    }
    if (warnsIn(spec.warns, this.version)) {
      this.at(
        'KS_COMMAND_DEPRECATED',
        'warning',
        `${n.name} will be deprecated (pykickstart warns; still applied); use ${spec.warns!.use}`,
        n.line,
        nameTok,
      );
    }
    for (const [a, others] of CONFLICTS) {
      if (others.includes(n.name) && this.seenCommands.has(a)) {
        this.at(
          'KS_CONFLICTING_COMMANDS',
          'error',
          `${n.name} cannot be used together with ${a}`,
          n.line,
          nameTok,
        );
      }
    }
    this.seenCommands.add(n.name);
    const object = commandObject(spec);
    if (!spec.multi) {
      const prev = this.seenObjects.get(object);
      if (prev !== undefined) {
        this.at(
          'KS_DUPLICATE_COMMAND',
          'warning',
          `${n.name} overrides line ${prev + 1} (last one wins)`,
          n.line,
          nameTok,
        );
      }
      this.seenObjects.set(object, n.line);
    }
    if (spec.source && !this.sources.some((s) => s.name === n.name))
      this.sources.push({ name: n.name, line: n.line });
    if (unclosed) return;
    if (spec.freeform) {
      if (n.name === 'authselect' && n.words.slice(1).some((w) => w.value.startsWith('--'))) {
        this.at(
          'KS_AUTHSELECT_SYNTAX',
          'warning',
          'authselect takes authselect arguments (select PROFILE [features]), not authconfig options',
          n.line,
          n.words[1]!,
        );
      }
      return;
    }
    const args = parseArgs(n.words.slice(1), spec.options, this.version);
    this.options_(n.line, n.name, args);
    this.arity(n, spec, args);
    this.rules(n, spec, args);
    this.duplicates(n, args);
  }

  /** Checks shared by commands and section headers. */
  private options_(line: number, owner: string, args: ParsedArgs): void {
    for (const p of args.problems) {
      const sev: Severity = 'error';
      this.at(p.code, sev, `${owner}: ${p.message}`, line, p.token);
    }
    const seen = new Map<string, ParsedOption>();
    for (const o of args.options) {
      const s = o.spec;
      if (o.life.status === 'removed') {
        this.at(
          'KS_OPTION_REMOVED',
          'error',
          `${owner} ${s.name} was removed in ${o.life.since}`,
          line,
          o.token,
        );
        continue;
      }
      if (o.life.status === 'unavailable') {
        const when = o.life.since
          ? `added in ${o.life.since}`
          : `not on ${this.version.family === 'rhel' ? 'RHEL' : 'Fedora'}`;
        this.at(
          'KS_OPTION_UNAVAILABLE',
          'error',
          `${owner} ${s.name} is not available in ${this.version.name} (${when})`,
          line,
          o.token,
        );
        continue;
      }
      if (o.life.status === 'ok' && warnsIn(s.warns, this.version)) {
        this.at(
          'KS_OPTION_DEPRECATED',
          'warning',
          `${owner} ${s.name} will be deprecated (pykickstart warns; still applied); use ${s.warns!.use}`,
          line,
          o.token,
        );
      }
      if (o.life.status === 'deprecated') {
        const instead = s.dest ? `; use ${s.dest}` : '';
        this.at(
          'KS_OPTION_DEPRECATED',
          'warning',
          `${owner} ${s.name} is deprecated since ${o.life.since}${instead}`,
          line,
          o.token,
        );
      }
      if (o.abbreviated) {
        this.at(
          'KS_OPTION_ABBREVIATED',
          'info',
          `${o.written} is an abbreviation of ${s.name}`,
          line,
          o.token,
        );
      }
      const key = s.dest ?? s.name;
      const before = seen.get(key);
      if (before && !s.append) {
        this.at('KS_OPTION_REPEATED', 'info', `${s.name} given again; the last value wins`, line, o.token);
      }
      seen.set(key, o);
      if (o.value === null) continue;
      this.value(line, owner, o);
    }
  }

  private value(line: number, owner: string, o: ParsedOption): void {
    const s = o.spec;
    const v = o.value!;
    const tok = o.valueToken ?? o.token;
    if (this.isPlaceholder(v)) return;
    if (v === '' && o.valueToken === o.token) {
      this.at(
        'KS_EMPTY_OPTION_VALUE',
        'warning',
        `${owner} ${s.name}= has an empty value (a blank after "=" ends the value)`,
        line,
        tok,
      );
    }
    switch (s.kind) {
      case 'int':
        if (!isPythonInt(v))
          this.at('KS_INVALID_INT', 'error', `${owner} ${s.name} expects an integer, got "${v}"`, line, tok);
        break;
      case 'bool':
        if (ksBoolean(v) === null)
          this.at(
            'KS_INVALID_BOOLEAN',
            'error',
            `${owner} ${s.name} expects on/off, yes/no, true/false or 1/0, got "${v}"`,
            line,
            tok,
          );
        break;
      case 'choice': {
        const ok = s.choices!.some((c) => (s.ignoreCase ? c.toLowerCase() === v.toLowerCase() : c === v));
        if (!ok)
          this.at(
            'KS_INVALID_CHOICE',
            'error',
            `${owner} ${s.name} must be one of ${s.choices!.join(', ')}, got "${v}"`,
            line,
            tok,
          );
        break;
      }
      default:
        break;
    }
  }

  private arity(n: CommandNode, spec: CommandSpec, args: ParsedArgs): void {
    const [min, max] = spec.args ?? [0, 0];
    // The word cut short by a trailing backslash is pykickstart's stray "\n" argument, already reported.
    const cut = n.problem?.kind === 'trailing-backslash' ? n.problem.offset : -1;
    const pos = args.positionals.filter((t) => !(t.end > cut && cut >= 0 && t.value === ''));
    const templated = this.templates && n.words.some((w) => PLACEHOLDER.test(w.value));
    if (pos.length > max && !templated) {
      const extra = pos.slice(max);
      this.at(
        'KS_UNEXPECTED_ARGUMENTS',
        'error',
        `unexpected arguments to ${n.name}: ${extra.map((t) => t.value).join(' ')}`,
        n.line,
        extra[0]!,
      );
    }
    const has = (name: string): boolean => args.options.some((o) => (o.spec.dest ?? o.spec.name) === name);
    let need = min;
    if (n.name === 'rootpw' && !has('--lock')) need = 1;
    if ((n.name === 'volgroup' || n.name === 'raid') && !has('--useexisting') && !has('--noformat')) need = 2;
    // A btrfs volume needs members even when it exists already; a subvolume needs --name instead.
    if (n.name === 'btrfs' && !has('--subvol')) need = 2;
    if (n.name === 'btrfs' && has('--subvol') && !has('--name'))
      this.at('KS_MISSING_REQUIRED_OPTION', 'error', 'btrfs --subvol needs --name', n.line, n.words[0]!);
    if (n.name === 'volgroup' && (has('--useexisting') || has('--noformat')) && pos.length > 1)
      this.at(
        'KS_UNEXPECTED_ARGUMENTS',
        'error',
        'members may not be given for an existing volume group (--useexisting or --noformat)',
        n.line,
        pos[1]!,
      );
    if (pos.length < need) {
      this.at(
        'KS_MISSING_ARGUMENT',
        'error',
        `${n.name} needs ${spec.argName ?? 'an argument'}${need > 1 ? ` (at least ${need} words)` : ''}`,
        n.line,
        n.words[n.words.length - 1]!,
      );
    }
  }

  private rules(n: CommandNode, spec: CommandSpec, args: ParsedArgs): void {
    const usable = args.options.filter((o) => o.life.status === 'ok' || o.life.status === 'deprecated');
    // `required` is argparse's `required=True`: presence is enough.
    const present = new Set(usable.map((o) => o.spec.dest ?? o.spec.name));
    // The other checks are pykickstart's own `if not ns.x`: an empty value counts as not given.
    const given = new Set(
      usable
        .filter(
          (o) =>
            o.value === null || (o.spec.kind === 'list' ? commaSplit(o.value).length > 0 : o.value !== ''),
        )
        .map((o) => o.spec.dest ?? o.spec.name),
    );
    const nameTok = n.words[0]!;
    for (const r of spec.required ?? []) {
      if (!present.has(r))
        this.at('KS_MISSING_REQUIRED_OPTION', 'error', `${n.name} requires ${r}`, n.line, nameTok);
    }
    if (spec.requireOneOf && !spec.requireOneOf.some((o) => given.has(o))) {
      if (!(spec.requireOneOfOrArgs && args.positionals.length > 0)) {
        const alt = spec.requireOneOfOrArgs ? ` or a ${spec.argName ?? 'argument'}` : '';
        this.at(
          'KS_MISSING_REQUIRED_OPTION',
          spec.requireOneOfIsSoft ? 'warning' : 'error',
          `${n.name} requires one of ${spec.requireOneOf.join(', ')}${alt}`,
          n.line,
          nameTok,
        );
      }
    }
    for (const group of spec.exclusive ?? []) {
      const hit = group.filter((o) => given.has(o));
      if (hit.length > 1)
        this.at(
          'KS_CONFLICTING_OPTIONS',
          'error',
          `${n.name}: ${hit.join(' and ')} cannot be used together`,
          n.line,
          nameTok,
        );
    }
    for (const group of spec.lastWins ?? []) {
      const hit = [
        ...new Set(args.options.map((o) => o.spec.dest ?? o.spec.name).filter((o) => group.includes(o))),
      ];
      if (hit.length > 1)
        this.at(
          'KS_CONFLICTING_OPTIONS',
          'warning',
          `${n.name}: ${hit.join(' and ')} set the same thing; the last one wins`,
          n.line,
          nameTok,
        );
    }
    const opt = (name: string): ParsedOption | undefined => args.options.find((o) => o.spec.name === name);
    const pos = args.positionals;
    const isRhel = this.version.family === 'rhel';
    const atLeast = (rhel: number, fedora: number): boolean => this.version.major >= (isRhel ? rhel : fedora);
    const both = (a: string, b: string): void => {
      if (given.has(a) !== given.has(b))
        this.at(
          'KS_MISSING_REQUIRED_OPTION',
          'error',
          `${n.name}: ${a} and ${b} go together`,
          n.line,
          nameTok,
        );
    };
    switch (n.name) {
      case 'logging':
        if (given.has('--port') && !given.has('--host'))
          this.at('KS_MISSING_REQUIRED_OPTION', 'error', 'logging --port needs --host', n.line, nameTok);
        break;
      case 'updates':
        // The URL became mandatory with F34 / RHEL 9.
        if (pos.length === 0 && atLeast(9, 34))
          this.at('KS_MISSING_ARGUMENT', 'error', 'updates needs a URL', n.line, nameTok);
        break;
      case 'nvdimm': {
        const action = pos[0];
        if (action && action.value !== 'reconfigure' && action.value !== 'use')
          this.at(
            'KS_INVALID_CHOICE',
            'error',
            `nvdimm action must be reconfigure or use, got "${action.value}"`,
            n.line,
            action,
          );
        break;
      }
      case 'zfcp':
        // Either --devnum alone, or --devnum with both --wwpn and --fcplun.
        both('--wwpn', '--fcplun');
        break;
      case 'driverdisk':
        if (given.has('--source') && given.has('--biospart'))
          this.at(
            'KS_CONFLICTING_OPTIONS',
            'error',
            'driverdisk: --source and --biospart cannot be used together',
            n.line,
            nameTok,
          );
        if (given.has('--source') && pos.length > 0)
          this.at(
            'KS_CONFLICTING_OPTIONS',
            'error',
            'driverdisk: --source and a partition cannot be used together',
            n.line,
            nameTok,
          );
        break;
      case 'mount': {
        const mp = pos[1];
        if (mp && mp.value !== 'none' && !mp.value.startsWith('/'))
          this.at(
            'KS_INVALID_CHOICE',
            'error',
            `mount: invalid mount point "${mp.value}" (an absolute path or none)`,
            n.line,
            mp,
          );
        break;
      }
      case 'cmdline':
        if (given.has('--non-interactive'))
          this.at(
            'KS_UNKNOWN_OPTION',
            'error',
            'cmdline does not support --non-interactive (it never asks)',
            n.line,
            nameTok,
          );
        break;
      case 'rootpw':
        if (pos.length === 1 && pos[0]!.value === '' && !given.has('--lock'))
          this.at('KS_MISSING_ARGUMENT', 'error', 'rootpw needs a password (it is empty)', n.line, pos[0]!);
        break;
      default:
        break;
    }
    if (n.name === 'autopart' && this.version.family === 'rhel' && this.version.major >= 8) {
      const t = opt('--type');
      if (t?.value?.toLowerCase() === 'btrfs')
        this.at(
          'KS_INVALID_CHOICE',
          'error',
          `autopart --type=btrfs is not supported on ${this.version.name}`,
          n.line,
          t.valueToken ?? t.token,
        );
    }
    if (n.name === 'logvol') {
      const sizing = ['--size', '--percent', '--recommended', '--useexisting', '--noformat', '--hibernation'];
      if (!sizing.some((o) => given.has(o)))
        this.at(
          'KS_MISSING_REQUIRED_OPTION',
          'error',
          `logvol needs one of ${sizing.join(', ')}`,
          n.line,
          nameTok,
        );
    }
    if (
      (n.name === 'part' || n.name === 'partition') &&
      given.has('--resize') &&
      !(given.has('--onpart') && given.has('--size'))
    )
      this.at(
        'KS_MISSING_REQUIRED_OPTION',
        'error',
        `${n.name} --resize needs --onpart and --size`,
        n.line,
        nameTok,
      );
    if (n.name === 'ostreesetup') {
      const u = opt('--url');
      if (u?.value && !this.isPlaceholder(u.value) && !/^(file|https?):\/\//i.test(u.value))
        this.at(
          'KS_INVALID_URL',
          'error',
          'ostreesetup --url must use file, HTTP or HTTPS',
          n.line,
          u.valueToken ?? u.token,
        );
    }
    if (n.name === 'network') {
      for (const o of [
        '--ipv4-dns-search',
        '--ipv6-dns-search',
        '--ipv4-ignore-auto-dns',
        '--ipv6-ignore-auto-dns',
      ])
        if (given.has(o) && !given.has('--device'))
          this.at('KS_MISSING_REQUIRED_OPTION', 'error', `network ${o} needs --device`, n.line, nameTok);
      if (given.has('--bridgeopts') && !given.has('--bridgeslaves'))
        this.at(
          'KS_MISSING_REQUIRED_OPTION',
          'error',
          'network --bridgeopts needs --bridgeslaves',
          n.line,
          nameTok,
        );
    }
  }

  /** pykickstart's duplicate warnings for multi commands (both entries are kept). */
  private duplicates(n: CommandNode, args: ParsedArgs): void {
    const val = (name: string): string | undefined => {
      let r: string | undefined;
      for (const o of args.options) if (o.spec.name === name && o.value !== null) r = o.value;
      return r;
    };
    let key: string | undefined;
    let what = '';
    switch (n.name) {
      case 'part':
      case 'partition':
      case 'raid': {
        const mp = args.positionals[0]?.value;
        if (
          mp &&
          mp !== 'swap' &&
          mp.toLowerCase() !== 'none' &&
          !/^(pv|raid|btrfs)\./.test(mp) &&
          !args.options.some((o) => o.spec.name === '--noformat')
        ) {
          key = `mount:${mp}`;
          what = `a partition with the mountpoint ${mp}`;
        }
        break;
      }
      case 'logvol': {
        const mp = args.positionals[0]?.value;
        if (mp && mp !== 'swap' && mp.toLowerCase() !== 'none') {
          key = `mount:${mp}`;
          what = `a logical volume with the mountpoint ${mp}`;
        }
        break;
      }
      case 'network': {
        // pykickstart compares device names even when --device is missing (two bare lines collide).
        const d = val('--device') ?? '';
        key = `network:${d}`;
        what = d === '' ? 'a network line without --device' : `a network device with the name ${d}`;
        break;
      }
      case 'user':
      case 'repo':
      case 'group': {
        const nm = val('--name');
        if (nm) {
          key = `${n.name}:${nm}`;
          what = `a ${n.name} with the name ${nm}`;
        }
        break;
      }
      case 'volgroup': {
        const nm = args.positionals[0]?.value;
        if (
          nm &&
          !args.options.some((o) => o.spec.name === '--useexisting' || o.spec.name === '--noformat')
        ) {
          key = `vg:${nm}`;
          what = `a volume group with the name ${nm}`;
        }
        break;
      }
      default:
        return;
    }
    if (key === undefined) return;
    const prev = this.keys.get(key);
    if (prev !== undefined) {
      this.at(
        'KS_DUPLICATE_DEFINITION',
        'warning',
        `${what} has already been defined (line ${prev + 1})`,
        n.line,
        n.words[0]!,
      );
    } else {
      this.keys.set(key, n.line);
    }
  }

  // ---- sections ----------------------------------------------------------------------------------

  private section(n: SectionNode): void {
    const h = n.header;
    const tagTok = h.words[0]!;
    const unclosed = this.lexProblem(h.line, h);
    const spec = getSection(n.name);
    if (spec === undefined) {
      const dialect = FOREIGN.get(n.name);
      if (dialect !== undefined && !this.foreignReported) {
        this.foreignReported = true;
        this.at(
          'KS_FOREIGN_DIALECT',
          'error',
          `this looks like a ${dialect} file, not an Anaconda kickstart`,
          h.line,
          tagTok,
        );
      }
      const lower = SECTIONS.find((s) => s.name === n.name.toLowerCase());
      const hint = lower ? ` (section tags are case-sensitive: did you mean ${lower.name}?)` : '';
      this.at(
        'KS_UNKNOWN_SECTION',
        'error',
        `unknown section ${n.name}${hint}; its body is skipped up to %end`,
        h.line,
        tagTok,
      );
    } else {
      const life = lifeIn(spec.life, this.version);
      if (life.status === 'deprecated')
        this.at(
          'KS_SECTION_DEPRECATED',
          'warning',
          `${n.name} is deprecated since ${life.since}`,
          h.line,
          tagTok,
        );
      else if (life.status === 'unavailable' || life.status === 'removed')
        this.at(
          'KS_SECTION_UNAVAILABLE',
          'warning',
          `${n.name} is not supported by Anaconda in ${this.version.name}`,
          h.line,
          tagTok,
        );
      if (spec.passThrough) {
        if (n.name === '%addon' && h.words.length < 2)
          this.at('KS_MISSING_ARGUMENT', 'error', '%addon needs a name', h.line, tagTok);
      } else if (!unclosed) {
        const args = parseArgs(h.words.slice(1), spec.options, this.version);
        this.options_(h.line, n.name, args);
        const [, max] = spec.args ?? [0, 0];
        const [min] = spec.args ?? [0, 0];
        if (args.positionals.length > max) {
          const extra = args.positionals.slice(max);
          this.at(
            'KS_UNEXPECTED_ARGUMENTS',
            'error',
            `unexpected arguments to ${n.name}: ${extra.map((t) => t.value).join(' ')}`,
            h.line,
            extra[0]!,
          );
        }
        if (args.positionals.length < min)
          this.at('KS_MISSING_ARGUMENT', 'error', `${n.name} needs a name`, h.line, tagTok);
        const given = new Set(args.options.map((o) => o.spec.dest ?? o.spec.name));
        for (const group of spec.exclusive ?? []) {
          const hit = group.filter((o) => given.has(o));
          if (hit.length > 1)
            this.at(
              'KS_CONFLICTING_OPTIONS',
              'error',
              `${n.name}: ${hit.join(' and ')} cannot be used together`,
              h.line,
              tagTok,
            );
        }
        if (n.name === '%certificate') {
          if (!given.has('--filename'))
            this.at(
              'KS_MISSING_REQUIRED_OPTION',
              'error',
              '%certificate requires --filename',
              h.line,
              tagTok,
            );
          if (!given.has('--dir') && !given.has('--type'))
            this.at(
              'KS_MISSING_REQUIRED_OPTION',
              'error',
              '%certificate requires --dir or --type',
              h.line,
              tagTok,
            );
        }
      }
    }
    if (n.end === null) {
      this.at(
        'KS_MISSING_END',
        'error',
        `section ${n.name} does not end with %end (required since RHEL 6 / F8)`,
        h.line,
        tagTok,
      );
    }
    const bodyLines = n.body.filter((b) => b.kind === 'body');
    if (spec?.body === 'script' || n.name === '%certificate') {
      const empty =
        bodyLines.every((b) => this.doc.lines[b.line]!.text.trim() === '') &&
        !n.body.some((b) => b.kind !== 'body');
      if (empty) {
        if (n.name === '%certificate')
          this.at('KS_EMPTY_SECTION', 'error', '%certificate has no certificate', h.line, tagTok);
        else
          this.at(
            'KS_EMPTY_SECTION',
            'info',
            `${n.name} has an empty body; pykickstart drops it`,
            h.line,
            tagTok,
          );
      }
      if (spec?.body === 'script') {
        const crlf = bodyLines.find(
          (b) => this.doc.lines[b.line]!.eol === '\r\n' || this.doc.lines[b.line]!.eol === '\r',
        );
        if (crlf)
          this.atLine(
            'KS_SCRIPT_CRLF',
            'warning',
            `${n.name} body has CR line endings; the script runs with \\r in it`,
            crlf.line,
          );
      }
    }
  }

  private packages(n: SectionNode): void {
    let lastEnv: number | null = null;
    const moduleOk = this.version.family === 'rhel' ? this.version.major >= 8 : this.version.major >= 29;
    for (const b of n.body) {
      if (b.kind !== 'body') continue;
      const text = this.doc.lines[b.line]!.text;
      const r = parsePackageLine(text);
      for (const p of r.problems)
        this.push({
          code: p.code,
          severity: p.severity,
          message: p.message,
          line: b.line + 1,
          column: p.column + 1,
        });
      if (r.item?.kind === 'environment') {
        if (lastEnv !== null)
          this.atLine(
            'KS_PACKAGES_MULTIPLE_ENVIRONMENTS',
            'info',
            `environment on line ${lastEnv + 1} is replaced by this one (only the last counts)`,
            b.line,
          );
        lastEnv = b.line;
      }
      if (r.item?.kind === 'module' && !moduleOk) {
        this.atLine(
          'KS_PACKAGES_MODULE_UNAVAILABLE',
          'warning',
          `module streams need RHEL 8 / F29; ${this.version.name} reads "@${r.item.name}:${r.item.stream}" as a group name`,
          b.line,
        );
      }
    }
  }

  private ksappend(n: KsappendNode): void {
    if (n.intended === null) {
      this.atLine('KS_INCLUDE_MISSING_TARGET', 'error', '%ksappend needs a URL', n.line);
      return;
    }
    if (n.target !== n.intended) {
      this.atLine(
        'KS_KSAPPEND_SEPARATOR',
        'warning',
        `pykickstart reads the %ksappend URL after exactly one space; it would fetch "${n.target}" instead of "${n.intended}"`,
        n.line,
      );
    }
  }
}

/** Values of a list option, the way pykickstart splits them. */
export function listValue(v: string): string[] {
  return commaSplit(v);
}

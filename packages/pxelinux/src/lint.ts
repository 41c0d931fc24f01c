/**
 * Lint: what SYSLINUX will silently do differently from what the file's author meant. The
 * firmware never reports anything (unknown lines are skipped, typos disable directives), so
 * every finding here is something it would not tell you. Codes are stable (docs/errors.md).
 */

import { byteLength } from './chars.js';
import {
  type ConfigDocument,
  type ConfigLine,
  columnOf,
  lineValue,
  PXELINUX_MAX_LINE,
  parse,
} from './cst.js';
import { DIRECTIVES, MENU_COLOR_ELEMENTS, MENU_SUBCOMMANDS, TOP_KEYWORDS } from './keywords.js';
import {
  type BuildModelOptions,
  buildModel,
  type ConfigModel,
  entryCommandLine,
  findLabelEntry,
  firstWord,
  type IncludeReader,
} from './model.js';
import { IMAGE_EXTENSIONS, inferImageType } from './resolve.js';

export type Severity = 'error' | 'warning' | 'info';

/** Stable lint codes. */
export const LINT_CODES: {
  readonly UNKNOWN_KEYWORD: 'PXELINUX_UNKNOWN_KEYWORD';
  readonly KEYWORD_GLUED: 'PXELINUX_KEYWORD_GLUED';
  readonly UNKNOWN_MENU_SUBCOMMAND: 'PXELINUX_UNKNOWN_MENU_SUBCOMMAND';
  readonly HASH_IN_VALUE: 'PXELINUX_HASH_IN_VALUE';
  readonly CR_IN_LINE: 'PXELINUX_CR_IN_LINE';
  readonly NUL_IN_LINE: 'PXELINUX_NUL_IN_LINE';
  readonly LINE_TOO_LONG: 'PXELINUX_LINE_TOO_LONG';
  readonly CMDLINE_TOO_LONG: 'PXELINUX_CMDLINE_TOO_LONG';
  readonly TEXT_UNTERMINATED: 'PXELINUX_TEXT_UNTERMINATED';
  readonly NOT_A_NUMBER: 'PXELINUX_NOT_A_NUMBER';
  readonly NOHALT_QUIRK: 'PXELINUX_NOHALT_QUIRK';
  readonly DEAD_KERNEL_TYPE: 'PXELINUX_DEAD_KERNEL_TYPE';
  readonly UPPERCASE_EXTENSION: 'PXELINUX_UPPERCASE_EXTENSION';
  readonly LABEL_ONLY_DIRECTIVE: 'PXELINUX_LABEL_ONLY_DIRECTIVE';
  readonly SERIAL_NOT_FIRST: 'PXELINUX_SERIAL_NOT_FIRST';
  readonly BAD_COLOR: 'PXELINUX_BAD_COLOR';
  readonly TRAILING_BLANK: 'PXELINUX_TRAILING_BLANK';
  readonly TEMPLATE_PLACEHOLDER: 'PXELINUX_TEMPLATE_PLACEHOLDER';
  readonly DUPLICATE_LABEL: 'PXELINUX_DUPLICATE_LABEL';
  readonly LABEL_NAME_BLANKS: 'PXELINUX_LABEL_NAME_BLANKS';
  readonly LABEL_NO_KERNEL: 'PXELINUX_LABEL_NO_KERNEL';
  readonly DEFAULT_MISSING_LABEL: 'PXELINUX_DEFAULT_MISSING_LABEL';
  readonly ONTIMEOUT_MISSING_LABEL: 'PXELINUX_ONTIMEOUT_MISSING_LABEL';
  readonly MULTIPLE_MENU_DEFAULT: 'PXELINUX_MULTIPLE_MENU_DEFAULT';
  readonly HOTKEY_CLASH: 'PXELINUX_HOTKEY_CLASH';
  readonly GOTO_UNKNOWN_TAG: 'PXELINUX_GOTO_UNKNOWN_TAG';
  readonly MENU_UNBALANCED: 'PXELINUX_MENU_UNBALANCED';
  readonly EXIT_OUTSIDE_SUBMENU: 'PXELINUX_EXIT_OUTSIDE_SUBMENU';
  readonly MISSING_FILE: 'PXELINUX_MISSING_FILE';
  readonly INCLUDE_MISSING: 'PXELINUX_INCLUDE_MISSING';
  readonly INCLUDE_CYCLE: 'PXELINUX_INCLUDE_CYCLE';
  readonly INCLUDE_DEPTH: 'PXELINUX_INCLUDE_DEPTH';
  readonly LOCALBOOT_VALUE: 'PXELINUX_LOCALBOOT_VALUE';
  readonly MENU_SAVE_IGNORED: 'PXELINUX_MENU_SAVE_IGNORED';
  readonly MENU_ONLY_DIRECTIVE: 'PXELINUX_MENU_ONLY_DIRECTIVE';
} = Object.freeze({
  UNKNOWN_KEYWORD: 'PXELINUX_UNKNOWN_KEYWORD',
  KEYWORD_GLUED: 'PXELINUX_KEYWORD_GLUED',
  UNKNOWN_MENU_SUBCOMMAND: 'PXELINUX_UNKNOWN_MENU_SUBCOMMAND',
  HASH_IN_VALUE: 'PXELINUX_HASH_IN_VALUE',
  CR_IN_LINE: 'PXELINUX_CR_IN_LINE',
  NUL_IN_LINE: 'PXELINUX_NUL_IN_LINE',
  LINE_TOO_LONG: 'PXELINUX_LINE_TOO_LONG',
  CMDLINE_TOO_LONG: 'PXELINUX_CMDLINE_TOO_LONG',
  TEXT_UNTERMINATED: 'PXELINUX_TEXT_UNTERMINATED',
  NOT_A_NUMBER: 'PXELINUX_NOT_A_NUMBER',
  NOHALT_QUIRK: 'PXELINUX_NOHALT_QUIRK',
  DEAD_KERNEL_TYPE: 'PXELINUX_DEAD_KERNEL_TYPE',
  UPPERCASE_EXTENSION: 'PXELINUX_UPPERCASE_EXTENSION',
  LABEL_ONLY_DIRECTIVE: 'PXELINUX_LABEL_ONLY_DIRECTIVE',
  SERIAL_NOT_FIRST: 'PXELINUX_SERIAL_NOT_FIRST',
  BAD_COLOR: 'PXELINUX_BAD_COLOR',
  TRAILING_BLANK: 'PXELINUX_TRAILING_BLANK',
  TEMPLATE_PLACEHOLDER: 'PXELINUX_TEMPLATE_PLACEHOLDER',
  DUPLICATE_LABEL: 'PXELINUX_DUPLICATE_LABEL',
  LABEL_NAME_BLANKS: 'PXELINUX_LABEL_NAME_BLANKS',
  LABEL_NO_KERNEL: 'PXELINUX_LABEL_NO_KERNEL',
  DEFAULT_MISSING_LABEL: 'PXELINUX_DEFAULT_MISSING_LABEL',
  ONTIMEOUT_MISSING_LABEL: 'PXELINUX_ONTIMEOUT_MISSING_LABEL',
  MULTIPLE_MENU_DEFAULT: 'PXELINUX_MULTIPLE_MENU_DEFAULT',
  HOTKEY_CLASH: 'PXELINUX_HOTKEY_CLASH',
  GOTO_UNKNOWN_TAG: 'PXELINUX_GOTO_UNKNOWN_TAG',
  MENU_UNBALANCED: 'PXELINUX_MENU_UNBALANCED',
  EXIT_OUTSIDE_SUBMENU: 'PXELINUX_EXIT_OUTSIDE_SUBMENU',
  MISSING_FILE: 'PXELINUX_MISSING_FILE',
  INCLUDE_MISSING: 'PXELINUX_INCLUDE_MISSING',
  INCLUDE_CYCLE: 'PXELINUX_INCLUDE_CYCLE',
  INCLUDE_DEPTH: 'PXELINUX_INCLUDE_DEPTH',
  LOCALBOOT_VALUE: 'PXELINUX_LOCALBOOT_VALUE',
  MENU_SAVE_IGNORED: 'PXELINUX_MENU_SAVE_IGNORED',
  MENU_ONLY_DIRECTIVE: 'PXELINUX_MENU_ONLY_DIRECTIVE',
});

export type LintCode = (typeof LINT_CODES)[keyof typeof LINT_CODES];

export interface Finding {
  readonly code: LintCode;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  /** 1-based physical line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
}

export interface LintOptions extends Omit<BuildModelOptions, 'reader' | 'includeErrors'> {
  /** Does a file exist? Enables PXELINUX_MISSING_FILE (kernels, initrds, UI, F-keys, DISPLAY…). */
  readonly exists?: (name: string) => boolean;
  /** Which SYSLINUX derivative reads the file (LOCALBOOT values, MENU SAVE). Default `pxelinux`. */
  readonly derivative?: 'pxelinux' | 'syslinux' | 'isolinux' | 'extlinux';
}

/** Placeholders of template engines that were not rendered. `${…}` is left alone: iPXE and initramfs hooks expand it at run time. */
const PLACEHOLDERS: readonly (readonly [RegExp, string])[] = [
  [/\{\{.*?\}\}|\{%.*?%\}/, 'Jinja/Tempita'],
  [/<%.*?%>/, 'ERB'],
  [/(^|[^$\\])\$[A-Za-z_][A-Za-z0-9_]*(?![A-Za-z0-9_{])/, 'Cheetah/shell $var'],
  [/@[A-Za-z_][A-Za-z0-9_]*@/, 'autoconf @VAR@'],
  [/%[A-Z_][A-Z0-9_]*%/, 'build-time %VAR%'],
];
const CHEETAH_DIRECTIVE =
  /^#(?:if|else|elif|end|set|for|raw|include|import|extends|block|def|slurp|silent)\b/;

/** The template engine a text looks unrendered for, if any. */
export function findPlaceholder(text: string): string | undefined {
  for (const [re, name] of PLACEHOLDERS) if (re.test(text)) return name;
  return undefined;
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0] as number;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j] as number;
      dp[j] = Math.min(
        (dp[j] as number) + 1,
        (dp[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return dp[b.length] as number;
}

function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

const INT_ARGS: ReadonlySet<string> = new Set(
  [...DIRECTIVES.values()].filter((d) => d.arg === 'int').map((d) => d.keyword),
);
const ULONG_ARGS: ReadonlySet<string> = new Set(
  [...DIRECTIVES.values()].filter((d) => d.arg === 'ulong').map((d) => d.keyword),
);
const KERNEL_FAMILY: ReadonlySet<string> = new Set([
  'kernel',
  'linux',
  'boot',
  'bss',
  'pxe',
  'fdimage',
  'comboot',
  'com32',
  'config',
  'localboot',
  'none',
]);
/** Label-only directives that are silently dropped outside a label (and outside a MENU BEGIN header). */
const LABEL_ONLY: ReadonlySet<string> = new Set([
  ...KERNEL_FAMILY,
  'initrd',
  'menu indent',
  'menu goto',
  'menu exit',
  'menu quit',
  'menu help',
  'menu hide',
  'menu disable',
  'menu disabled',
]);
const _AFTER_BEGIN_OK: ReadonlySet<string> = new Set(['menu label', 'menu default', 'menu passwd']);
const HASH_CHECKED: ReadonlySet<string> = new Set([...KERNEL_FAMILY, 'append', 'initrd', 'menu label']);

/**
 * Lint a config (and, with an `include` reader, everything it includes).
 *
 * @example
 * for (const f of lint(parse(text))) console.log(`${f.line}:${f.column} ${f.code} ${f.message}`);
 */
export function lint(doc: ConfigDocument, options: LintOptions = {}): Finding[] {
  const file = options.file ?? 'pxelinux.cfg/default';
  const out: Finding[] = [];
  const derivative = options.derivative ?? 'pxelinux';
  const add = (
    code: LintCode,
    severity: Severity,
    message: string,
    f: string,
    l: ConfigLine,
    offset: number,
  ) => out.push({ code, severity, message, file: f, line: l.line, column: columnOf(l, offset) });

  // Include files are linted line by line too, each once.
  const docs: [string, ConfigDocument][] = [[file, doc]];
  const seen = new Set([file]);
  const reader: IncludeReader | undefined = options.include;
  const wrapped: IncludeReader | undefined =
    reader &&
    ((name) => {
      const r = reader(name);
      if (r === undefined) return undefined;
      const d = typeof r === 'string' ? parse(r, { encoding: doc.encoding }) : r;
      if (!seen.has(name)) {
        seen.add(name);
        docs.push([name, d]);
      }
      return d;
    });
  const base = { ...options, ...(wrapped ? { include: wrapped } : {}), includeErrors: 'report' as const };
  const core = buildModel(doc, { ...base, reader: 'core' });
  const menu = buildModel(doc, { ...base, reader: 'menu' });

  for (const [f, d] of docs) lintLines(d, f, f === file, add, derivative);
  lintModel(core, menu, add, options, doc, file);
  // A file included twice yields the same model finding twice: keep one.
  const unique = new Map<string, Finding>();
  for (const f of out) unique.set(`${f.file}\0${f.line}\0${f.column}\0${f.code}\0${f.message}`, f);
  return [...unique.values()].sort((a, b) =>
    a.file === b.file ? a.line - b.line || a.column - b.column : 0,
  );
}

type Add = (
  code: LintCode,
  severity: Severity,
  message: string,
  file: string,
  l: ConfigLine,
  offset: number,
) => void;

function lintLines(doc: ConfigDocument, file: string, isMain: boolean, add: Add, derivative: string): void {
  let labelOpen = false;
  let afterBegin = false;
  let depth = 0;
  let firstDirective = true;
  let textOpen: ConfigLine | null = null;
  for (const l of doc.lines) {
    const v = lineValue(l);
    // fgets() pieces: the continuation of an over-long line is parsed as a line of its own.
    if (l.segment === 1) {
      const bytes = byteLength(l.raw, doc.encoding);
      add(
        'PXELINUX_LINE_TOO_LONG',
        'error',
        `line is longer than ${PXELINUX_MAX_LINE - 1} bytes; SYSLINUX reads the rest (from here, ${bytes} bytes) as a separate line`,
        file,
        l,
        0,
      );
    }
    if (l.kind === 'text-body') continue;
    if (l.kind === 'text-end') {
      textOpen = null;
      continue;
    }
    if (l.contentEnd < l.raw.length && l.kind !== 'blank') {
      const c = l.raw.charAt(l.contentEnd);
      if (c === '\0')
        add(
          'PXELINUX_NUL_IN_LINE',
          'warning',
          'a NUL byte ends the line here; the rest is ignored',
          file,
          l,
          l.contentEnd,
        );
      else if (l.raw.slice(l.contentEnd + 1).trim() !== '')
        add(
          'PXELINUX_CR_IN_LINE',
          'warning',
          'a CR ends the line here; SYSLINUX ignores the rest of the line',
          file,
          l,
          l.contentEnd,
        );
    }
    // Crypt strings ($1$…, $6$…) in passwords are not template variables.
    const placeholder =
      l.keyword === 'menu passwd' || l.keyword === 'menu master passwd'
        ? undefined
        : findPlaceholder(l.raw.slice(0, l.contentEnd));
    if (l.kind === 'comment') {
      if (CHEETAH_DIRECTIVE.test(l.raw.slice(l.indentEnd)))
        add(
          'PXELINUX_TEMPLATE_PLACEHOLDER',
          'error',
          'unrendered Cheetah directive (SYSLINUX reads it as an ignored line)',
          file,
          l,
          l.indentEnd,
        );
      continue;
    }
    if (l.kind === 'blank') continue;
    if (placeholder !== undefined)
      add(
        'PXELINUX_TEMPLATE_PLACEHOLDER',
        'error',
        `unrendered ${placeholder} placeholder`,
        file,
        l,
        l.indentEnd,
      );
    if (l.kind === 'unknown') {
      if (placeholder !== undefined) continue;
      const word = firstWord(l.raw.slice(l.indentEnd, l.contentEnd));
      const lower = word.toLowerCase();
      if (lower === 'menu') {
        const rest = l.raw.slice(l.indentEnd + word.length, l.contentEnd).trim();
        const sub = firstWord(rest).toLowerCase();
        const hint =
          sub === 'timeout' || sub === 'ontimeout' || sub === 'kernel' || sub === 'append'
            ? ` (use ${sub.toUpperCase()} without MENU)`
            : '';
        const near = sub === '' ? undefined : nearest(sub, MENU_SUBCOMMANDS);
        add(
          'PXELINUX_UNKNOWN_MENU_SUBCOMMAND',
          'warning',
          sub === ''
            ? 'MENU without a subcommand is ignored'
            : `unknown MENU subcommand ${JSON.stringify(rest.split(/\s/)[0])} is ignored${hint}${near && !hint ? `; did you mean MENU ${near.toUpperCase()}?` : ''}`,
          file,
          l,
          l.indentEnd,
        );
        continue;
      }
      // `LABELfoo`, `TIMEOUT=50`, `default64`: a keyword run into its value (short keywords only
      // count when a non-letter follows, so `uid` is not `UI` + `d`).
      const glued = [...TOP_KEYWORDS].find(
        (k) =>
          lower.startsWith(k) &&
          lower.length > k.length &&
          (k.length >= 4 || !/[a-z]/.test(lower.charAt(k.length))),
      );
      if (glued !== undefined) {
        add(
          'PXELINUX_KEYWORD_GLUED',
          'warning',
          `${glued.toUpperCase()} must be followed by a blank; this line is ignored`,
          file,
          l,
          l.indentEnd,
        );
        continue;
      }
      const near = nearest(lower, TOP_KEYWORDS);
      const fkey = /^f(\d+)$/.exec(lower);
      add(
        'PXELINUX_UNKNOWN_KEYWORD',
        'warning',
        fkey
          ? `${word}: only F0 to F12 exist; this line is ignored`
          : `unknown keyword ${JSON.stringify(word)} is ignored${near ? `; did you mean ${near.toUpperCase()}?` : ''}`,
        file,
        l,
        l.indentEnd,
      );
      continue;
    }
    const kw = l.keyword as string;
    if (isMain && firstDirective && kw !== 'serial') firstDirective = false;
    else if (isMain && kw === 'serial' && !firstDirective)
      add(
        'PXELINUX_SERIAL_NOT_FIRST',
        'info',
        'SERIAL is not the first directive: output before it does not reach the serial console',
        file,
        l,
        l.indentEnd,
      );
    firstDirective = false;
    if (kw === 'text' || kw === 'text help') textOpen = l;
    // Structure.
    if (kw === 'label') {
      labelOpen = true;
      afterBegin = false;
      if (placeholder !== undefined) {
        // A template expression is not a label name; the placeholder finding covers it.
      } else if (/\s/.test(v.replace(/[\t ]+$/, '')))
        add(
          'PXELINUX_LABEL_NAME_BLANKS',
          'warning',
          'label name has blanks: ldlinux uses only the first word, menu.c32 the whole line',
          file,
          l,
          l.valueStart,
        );
      else if (/[\t ]+$/.test(v))
        add(
          'PXELINUX_TRAILING_BLANK',
          'warning',
          'trailing blanks are part of the label name in menu.c32',
          file,
          l,
          l.valueStart,
        );
    } else if (kw === 'menu begin') {
      labelOpen = false;
      afterBegin = true;
      depth++;
    } else if (kw === 'menu end') {
      labelOpen = false;
      afterBegin = false;
      if (depth === 0)
        add('PXELINUX_MENU_UNBALANCED', 'warning', 'MENU END without MENU BEGIN', file, l, l.indentEnd);
      else depth--;
    } else if (kw === 'menu separator') {
      labelOpen = false;
      afterBegin = false;
    } else if (
      !labelOpen &&
      (LABEL_ONLY.has(kw) || (kw === 'menu label' && !afterBegin) || (kw === 'menu default' && !afterBegin))
    ) {
      add(
        'PXELINUX_LABEL_ONLY_DIRECTIVE',
        'warning',
        `${kw.toUpperCase()} outside a LABEL is ignored`,
        file,
        l,
        l.indentEnd,
      );
    } else if (kw === 'menu exit' && depth === 0 && isMain) {
      add(
        'PXELINUX_EXIT_OUTSIDE_SUBMENU',
        'warning',
        'MENU EXIT in the top menu is ignored',
        file,
        l,
        l.indentEnd,
      );
    }
    if (kw === 'text help' && !labelOpen)
      add(
        'PXELINUX_LABEL_ONLY_DIRECTIVE',
        'warning',
        'TEXT HELP outside a LABEL is read and then discarded',
        file,
        l,
        l.indentEnd,
      );
    if (HASH_CHECKED.has(kw) && /(^|[\t ])#/.test(v)) {
      const at = v.search(/(^|[\t ])#/);
      add(
        'PXELINUX_HASH_IN_VALUE',
        'warning',
        kw === 'menu label'
          ? 'there are no inline comments: "#…" is shown in the menu'
          : 'there are no inline comments: "#…" is passed on as part of the value',
        file,
        l,
        l.valueStart + at + (v.charAt(at) === '#' ? 0 : 1),
      );
    }
    if (placeholder === undefined && (INT_ARGS.has(kw) || ULONG_ARGS.has(kw))) {
      const t = v.replace(/[\t ]+$/, '');
      const ok = INT_ARGS.has(kw) ? /^[+-]?\d+$/.test(t) : /^[+-]?(?:0[xX][0-9a-fA-F]+|\d+)$/.test(t);
      if (!ok)
        add(
          'PXELINUX_NOT_A_NUMBER',
          'warning',
          `${JSON.stringify(v)} is not a plain number; SYSLINUX reads only its leading digits (or 0)`,
          file,
          l,
          l.valueStart,
        );
    }
    if (kw === 'nohalt' && l.valueStart === l.keywordEnd + 1)
      add(
        'PXELINUX_NOHALT_QUIRK',
        'warning',
        'ldlinux reads NOHALT two bytes after the keyword: with one blank the value is lost (use two)',
        file,
        l,
        l.valueStart,
      );
    if (kw === 'comboot' || kw === 'fdimage')
      add(
        'PXELINUX_DEAD_KERNEL_TYPE',
        'warning',
        `${kw.toUpperCase()} images do not work in SYSLINUX 5/6`,
        file,
        l,
        l.indentEnd,
      );
    if (kw === 'kernel') {
      const w = firstWord(v);
      const hit = IMAGE_EXTENSIONS.find(([ext]) => w.toLowerCase().endsWith(ext) && !w.endsWith(ext));
      if (hit)
        add(
          'PXELINUX_UPPERCASE_EXTENSION',
          'warning',
          `the extension test is case-sensitive in 6.x: ${w} is loaded as a Linux kernel, not ${hit[1]}`,
          file,
          l,
          l.valueStart,
        );
    }
    if (kw === 'localboot' && derivative === 'pxelinux' && placeholder === undefined) {
      const n = v.trim();
      if (!/^(?:-1|0|4|5|0x0*[045])$/i.test(n))
        add(
          'PXELINUX_LOCALBOOT_VALUE',
          'warning',
          `PXELINUX knows LOCALBOOT 0, 4, 5 and -1; ${JSON.stringify(n)} is a disk number for SYSLINUX/ISOLINUX`,
          file,
          l,
          l.valueStart,
        );
    }
    if ((kw === 'menu save' || kw === 'menu nosave') && derivative === 'pxelinux')
      add(
        'PXELINUX_MENU_SAVE_IGNORED',
        'info',
        'PXELINUX has no ADV: MENU SAVE is accepted and ignored',
        file,
        l,
        l.indentEnd,
      );
    if ((kw === 'menu passwd' || kw === 'menu master passwd') && /[\t ]$/.test(v))
      add(
        'PXELINUX_TRAILING_BLANK',
        'warning',
        'trailing blanks are part of the password',
        file,
        l,
        l.contentEnd - 1,
      );
    if (kw === 'menu color' || kw === 'menu colour') lintColor(v, l, file, add);
  }
  if (textOpen !== null)
    add(
      'PXELINUX_TEXT_UNTERMINATED',
      'warning',
      'TEXT without ENDTEXT swallows the rest of the file',
      file,
      textOpen,
      textOpen.indentEnd,
    );
  if (depth > 0 && isMain) {
    const last = doc.lines[doc.lines.length - 1];
    if (last)
      add('PXELINUX_MENU_UNBALANCED', 'warning', `${depth} MENU BEGIN without MENU END`, file, last, 0);
  }
}

function lintColor(v: string, l: ConfigLine, file: string, add: Add): void {
  const parts = v.split(/[\t ]+/).filter((p) => p !== '');
  const el = (parts[0] ?? '').toLowerCase();
  if (!MENU_COLOR_ELEMENTS.includes(el) && !/^msg[0-9a-f]{2}$/.test(el)) {
    add(
      'PXELINUX_BAD_COLOR',
      'warning',
      `unknown MENU COLOR element ${JSON.stringify(parts[0] ?? '')}`,
      file,
      l,
      l.valueStart,
    );
    return;
  }
  for (const p of parts.slice(2, 4)) {
    if (p === '*') continue;
    const hex = /^#?([0-9a-fA-F]*)/.exec(p)?.[1] ?? '';
    if (![3, 4, 6, 8, 9, 12, 16].includes(hex.length))
      add(
        'PXELINUX_BAD_COLOR',
        'warning',
        `colour ${JSON.stringify(p)} has ${hex.length} hex digits; SYSLINUX shows bright red`,
        file,
        l,
        l.valueStart + v.indexOf(p),
      );
  }
}

function lintModel(
  core: ConfigModel,
  menu: ConfigModel,
  add: Add,
  options: LintOptions,
  doc: ConfigDocument,
  mainFile: string,
): void {
  // Findings from the model point at the line they came from; a synthetic line carries the position.
  const at = (_file: string, line: number): ConfigLine => ({
    raw: '',
    eol: '',
    kind: 'blank',
    indentEnd: 0,
    keywordEnd: 0,
    valueStart: 0,
    contentEnd: 0,
    line,
    segment: 0,
    column0: 0,
  });
  const exists = options.exists;
  const hasPlaceholder = (s: string) => findPlaceholder(s) !== undefined;
  // Labels.
  const seen = new Map<string, number>();
  for (const e of core.entries) {
    if (e.label === null || e.label === '') continue;
    if (seen.has(e.label))
      add(
        'PXELINUX_DUPLICATE_LABEL',
        'warning',
        `label ${JSON.stringify(e.label)} is defined again (first on line ${seen.get(e.label)}); lookups use the first`,
        e.source.file,
        at(e.source.file, e.source.line),
        0,
      );
    else seen.set(e.label, e.source.line);
    if (e.action === 'cmd' && !e.explicitKernel)
      add(
        'PXELINUX_LABEL_NO_KERNEL',
        'warning',
        `label ${JSON.stringify(e.label)} has no KERNEL-like line: it boots a file named ${JSON.stringify(e.label)}`,
        e.source.file,
        at(e.source.file, e.source.line),
        0,
      );
    if (e.action === 'cmd') {
      const cmd = entryCommandLine(e);
      if (byteLength(cmd, doc.encoding) >= 2048)
        add(
          'PXELINUX_CMDLINE_TOO_LONG',
          'error',
          `the command line of ${e.label} is ${byteLength(cmd, doc.encoding)} bytes; ldlinux refuses 2048 or more ("cmdline too long")`,
          e.source.file,
          at(e.source.file, e.source.line),
          0,
        );
      if (
        exists &&
        e.kernel !== null &&
        !hasPlaceholder(e.kernel) &&
        e.kernelType !== 'localboot' &&
        e.kernelType !== 'none'
      ) {
        let k = firstWord(e.kernel);
        if (e.kernelType === 'com32' && !k.endsWith('.c32')) k += '.c32';
        if (k !== '' && !exists(k))
          add(
            'PXELINUX_MISSING_FILE',
            'error',
            `${k} (image of ${e.label}) does not exist`,
            e.source.file,
            at(e.source.file, e.source.line),
            0,
          );
      }
      if (exists && e.initrd !== null && !hasPlaceholder(e.initrd)) {
        for (const f of firstWord(e.initrd).split(',')) {
          if (f !== '' && !exists(f))
            add(
              'PXELINUX_MISSING_FILE',
              'error',
              `initrd ${f} (of ${e.label}) does not exist`,
              e.source.file,
              at(e.source.file, e.source.line),
              0,
            );
        }
      }
    }
  }
  // Menus (as menu.c32 sees them).
  for (const m of menu.menus) {
    const defaults = m.entries.map((i) => menu.entries[i]).filter((e) => e?.menuDefault);
    if (defaults.length > 1) {
      const e = defaults[1];
      if (e)
        add(
          'PXELINUX_MULTIPLE_MENU_DEFAULT',
          'warning',
          `${defaults.length} entries of menu ${m.tag ?? '(untitled)'} have MENU DEFAULT; the last one wins`,
          e.source.file,
          at(e.source.file, e.source.line),
          0,
        );
    }
  }
  for (const e of menu.entries) {
    if (e.hotkeyLost !== null)
      add(
        'PXELINUX_HOTKEY_CLASH',
        'warning',
        `hotkey ${e.hotkeyLost} of ${JSON.stringify(e.displayName)} is already taken in this menu; it gets none`,
        e.source.file,
        at(e.source.file, e.source.line),
        0,
      );
    if (e.action === 'disabled' && e.gotoTag !== null)
      add(
        'PXELINUX_GOTO_UNKNOWN_TAG',
        'warning',
        `no menu is tagged ${JSON.stringify(e.gotoTag)}; the entry is disabled`,
        e.source.file,
        at(e.source.file, e.source.line),
        0,
      );
  }
  // DEFAULT / ONTIMEOUT.
  const g = core.globals;
  const lineOf = (kw: string): ConfigLine | undefined => {
    let last: ConfigLine | undefined;
    for (const l of doc.lines) if (l.kind === 'directive' && l.keyword === kw) last = l;
    return last;
  };
  if (g.default !== null && !hasPlaceholder(g.default)) {
    const l = lineOf('default') ?? at(mainFile, 1);
    const isLabel = findLabelEntry(core.entries, g.default) !== undefined;
    if (g.hasUi && !isLabel)
      add(
        'PXELINUX_DEFAULT_MISSING_LABEL',
        'error',
        `DEFAULT ${JSON.stringify(firstWord(g.default))} is not a label; with UI the menu starts on its first entry instead`,
        mainFile,
        l,
        l.valueStart,
      );
    else if (!g.hasUi && !isLabel && exists) {
      const w = firstWord(g.default);
      const found =
        inferImageType(w) !== 'kernel'
          ? exists(w)
          : exists(w) || IMAGE_EXTENSIONS.some(([ext]) => exists(w + ext));
      if (!found)
        add(
          'PXELINUX_DEFAULT_MISSING_LABEL',
          'error',
          `DEFAULT ${JSON.stringify(w)} is neither a label nor an existing file`,
          mainFile,
          l,
          l.valueStart,
        );
    }
  }
  for (const l of doc.lines) {
    if (l.kind !== 'directive' || l.keyword !== 'ontimeout') continue;
    const v = lineValue(l);
    if (hasPlaceholder(v) || findLabelEntry(core.entries, v) || inferImageType(v) !== 'kernel') continue;
    const w = firstWord(v);
    if (exists ? !(exists(w) || IMAGE_EXTENSIONS.some(([ext]) => exists(w + ext))) : true)
      add(
        'PXELINUX_ONTIMEOUT_MISSING_LABEL',
        exists ? 'error' : 'warning',
        `ONTIMEOUT ${JSON.stringify(w)} is not a label${exists ? ' nor an existing file' : ''}`,
        mainFile,
        l,
        l.valueStart,
      );
  }
  // Directives only menu.c32 reads, in a file that never starts it (no UI/DEFAULT naming the menu).
  const menuModule = /^(?:.*[/:])?(?:vesa)?menu(?:\.c32)?$/;
  const startsMenu =
    (g.hasUi && g.ui !== null && menuModule.test(firstWord(g.ui))) ||
    (!g.hasUi && g.default !== null && menuModule.test(firstWord(g.default)));
  const uiIsOther = g.hasUi && !startsMenu;
  if (!startsMenu && !uiIsOther) {
    for (const l of doc.lines) {
      if (l.kind !== 'directive' || l.keyword === undefined) continue;
      const info = DIRECTIVES.get(l.keyword);
      const taggedInclude = l.keyword === 'include' && /\S\s+\S/.test(lineValue(l));
      if (info?.readBy === 'menu' || taggedInclude)
        add(
          'PXELINUX_MENU_ONLY_DIRECTIVE',
          'info',
          taggedInclude
            ? 'only menu.c32 turns INCLUDE file tag into a submenu, and no menu is started by this file'
            : `${l.keyword.toUpperCase()} is read only by menu.c32/vesamenu.c32, and no menu is started by this file`,
          mainFile,
          l,
          l.indentEnd,
        );
    }
  }
  // Files named by global directives of the main file, reported on their line.
  if (exists) {
    for (const l of doc.lines) {
      if (l.kind !== 'directive' || l.keyword === undefined) continue;
      const v = lineValue(l);
      let name: string | undefined;
      let what = '';
      if (l.keyword === 'ui') {
        const w = firstWord(v);
        name = inferImageType(w) !== 'kernel' ? w : `${w}.c32`;
        what = 'UI module';
      } else if (l.keyword === 'display' || l.keyword === 'font') {
        name = firstWord(v);
        what = l.keyword.toUpperCase();
      } else if (/^f\d+$/.test(l.keyword)) {
        name = firstWord(v);
        what = 'help file';
      }
      if (name === undefined || name === '' || hasPlaceholder(name) || exists(name)) continue;
      add('PXELINUX_MISSING_FILE', 'error', `${what} ${name} does not exist`, mainFile, l, l.valueStart);
    }
  }
  // Includes.
  for (const inc of core.includes) {
    const l = at(inc.from.file, inc.from.line);
    if (inc.status === 'cycle')
      add(
        'PXELINUX_INCLUDE_CYCLE',
        'error',
        `${inc.target} includes itself (directly or not); SYSLINUX would recurse until it runs out of memory`,
        inc.from.file,
        l,
        0,
      );
    else if (inc.status === 'depth')
      add(
        'PXELINUX_INCLUDE_DEPTH',
        'error',
        `include of ${inc.target} is nested deeper than ${options.maxIncludeDepth ?? 16} levels`,
        inc.from.file,
        l,
        0,
      );
    else if (inc.status === 'missing' && options.include && !hasPlaceholder(inc.target))
      add(
        'PXELINUX_INCLUDE_MISSING',
        'warning',
        `${inc.target} does not exist; SYSLINUX skips the INCLUDE silently`,
        inc.from.file,
        l,
        0,
      );
  }
}

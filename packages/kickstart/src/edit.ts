/**
 * Editing a parsed kickstart. Every edit returns a new document and changes only the lines it
 * touches: other lines keep their bytes, order, comments and line terminators. Inside a command
 * line, `setOption` even keeps the other words as written (quotes, `=` or blank form, abbreviations).
 * New lines use the document's own line terminator.
 */
import { parseArgs } from './args.js';
import {
  type CommandInput,
  formatCommand,
  formatOptions,
  formatSectionHeader,
  packageLine,
} from './build.js';
import {
  type CommandNode,
  detectEol,
  type KickstartDocument,
  parseKickstart,
  type SectionNode,
} from './cst.js';
import { KickstartError } from './errors.js';
import { joinLines } from './lines.js';
import type { OptionValue } from './model.js';
import { type PackageItem, parsePackageLine } from './packages.js';
import { commandObject, getCommand } from './registry.js';
import { DEFAULT_VERSION, type KickstartVersion, toVersion } from './versions.js';

export interface EditOptions {
  /** Version whose option table decides abbreviations (default DEVEL). */
  readonly version?: KickstartVersion | string;
}

function versionOf(o: EditOptions): KickstartVersion {
  if (o.version === undefined) return DEFAULT_VERSION;
  const v = toVersion(o.version);
  if (v === null)
    throw new KickstartError('KS_ERR_UNKNOWN_VERSION', `unsupported version ${String(o.version)}`);
  return v;
}

/**
 * Mutable line list. Insertion respects a missing final newline, and every edit avoids the one way
 * joining lines could change other lines: a line ending in a lone `\r` followed by an empty line
 * ending in `\n` would read back as one `\r\n` (Python's `splitlines` and ours agree on that).
 */
class LineBuffer {
  private readonly lines: { text: string; eol: string; touched: boolean }[];
  constructor(
    doc: KickstartDocument,
    private readonly eol: string,
  ) {
    this.lines = doc.lines.map((l) => ({ text: l.text, eol: l.eol, touched: false }));
  }
  replace(index: number, text: string): void {
    const l = this.lines[index]!;
    this.lines[index] = { text, eol: l.eol, touched: true };
  }
  insert(index: number, texts: readonly string[]): void {
    if (texts.length === 0) return;
    const fresh = texts.map((text) => ({ text, eol: this.eol, touched: true }));
    if (index === this.lines.length) {
      const last = this.lines[index - 1];
      if (last !== undefined && last.eol === '') {
        // Keep "no newline at end of file": the old last line gets one, the new last line does not.
        this.lines[index - 1] = { ...last, eol: this.eol };
        fresh[fresh.length - 1]!.eol = '';
      }
    }
    this.lines.splice(index, 0, ...fresh);
  }
  remove(indexes: readonly number[]): void {
    for (const i of [...indexes].sort((a, b) => b - a)) {
      const prev = this.lines[i - 1];
      const next = this.lines[i + 1];
      if (
        prev?.eol === '\r' &&
        !prev.touched &&
        next?.text === '' &&
        next.eol.startsWith('\n') &&
        !next.touched
      ) {
        // Removing the line would glue two untouched lines into one: leave an empty line instead.
        this.lines[i] = { text: '', eol: '\r\n', touched: true };
      } else {
        this.lines.splice(i, 1);
      }
    }
  }
  done(): KickstartDocument {
    for (let i = 0; i + 1 < this.lines.length; i++) {
      const a = this.lines[i]!;
      const b = this.lines[i + 1]!;
      if (a.eol !== '\r' || b.text !== '' || !b.eol.startsWith('\n')) continue;
      if (a.touched) a.eol = '\r\n';
      else if (b.touched) b.eol = '\r';
    }
    return parseKickstart(joinLines(this.lines));
  }
}

/** Where new commands go: after the last top-level command, else before the first section, else at the end. */
function commandInsertIndex(doc: KickstartDocument): number {
  let last = -1;
  let firstSection = -1;
  for (const n of doc.nodes) {
    if (n.kind === 'command' || n.kind === 'include') last = n.line;
    if (n.kind === 'section' && firstSection < 0) firstSection = n.header.line;
  }
  if (last >= 0) return last + 1;
  if (firstSection >= 0) return firstSection;
  return doc.lines.length;
}

function commandNodes(doc: KickstartDocument): CommandNode[] {
  return doc.nodes.filter((n): n is CommandNode => n.kind === 'command');
}

/** Keeps the indentation and trailing comment of a line whose command is rewritten. */
function rewriteLine(old: string, node: CommandNode, command: string): string {
  const indent = /^\s*/u.exec(old)![0];
  const comment = node.commentStart >= 0 ? ` ${old.slice(node.commentStart)}` : '';
  return indent + command + comment;
}

/**
 * Appends a command after the last command line (for accumulating commands such as `network`,
 * `part`, `user`, `repo`).
 *
 * @example addCommand(doc, { name: 'network', options: { bootproto: 'dhcp', device: 'bootif' } })
 */
export function addCommand(doc: KickstartDocument, input: CommandInput): KickstartDocument {
  const buf = new LineBuffer(doc, detectEol(doc));
  buf.insert(commandInsertIndex(doc), [formatCommand(input)]);
  return buf.done();
}

/**
 * Sets a single-instance command: rewrites the line that currently wins (the last one writing the
 * same object, so `setCommand(doc, { name: 'text' })` replaces a `graphical` line), keeping its
 * indentation and comment, or adds the command when it is absent.
 */
export function setCommand(doc: KickstartDocument, input: CommandInput): KickstartDocument {
  const spec = getCommand(input.name);
  const object = spec ? commandObject(spec) : input.name;
  const target = commandNodes(doc).findLast((n) => {
    const s = getCommand(n.name);
    return (s ? commandObject(s) : n.name) === object;
  });
  if (target === undefined) return addCommand(doc, input);
  const buf = new LineBuffer(doc, detectEol(doc));
  buf.replace(target.line, rewriteLine(doc.lines[target.line]!.text, target, formatCommand(input)));
  return buf.done();
}

/** Removes every command line with this name (or matching the predicate). */
export function removeCommands(
  doc: KickstartDocument,
  which: string | ((node: CommandNode) => boolean),
): KickstartDocument {
  const match = typeof which === 'string' ? (n: CommandNode) => n.name === which : which;
  const buf = new LineBuffer(doc, detectEol(doc));
  buf.remove(
    commandNodes(doc)
      .filter(match)
      .map((n) => n.line),
  );
  return buf.done();
}

/**
 * Sets (or with `null`, removes) one option on the command at a 1-based line. Only the words of
 * that option change: an existing occurrence (under any spelling, abbreviation or alias) is replaced
 * in place, further occurrences are removed, and a new option is appended after the last word.
 *
 * @example setOption(doc, 3, '--bootproto', 'static')
 */
export function setOption(
  doc: KickstartDocument,
  line: number,
  option: string,
  value: OptionValue | number | boolean | null,
  options: EditOptions = {},
): KickstartDocument {
  const node = commandNodes(doc).find((n) => n.line === line - 1);
  if (node === undefined || node.problem?.kind === 'unclosed-quote')
    throw new KickstartError('KS_ERR_NO_SUCH_LINE', `line ${line} is not a command`);
  const spec = getCommand(node.name);
  if (!spec || spec.freeform)
    throw new KickstartError('KS_ERR_NO_SUCH_LINE', `${node.name} on line ${line} has no options`);
  const key = option.startsWith('-') ? option : `--${option}`;
  const target = spec.options.find((s) => s.name === key || s.aliases?.includes(key));
  const canonical = target ? (target.dest ?? target.name) : key;
  const parsed = parseArgs(node.words.slice(1), spec.options, versionOf(options));
  const hits = parsed.options.filter((o) => (o.spec.dest ?? o.spec.name) === canonical);
  const rendered =
    value === null || value === false
      ? ''
      : formatOptions(spec.options, { [target?.name ?? key]: value }).join(' ');
  const text = doc.lines[node.line]!.text;
  // Spans to cut, from the blank before the option to the end of its value word.
  const spans = hits.map((h) => ({ start: h.token.start, end: (h.valueToken ?? h.token).end }));
  let out = text;
  if (spans.length === 0) {
    if (rendered === '') return doc;
    const lastWord = node.words[node.words.length - 1]!;
    out = `${text.slice(0, lastWord.end)} ${rendered}${text.slice(lastWord.end)}`;
  } else {
    for (let i = spans.length - 1; i >= 0; i--) {
      const s = spans[i]!;
      if (i === 0 && rendered !== '') {
        out = out.slice(0, s.start) + rendered + out.slice(s.end);
      } else {
        let from = s.start;
        while (from > 0 && (out[from - 1] === ' ' || out[from - 1] === '\t')) from--;
        out = out.slice(0, from) + out.slice(s.end);
      }
    }
  }
  const buf = new LineBuffer(doc, detectEol(doc));
  buf.replace(node.line, out);
  return buf.done();
}

function packageSections(doc: KickstartDocument): SectionNode[] {
  return doc.nodes.filter((n): n is SectionNode => n.kind === 'section' && n.name === '%packages');
}

/**
 * Adds items to the last `%packages` section (before its `%end`), or appends a new section.
 *
 * @example addPackageItems(doc, [{ kind: 'package', name: 'vim-enhanced' }])
 */
export function addPackageItems(doc: KickstartDocument, items: readonly PackageItem[]): KickstartDocument {
  const texts = items.map(packageLine);
  const eol = detectEol(doc);
  const buf = new LineBuffer(doc, eol);
  const last = packageSections(doc).at(-1);
  if (last === undefined) {
    buf.insert(doc.lines.length, ['%packages', ...texts, '%end']);
  } else {
    const at = last.end ? last.end.line : (last.body.at(-1)?.line ?? last.header.line) + 1;
    buf.insert(at, texts);
  }
  return buf.done();
}

/** Removes `%packages` body lines whose item matches. */
export function removePackageItems(
  doc: KickstartDocument,
  match: (item: PackageItem) => boolean,
): KickstartDocument {
  const drop: number[] = [];
  for (const s of packageSections(doc))
    for (const b of s.body) {
      if (b.kind !== 'body') continue;
      const item = parsePackageLine(doc.lines[b.line]!.text).item;
      if (item && match(item)) drop.push(b.line);
    }
  const buf = new LineBuffer(doc, detectEol(doc));
  buf.remove(drop);
  return buf.done();
}

/** Appends a script section at the end of the file. */
export function addScript(
  doc: KickstartDocument,
  type: '%pre' | '%pre-install' | '%post' | '%onerror' | '%traceback',
  body: string,
  options: Readonly<Record<string, OptionValue | number | boolean | undefined>> = {},
): KickstartDocument {
  const header = formatSectionHeader(type, options);
  const lines = body === '' ? [] : (body.endsWith('\n') ? body.slice(0, -1) : body).split('\n');
  const check = parseKickstart([header, ...lines, '%end', ''].join('\n'));
  const sec = check.nodes[0];
  if (check.nodes.length !== 1 || sec?.kind !== 'section' || sec.end?.line !== lines.length + 1)
    throw new KickstartError('KS_ERR_UNREPRESENTABLE', `script body would not stay inside ${type}`);
  const eol = detectEol(doc);
  const buf = new LineBuffer(doc, eol);
  // In a CRLF file the CR of a CRLF body line comes from the terminator: keeping it would double it.
  const written = eol === '\r\n' ? lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)) : lines;
  buf.insert(doc.lines.length, [header, ...written, '%end']);
  return buf.done();
}

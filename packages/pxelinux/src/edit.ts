/**
 * Editing API: each function returns a new document in which only the lines it had to change
 * differ; every other line keeps its exact text, case, indentation and terminator. New lines copy
 * the file's style (keyword case, label indentation, line ending).
 */

import { type LabelSpec, renderLabel } from './build.js';
import { type ConfigDocument, type ConfigLine, format, parse } from './cst.js';
import { PXELINUX_ERROR_CODES, PxelinuxError } from './errors.js';
import { DIRECTIVES, KERNEL_TYPES } from './keywords.js';
import { firstWord } from './model.js';
import { checkValue, detectStyle, renderLine, type WriteStyle } from './style.js';

/** Lines that close an open label in readconfig.c (they call `record()`). */
const CLOSES_LABEL: ReadonlySet<string> = new Set(['label', 'menu begin', 'menu end', 'menu separator']);

const KERNEL_KEYWORDS: ReadonlySet<string> = new Set(KERNEL_TYPES);

/** Structural lines are not values: they would open TEXT blocks, menus or labels. */
const STRUCTURAL: ReadonlySet<string> = new Set([
  'text',
  'menu',
  'label',
  'menu begin',
  'menu end',
  'menu separator',
  'menu include',
  'include',
]);

interface Span {
  /** Index of the LABEL line. */
  readonly start: number;
  /** One past the last line of the label (next closing line or end of file). */
  readonly end: number;
  /** One past the last non-blank, non-comment line of the label. */
  readonly contentEnd: number;
}

function rebuild(doc: ConfigDocument, texts: readonly string[]): ConfigDocument {
  return parse(texts.join(''), { encoding: doc.encoding, maxLength: Number.MAX_SAFE_INTEGER });
}

function texts(doc: ConfigDocument): string[] {
  return doc.lines.map((l) => l.raw + l.eol);
}

/**
 * A line after which a new line may go: a directive other than a TEXT start (a line inserted after
 * `TEXT HELP` would become help text), or the ENDTEXT that closes a block.
 */
function isContent(l: ConfigLine): boolean {
  if (l.kind === 'text-end') return true;
  return l.kind === 'directive' && l.keyword !== 'text' && l.keyword !== 'text help';
}

/** Label spans by name, as ldlinux names them (first word), first definition wins. */
export function labelSpans(doc: ConfigDocument): Map<string, Span> {
  const spans = new Map<string, Span>();
  const lines = doc.lines;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as ConfigLine;
    if (l.keyword !== 'label' || l.kind !== 'directive') continue;
    let end = i + 1;
    let contentEnd = i + 1;
    for (; end < lines.length; end++) {
      const m = lines[end] as ConfigLine;
      if (m.kind === 'directive' && m.keyword !== undefined && CLOSES_LABEL.has(m.keyword)) break;
      if (isContent(m)) contentEnd = end + 1;
    }
    const name = firstWord(l.raw.slice(l.valueStart, l.contentEnd));
    if (!spans.has(name)) spans.set(name, { start: i, end, contentEnd });
  }
  return spans;
}

function spanOf(doc: ConfigDocument, label: string): Span {
  const s = labelSpans(doc).get(label);
  if (!s) throw new PxelinuxError(PXELINUX_ERROR_CODES.NO_SUCH_LABEL, `no label ${JSON.stringify(label)}`);
  return s;
}

/** Replace the value of a directive line, keeping indentation, keyword spelling and any ignored tail. */
function withValue(l: ConfigLine, value: string): string {
  const head = l.raw.slice(0, l.valueStart);
  const sep = l.valueStart === l.keywordEnd && value !== '' ? ' ' : '';
  return head + sep + value + l.raw.slice(l.contentEnd) + l.eol;
}

function ensureEol(t: string[], style: WriteStyle): void {
  const last = t.length - 1;
  if (last >= 0 && !(t[last] as string).endsWith('\n')) t[last] = `${t[last]}${style.eol}`;
}

function isGlobalLine(doc: ConfigDocument, i: number, spans: Map<string, Span>): boolean {
  const l = doc.lines[i];
  if (l?.kind !== 'directive') return false;
  // Only APPEND-like directives (scope `both`/`label`) belong to the label they follow; TIMEOUT,
  // DEFAULT, UI… set the global value wherever they are, so a later one inside a label still wins.
  const scope = l.keyword === undefined ? undefined : DIRECTIVES.get(l.keyword)?.scope;
  if (scope !== 'both' && scope !== 'label') return true;
  for (const s of spans.values()) if (i > s.start && i < s.end) return false;
  return true;
}

/**
 * Set (or with `null` remove) a global directive. The last occurrence is changed, since the last
 * one wins; a new line goes after the last global directive before the first label.
 *
 * @example
 * setGlobal(doc, 'timeout', '100');
 */
export function setGlobal(doc: ConfigDocument, keyword: string, value: string | null): ConfigDocument {
  if ((!DIRECTIVES.has(keyword) && !/^f(?:[0-9]|1[0-2])$/.test(keyword)) || STRUCTURAL.has(keyword)) {
    throw new PxelinuxError(
      PXELINUX_ERROR_CODES.INVALID_VALUE,
      `unknown directive ${JSON.stringify(keyword)}`,
    );
  }
  const style = detectStyle(doc);
  const t = texts(doc);
  const spans = labelSpans(doc);
  const hits: number[] = [];
  doc.lines.forEach((l, i) => {
    if (l.keyword === keyword && isGlobalLine(doc, i, spans)) hits.push(i);
  });
  if (value === null) {
    for (const i of hits.reverse()) t.splice(i, 1);
    return rebuild(doc, t);
  }
  checkValue(value, keyword);
  const last = hits[hits.length - 1];
  if (last !== undefined) {
    t[last] = withValue(doc.lines[last] as ConfigLine, value);
    return rebuild(doc, t);
  }
  let at = 0;
  for (let i = 0; i < doc.lines.length; i++) {
    const l = doc.lines[i] as ConfigLine;
    if (l.kind === 'directive' && (l.keyword === 'label' || l.keyword === 'menu begin')) break;
    if (isContent(l)) at = i + 1;
  }
  if (at === t.length) ensureEol(t, style);
  t.splice(at, 0, renderLine(keyword, value, style) + style.eol);
  return rebuild(doc, t);
}

/**
 * Set (or with `null` remove) a directive inside a label. The kernel family (KERNEL, LINUX,
 * COM32…) is one slot: setting any of them replaces whichever one is there.
 *
 * @example
 * setLabelDirective(doc, 'install', 'append', 'quiet inst.ks=http://10.0.0.1/ks.cfg');
 */
export function setLabelDirective(
  doc: ConfigDocument,
  label: string,
  keyword: string,
  value: string | null,
): ConfigDocument {
  if (!DIRECTIVES.has(keyword) || STRUCTURAL.has(keyword)) {
    throw new PxelinuxError(
      PXELINUX_ERROR_CODES.INVALID_VALUE,
      `not a label directive: ${JSON.stringify(keyword)}`,
    );
  }
  const span = spanOf(doc, label);
  const style = detectStyle(doc);
  const t = texts(doc);
  const same = (k: string | undefined) =>
    k !== undefined && (k === keyword || (KERNEL_KEYWORDS.has(keyword) && KERNEL_KEYWORDS.has(k)));
  const hits: number[] = [];
  for (let i = span.start + 1; i < span.end; i++) {
    const l = doc.lines[i] as ConfigLine;
    if (l.kind === 'directive' && same(l.keyword)) hits.push(i);
  }
  if (value === null) {
    for (const i of hits.reverse()) t.splice(i, 1);
    return rebuild(doc, t);
  }
  checkValue(value, keyword);
  const last = hits[hits.length - 1];
  if (last !== undefined) {
    const l = doc.lines[last] as ConfigLine;
    t[last] =
      l.keyword === keyword
        ? withValue(l, value)
        : renderLine(keyword, value, style, l.raw.slice(0, l.indentEnd)) + l.eol;
    return rebuild(doc, t);
  }
  const at = span.contentEnd;
  if (at === t.length) ensureEol(t, style);
  t.splice(at, 0, renderLine(keyword, value === '' ? null : value, style, style.indent) + style.eol);
  return rebuild(doc, t);
}

/** Remove a label and its body (trailing blank and comment lines of the label are kept). */
export function removeLabel(doc: ConfigDocument, label: string): ConfigDocument {
  const span = spanOf(doc, label);
  const t = texts(doc);
  t.splice(span.start, span.contentEnd - span.start);
  return rebuild(doc, t);
}

/** Rename a label (only its LABEL line changes). */
export function renameLabel(doc: ConfigDocument, from: string, to: string): ConfigDocument {
  const span = spanOf(doc, from);
  if (to === '' || /[\0-\x20\x7f]/.test(to)) {
    throw new PxelinuxError(
      PXELINUX_ERROR_CODES.INVALID_VALUE,
      `label ${JSON.stringify(to)}: must be one word`,
    );
  }
  const l = doc.lines[span.start] as ConfigLine;
  const v = l.raw.slice(l.valueStart, l.contentEnd);
  const t = texts(doc);
  t[span.start] = withValue(l, to + v.slice(firstWord(v).length));
  return rebuild(doc, t);
}

/**
 * Add a label, after an existing label's body or at the end of the file, in the file's style.
 *
 * @example
 * addLabel(doc, { label: 'rescue', kernel: 'vmlinuz', append: 'rescue' }, { after: 'install' });
 */
export function addLabel(
  doc: ConfigDocument,
  spec: LabelSpec,
  options: { after?: string } = {},
): ConfigDocument {
  const style = detectStyle(doc);
  const t = texts(doc);
  const rendered = renderLabel(spec, style).map((l) => l + style.eol);
  let at = t.length;
  if (options.after !== undefined) at = spanOf(doc, options.after).contentEnd;
  if (at === t.length) ensureEol(t, style);
  t.splice(at, 0, ...rendered);
  return rebuild(doc, t);
}

/** The text of a document; the same as `format`, re-exported for symmetry with the editor. */
export function toText(doc: ConfigDocument): string {
  return format(doc);
}

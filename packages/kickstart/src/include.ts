/**
 * `%include` and `%ksappend` resolution through an injected reader (the core never touches `fs` or
 * the network), and `flatten`: one self-contained kickstart.
 *
 * What pykickstart/Anaconda do, and what we copy:
 * - `%ksappend URL` is a textual pre-processing step: the line is replaced by the fetched file, anywhere
 *   (even inside sections). pykickstart takes the URL as `line.split(' ')[1]`; we pass the reader the
 *   target as the author meant it (second word) and validation warns about the separator.
 * - `%include PATH-or-URL` is processed by the parser, at top level and inside sections (the included
 *   lines continue the current section: that is how Fedora includes `%post` fragments). pykickstart
 *   tries the path as given, then relative to the including file's directory: the reader gets both
 *   the target and the including file's name and decides.
 * - Anaconda runs `%pre` before it reads `%include`, so targets such as `/tmp/part-include` are
 *   written at install time. `isRuntimeTarget` (default: paths under `/tmp/`) marks those: they are
 *   left in place and reported as `info`, not as missing files.
 * - `ksflatten` silently drops `%ksappend` content (it never runs the pre-processor); we keep it.
 */
import { type KickstartDocument, parseKickstart } from './cst.js';
import type { Finding } from './errors.js';

/** What a reader returns: a stable id (canonical path or URL, used for cycle detection) and the text. */
export interface IncludeSource {
  readonly id: string;
  readonly text: string;
}

/**
 * Reads an include target. `from` is the id of the including file (undefined for the root).
 * Return null when the target does not exist; throw for other failures (reported as not found with the message).
 */
export type IncludeReader = (
  target: string,
  from: string | undefined,
  kind: 'include' | 'ksappend',
) => IncludeSource | null | Promise<IncludeSource | null>;

export interface ResolveOptions {
  readonly reader: IncludeReader;
  /** Id of the root document (for relative targets and findings). */
  readonly file?: string;
  /** Nesting limit (default 10). */
  readonly maxDepth?: number;
  /** Limit on the total size of all text read, in UTF-16 code units (default 16 Mi). */
  readonly maxTotalSize?: number;
  /** Targets created at install time by `%pre` (default: absolute paths under `/tmp/`). */
  readonly isRuntimeTarget?: (target: string) => boolean;
  /** Keep each resolved directive as a comment line (`#%include x`) above its content (default true). */
  readonly keepDirectives?: boolean;
}

/** Where a line of the flattened text came from. */
export interface LineOrigin {
  readonly file: string | undefined;
  /** 1-based line in that file. */
  readonly line: number;
}

export interface ResolvedKickstart {
  readonly text: string;
  readonly document: KickstartDocument;
  /** One entry per line of `document`. */
  readonly origins: readonly LineOrigin[];
  readonly findings: readonly Finding[];
  /** Ids of every file read, in order. */
  readonly files: readonly string[];
}

export const DEFAULT_MAX_INCLUDE_DEPTH = 10;
export const DEFAULT_MAX_TOTAL_SIZE: number = 16 * 1024 * 1024;

interface State {
  readonly options: ResolveOptions;
  readonly out: string[];
  readonly origins: LineOrigin[];
  readonly findings: Finding[];
  readonly files: string[];
  total: number;
}

/**
 * Appends one output line. Every line gets a terminator (an included file without a final newline
 * must not glue its last line to the next), and a lone `\r` is never followed by an empty `\n` line,
 * which would read back as one `\r\n` and shift every later line.
 */
function emit(st: State, text: string, eol: string, origin: LineOrigin): void {
  const prev = st.out.length - 1;
  if (text === '' && eol === '\n' && prev >= 0 && st.out[prev]!.endsWith('\r')) st.out[prev] += '\n';
  st.out.push(text + (eol === '' ? '\n' : eol));
  st.origins.push(origin);
}

const defaultRuntime = (t: string): boolean => t.startsWith('/tmp/');

async function expand(
  st: State,
  text: string,
  file: string | undefined,
  stack: readonly string[],
): Promise<void> {
  const doc = parseKickstart(text);
  const directives = new Map<number, { kind: 'include' | 'ksappend'; target: string | null }>();
  for (const n of doc.nodes) {
    if (n.kind === 'include' || n.kind === 'ksappend') directives.set(n.line, directive(n));
    if (n.kind === 'section')
      for (const b of n.body)
        if (b.kind === 'include' || b.kind === 'ksappend') directives.set(b.line, directive(b));
  }
  const keep = st.options.keepDirectives !== false;
  const maxDepth = st.options.maxDepth ?? DEFAULT_MAX_INCLUDE_DEPTH;
  const maxTotal = st.options.maxTotalSize ?? DEFAULT_MAX_TOTAL_SIZE;
  for (let i = 0; i < doc.lines.length; i++) {
    const l = doc.lines[i]!;
    const d = directives.get(i);
    const emitSelf = (): void => emit(st, l.text, l.eol, { file, line: i + 1 });
    if (d === undefined || d.target === null || d.target === '') {
      emitSelf();
      continue;
    }
    const finding = (code: string, severity: Finding['severity'], message: string): void => {
      const f: Finding = { code, severity, message, line: i + 1, column: 1 };
      st.findings.push(file !== undefined ? { ...f, file } : f);
    };
    if ((st.options.isRuntimeTarget ?? defaultRuntime)(d.target)) {
      finding('KS_INCLUDE_RUNTIME', 'info', `${d.target} is created at install time (by %pre); left as is`);
      emitSelf();
      continue;
    }
    if (stack.length >= maxDepth) {
      finding('KS_INCLUDE_DEPTH', 'error', `%${d.kind} nesting deeper than ${maxDepth}`);
      emitSelf();
      continue;
    }
    let src: IncludeSource | null;
    try {
      src = await st.options.reader(d.target, file, d.kind);
    } catch (e) {
      finding('KS_INCLUDE_NOT_FOUND', 'error', `cannot read ${d.target}: ${(e as Error).message}`);
      emitSelf();
      continue;
    }
    if (src === null) {
      finding('KS_INCLUDE_NOT_FOUND', 'error', `${d.target} not found`);
      emitSelf();
      continue;
    }
    if (stack.includes(src.id) || src.id === file) {
      finding('KS_INCLUDE_CYCLE', 'error', `${d.target} includes itself (${[...stack, src.id].join(' → ')})`);
      emitSelf();
      continue;
    }
    st.total += src.text.length;
    if (st.total > maxTotal) {
      finding('KS_INCLUDE_TOO_LARGE', 'error', `included text exceeds ${maxTotal} characters`);
      emitSelf();
      continue;
    }
    st.files.push(src.id);
    if (keep) emit(st, `#${l.text.trim()}`, l.eol, { file, line: i + 1 });
    await expand(st, src.text, src.id, [...stack, src.id]);
  }
}

function directive(
  n: { kind: 'include'; target: string | null } | { kind: 'ksappend'; intended: string | null },
): {
  kind: 'include' | 'ksappend';
  target: string | null;
} {
  return n.kind === 'include'
    ? { kind: 'include', target: n.target }
    : { kind: 'ksappend', target: n.intended };
}

/**
 * Resolves every `%include` and `%ksappend` recursively, within depth, cycle and size limits, and
 * returns the flattened text, its document, and where each line came from. Lines of included
 * files always end with a line terminator in the output, so a file without a final newline cannot
 * glue its last line to the next one.
 *
 * @example
 * const files = { 'repo.ks': 'url --url=http://mirror/os\n' };
 * const r = await resolveIncludes(parseKickstart('%include repo.ks\n'), {
 *   reader: (t) => (t in files ? { id: t, text: files[t] } : null),
 * });
 * r.text; // '#%include repo.ks\nurl --url=http://mirror/os\n'
 */
export async function resolveIncludes(
  doc: KickstartDocument,
  options: ResolveOptions,
): Promise<ResolvedKickstart> {
  const st: State = { options, out: [], origins: [], findings: [], files: [], total: 0 };
  const text = doc.lines.map((l) => l.text + l.eol).join('');
  await expand(st, text, options.file, options.file !== undefined ? [options.file] : []);
  // The root's own last line keeps its (possibly missing) terminator.
  const lastRoot = doc.lines.at(-1);
  if (
    lastRoot &&
    lastRoot.eol === '' &&
    st.origins.at(-1)?.file === options.file &&
    st.origins.at(-1)?.line === doc.lines.length
  ) {
    const last = st.out.length - 1;
    st.out[last] = st.out[last]!.replace(/\n$/, '');
  }
  const flat = st.out.join('');
  const flatDoc = parseKickstart(flat);
  return {
    text: flat,
    document: flatDoc,
    origins: st.origins,
    findings: st.findings,
    files: st.files,
  };
}

/**
 * `flatten()`: one self-contained kickstart with every include and `%ksappend` expanded.
 * Same as `resolveIncludes(...).text`.
 */
export async function flattenKickstart(doc: KickstartDocument, options: ResolveOptions): Promise<string> {
  return (await resolveIncludes(doc, options)).text;
}

/** Maps findings on a flattened document back to the file and line they came from. */
export function mapFindings(resolved: ResolvedKickstart, findings: readonly Finding[]): Finding[] {
  return findings.map((f) => {
    const o = resolved.origins[f.line - 1];
    if (!o) return f;
    return o.file !== undefined ? { ...f, line: o.line, file: o.file } : { ...f, line: o.line };
  });
}

/**
 * The concrete syntax tree: every line of the input, classified the way pykickstart's line-driven
 * state machine (`KickstartParser._stateMachine`) classifies it, and nothing normalised.
 * `formatKickstart(parseKickstart(text)) === text` for every string.
 *
 * Two states, as in pykickstart:
 * - **commands**: blank lines and lines whose first non-blank character is `#` are skipped;
 *   `%ksappend` lines are left for the preprocessor; otherwise the line is shell-split and the first
 *   word decides: `%include`, a section tag (`%...`), or a command.
 * - **inside a section**: a line is only looked at when its first non-blank character is `%`; then
 *   its first whitespace-separated word (`line.split()[0]`, not shlex) may be `%end` (closes the section, trailing words ignored), `%include` (the
 *   included lines continue this section, even inside `%post`) or a *registered* section tag (which
 *   implicitly closes this section; from F8/RHEL6 on that is the "does not end with %end" error).
 *   Any other line — `%define`, `%{name}`, a heredoc — is body text, kept verbatim.
 *
 * An unknown `%tag` in command state opens a section too (pykickstart with
 * `unknownSectionIsFatal=False` swallows its body up to `%end` as a NullSection); validation reports it.
 */
import { KickstartError } from './errors.js';
import { getSection } from './registry.js';
import { firstWord, isBlank, joinLines, type KsLine, lstrip, splitLines } from './lines.js';
import { type LexProblem, splitWords, type Token } from './shlex.js';

/** A shell-split line: its words, where a comment starts (-1 if none) and any lexing problem. */
export interface Words {
  readonly words: readonly Token[];
  readonly commentStart: number;
  readonly problem: LexProblem | null;
}

export interface BlankNode {
  readonly kind: 'blank';
  readonly line: number;
}

/** A comment line (`#...`), including the special `#version=` and `#platform=` comments. */
export interface CommentNode {
  readonly kind: 'comment';
  readonly line: number;
}

/** A command line: `words[0]` is the command name as written. */
export interface CommandNode extends Words {
  readonly kind: 'command';
  readonly line: number;
  readonly name: string;
}

/** `%include TARGET`, at top level or inside a section. */
export interface IncludeNode extends Words {
  readonly kind: 'include';
  readonly line: number;
  /** The target as pykickstart reads it (second word), or null when missing. */
  readonly target: string | null;
}

/**
 * `%ksappend URL`, replaced textually by pykickstart's preprocessor before parsing (anywhere,
 * even inside sections). pykickstart takes the URL as `line.split(' ')[1]`: exactly one space must
 * follow the keyword.
 */
export interface KsappendNode {
  readonly kind: 'ksappend';
  readonly line: number;
  /** What pykickstart would fetch (may be '' when a tab or two spaces follow the keyword). */
  readonly target: string;
  /** The second whitespace-separated word, which is what the author meant. */
  readonly intended: string | null;
}

export interface BodyLineNode {
  readonly kind: 'body';
  readonly line: number;
}

export type SectionItem = BodyLineNode | IncludeNode | KsappendNode;

export interface SectionNode {
  readonly kind: 'section';
  /** The tag as written, with `%` (`%post`, `%PRE`, `%addon`). */
  readonly name: string;
  /** True when pykickstart registers this tag. */
  readonly known: boolean;
  readonly header: Words & { readonly line: number };
  readonly body: readonly SectionItem[];
  /** The `%end` line, or null when the section was closed by another tag or by the end of the file. */
  readonly end: (Words & { readonly line: number }) | null;
}

/** `%end` outside any section. */
export interface StrayEndNode extends Words {
  readonly kind: 'stray-end';
  readonly line: number;
}

export type KsNode =
  | BlankNode
  | CommentNode
  | CommandNode
  | IncludeNode
  | KsappendNode
  | SectionNode
  | StrayEndNode;

/** A parsed kickstart: the physical lines plus their classification. Line numbers are 0-based here. */
export interface KickstartDocument {
  readonly lines: readonly KsLine[];
  readonly nodes: readonly KsNode[];
}

const leadingBlank = lstrip;

function words(text: string): Words {
  const r = splitWords(text);
  return { words: r.tokens, commentStart: r.commentStart, problem: r.problem };
}

function ksappend(line: number, text: string): KsappendNode {
  // Mirrors the preprocessor: `ll = line.split(' '); url = ll[1]` on the stripped line.
  const stripped = text.trim();
  const target = (stripped.split(' ')[1] ?? '').trim();
  const intended = stripped.split(/\s+/u)[1] ?? null;
  return { kind: 'ksappend', line, target, intended };
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return v.constructor?.name ?? 'object';
  return typeof v;
}

/**
 * Parses kickstart text into a lossless tree. Never throws on text: every oddity is kept in the tree
 * and reported by `validateKickstart`. Anything but a string (e.g. a Buffer read without an encoding)
 * throws `KS_ERR_INVALID_INPUT` instead of being parsed as garbage; decode bytes with `decodeKickstart`.
 *
 * @example
 * const doc = parseKickstart('lang en_US\n%packages\n@core\n%end\n');
 * doc.nodes.map((n) => n.kind); // ['command', 'section']
 */
export function parseKickstart(text: string): KickstartDocument {
  if (typeof text !== 'string')
    throw new KickstartError('KS_ERR_INVALID_INPUT', `expected a string, got ${typeName(text)}`);
  const lines = splitLines(text);
  const nodes: KsNode[] = [];
  let section: {
    name: string;
    known: boolean;
    header: Words & { line: number };
    body: SectionItem[];
  } | null = null;
  const close = (end: (Words & { line: number }) | null): void => {
    if (section) nodes.push({ kind: 'section', ...section, end });
    section = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.text;
    const lead = leadingBlank(text);
    if (section !== null) {
      const current: { body: SectionItem[] } = section;
      if (lead.startsWith('%ksappend')) {
        current.body.push(ksappend(i, text));
        continue;
      }
      if (!lead.startsWith('%')) {
        current.body.push({ kind: 'body', line: i });
        continue;
      }
      // pykickstart looks at `line.split()[0]` (plain whitespace split, not shlex) before it splits
      // the line properly, so `"%end"` or `%end#x` are body text.
      const first = firstWord(text);
      if (first === '%end') {
        close({ line: i, ...words(text) });
        continue;
      }
      if (first === '%include') {
        const w = words(text);
        current.body.push({ kind: 'include', line: i, target: w.words[1]?.value ?? null, ...w });
        continue;
      }
      if (getSection(first) === undefined) {
        current.body.push({ kind: 'body', line: i });
        continue;
      }
      close(null); // a registered tag closes the open section; the line is read again below
    }
    if (isBlank(text)) {
      nodes.push({ kind: 'blank', line: i });
      continue;
    }
    if (lead.startsWith('#')) {
      nodes.push({ kind: 'comment', line: i });
      continue;
    }
    if (lead.startsWith('%ksappend')) {
      nodes.push(ksappend(i, text));
      continue;
    }
    const w = words(text);
    const first = w.words[0];
    if (first === undefined) {
      // Only possible for a line shlex reads as nothing (e.g. a lone unclosed quote is still a token).
      nodes.push({ kind: 'blank', line: i });
      continue;
    }
    if (first.value === '%include') {
      nodes.push({ kind: 'include', line: i, target: w.words[1]?.value ?? null, ...w });
    } else if (first.value === '%end') {
      nodes.push({ kind: 'stray-end', line: i, ...w });
    } else if (first.value.startsWith('%')) {
      section = {
        name: first.value,
        known: getSection(first.value) !== undefined,
        header: { line: i, ...w },
        body: [],
      };
    } else {
      nodes.push({ kind: 'command', line: i, name: first.value, ...w });
    }
  }
  close(null);
  return { lines, nodes };
}

/** Writes the document back to text, byte for byte. */
export function formatKickstart(doc: KickstartDocument): string {
  return joinLines(doc.lines);
}

/** The line-ending style of a document: its first line terminator, or `\n`. */
export function detectEol(doc: KickstartDocument): string {
  for (const l of doc.lines) if (l.eol !== '') return l.eol;
  return '\n';
}

/** Iterates every node in file order, descending into section bodies. */
export function* walkNodes(doc: KickstartDocument): Generator<KsNode | SectionItem> {
  for (const n of doc.nodes) {
    yield n;
    if (n.kind === 'section') yield* n.body;
  }
}

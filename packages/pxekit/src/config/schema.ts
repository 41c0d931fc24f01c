/**
 * A small schema layer over the `yaml` package's document nodes.
 *
 * Why not a general validation library: the config file must report the file, line and column of the
 * offending node, and the node is only at hand while walking the YAML tree. Each decoder below walks one
 * node, returns a typed value or {@link INVALID}, and records every problem it finds (it does not stop at
 * the first), so one `pxekit check` run lists all mistakes at once.
 */
import { isMap, isScalar, isSeq, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';

/** Severity of a config issue. Warnings never stop the server. */
export type IssueSeverity = 'error' | 'warning';

/** Stable codes of config issues; documented in docs/errors.md (`## pxekit`). */
export type ConfigIssueCode =
  | 'PXEKIT_CONFIG_YAML'
  | 'PXEKIT_CONFIG_TYPE'
  | 'PXEKIT_CONFIG_REQUIRED'
  | 'PXEKIT_CONFIG_UNKNOWN_KEY'
  | 'PXEKIT_CONFIG_VALUE'
  | 'PXEKIT_CONFIG_REFERENCE'
  | 'PXEKIT_CONFIG_CONFLICT';

/** One problem found in a config file, with its position. Lines and columns are 1-based. */
export interface ConfigIssue {
  readonly severity: IssueSeverity;
  readonly code: ConfigIssueCode;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted path to the value, e.g. `dhcp.subnets[0].ranges[1]`; empty for the document itself. */
  readonly path: string;
  readonly message: string;
  /** What the schema expected at this place, when that is what went wrong. */
  readonly expected?: string;
}

/** Formats an issue the way compilers do: `file:line:column: error path: message (expected …)`. */
export function formatIssue(issue: ConfigIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  const path = issue.path === '' ? '' : ` ${issue.path}:`;
  const expected = issue.expected === undefined ? '' : ` (expected ${issue.expected})`;
  return `${where}: ${issue.severity}${path} ${issue.message}${expected}`;
}

/** Marker returned by a decoder that could not produce a value; the reason is already recorded. */
export const INVALID: unique symbol = Symbol('invalid');
export type Invalid = typeof INVALID;

/** Collects issues while decoding; knows how to turn a node into a position. */
export class DecodeContext {
  readonly issues: ConfigIssue[] = [];
  readonly file: string;
  readonly #lines: LineCounter;

  constructor(file: string, lines: LineCounter) {
    this.file = file;
    this.#lines = lines;
  }

  /** Position of a node (its start), or of the document start when the node is missing. */
  position(node: Node | null | undefined): { line: number; column: number } {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.#lines.linePos(offset);
    return { line, column: col };
  }

  positionOfOffset(offset: number): { line: number; column: number } {
    const { line, col } = this.#lines.linePos(offset);
    return { line, column: col };
  }

  report(
    node: Node | null | undefined,
    path: string,
    code: ConfigIssueCode,
    message: string,
    expected?: string,
    severity: IssueSeverity = 'error',
  ): Invalid {
    const pos = this.position(node);
    this.issues.push({
      severity,
      code,
      file: this.file,
      line: pos.line,
      column: pos.column,
      path,
      message,
      ...(expected === undefined ? {} : { expected }),
    });
    return INVALID;
  }

  warn(node: Node | null | undefined, path: string, code: ConfigIssueCode, message: string): void {
    this.report(node, path, code, message, undefined, 'warning');
  }
}

/** A decoder turns one YAML node into a typed value, or records why it cannot. */
export type Decoder<T> = (node: Node | null | undefined, ctx: DecodeContext, path: string) => T | Invalid;

export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}

function describe(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'null';
    if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
    if (typeof v === 'number') return `the number ${v}`;
    if (typeof v === 'boolean') return `${v}`;
    return typeof v;
  }
  return 'an alias or unknown node';
}

/** The scalar value of a node, or undefined when it is not a scalar. */
function scalarValue(node: Node | null | undefined): unknown {
  return isScalar(node) ? node.value : undefined;
}

export function str(
  opts: { nonEmpty?: boolean; pattern?: RegExp; patternName?: string } = {},
): Decoder<string> {
  return (node, ctx, path) => {
    const v = scalarValue(node);
    if (typeof v !== 'string') {
      return ctx.report(
        node,
        path,
        'PXEKIT_CONFIG_TYPE',
        `got ${describe(node)}`,
        opts.patternName ?? 'a string',
      );
    }
    if (opts.nonEmpty === true && v.length === 0) {
      return ctx.report(
        node,
        path,
        'PXEKIT_CONFIG_VALUE',
        'must not be empty',
        opts.patternName ?? 'a string',
      );
    }
    if (opts.pattern !== undefined && !opts.pattern.test(v)) {
      return ctx.report(
        node,
        path,
        'PXEKIT_CONFIG_VALUE',
        `${JSON.stringify(v)} is not valid`,
        opts.patternName,
      );
    }
    return v;
  };
}

export function int(opts: { min?: number; max?: number } = {}): Decoder<number> {
  const min = opts.min ?? Number.MIN_SAFE_INTEGER;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  const expected = `an integer from ${min} to ${max}`;
  return (node, ctx, path) => {
    const v = scalarValue(node);
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      return ctx.report(node, path, 'PXEKIT_CONFIG_TYPE', `got ${describe(node)}`, expected);
    }
    if (v < min || v > max)
      return ctx.report(node, path, 'PXEKIT_CONFIG_VALUE', `${v} is out of range`, expected);
    return v;
  };
}

export function bool(): Decoder<boolean> {
  return (node, ctx, path) => {
    const v = scalarValue(node);
    if (typeof v !== 'boolean')
      return ctx.report(node, path, 'PXEKIT_CONFIG_TYPE', `got ${describe(node)}`, 'true or false');
    return v;
  };
}

export function oneOf<const T extends string>(values: readonly T[]): Decoder<T> {
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return (node, ctx, path) => {
    const v = scalarValue(node);
    if (typeof v !== 'string')
      return ctx.report(node, path, 'PXEKIT_CONFIG_TYPE', `got ${describe(node)}`, expected);
    if (!(values as readonly string[]).includes(v)) {
      const hint = suggest(v, values);
      return ctx.report(
        node,
        path,
        'PXEKIT_CONFIG_VALUE',
        `${JSON.stringify(v)} is not allowed${hint === undefined ? '' : `; did you mean ${JSON.stringify(hint)}?`}`,
        expected,
      );
    }
    return v as T;
  };
}

/** A string checked and converted by `convert`, which returns an error message or the value. */
export function custom<T>(
  expected: string,
  convert: (raw: string | number) => T | { error: string },
): Decoder<T> {
  return (node, ctx, path) => {
    const v = scalarValue(node);
    if (typeof v !== 'string' && typeof v !== 'number') {
      return ctx.report(node, path, 'PXEKIT_CONFIG_TYPE', `got ${describe(node)}`, expected);
    }
    const out = convert(v);
    if (typeof out === 'object' && out !== null && 'error' in out) {
      return ctx.report(node, path, 'PXEKIT_CONFIG_VALUE', (out as { error: string }).error, expected);
    }
    return out as T;
  };
}

/** A list of `item`; a single item not in a list is accepted when `single` is true. */
export function list<T>(item: Decoder<T>, opts: { single?: boolean; nonEmpty?: boolean } = {}): Decoder<T[]> {
  return (node, ctx, path) => {
    if (!isSeq(node)) {
      if (opts.single === true && isScalar(node)) {
        const one = item(node, ctx, path);
        return one === INVALID ? INVALID : [one];
      }
      return ctx.report(node, path, 'PXEKIT_CONFIG_TYPE', `got ${describe(node)}`, 'a list');
    }
    const out: T[] = [];
    let bad = false;
    node.items.forEach((child, i) => {
      const v = item(child as Node, ctx, joinPath(path, i));
      if (v === INVALID) bad = true;
      else out.push(v);
    });
    if (opts.nonEmpty === true && node.items.length === 0) {
      return ctx.report(
        node,
        path,
        'PXEKIT_CONFIG_VALUE',
        'must not be empty',
        'a list with at least one item',
      );
    }
    return bad ? INVALID : out;
  };
}

/** A mapping from names (keys matching `keyPattern`) to values of one type. Order is kept. */
export function record<T>(
  value: Decoder<T>,
  opts: { keyPattern?: RegExp; keyName?: string } = {},
): Decoder<Map<string, T>> {
  return (node, ctx, path) => {
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return new Map();
    if (!isMap(node))
      return ctx.report(node, path, 'PXEKIT_CONFIG_TYPE', `got ${describe(node)}`, 'a mapping');
    const out = new Map<string, T>();
    let bad = false;
    for (const pair of node.items) {
      const key = keyString(pair);
      const keyNode = pair.key as Node | null;
      if (key === undefined) {
        ctx.report(keyNode, path, 'PXEKIT_CONFIG_TYPE', 'keys must be strings or numbers', 'a name');
        bad = true;
        continue;
      }
      if (opts.keyPattern !== undefined && !opts.keyPattern.test(key)) {
        ctx.report(
          keyNode,
          joinPath(path, key),
          'PXEKIT_CONFIG_VALUE',
          `${JSON.stringify(key)} is not a valid name`,
          opts.keyName,
        );
        bad = true;
        continue;
      }
      const v = value(pair.value as Node | null, ctx, joinPath(path, key));
      if (v === INVALID) bad = true;
      else out.set(key, v);
    }
    return bad ? INVALID : out;
  };
}

function keyString(pair: Pair): string | undefined {
  const k = isScalar(pair.key) ? pair.key.value : pair.key;
  if (typeof k === 'string') return k;
  if (typeof k === 'number') return String(k);
  return undefined;
}

/** Field spec for {@link obj}: a decoder, whether the key must be present, and a default. */
export interface Field<T> {
  readonly decode: Decoder<T>;
  readonly required?: boolean;
}

export function field<T, const R extends boolean = false>(
  decode: Decoder<T>,
  required?: R,
): { readonly decode: Decoder<T>; readonly required: R } {
  return { decode, required: (required ?? false) as R };
}

type FieldsOf<S> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };
type RequiredKeys<S> = { [K in keyof S]: S[K] extends { required: true } ? K : never }[keyof S];

/** The decoded object: required fields present, others optional (absent when the key is absent). */
export type ObjOf<S> = { [K in RequiredKeys<S>]: FieldsOf<S>[K] } & {
  [K in Exclude<keyof S, RequiredKeys<S>>]?: FieldsOf<S>[K];
};

/**
 * A mapping with known keys. Unknown keys are errors with a "did you mean" hint, because a misspelt key
 * that is silently ignored is the most common config mistake (dnsmasq and dhcpd both taught us that).
 */
export function obj<S extends Record<string, Field<unknown>>>(
  fields: S,
  what = 'a mapping',
): Decoder<ObjOf<S>> {
  const names = Object.keys(fields);
  return (node, ctx, path) => {
    const empty = node === null || node === undefined || (isScalar(node) && node.value === null);
    if (!empty && !isMap(node))
      return ctx.report(node, path, 'PXEKIT_CONFIG_TYPE', `got ${describe(node)}`, what);
    const map = empty ? undefined : (node as YAMLMap);
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    let bad = false;
    for (const pair of map?.items ?? []) {
      const key = keyString(pair);
      const keyNode = pair.key as Node | null;
      if (key === undefined || !Object.hasOwn(fields, key)) {
        const hint = key === undefined ? undefined : suggest(key, names);
        ctx.report(
          keyNode,
          key === undefined ? path : joinPath(path, key),
          'PXEKIT_CONFIG_UNKNOWN_KEY',
          `unknown key ${JSON.stringify(key)}${hint === undefined ? '' : `; did you mean ${JSON.stringify(hint)}?`}`,
          `one of ${names.join(', ')}`,
        );
        bad = true;
        continue;
      }
      seen.add(key);
      const spec = fields[key]!;
      const v = spec.decode(pair.value as Node | null, ctx, joinPath(path, key));
      if (v === INVALID) bad = true;
      else out[key] = v;
    }
    for (const name of names) {
      if (fields[name]!.required === true && !seen.has(name)) {
        ctx.report(
          node,
          joinPath(path, name),
          'PXEKIT_CONFIG_REQUIRED',
          `missing required key ${JSON.stringify(name)}`,
        );
        bad = true;
      }
    }
    return bad ? INVALID : (out as ObjOf<S>);
  };
}

/** Tries a scalar form first, then a mapping form: `bios: pxelinux` or `bios: { file: x }`. */
export function scalarOrMap<T>(scalar: Decoder<T>, map: Decoder<T>): Decoder<T> {
  return (node, ctx, path) => (isMap(node) ? map(node, ctx, path) : scalar(node, ctx, path));
}

/** Finds the node at a path of keys/indexes, for reporting semantic errors at the right place. */
export function nodeAt(root: Node | null | undefined, keys: readonly (string | number)[]): Node | undefined {
  let cur: Node | null | undefined = root;
  for (const k of keys) {
    if (isMap(cur)) {
      const pair = cur.items.find((p) => keyString(p) === String(k));
      if (pair === undefined) return cur;
      cur = pair.value as Node | null;
    } else if (isSeq(cur) && typeof k === 'number') {
      const item = cur.items[k] as Node | undefined;
      if (item === undefined) return cur;
      cur = item;
    } else {
      return cur ?? undefined;
    }
  }
  return cur ?? undefined;
}

/** The closest candidate by edit distance, when it is close enough to be a likely typo. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

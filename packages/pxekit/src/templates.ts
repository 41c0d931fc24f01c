/**
 * `{{ … }}` templates for kickstarts and kernel command lines. Deliberately tiny: a dotted variable
 * (`{{ host.name }}`, `{{ vars.role }}`) or a quoted literal (`{{ "{{" }}` writes `{{`). No logic: a
 * kickstart that needs logic has `%pre` for it. An unknown or unset variable is an error naming the
 * line and column, never an empty string in a generated kickstart.
 */
import { PxekitError } from './errors.js';

export type TemplateScope = { readonly [key: string]: string | undefined | TemplateScope };

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'var';
      readonly path: readonly string[];
      readonly line: number;
      readonly column: number;
    };

export interface TemplateProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export class Template {
  readonly name: string;
  readonly #parts: readonly Part[];

  constructor(name: string, parts: readonly Part[]) {
    this.name = name;
    this.#parts = parts;
  }

  /** Every variable the template uses, as dotted paths, in order of first use. */
  get variables(): string[] {
    const out = new Set<string>();
    for (const p of this.#parts) if (p.kind === 'var') out.add(p.path.join('.'));
    return [...out];
  }

  /** The variables that `scope` cannot supply, with their positions. Empty means `render` succeeds. */
  check(scope: TemplateScope): TemplateProblem[] {
    const problems: TemplateProblem[] = [];
    for (const p of this.#parts) {
      if (p.kind !== 'var') continue;
      const r = lookup(scope, p.path);
      if (typeof r !== 'string') problems.push({ line: p.line, column: p.column, message: r.error });
    }
    return problems;
  }

  /** Renders, or throws PXEKIT_ERR_TEMPLATE listing every missing variable. */
  render(scope: TemplateScope): string {
    const problems = this.check(scope);
    if (problems.length > 0) {
      throw new PxekitError('PXEKIT_ERR_TEMPLATE', `cannot render ${this.name}`, {
        details: problems.map((p) => `${this.name}:${p.line}:${p.column}: ${p.message}`),
      });
    }
    let out = '';
    for (const p of this.#parts) out += p.kind === 'text' ? p.text : (lookup(scope, p.path) as string);
    return out;
  }
}

function lookup(scope: TemplateScope, path: readonly string[]): string | { error: string } {
  let cur: TemplateScope | string | undefined = scope;
  for (let i = 0; i < path.length; i++) {
    if (cur === undefined || typeof cur === 'string') break;
    const next: TemplateScope | string | undefined = Object.hasOwn(cur, path[i]!) ? cur[path[i]!] : undefined;
    if (next === undefined) {
      const known = Object.keys(cur).filter(
        (k) => cur !== undefined && typeof cur !== 'string' && cur[k] !== undefined,
      );
      const where = path.slice(0, i + 1).join('.');
      const has = Object.hasOwn(cur, path[i]!);
      return {
        error: has
          ? `${where} has no value for this host`
          : `unknown variable ${where}${known.length === 0 ? '' : ` (known here: ${known.map((k) => path.slice(0, i).concat(k).join('.')).join(', ')})`}`,
      };
    }
    cur = next;
  }
  if (typeof cur !== 'string') return { error: `${path.join('.')} is a group of variables, not a value` };
  return cur;
}

/**
 * Parses a template. Syntax errors (an unclosed `{{`, an empty or malformed expression) throw
 * PXEKIT_ERR_TEMPLATE with every problem's line and column.
 *
 * @example
 * compileTemplate('ks={{ kickstart.url }}', 'append').render({ kickstart: { url: 'http://x/ks' } })
 */
export function compileTemplate(text: string, name: string): Template {
  const parts: Part[] = [];
  const problems: string[] = [];
  let i = 0;
  const pos = (offset: number): { line: number; column: number } => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { line, column: offset - before.lastIndexOf('\n') };
  };
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open === -1) {
      parts.push({ kind: 'text', text: text.slice(i) });
      break;
    }
    if (open > i) parts.push({ kind: 'text', text: text.slice(i, open) });
    const close = text.indexOf('}}', open + 2);
    const { line, column } = pos(open);
    if (close === -1) {
      problems.push(`${name}:${line}:${column}: "{{" is never closed with "}}"`);
      break;
    }
    const expr = text.slice(open + 2, close).trim();
    const literal = /^"((?:[^"\\]|\\.)*)"$/.exec(expr);
    if (literal !== null) {
      parts.push({ kind: 'text', text: literal[1]!.replace(/\\(.)/g, '$1') });
    } else if (/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(expr)) {
      parts.push({ kind: 'var', path: expr.split('.'), line, column });
    } else {
      problems.push(
        `${name}:${line}:${column}: ${JSON.stringify(expr)} is not a variable like host.name or a "quoted" literal`,
      );
    }
    i = close + 2;
  }
  if (problems.length > 0) {
    throw new PxekitError('PXEKIT_ERR_TEMPLATE', `template ${name} has syntax errors`, { details: problems });
  }
  return new Template(name, parts);
}

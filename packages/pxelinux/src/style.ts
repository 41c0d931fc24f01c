/** House style of an existing file, so that new lines look like their neighbours. */

import type { ConfigDocument, LineEnding } from './cst.js';
import { lineKeywordText } from './cst.js';
import { PXELINUX_ERROR_CODES, PxelinuxError } from './errors.js';

export interface WriteStyle {
  /** Keyword case: `upper` (`LABEL`, the documentation's habit) or `lower`. */
  readonly case: 'upper' | 'lower';
  /** Indentation of lines inside a LABEL. */
  readonly indent: string;
  readonly eol: Exclude<LineEnding, ''>;
}

export const DEFAULT_STYLE: WriteStyle = Object.freeze({ case: 'upper', indent: '  ', eol: '\n' });

/** Guess the style of a document from its directive lines (majority vote). */
export function detectStyle(doc: ConfigDocument): WriteStyle {
  let upper = 0;
  let lower = 0;
  let crlf = 0;
  let lf = 0;
  let indent: string | undefined;
  let inLabel = false;
  for (const l of doc.lines) {
    if (l.eol === '\r\n') crlf++;
    else if (l.eol === '\n') lf++;
    if (l.kind !== 'directive') continue;
    const kw = lineKeywordText(l);
    if (/[a-z]/.test(kw) && !/[A-Z]/.test(kw)) lower++;
    else if (/[A-Z]/.test(kw)) upper++;
    if (l.keyword === 'label') inLabel = true;
    else if (inLabel && indent === undefined && l.indentEnd > 0) indent = l.raw.slice(0, l.indentEnd);
  }
  return {
    case: lower > upper ? 'lower' : 'upper',
    indent: indent ?? (inLabel ? '' : DEFAULT_STYLE.indent),
    eol: crlf > lf ? '\r\n' : '\n',
  };
}

/** Spell a canonical keyword (`menu label`, `f1`) in a style. */
export function spellKeyword(keyword: string, style: WriteStyle): string {
  return style.case === 'upper' ? keyword.toUpperCase() : keyword;
}

/**
 * A value must survive the reader unchanged: no line break, CR or NUL (they end the line), and no
 * leading blank (skipspace() would eat it).
 */
export function checkValue(value: string, what: string): void {
  if (/[\r\n\0]/.test(value)) {
    throw new PxelinuxError(
      PXELINUX_ERROR_CODES.INVALID_VALUE,
      `${what}: a value cannot contain CR, LF or NUL`,
    );
  }
  if (/^[\b\t\n\v\f\r ]/.test(value)) {
    throw new PxelinuxError(PXELINUX_ERROR_CODES.INVALID_VALUE, `${what}: a value cannot start with a blank`);
  }
}

/** One directive line in a style. */
export function renderLine(keyword: string, value: string | null, style: WriteStyle, indent = ''): string {
  if (value !== null) checkValue(value, keyword);
  const kw = spellKeyword(keyword, style);
  return value === null || value === '' ? `${indent}${kw}` : `${indent}${kw} ${value}`;
}

/**
 * Builder for new configs. Output uses one directive per line, in the order SYSLINUX needs
 * (SERIAL first, globals, then entries), and only directives both readers understand where a
 * choice exists.
 */

import { PXELINUX_ERROR_CODES, PxelinuxError } from './errors.js';
import type { KernelType } from './keywords.js';
import { DEFAULT_STYLE, renderLine, type WriteStyle } from './style.js';

export interface LabelSpec {
  /** Label name: one word (ldlinux uses only the first word, menu.c32 the whole line). */
  readonly label: string;
  readonly menuLabel?: string;
  /** Image and optional arguments; without it the label boots a file named like the label. */
  readonly kernel?: string;
  /** Keyword for the image (default `kernel`: type from the extension). */
  readonly kernelType?: Exclude<KernelType, 'none'>;
  readonly append?: string;
  readonly initrd?: string | readonly string[];
  readonly ipappend?: number;
  readonly menuDefault?: boolean;
  readonly hide?: boolean;
  readonly disabled?: boolean;
  readonly passwd?: string;
  readonly indent?: number;
  /** TEXT HELP body; lines without terminators. */
  readonly help?: readonly string[];
  readonly goto?: string;
  readonly exit?: boolean | string;
  readonly quit?: boolean;
}

export interface SeparatorSpec {
  readonly separator: true;
}

export interface SubmenuSpec {
  readonly submenu: MenuSpec & {
    readonly tag?: string;
    /** Display name of the submenu entry (MENU LABEL after MENU BEGIN). */
    readonly label?: string;
    readonly menuDefault?: boolean;
    readonly passwd?: string;
  };
}

export type EntrySpec = LabelSpec | SeparatorSpec | SubmenuSpec;

export interface MenuSpec {
  readonly title?: string;
  readonly timeout?: number;
  readonly ontimeout?: string;
  readonly allowOptions?: boolean;
  readonly masterPasswd?: string;
  readonly background?: string;
  readonly entries?: readonly EntrySpec[];
}

export interface ConfigSpec extends MenuSpec {
  /** `SERIAL port [baud [flow]]`; written first, as SYSLINUX needs for a serial console. */
  readonly serial?: string;
  readonly ui?: string;
  readonly default?: string;
  readonly prompt?: number;
  readonly totalTimeout?: number;
  readonly onerror?: string;
  readonly implicit?: number;
  readonly noEscape?: number;
  readonly append?: string;
  readonly sysappend?: number;
  readonly say?: readonly string[];
  readonly display?: string;
  readonly path?: readonly string[];
  /** F1…F12 help files by key number. */
  readonly fkeys?: Readonly<Record<number, string>>;
}

/** A number written as SYSLINUX reads it (`atoi`): an integer in C `int` range, else refused. */
function int(name: string, v: number): string {
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
    throw new PxelinuxError(PXELINUX_ERROR_CODES.INVALID_VALUE, `${name}: ${v} is not a 32-bit integer`);
  }
  return String(v);
}

/** A bitmask (IPAPPEND/SYSAPPEND, read with `strtoul`): an integer 0..0xffffffff, else refused. */
function mask(name: string, v: number): string {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new PxelinuxError(PXELINUX_ERROR_CODES.INVALID_VALUE, `${name}: ${v} is not a 32-bit mask`);
  }
  return String(v);
}

function isSeparator(e: EntrySpec): e is SeparatorSpec {
  return 'separator' in e;
}
function isSubmenu(e: EntrySpec): e is SubmenuSpec {
  return 'submenu' in e;
}

function checkName(label: string): void {
  if (label === '' || /[\0-\x20\x7f]/.test(label)) {
    throw new PxelinuxError(
      PXELINUX_ERROR_CODES.INVALID_VALUE,
      `label ${JSON.stringify(label)}: must be one word without blanks or control characters`,
    );
  }
}

/** Lines for one label, without a final terminator. */
export function renderLabel(spec: LabelSpec, style: WriteStyle = DEFAULT_STYLE): string[] {
  checkName(spec.label);
  const i = style.indent;
  const out = [renderLine('label', spec.label, style)];
  if (spec.menuLabel !== undefined) out.push(renderLine('menu label', spec.menuLabel, style, i));
  if (spec.kernel !== undefined) out.push(renderLine(spec.kernelType ?? 'kernel', spec.kernel, style, i));
  if (spec.append !== undefined) out.push(renderLine('append', spec.append, style, i));
  if (spec.initrd !== undefined) {
    // INITRD splits its value at commas: a list item holding one would come back as two files.
    if (typeof spec.initrd !== 'string' && spec.initrd.some((f) => f.includes(','))) {
      throw new PxelinuxError(
        PXELINUX_ERROR_CODES.INVALID_VALUE,
        'initrd: a list item cannot contain a comma',
      );
    }
    const v = typeof spec.initrd === 'string' ? spec.initrd : spec.initrd.join(',');
    out.push(renderLine('initrd', v, style, i));
  }
  if (spec.ipappend !== undefined)
    out.push(renderLine('ipappend', mask('ipappend', spec.ipappend), style, i));
  if (spec.passwd !== undefined) out.push(renderLine('menu passwd', spec.passwd, style, i));
  if (spec.indent !== undefined)
    out.push(renderLine('menu indent', int('menu indent', spec.indent), style, i));
  if (spec.goto !== undefined) out.push(renderLine('menu goto', spec.goto, style, i));
  if (spec.exit !== undefined && spec.exit !== false) {
    out.push(renderLine('menu exit', spec.exit === true ? null : spec.exit, style, i));
  }
  if (spec.quit) out.push(renderLine('menu quit', null, style, i));
  if (spec.menuDefault) out.push(renderLine('menu default', null, style, i));
  if (spec.hide) out.push(renderLine('menu hide', null, style, i));
  if (spec.disabled) out.push(renderLine('menu disable', null, style, i));
  if (spec.help !== undefined) {
    out.push(renderLine('text help', null, style, i));
    for (const h of spec.help) {
      if (/[\r\n\0]/.test(h)) {
        throw new PxelinuxError(
          PXELINUX_ERROR_CODES.INVALID_VALUE,
          'help text lines cannot contain CR, LF or NUL',
        );
      }
      if (/^[\b\t\n\v\f\r ]*endtext(?:[\0-\x20\x7f]|$)/i.test(h)) {
        throw new PxelinuxError(
          PXELINUX_ERROR_CODES.INVALID_VALUE,
          'a help text line cannot start with ENDTEXT',
        );
      }
      out.push(h);
    }
    out.push(`${i}${style.case === 'upper' ? 'ENDTEXT' : 'endtext'}`);
  }
  return out;
}

function renderMenuSettings(spec: MenuSpec, style: WriteStyle, out: string[]): void {
  if (spec.title !== undefined) out.push(renderLine('menu title', spec.title, style));
  if (spec.background !== undefined) out.push(renderLine('menu background', spec.background, style));
  if (spec.masterPasswd !== undefined) out.push(renderLine('menu master passwd', spec.masterPasswd, style));
  if (spec.timeout !== undefined) out.push(renderLine('timeout', int('timeout', spec.timeout), style));
  if (spec.ontimeout !== undefined) out.push(renderLine('ontimeout', spec.ontimeout, style));
  if (spec.allowOptions !== undefined)
    out.push(renderLine('allowoptions', spec.allowOptions ? '1' : '0', style));
}

function renderEntries(entries: readonly EntrySpec[], style: WriteStyle, out: string[]): void {
  for (const e of entries) {
    if (isSeparator(e)) out.push(renderLine('menu separator', null, style));
    else if (isSubmenu(e)) {
      const s = e.submenu;
      out.push(renderLine('menu begin', s.tag ?? null, style));
      if (s.label !== undefined) out.push(renderLine('menu label', s.label, style));
      if (s.passwd !== undefined) out.push(renderLine('menu passwd', s.passwd, style));
      if (s.menuDefault) out.push(renderLine('menu default', null, style));
      renderMenuSettings(s, style, out);
      renderEntries(s.entries ?? [], style, out);
      out.push(renderLine('menu end', null, style));
    } else out.push(...renderLabel(e, style));
  }
}

/**
 * Write a new config from a spec.
 *
 * @example
 * buildConfig({
 *   ui: 'menu.c32', default: 'install', timeout: 50, title: 'Boot menu',
 *   entries: [{ label: 'install', menuLabel: '^Install', kernel: 'vmlinuz', initrd: 'initrd.img', append: 'quiet' }],
 * });
 */
export function buildConfig(spec: ConfigSpec, style: Partial<WriteStyle> = {}): string {
  const st: WriteStyle = { ...DEFAULT_STYLE, ...style };
  const out: string[] = [];
  if (spec.serial !== undefined) out.push(renderLine('serial', spec.serial, st));
  if (spec.ui !== undefined) out.push(renderLine('ui', spec.ui, st));
  if (spec.default !== undefined) out.push(renderLine('default', spec.default, st));
  if (spec.prompt !== undefined) out.push(renderLine('prompt', int('prompt', spec.prompt), st));
  if (spec.totalTimeout !== undefined)
    out.push(renderLine('totaltimeout', int('totaltimeout', spec.totalTimeout), st));
  if (spec.onerror !== undefined) out.push(renderLine('onerror', spec.onerror, st));
  if (spec.implicit !== undefined) out.push(renderLine('implicit', int('implicit', spec.implicit), st));
  if (spec.noEscape !== undefined) out.push(renderLine('noescape', int('noescape', spec.noEscape), st));
  if (spec.sysappend !== undefined) out.push(renderLine('sysappend', mask('sysappend', spec.sysappend), st));
  if (spec.append !== undefined) out.push(renderLine('append', spec.append, st));
  if (spec.path !== undefined) out.push(renderLine('path', spec.path.join(':'), st));
  if (spec.display !== undefined) out.push(renderLine('display', spec.display, st));
  for (const s of spec.say ?? []) out.push(renderLine('say', s, st));
  for (const [k, v] of Object.entries(spec.fkeys ?? {})) {
    const n = Number(k);
    if (!Number.isInteger(n) || n < 1 || n > 12) {
      throw new PxelinuxError(PXELINUX_ERROR_CODES.INVALID_VALUE, `function key F${k}: must be 1 to 12`);
    }
    out.push(renderLine(`f${n}`, v, st));
  }
  renderMenuSettings(spec, st, out);
  renderEntries(spec.entries ?? [], st, out);
  return out.map((l) => l + st.eol).join('');
}

/**
 * Semantic model: replays the parser state machine of SYSLINUX 6.x over the line tree, the way
 * `parse_config_file()` does, so that what the model says is what the firmware will do.
 *
 * There are two readers of the same file(s) and they disagree in places, so the model is built
 * for one of them (`reader`):
 * - `core`: ldlinux.c32 (com32/elflink/ldlinux/readconfig.c). Decides what a `boot:` command,
 *   DEFAULT without UI, ONTIMEOUT and ONERROR run. LABEL names are the first word.
 * - `menu`: menu.c32 / vesamenu.c32 (com32/menu/readconfig.c), started by `UI menu.c32` or
 *   `DEFAULT menu`. LABEL names are the whole rest of the line; TIMEOUT, ONTIMEOUT and
 *   ALLOWOPTIONS are per menu; `INCLUDE file tag` makes a submenu; MENU IMMEDIATE, HIDDENKEY,
 *   CLEAR, HELP and RESOLUTION only exist here; DEFAULT counts only if there is a UI line.
 */

import { atoi, isKeywordEnd, skipSpace, strtoul, type TextEncoding, wordEnd } from './chars.js';
import { type ConfigDocument, type ConfigLine, lineValue, parse } from './cst.js';
import { PXELINUX_ERROR_CODES, PxelinuxError } from './errors.js';
import { type KernelType, MENU_COLOR_ELEMENTS, MENU_LAYOUT_DEFAULTS } from './keywords.js';

export type Reader = 'core' | 'menu';

/** Where something came from: file name as given to the include reader, 1-based line. */
export interface SourceRef {
  readonly file: string;
  readonly line: number;
}

export type EntryAction = 'cmd' | 'submenu' | 'goto' | 'exit' | 'quit' | 'help' | 'disabled';

export interface MenuEntryModel {
  /** Position in `ConfigModel.entries` (the C `all_entries` order). */
  readonly index: number;
  /** Index of the menu that shows it (1 = the hidden menu). */
  readonly menu: number;
  /** Label name; null for separators, disabled rows and submenu entries. */
  readonly label: string | null;
  /** What the menu shows (MENU LABEL, else the label; indented by MENU INDENT). */
  readonly displayName: string | null;
  readonly menuLabel: string | null;
  readonly action: EntryAction;
  /** Image (the LABEL name if no KERNEL-like line) and its arguments, as written. */
  readonly kernel: string | null;
  readonly kernelType: KernelType;
  /** Whether a KERNEL-like line set the image (otherwise it is the label name). */
  readonly explicitKernel: boolean;
  /** The label's own APPEND (null if none; `-` and empty are kept as written). */
  readonly append: string | null;
  /** The global APPEND in force when the label was closed (what it inherits). */
  readonly globalAppend: string | null;
  readonly initrd: string | null;
  /** IPAPPEND/SYSAPPEND mask (inherited from the global one at LABEL). */
  readonly ipappend: number;
  readonly passwd: string | null;
  readonly helpText: string | null;
  readonly hidden: boolean;
  readonly menuDefault: boolean;
  readonly indent: number;
  readonly save: boolean;
  readonly immediate: boolean;
  /** Target menu of a submenu / goto / exit entry, after tags were resolved. */
  readonly target: number | null;
  /** The GOTO/EXIT tag as written. */
  readonly gotoTag: string | null;
  /** Folded hotkey character, if the entry got one. */
  readonly hotkey: string | null;
  /** The `^` key it asked for but lost to an earlier entry of the same menu. */
  readonly hotkeyLost: string | null;
  readonly source: SourceRef;
}

export interface FKeyBinding {
  readonly file: string;
  readonly background: string | null;
}

export interface ColorOverride {
  readonly ansi?: string;
  readonly fg?: number;
  readonly bg?: number;
  readonly shadow?: 'none' | 'std' | 'all' | 'rev';
}

export interface MenuModel {
  readonly index: number;
  /** `.top`, `.hidden`, or the MENU BEGIN tag (null if none). */
  readonly tag: string | null;
  readonly title: string;
  readonly parent: number | null;
  readonly parentEntry: number | null;
  /** Entry indexes (into `ConfigModel.entries`) in display order. */
  readonly entries: readonly number[];
  /** Position within `entries` of the default entry (0 if none was set). */
  readonly defaultEntry: number;
  readonly timeout: number;
  /** ONTIMEOUT with a leading label name already replaced by the label's command line. */
  readonly ontimeout: string | null;
  /** The label ONTIMEOUT named, if it named one. */
  readonly ontimeoutLabel: string | null;
  readonly onerror: string | null;
  readonly allowOptions: boolean;
  readonly masterPasswd: string | null;
  readonly background: string | null;
  readonly messages: Readonly<Record<'autoboot' | 'tabmsg' | 'notabmsg' | 'passprompt', string>>;
  readonly params: Readonly<Record<string, number>>;
  readonly colors: Readonly<Record<string, ColorOverride>>;
  readonly save: boolean;
  readonly immediate: boolean;
  /** F1…F12 help files; index 0 is F1. F0 binds index 10 (is_fkey maps 0 to 10). */
  readonly fkeys: readonly (FKeyBinding | null)[];
  readonly source: SourceRef | null;
}

export interface SerialSetting {
  readonly port: number;
  readonly baud: number;
  readonly flow: number;
  readonly source: SourceRef;
}

export interface GlobalsModel {
  /** Last DEFAULT value (`globaldefault`). */
  readonly default: string | null;
  /** Last UI value. */
  readonly ui: string | null;
  /** core: what auto-boot runs (UI if any, else DEFAULT). menu: null. */
  readonly defaultCommand: string | null;
  readonly hasUi: boolean;
  /** Global APPEND at the end of the file(s) (used for commands typed at boot:). */
  readonly append: string | null;
  /** Global IPAPPEND/SYSAPPEND mask at the end of the file(s). */
  readonly sysappend: number;
  /** core: global TIMEOUT/ONTIMEOUT/ALLOWOPTIONS; for menu see each menu. */
  readonly timeout: number;
  readonly totalTimeout: number;
  readonly ontimeout: string | null;
  readonly onerror: string | null;
  readonly allowOptions: boolean;
  readonly prompt: number;
  readonly implicit: number;
  readonly noEscape: number;
  readonly noComplete: number;
  readonly noHalt: number;
  readonly console: number;
  readonly pxeRetry: number | null;
  readonly sendCookies: number | null;
  readonly serial: SerialSetting | null;
  readonly font: string | null;
  readonly kbdmap: string | null;
  readonly display: readonly string[];
  readonly say: readonly string[];
  readonly path: readonly string[];
  readonly shiftKey: boolean;
  readonly hiddenMenu: boolean;
  readonly clearMenu: boolean;
  readonly menuSave: boolean;
  readonly resolution: { readonly width: number; readonly height: number } | null;
  readonly hiddenKeys: Readonly<Record<string, string>>;
}

export type IncludeStatus = 'ok' | 'missing' | 'cycle' | 'depth' | 'limit';

export interface IncludeEvent {
  readonly from: SourceRef;
  readonly target: string;
  readonly tag: string | null;
  readonly status: IncludeStatus;
  readonly depth: number;
}

export interface ConfigModel {
  readonly reader: Reader;
  readonly globals: GlobalsModel;
  /** menus[0] is the root `.top`, menus[1] the hidden menu `.hidden`, then submenus in order. */
  readonly menus: readonly MenuModel[];
  readonly entries: readonly MenuEntryModel[];
  /** The menu the UI starts in (MENU START, then the DEFAULT label's menu). */
  readonly startMenu: number;
  /** Files read, in order of first reading. */
  readonly files: readonly string[];
  readonly includes: readonly IncludeEvent[];
}

/** Reads an included file; return undefined when it does not exist (SYSLINUX skips it silently). */
export type IncludeReader = (name: string) => string | ConfigDocument | undefined;

export interface BuildModelOptions {
  readonly reader?: Reader;
  /** Name of the main file, used in source references (default `pxelinux.cfg/default`). */
  readonly file?: string;
  /** Reader for INCLUDE / MENU INCLUDE; without one, includes are recorded as `missing`. */
  readonly include?: IncludeReader;
  /** SYSLINUX documents 16 levels (the 6.x code has no check and recurses until it runs out). */
  readonly maxIncludeDepth?: number;
  /** Upper bound on include reads in total (default 256). */
  readonly maxIncludeFiles?: number;
  /** `report` (default) records include problems; `throw` raises a PxelinuxError. */
  readonly includeErrors?: 'report' | 'throw';
}

interface MutMenu {
  index: number;
  tag: string | null;
  title: string;
  parent: number | null;
  parentEntry: number | null;
  entries: number[];
  defaultEntry: number;
  timeout: number;
  ontimeout: string | null;
  ontimeoutLabel: string | null;
  onerror: string | null;
  allowOptions: boolean;
  masterPasswd: string | null;
  background: string | null;
  messages: { autoboot: string; tabmsg: string; notabmsg: string; passprompt: string };
  params: Record<string, number>;
  colors: Record<string, ColorOverride>;
  save: boolean;
  immediate: boolean;
  fkeys: (FKeyBinding | null)[];
  source: SourceRef | null;
  hotkeys: Map<string, number>;
}

type MutEntry = { -readonly [K in keyof MenuEntryModel]: MenuEntryModel[K] };

interface LabelData {
  label: string | null;
  kernel: string | null;
  type: KernelType;
  explicitKernel: boolean;
  append: string | null;
  initrd: string | null;
  menulabel: string | null;
  passwd: string | null;
  helptext: string | null;
  ipappend: number;
  menuhide: boolean;
  menudefault: boolean;
  menuseparator: boolean;
  menudisabled: boolean;
  menuindent: number;
  action: EntryAction | 'goto-unres' | 'exit-unres' | null;
  save: number;
  immediate: number;
  submenu: number | null;
  source: SourceRef | null;
}

function emptyLabel(): LabelData {
  return {
    label: null,
    kernel: null,
    type: 'none',
    explicitKernel: false,
    append: null,
    initrd: null,
    menulabel: null,
    passwd: null,
    helptext: null,
    ipappend: 0,
    menuhide: false,
    menudefault: false,
    menuseparator: false,
    menudisabled: false,
    menuindent: 0,
    action: null,
    save: 0,
    immediate: 0,
    submenu: null,
    source: null,
  };
}

/** Word at the start of `s` (up to a byte ≤ 0x20 / DEL). */
export function firstWord(s: string): string {
  return s.slice(0, wordEnd(s, 0, s.length));
}

/** Remove every `^` (strip_caret). */
export function stripCaret(s: string): string {
  return s.replaceAll('^', '');
}

/** `parse_argb()`: `#rgb`, `#argb`, `#rrggbb`, `#aarrggbb` and the 9/12/16-digit forms. */
export function parseArgb(s: string): { value: number; length: number } {
  let i = s.charCodeAt(0) === 0x23 ? 1 : 0;
  const start = i;
  while (i < s.length && /[0-9a-fA-F]/.test(s.charAt(i))) i++;
  const hex = s.slice(start, i);
  const len = hex.length;
  const h = (k: number) => Number.parseInt(hex.charAt(k), 16);
  const h2 = (k: number) => Number.parseInt(hex.slice(k, k + 2), 16);
  let v: number;
  if (len === 3) v = 0xff000000 + ((h(0) * 0x11) << 16) + ((h(1) * 0x11) << 8) + h(2) * 0x11;
  else if (len === 4)
    v = h(0) * 0x11 * 0x1000000 + ((h(1) * 0x11) << 16) + ((h(2) * 0x11) << 8) + h(3) * 0x11;
  else if (len === 6 || len === 9 || len === 12) {
    const dl = len / 3;
    v = 0xff000000 + (h2(0) << 16) + (h2(dl) << 8) + h2(dl * 2);
  } else if (len === 8 || len === 16) {
    const dl = len / 4;
    v = h2(0) * 0x1000000 + (h2(dl) << 16) + (h2(dl * 2) << 8) + h2(dl * 3);
  } else v = 0xffff0000; // bright red: the reader's error colour
  return { value: v >>> 0, length: i };
}

const KEY_NAMES = new Set([
  'backspace',
  'tab',
  'enter',
  'esc',
  'escape',
  'space',
  'up',
  'down',
  'left',
  'right',
  'pgup',
  'pgdn',
  'home',
  'end',
  'insert',
  'delete',
  'ctrl-left',
  'ctrl-right',
  'f1',
  'f2',
  'f3',
  'f4',
  'f5',
  'f6',
  'f7',
  'f8',
  'f9',
  'f10',
  'f11',
  'f12',
]);

/** Whether MENU HIDDENKEY understands a key name (single characters, `^X`, or a named key). */
export function isKnownKeyName(name: string): boolean {
  if (name.length === 1) return true;
  if (name.length === 2 && name.charAt(0) === '^') return true;
  return KEY_NAMES.has(name.toLowerCase());
}

/**
 * Build the semantic model of a config for one reader.
 *
 * @example
 * const model = buildModel(parse(text), { reader: 'menu', include: (name) => files[name] });
 * model.menus[0].title;
 */
export function buildModel(doc: ConfigDocument, options: BuildModelOptions = {}): ConfigModel {
  const reader = options.reader ?? 'core';
  const mainFile = options.file ?? 'pxelinux.cfg/default';
  const maxDepth = options.maxIncludeDepth ?? 16;
  const maxFiles = options.maxIncludeFiles ?? 256;
  const menus: MutMenu[] = [];
  const entries: MutEntry[] = [];
  const files: string[] = [];
  const includes: IncludeEvent[] = [];
  let includeReads = 0;

  const g = {
    default: null as string | null,
    ui: null as string | null,
    defaultCommand: null as string | null,
    hasUi: false,
    append: null as string | null,
    sysappend: 0,
    timeout: 0,
    totalTimeout: 0,
    ontimeout: null as string | null,
    onerror: null as string | null,
    allowOptions: true,
    prompt: 0,
    implicit: 1,
    noEscape: 0,
    noComplete: 0,
    noHalt: 0,
    console: 1,
    pxeRetry: null as number | null,
    sendCookies: null as number | null,
    serial: null as SerialSetting | null,
    font: null as string | null,
    kbdmap: null as string | null,
    display: [] as string[],
    say: [] as string[],
    path: [] as string[],
    shiftKey: false,
    hiddenMenu: false,
    clearMenu: false,
    menuSave: false,
    resolution: null as { width: number; height: number } | null,
    hiddenKeys: {} as Record<string, string>,
  };
  let defaultLevel = 0; // 1 = DEFAULT, 2 = UI (readconfig.c LEVEL_DEFAULT / LEVEL_UI)

  function newMenu(
    parent: MutMenu | null,
    parentEntry: MutEntry | null,
    tag: string | null,
    src: SourceRef | null,
  ) {
    const m: MutMenu = parent
      ? {
          index: menus.length,
          tag,
          title: '',
          parent: parent.index,
          parentEntry: parentEntry ? parentEntry.index : null,
          entries: [],
          defaultEntry: 0,
          timeout: parent.timeout,
          ontimeout: parent.ontimeout,
          ontimeoutLabel: null,
          onerror: parent.onerror,
          allowOptions: parent.allowOptions,
          masterPasswd: parent.masterPasswd,
          background: parent.background,
          messages: { ...parent.messages },
          params: { ...parent.params },
          colors: { ...parent.colors },
          save: parent.save,
          immediate: parent.immediate,
          fkeys: [...parent.fkeys],
          source: src,
          hotkeys: new Map(),
        }
      : {
          index: menus.length,
          tag,
          title: '',
          parent: null,
          parentEntry: null,
          entries: [],
          defaultEntry: 0,
          timeout: 0,
          ontimeout: null,
          ontimeoutLabel: null,
          onerror: null,
          allowOptions: true,
          masterPasswd: null,
          background: null,
          messages: {
            autoboot: 'Automatic boot in # second{,s}...',
            tabmsg: 'Press [Tab] to edit options',
            notabmsg: '',
            passprompt: 'Password required',
          },
          params: { ...MENU_LAYOUT_DEFAULTS },
          colors: {},
          save: false,
          immediate: false,
          fkeys: Array.from({ length: 12 }, () => null),
          source: src,
          hotkeys: new Map(),
        };
    menus.push(m);
    return m;
  }

  function newEntry(m: MutMenu, src: SourceRef): MutEntry {
    const e: MutEntry = {
      index: entries.length,
      menu: m.index,
      label: null,
      displayName: null,
      menuLabel: null,
      action: 'cmd',
      kernel: null,
      kernelType: 'kernel',
      explicitKernel: false,
      append: null,
      globalAppend: null,
      initrd: null,
      ipappend: 0,
      passwd: null,
      helpText: null,
      hidden: m.index === 1,
      menuDefault: false,
      indent: 0,
      save: m.save,
      immediate: m.immediate,
      target: null,
      gotoTag: null,
      hotkey: null,
      hotkeyLost: null,
      source: src,
    };
    entries.push(e);
    m.entries.push(e.index);
    return e;
  }

  function considerForHotkey(m: MutMenu, e: MutEntry): void {
    if (e.action === 'disabled' || e.displayName === null) return;
    const p = e.displayName.indexOf('^');
    if (p < 0 || p + 1 >= e.displayName.length) return;
    // `hotkey = p[1] & ~0x20`: letters fold to upper case.
    const code = e.displayName.charCodeAt(p + 1);
    const key = code < 0x100 ? String.fromCharCode(code & ~0x20) : e.displayName.charAt(p + 1);
    if (!m.hotkeys.has(key)) {
      m.hotkeys.set(key, e.index);
      e.hotkey = key;
    } else e.hotkeyLost = key;
  }

  const hidden = (): MutMenu => menus[1] as MutMenu;
  // readconfig.c creates `.hidden` first; the model keeps `.top` at index 0 for its readers.
  let current = newMenu(null, null, '.top', null);
  newMenu(null, null, '.hidden', null);
  let startMenu = 0;
  let ld = emptyLabel();
  /** Submenu entries whose display name is still the MENU BEGIN tag (C compares pointers). */
  const nameIsTag = new Set<number>();

  function record(m: MutMenu, append: string | null): void {
    if (ld.label === null) return;
    const target = ld.menuhide ? hidden() : m;
    const e = newEntry(target, ld.source ?? { file: mainFile, line: 0 });
    e.displayName = ld.menulabel ?? ld.label;
    e.menuLabel = ld.menulabel;
    e.label = ld.label;
    e.passwd = ld.passwd;
    e.helpText = ld.helptext;
    e.action = ld.action === null ? 'cmd' : (ld.action as EntryAction);
    e.save = ld.save ? ld.save > 0 : target.save;
    e.immediate = reader === 'menu' ? (ld.immediate ? ld.immediate > 0 : target.immediate) : false;
    e.indent = ld.menuindent;
    e.hidden = ld.menuhide;
    e.menuDefault = ld.menudefault;
    e.kernel = ld.kernel;
    e.kernelType = ld.type;
    e.explicitKernel = ld.explicitKernel;
    e.append = ld.append;
    e.globalAppend = append;
    e.initrd = ld.initrd;
    e.ipappend = ld.ipappend;
    if (ld.menuindent > 0) e.displayName = ' '.repeat(ld.menuindent) + e.displayName;
    if (ld.menuseparator) e.displayName = '';
    if (ld.menuseparator || ld.menudisabled) {
      e.action = 'disabled';
      e.label = null;
      e.passwd = null;
    }
    if (ld.menulabel !== null) considerForHotkey(target, e);
    if (ld.action === 'goto-unres' || ld.action === 'exit-unres') {
      e.action = ld.action === 'goto-unres' ? 'goto' : 'exit';
      e.gotoTag = ld.kernel;
    } else if (ld.action === 'exit' || ld.action === 'goto') {
      e.target = ld.submenu;
    }
    const marks =
      e.action === 'cmd' ||
      (reader === 'menu' && e.action === 'goto' && (ld.action === 'goto' || ld.action === 'goto-unres'));
    if (ld.menudefault && marks) target.defaultEntry = target.entries.length - 1;
    ld = emptyLabel();
  }

  function beginSubmenu(tag: string, src: SourceRef): MutMenu {
    const t = tag === '' ? null : tag;
    const e = newEntry(current, src);
    e.displayName = t;
    e.action = 'submenu';
    e.kernelType = 'none';
    const m = newMenu(current, e, t, src);
    e.target = m.index;
    nameIsTag.add(e.index);
    return m;
  }

  function endSubmenu(): MutMenu {
    return current.parent !== null ? (menus[current.parent] as MutMenu) : current;
  }

  const stack: string[] = [];

  function includeFile(target: string, tag: string | null, from: SourceRef): void {
    const depth = stack.length;
    let status: IncludeStatus = 'ok';
    let text: string | ConfigDocument | undefined;
    if (stack.includes(target)) status = 'cycle';
    else if (depth > maxDepth) status = 'depth';
    else if (includeReads >= maxFiles) status = 'limit';
    else {
      includeReads++;
      text = options.include ? options.include(target) : undefined;
      if (text === undefined) status = 'missing';
    }
    includes.push({ from, target, tag, status, depth });
    // menu.c32 opens the submenu before trying the file; ldlinux's MENU INCLUDE only after it opened.
    const submenuAnyway = reader === 'menu' && tag !== null && status === 'missing';
    if (submenuAnyway) {
      record(current, g.append);
      current = beginSubmenu(tag, from);
      record(current, g.append);
      current = endSubmenu();
      return;
    }
    if (status !== 'ok' && status !== 'missing' && options.includeErrors === 'throw') {
      const code =
        status === 'cycle'
          ? PXELINUX_ERROR_CODES.INCLUDE_CYCLE
          : status === 'depth'
            ? PXELINUX_ERROR_CODES.INCLUDE_DEPTH
            : PXELINUX_ERROR_CODES.INCLUDE_LIMIT;
      throw new PxelinuxError(code, `include of ${target} stopped: ${status}`, from);
    }
    if (status !== 'ok' || text === undefined) return;
    const sub = typeof text === 'string' ? parse(text, { encoding: doc.encoding }) : text;
    // menu.c32 and ldlinux (MENU INCLUDE) only open the submenu once the file opened.
    if (tag !== null) {
      record(current, g.append);
      current = beginSubmenu(tag, from);
    }
    run(sub, target);
    if (tag !== null) {
      record(current, g.append);
      current = endSubmenu();
    }
  }

  function run(d: ConfigDocument, file: string): void {
    if (!files.includes(file)) files.push(file);
    stack.push(file);
    const enc = d.encoding;
    const lines = d.lines;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i] as ConfigLine;
      if (l.kind === 'text-body' || l.kind === 'text-end') continue;
      if (l.kind !== 'directive' || l.keyword === undefined) continue;
      const src: SourceRef = { file, line: l.line };
      const kw = l.keyword;
      const v = lineValue(l);
      const m = current;
      if (kw === 'text help' || kw === 'text') {
        // Body lines are stored verbatim, terminators included, up to a NUL (strlen).
        let body = ld.helptext ?? '';
        let j = i + 1;
        for (; j < lines.length; j++) {
          const b = lines[j] as ConfigLine;
          if (b.kind !== 'text-body') break;
          if (kw === 'text help') {
            const full = b.raw + b.eol;
            const nul = full.indexOf('\0');
            body += nul >= 0 ? full.slice(0, nul) : full;
          }
        }
        if (kw === 'text help') ld.helptext = body;
        i = j < lines.length && (lines[j] as ConfigLine).kind === 'text-end' ? j : j - 1;
        continue;
      }
      if (kw.startsWith('menu ')) {
        runMenu(kw.slice(5), v, src, enc);
        continue;
      }
      if (/^f\d+$/.test(kw)) {
        const no = Number(kw.slice(1));
        const idx = no === 0 ? 10 : no - 1;
        const word = firstWord(v);
        const rest = v.slice(word.length);
        const bgStart = skipSpace(rest, 0, rest.length, enc);
        const bg = rest.length > 0 ? firstWord(rest.slice(bgStart)) : null;
        m.fkeys[idx] = { file: word, background: bg };
        continue;
      }
      switch (kw) {
        case 'include': {
          const word = firstWord(v);
          const rest = v.slice(word.length);
          const tagStart = skipSpace(rest, 0, rest.length, enc);
          const tag = rest.slice(tagStart);
          includeFile(word, reader === 'menu' && tag !== '' ? tag : null, src);
          break;
        }
        case 'append':
          if (ld.label !== null) ld.append = v;
          else g.append = v;
          break;
        case 'initrd':
          if (ld.label !== null) ld.initrd = v;
          break;
        case 'label': {
          record(m, g.append);
          // LABEL resets every per-label field, including a TEXT HELP or MENU HIDE read before it
          // while no label was open (record() returns early then and does not clear them).
          ld = emptyLabel();
          const name = reader === 'core' ? firstWord(v) : v;
          ld.label = name;
          ld.kernel = name;
          ld.type = 'kernel';
          ld.ipappend = g.sysappend;
          ld.source = src;
          break;
        }
        case 'none':
        case 'localboot':
        case 'kernel':
        case 'linux':
        case 'boot':
        case 'bss':
        case 'pxe':
        case 'fdimage':
        case 'comboot':
        case 'com32':
        case 'config':
          if (ld.label !== null) {
            ld.kernel = v;
            ld.type = kw;
            ld.explicitKernel = true;
          }
          break;
        case 'timeout':
          if (reader === 'core') g.timeout = atoi(v, enc);
          else m.timeout = atoi(v, enc);
          break;
        case 'totaltimeout':
          // Reads from p + 13 (one past "totaltimeout" and its terminator), then skipspace.
          g.totalTimeout = atoi(l.raw.slice(Math.min(l.keywordEnd + 1, l.contentEnd), l.contentEnd), enc);
          break;
        case 'ontimeout':
          if (reader === 'core') g.ontimeout = v;
          else m.ontimeout = v;
          break;
        case 'allowoptions':
          if (reader === 'core') g.allowOptions = atoi(v, enc) !== 0;
          else m.allowOptions = atoi(v, enc) !== 0;
          break;
        case 'ipappend':
        case 'sysappend': {
          const s = strtoul(v, 0, enc).value;
          if (ld.label !== null) ld.ipappend = s;
          else g.sysappend = s;
          break;
        }
        case 'default':
          g.default = v;
          if (reader === 'core' && defaultLevel < 2) {
            defaultLevel = 1;
            g.defaultCommand = v;
          }
          break;
        case 'ui':
          g.hasUi = true;
          g.ui = v;
          if (reader === 'core') {
            defaultLevel = 2;
            g.defaultCommand = v;
          }
          break;
        default:
          if (reader === 'core') runCoreOnly(kw, l, v, src, enc);
      }
    }
    stack.pop();
  }

  function runCoreOnly(kw: string, l: ConfigLine, v: string, src: SourceRef, enc: TextEncoding): void {
    switch (kw) {
      case 'display':
        g.display.push(firstWord(v));
        break;
      case 'font':
        g.font = firstWord(v);
        break;
      case 'kbdmap':
        g.kbdmap = v;
        break;
      case 'implicit':
        g.implicit = atoi(v, enc);
        break;
      case 'prompt':
        g.prompt = atoi(v, enc);
        break;
      case 'console':
        g.console = atoi(v, enc);
        break;
      case 'noescape':
        g.noEscape = atoi(v, enc);
        break;
      case 'nocomplete':
        g.noComplete = atoi(v, enc);
        break;
      case 'nohalt':
        // readconfig.c reads from p + 8, two bytes past "nohalt": `NOHALT 1` reads "" and gives 0.
        g.noHalt =
          l.keywordEnd + 2 <= l.contentEnd ? atoi(l.raw.slice(l.keywordEnd + 2, l.contentEnd), enc) : 0;
        break;
      case 'onerror':
        current.onerror = v;
        g.onerror = v;
        break;
      case 'pxeretry':
        g.pxeRetry = atoi(v, enc);
        break;
      case 'serial': {
        const port = strtoul(v, 0, enc);
        let p = port.end;
        while (p < v.length && /[0-9A-Za-z]/.test(v.charAt(p))) p++;
        p = skipSpace(v, p, v.length, enc);
        let baud = 9600;
        let flow = 0;
        if (p < v.length && /[0-9A-Za-z]/.test(v.charAt(p))) {
          baud = atoi(v.slice(p), enc);
          while (p < v.length && /[0-9A-Za-z]/.test(v.charAt(p))) p++;
          p = skipSpace(v, p, v.length, enc);
          if (p < v.length && /[0-9A-Za-z]/.test(v.charAt(p))) flow = strtoul(v.slice(p), 0, enc).value;
        }
        g.serial = { port: port.value, baud, flow, source: src };
        break;
      }
      case 'say':
        // printf("%s\n", p + 4): the text starts right after one separator byte, not after skipspace.
        g.say.push(l.raw.slice(Math.min(l.keywordEnd + 1, l.contentEnd), l.contentEnd));
        break;
      case 'path':
        for (const part of v.split(':')) g.path.push(part);
        break;
      case 'sendcookies':
        g.sendCookies = strtoul(v, 10, enc).value;
        break;
    }
  }

  function runMenu(sub: string, v: string, src: SourceRef, enc: TextEncoding): void {
    const m = current;
    const parentEntry = m.parentEntry !== null ? (entries[m.parentEntry] as MutEntry) : null;
    switch (sub) {
      case 'label':
        if (ld.label !== null) ld.menulabel = v;
        else if (parentEntry && m.parent !== null) {
          parentEntry.displayName = v;
          parentEntry.menuLabel = v;
          nameIsTag.delete(parentEntry.index);
          considerForHotkey(menus[m.parent] as MutMenu, parentEntry);
          if (m.title === '') m.title = stripCaret(v);
        }
        return;
      case 'title':
        m.title = v;
        // The submenu entry takes the title while its name is still the MENU BEGIN tag.
        if (parentEntry && nameIsTag.has(parentEntry.index)) {
          parentEntry.displayName = v;
          nameIsTag.delete(parentEntry.index);
        }
        return;
      case 'default':
        if (ld.label !== null) ld.menudefault = true;
        else if (parentEntry && m.parent !== null) {
          const parent = menus[m.parent] as MutMenu;
          parent.defaultEntry = parent.entries.indexOf(parentEntry.index);
        }
        return;
      case 'hide':
        ld.menuhide = true;
        return;
      case 'passwd':
        if (ld.label !== null) ld.passwd = v;
        else if (parentEntry) parentEntry.passwd = v;
        return;
      case 'shiftkey':
        g.shiftKey = true;
        return;
      case 'save':
        g.menuSave = true;
        if (ld.label !== null) ld.save = 1;
        else m.save = true;
        return;
      case 'nosave':
        if (ld.label !== null) ld.save = -1;
        else m.save = false;
        return;
      case 'onerror':
        m.onerror = v;
        if (reader === 'core') g.onerror = v;
        return;
      case 'master passwd':
        m.masterPasswd = v;
        return;
      case 'include': {
        const word = firstWord(v);
        const rest = v.slice(word.length);
        const tag = rest.slice(skipSpace(rest, 0, rest.length, enc));
        includeFile(word, tag === '' ? null : tag, src);
        return;
      }
      case 'background':
        m.background = firstWord(v);
        return;
      case 'hidden':
        g.hiddenMenu = true;
        return;
      case 'autoboot':
      case 'tabmsg':
      case 'notabmsg':
      case 'passprompt':
        m.messages[sub] = v;
        return;
      case 'color':
      case 'colour':
        runColor(m, v, enc);
        return;
      case 'msgcolor':
      case 'msgcolour':
        return;
      case 'separator':
        record(m, g.append);
        ld.label = '';
        ld.menuseparator = true;
        ld.source = src;
        record(m, g.append);
        return;
      case 'disable':
      case 'disabled':
        ld.menudisabled = true;
        return;
      case 'indent':
        ld.menuindent = atoi(v, enc);
        return;
      case 'begin':
        record(m, g.append);
        current = beginSubmenu(v, src);
        return;
      case 'end':
        record(m, g.append);
        current = endSubmenu();
        return;
      case 'quit':
        if (ld.label !== null) ld.action = 'quit';
        return;
      case 'goto':
        if (ld.label !== null) {
          ld.action = 'goto-unres';
          ld.kernel = v;
        }
        return;
      case 'exit':
        if (ld.label !== null && m.parent !== null) {
          if (v !== '') {
            ld.action = 'exit-unres';
            ld.kernel = v;
          } else {
            ld.action = 'exit';
            ld.submenu = m.parent;
          }
        }
        return;
      case 'start':
        startMenu = m.index;
        return;
    }
    if (reader === 'menu') {
      switch (sub) {
        case 'immediate':
          if (ld.label !== null) ld.immediate = 1;
          else m.immediate = true;
          return;
        case 'noimmediate':
          if (ld.label !== null) ld.immediate = -1;
          else m.immediate = false;
          return;
        case 'hiddenkey': {
          const keys = firstWord(v);
          const rest = v.slice(keys.length);
          const command = rest.slice(skipSpace(rest, 0, rest.length, enc));
          for (const k of keys.split(',')) if (isKnownKeyName(k)) g.hiddenKeys[k] = command;
          return;
        }
        case 'clear':
          g.clearMenu = true;
          return;
        case 'help':
          if (ld.label !== null) {
            ld.action = 'help';
            const word = firstWord(v);
            ld.kernel = word;
            const rest = v.slice(word.length);
            ld.append = rest.length > 0 ? firstWord(rest.slice(skipSpace(rest, 0, rest.length, enc))) : null;
          }
          return;
        case 'resolution': {
          const x = strtoul(v, 0, enc);
          const y = strtoul(v.slice(x.end), 0, enc);
          g.resolution = { width: x.value, height: y.value };
          return;
        }
      }
    }
    if (sub in MENU_LAYOUT_DEFAULTS) m.params[sub] = atoi(v, enc);
  }

  function runColor(m: MutMenu, v: string, enc: TextEncoding): void {
    const nameEnd = wordEnd(v, 0, v.length);
    const name = v.slice(0, nameEnd).toLowerCase();
    if (!MENU_COLOR_ELEMENTS.includes(name) && !/^msg[0-9a-f]{2}$/i.test(v.slice(0, nameEnd))) return;
    const o: { ansi?: string; fg?: number; bg?: number; shadow?: 'none' | 'std' | 'all' | 'rev' } = {
      ...m.colors[name],
    };
    let p = skipSpace(v, nameEnd, v.length, enc);
    const star = () => v.charAt(p) === '*' && (p + 1 >= v.length || isKeywordEnd(v.charCodeAt(p + 1)));
    if (p < v.length) {
      if (star()) p++;
      else {
        const e = wordEnd(v, p, v.length);
        o.ansi = v.slice(p, e);
        p = e;
      }
      p = skipSpace(v, p, v.length, enc);
      if (p < v.length) {
        if (star()) p++;
        else {
          const r = parseArgb(v.slice(p));
          o.fg = r.value;
          p += r.length;
        }
        p = skipSpace(v, p, v.length, enc);
        if (p < v.length) {
          if (star()) p++;
          else {
            const r = parseArgb(v.slice(p));
            o.bg = r.value;
            p += r.length;
          }
          p = skipSpace(v, p, v.length, enc);
          const ch = (v.charCodeAt(p) | 0x20) & 0xff;
          if (ch === 0x6e) o.shadow = 'none';
          else if (ch === 0x73) o.shadow = 'std';
          else if (ch === 0x61) o.shadow = 'all';
          else if (ch === 0x72) o.shadow = 'rev';
        }
      }
    }
    m.colors[name] = o;
  }

  run(doc, mainFile);
  record(current, g.append);

  // resolve_gotos(): find_menu() walks the menu list newest first.
  for (const e of entries) {
    if ((e.action === 'goto' || e.action === 'exit') && e.gotoTag !== null && e.target === null) {
      let found: MutMenu | undefined;
      for (let k = menus.length - 1; k >= 0; k--) {
        const mm = menus[k] as MutMenu;
        if (mm.tag === e.gotoTag) {
          found = mm;
          break;
        }
      }
      if (found) e.target = found.index;
      else e.action = 'disabled';
    }
  }

  // Global default: ldlinux applies it always, menu.c32 only with a UI line.
  if (g.default !== null && (reader === 'core' || g.hasUi)) {
    const e = findLabelEntry(entries, g.default);
    if (e && e.menu !== 1) {
      const mm = menus[e.menu] as MutMenu;
      mm.defaultEntry = mm.entries.indexOf(e.index);
      startMenu = mm.index;
    }
  }
  for (const mm of menus) {
    if (mm.ontimeout !== null) {
      const e = findLabelEntry(entries, mm.ontimeout);
      if (e && e.action === 'cmd') mm.ontimeoutLabel = e.label;
      mm.ontimeout = unlabel(entries, mm.ontimeout);
    }
    if (mm.onerror !== null) mm.onerror = unlabel(entries, mm.onerror);
  }
  if (reader === 'menu') {
    for (const k of Object.keys(g.hiddenKeys)) g.hiddenKeys[k] = unlabel(entries, g.hiddenKeys[k] as string);
  }

  return {
    reader,
    globals: g,
    menus: menus.map(({ hotkeys: _h, ...rest }) => rest),
    entries,
    startMenu,
    files,
    includes,
  };
}

/** `find_label()`: the first entry whose label equals the first word of `command`. */
export function findLabelEntry<E extends { label: string | null }>(
  entries: readonly E[],
  command: string,
): E | undefined {
  const word = firstWord(command);
  return entries.find((e) => e.label !== null && e.label === word);
}

/**
 * `unlabel()`: a command starting with a label name becomes that label's command line plus the
 * rest. Done after the whole file is read, so forward references work.
 */
function unlabel(entries: readonly MenuEntryModel[], command: string): string {
  const e = findLabelEntry(entries, command);
  if (e?.action !== 'cmd') return command;
  return entryCommandLine(e) + command.slice(firstWord(command).length);
}

/** Strings a SYSAPPEND/IPAPPEND bit expands to, indexed by bit (see SYSAPPEND_NAMES). */
export type SysappendStrings = readonly (string | undefined)[];

/**
 * `record()`: the command line of a label: `<kernel>[ <append>][ initrd=<initrd>][ <sysappend>…]`,
 * with `.<type> ` in front for forced types. The label's APPEND replaces the global one; `-`
 * means none; an empty APPEND also means none.
 */
export function entryCommandLine(e: MenuEntryModel, sysappend: SysappendStrings = []): string {
  let ip = '';
  if (e.initrd !== null) ip += ` initrd=${e.initrd}`;
  if (e.ipappend) {
    for (let i = 0; i < 32; i++) {
      const s = sysappend[i];
      if ((e.ipappend & (1 << i)) !== 0 && s !== undefined && s !== '') ip += ` ${mangleSysappend(s)}`;
    }
  }
  let a = e.append ?? e.globalAppend ?? '';
  if (a === '-') a = '';
  const s = a !== '' ? ' ' : '';
  const kernel = e.kernel ?? '';
  if (e.kernelType === 'kernel') return `${kernel}${s}${a}${ip}`;
  return `.${e.kernelType} ${kernel}${s}${a}${ip}`;
}

/** `copy_sysappend_string()`: runs of blanks become one `_`, leading/trailing ones vanish. */
export function mangleSysappend(s: string): string {
  let out = '';
  let wasSpace = true;
  let end = 0;
  for (const ch of s) {
    if (isKeywordEnd(ch.charCodeAt(0))) {
      if (!wasSpace) out += '_';
      wasSpace = true;
    } else {
      out += ch;
      end = out.length;
      wasSpace = false;
    }
  }
  return out.slice(0, end);
}

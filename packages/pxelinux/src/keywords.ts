/**
 * The directive registry: one frozen table from which the classifier, the model, the lint
 * and the builder take their facts. Facts come from `com32/elflink/ldlinux/readconfig.c`
 * (the core, "ldlinux") and `com32/menu/readconfig.c` (menu.c32 / vesamenu.c32), SYSLINUX 6.x.
 */

/** Which reader acts on a directive: both, only the core CLI (ldlinux.c32), only menu.c32. */
export type ReadBy = 'both' | 'core' | 'menu';

/** Where a directive has an effect. `label` ones are ignored outside a LABEL. */
export type DirectiveScope = 'global' | 'label' | 'both' | 'menu';

/** How the argument is read. */
export type ArgKind =
  | 'rest' // the rest of the line, verbatim, trailing blanks kept
  | 'word' // the first word only; trailing text ignored
  | 'int' // atoi()
  | 'ulong' // strtoul(…, 0): decimal, 0x hex, 0 octal
  | 'none' // no argument; trailing text ignored
  | 'special';

export interface DirectiveInfo {
  /** Canonical lower-case keyword; MENU subcommands are `menu <sub>`. */
  readonly keyword: string;
  readonly readBy: ReadBy;
  readonly scope: DirectiveScope;
  readonly arg: ArgKind;
  /** Kernel-type keywords (KERNEL, LINUX, COM32…): the label's image with a forced type. */
  readonly kernelType?: KernelType;
  readonly doc: string;
}

/**
 * Image types as `enum kernel_type` in readconfig.c; `kernel` means "infer from the file
 * extension at boot time".
 */
export type KernelType =
  | 'none'
  | 'localboot'
  | 'kernel'
  | 'linux'
  | 'boot'
  | 'bss'
  | 'pxe'
  | 'fdimage'
  | 'comboot'
  | 'com32'
  | 'config';

/** In the order `is_kernel_type()` tries them. */
export const KERNEL_TYPES: readonly KernelType[] = Object.freeze([
  'none',
  'localboot',
  'kernel',
  'linux',
  'boot',
  'bss',
  'pxe',
  'fdimage',
  'comboot',
  'com32',
  'config',
]);

function d(
  keyword: string,
  readBy: ReadBy,
  scope: DirectiveScope,
  arg: ArgKind,
  doc: string,
  kernelType?: KernelType,
): DirectiveInfo {
  return Object.freeze(
    kernelType ? { keyword, readBy, scope, arg, doc, kernelType } : { keyword, readBy, scope, arg, doc },
  );
}

const TOP: readonly DirectiveInfo[] = [
  d(
    'include',
    'both',
    'global',
    'special',
    'INCLUDE file [tag]: inline include; menu.c32 wraps a tagged file in a submenu',
  ),
  d('append', 'both', 'both', 'rest', 'kernel options; global default or per label; `APPEND -` means none'),
  d('initrd', 'both', 'label', 'rest', 'adds ` initrd=<value>` to the label command line'),
  d(
    'label',
    'both',
    'global',
    'special',
    'opens a label (ldlinux: first word; menu.c32: whole rest of line)',
  ),
  d('none', 'both', 'label', 'rest', 'internal image type; meaningless in files', 'none'),
  d('localboot', 'both', 'label', 'rest', 'boot from local disk (strtoul base 0)', 'localboot'),
  d('kernel', 'both', 'label', 'rest', 'image, type inferred from its extension', 'kernel'),
  d('linux', 'both', 'label', 'rest', 'Linux kernel', 'linux'),
  d('boot', 'both', 'label', 'rest', 'boot sector', 'boot'),
  d('bss', 'both', 'label', 'rest', 'boot sector with superblock patch', 'bss'),
  d('pxe', 'both', 'label', 'rest', 'PXE network boot program', 'pxe'),
  d('fdimage', 'both', 'label', 'rest', 'floppy image (does not work since 4.05)', 'fdimage'),
  d('comboot', 'both', 'label', 'rest', '16-bit COMBOOT (removed in 5.00)', 'comboot'),
  d('com32', 'both', 'label', 'rest', 'COM32 module; `.c32` appended if missing', 'com32'),
  d('config', 'both', 'label', 'rest', 'restart with another config file', 'config'),
  d('timeout', 'both', 'menu', 'int', 'auto-boot delay in tenths of a second; 0 = forever'),
  d('totaltimeout', 'both', 'global', 'int', 'absolute limit in tenths of a second'),
  d('ontimeout', 'both', 'menu', 'rest', 'command run when TIMEOUT expires'),
  d('allowoptions', 'both', 'menu', 'int', '0 forbids editing the command line'),
  d('ipappend', 'both', 'both', 'ulong', 'SYSAPPEND bitmask (old PXELINUX name)'),
  d('sysappend', 'both', 'both', 'ulong', 'bitmask of generated kernel options'),
  d('default', 'both', 'global', 'rest', 'default command line (no UI) or default label (with UI)'),
  d('ui', 'both', 'global', 'rest', 'user interface module, e.g. menu.c32'),
  d('display', 'core', 'global', 'word', 'prints a file at parse time'),
  d('font', 'core', 'global', 'word', 'loads a console font at parse time'),
  d('kbdmap', 'core', 'global', 'rest', 'loads a keyboard map at parse time'),
  d('implicit', 'core', 'global', 'int', '0: only labels may be booted'),
  d('prompt', 'core', 'global', 'int', '1: always show the boot: prompt'),
  d('console', 'core', 'global', 'int', '0: disable output to the video console'),
  d('noescape', 'core', 'global', 'int', '1: ignore Shift/Alt/Caps escapes'),
  d('nocomplete', 'core', 'global', 'int', '1: no Tab completion of labels'),
  d('nohalt', 'core', 'global', 'special', 'idle without HLT (reads 2 bytes after the keyword)'),
  d('onerror', 'core', 'global', 'rest', 'command run when a boot fails'),
  d('pxeretry', 'core', 'global', 'int', 'PXE open retries (undocumented)'),
  d('serial', 'core', 'global', 'special', 'SERIAL port [baud [flow]]; programs the UART at parse time'),
  d('say', 'core', 'global', 'special', 'prints a message at parse time'),
  d('path', 'core', 'global', 'rest', 'colon-separated module search path'),
  d('sendcookies', 'core', 'global', 'special', 'SYSAPPEND strings sent as HTTP cookies (decimal)'),
  d('text', 'both', 'label', 'special', 'TEXT HELP … ENDTEXT block'),
  d('menu', 'both', 'global', 'special', 'MENU subcommand'),
];

const LAYOUT: readonly string[] = [
  'width',
  'margin',
  'passwordmargin',
  'rows',
  'tabmsgrow',
  'cmdlinerow',
  'endrow',
  'passwordrow',
  'timeoutrow',
  'helpmsgrow',
  'helpmsgendrow',
  'hshift',
  'vshift',
  'hiddenrow',
];

/** Layout parameters and their defaults (menu.c32 `mparm[]`). */
export const MENU_LAYOUT_DEFAULTS: Readonly<Record<string, number>> = Object.freeze({
  width: 0,
  margin: 10,
  passwordmargin: 3,
  rows: 12,
  tabmsgrow: 18,
  cmdlinerow: 18,
  endrow: -1,
  passwordrow: 11,
  timeoutrow: 20,
  helpmsgrow: 22,
  helpmsgendrow: -1,
  hshift: 0,
  vshift: 0,
  hiddenrow: -2,
});

const MENU: readonly DirectiveInfo[] = [
  d('menu label', 'both', 'label', 'rest', 'display text; `^` marks the hotkey'),
  d('menu title', 'both', 'menu', 'rest', 'menu title'),
  d('menu default', 'both', 'label', 'none', 'this entry is the default of its menu'),
  d('menu hide', 'both', 'label', 'none', 'entry goes to the hidden menu'),
  d('menu passwd', 'both', 'label', 'rest', 'entry (or submenu) password; trailing blanks count'),
  d('menu shiftkey', 'both', 'global', 'none', 'exit the menu unless Shift is held'),
  d('menu save', 'both', 'both', 'none', 'remember the last choice in the ADV'),
  d('menu nosave', 'both', 'both', 'none', 'do not remember the choice'),
  d('menu immediate', 'menu', 'both', 'none', 'hotkeys boot without Enter'),
  d('menu noimmediate', 'menu', 'both', 'none', 'hotkeys only move the cursor'),
  d('menu onerror', 'both', 'menu', 'rest', 'per-menu ONERROR'),
  d('menu master passwd', 'both', 'menu', 'rest', 'master password'),
  d('menu include', 'both', 'global', 'special', 'include; with a tag the file becomes a submenu'),
  d('menu background', 'both', 'menu', 'word', 'vesamenu background image or colour'),
  d('menu hidden', 'both', 'global', 'none', 'hide the menu until a key is pressed'),
  d('menu hiddenkey', 'menu', 'global', 'special', 'key[,key…] command for the hidden menu'),
  d('menu clear', 'menu', 'global', 'none', 'clear the screen when leaving the menu'),
  d('menu autoboot', 'both', 'menu', 'rest', 'countdown message'),
  d('menu tabmsg', 'both', 'menu', 'rest', 'Tab hint message'),
  d('menu notabmsg', 'both', 'menu', 'rest', 'message when editing is not allowed'),
  d('menu passprompt', 'both', 'menu', 'rest', 'password prompt'),
  d('menu color', 'both', 'menu', 'special', 'element ansi fg bg shadow'),
  d('menu colour', 'both', 'menu', 'special', 'element ansi fg bg shadow'),
  d('menu msgcolor', 'both', 'menu', 'special', 'fg bg shadow for all msgXX colours'),
  d('menu msgcolour', 'both', 'menu', 'special', 'fg bg shadow for all msgXX colours'),
  d('menu separator', 'both', 'global', 'none', 'closes the label and adds an empty row'),
  d('menu disable', 'both', 'label', 'none', 'entry shown but not selectable'),
  d('menu disabled', 'both', 'label', 'none', 'entry shown but not selectable'),
  d('menu indent', 'both', 'label', 'int', 'indent the display name'),
  d('menu begin', 'both', 'global', 'rest', 'start a submenu with an optional tag'),
  d('menu end', 'both', 'global', 'none', 'end the submenu'),
  d('menu quit', 'both', 'label', 'none', 'entry quits to the CLI'),
  d('menu goto', 'both', 'label', 'rest', 'entry jumps to the tagged menu'),
  d('menu exit', 'both', 'label', 'rest', 'entry returns to the parent (or tagged) menu'),
  d('menu start', 'both', 'menu', 'none', 'start in this submenu'),
  d('menu help', 'menu', 'label', 'special', 'entry shows a help file [background]'),
  d('menu resolution', 'menu', 'global', 'special', 'vesamenu graphics mode: width height'),
  ...LAYOUT.map((p) =>
    d(`menu ${p}`, 'both', 'menu', 'int', `layout parameter (default ${MENU_LAYOUT_DEFAULTS[p]})`),
  ),
];

/** Every keyword the readers know, by canonical name. */
export const DIRECTIVES: ReadonlyMap<string, DirectiveInfo> = new Map(
  [...TOP, ...MENU].map((x) => [x.keyword, x] as const),
);

/** Top-level keywords (single words) the readers match at the start of a line. */
export const TOP_KEYWORDS: ReadonlySet<string> = new Set(TOP.map((x) => x.keyword));

/** MENU subcommand words (`master` stands for `master passwd`). */
export const MENU_SUBCOMMANDS: ReadonlySet<string> = new Set(
  MENU.map((x) => x.keyword.slice(5).split(' ')[0] as string),
);

/** Names accepted by MENU COLOR (menu.c32 `default_color_table`). */
export const MENU_COLOR_ELEMENTS: readonly string[] = Object.freeze([
  'screen',
  'border',
  'title',
  'unsel',
  'hotkey',
  'sel',
  'hotsel',
  'disabled',
  'scrollbar',
  'tabmsg',
  'cmdmark',
  'cmdline',
  'pwdborder',
  'pwdheader',
  'pwdentry',
  'timeout_msg',
  'timeout',
  'help',
]);

/** SYSAPPEND bits, in bit order (com32/include/syslinux/sysappend.h). */
export const SYSAPPEND_NAMES: readonly string[] = Object.freeze([
  'ip',
  'BOOTIF',
  'SYSUUID',
  'CPU',
  'SYSVENDOR',
  'SYSPRODUCT',
  'SYSVERSION',
  'SYSSERIAL',
  'SYSSKU',
  'SYSFAMILY',
  'MBVENDOR',
  'MBPRODUCT',
  'MBVERSION',
  'MBSERIAL',
  'MBASSET',
  'BIOSVENDOR',
  'BIOSVERSION',
  'SYSFF',
  'FSUUID',
]);

/** Look a directive up by canonical keyword; `f1`…`f12` and `f0` are function-key bindings. */
export function directiveInfo(keyword: string): DirectiveInfo | undefined {
  return DIRECTIVES.get(keyword);
}

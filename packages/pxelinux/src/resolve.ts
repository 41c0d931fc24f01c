/**
 * "What will boot": replays ldlinux's auto-boot path (com32/elflink/ldlinux/ldlinux.c `main`,
 * `load_kernel`, execute.c `execute`, kernel.c `new_linux_kernel`) and, when the UI is
 * menu.c32/vesamenu.c32, the menu's timeout path (com32/menu/menumain.c `run_menu`).
 */

import { isKeywordEnd } from './chars.js';
import type { ConfigDocument } from './cst.js';
import { type ClientFacts, sysappendStrings } from './facts.js';
import {
  type BuildModelOptions,
  buildModel,
  type ConfigModel,
  entryCommandLine,
  findLabelEntry,
  firstWord,
  mangleSysappend,
  type SysappendStrings,
} from './model.js';

/** Image types after the extension/forced type is applied (IMAGE_TYPE_* in 6.x). */
export type ImageType =
  | 'kernel'
  | 'linux'
  | 'com32'
  | 'fdimage'
  | 'bss'
  | 'boot'
  | 'pxe'
  | 'localboot'
  | 'config'
  | 'comboot';

/** `file_extensions[]` in ldlinux.c, in order. The comparison is case-sensitive (`strncmp`). */
export const IMAGE_EXTENSIONS: readonly (readonly [string, ImageType])[] = Object.freeze([
  ['.c32', 'com32'],
  ['.img', 'fdimage'],
  ['.bss', 'bss'],
  ['.bin', 'boot'],
  ['.bs', 'boot'],
  ['.0', 'pxe'],
] as const);

/**
 * `parse_image_type()`: the type of a command line's first word from its extension; anything
 * else is a Linux kernel (memdisk included). `KERNEL MENU.C32` is therefore a Linux kernel.
 *
 * @example
 * inferImageType('vesamenu.c32'); // 'com32'
 * inferImageType('pxelinux.0');   // 'pxe'
 */
export function inferImageType(command: string): ImageType {
  const word = firstWord(command);
  for (const [ext, type] of IMAGE_EXTENSIONS) if (word.endsWith(ext)) return type;
  return 'kernel';
}

export interface ResolveOptions extends Omit<BuildModelOptions, 'reader'> {
  readonly facts?: ClientFacts;
  /**
   * Does a file exist (next to the config)? Used for the extension search of commands that are not
   * labels (`DEFAULT menu` finds `menu.c32`). Without it, only `menu` and `vesamenu` are assumed to
   * exist as `.c32` modules.
   */
  readonly exists?: (name: string) => boolean;
}

export type BootOutcome =
  /** An image boots without anyone pressing a key (immediately or at timeout). */
  | 'boot'
  /** The `boot:` prompt (or the menu) waits forever: PROMPT 1 / menu with TIMEOUT 0. */
  | 'wait'
  /** Neither DEFAULT nor UI: "No DEFAULT or UI configuration directive found!". */
  | 'none'
  /** A UI module other than menu.c32/vesamenu.c32 (gfxboot, hdt…) decides; not simulated. */
  | 'ui'
  /** The chosen command cannot be run (IMPLICIT 0, menu entry without command…). */
  | 'error';

export interface BootResolution {
  readonly outcome: BootOutcome;
  /** How long until it boots, in tenths of a second (0 = immediately or never, see `outcome`). */
  readonly timeout: number;
  /** Which reader chose it. */
  readonly chosenBy: 'core' | 'menu' | null;
  /** The label that boots, if the choice is a label. */
  readonly label: string | null;
  /** The command line as executed, before the type prefix is stripped. */
  readonly command: string | null;
  readonly kernel: string | null;
  readonly imageType: ImageType | null;
  /** The image's arguments (SYSAPPEND strings expanded). */
  readonly args: string | null;
  /** Files loaded as initramfs, from the first `initrd=` (comma list). */
  readonly initrd: readonly string[];
  /** What a Linux kernel sees: `BOOT_IMAGE=<kernel> <args>`; null for other image types. */
  readonly cmdline: string | null;
  /**
   * Which readers parse this config on the way: always `core` (ldlinux.c32), plus `menu` when
   * menu.c32/vesamenu.c32 is started (UI line, or DEFAULT naming the module). Where the two
   * disagree (see the package README), the `menu` view decides what is shown and booted.
   */
  readonly readers: readonly ('core' | 'menu')[];
  /** Human-readable trail of the decisions, in order. */
  readonly steps: readonly string[];
}

const MENU_MODULES = /^(?:.*[/:])?(?:vesa)?menu\.c32$/;

/** The initramfs list `new_linux_kernel()` loads: the first `initrd=` substring, comma list to a blank. */
export function initrdFromCmdline(cmdline: string): string[] {
  const at = cmdline.indexOf('initrd=');
  if (at < 0) return [];
  const out: string[] = [];
  let p = at + 6;
  do {
    p++;
    let q = p;
    while (q < cmdline.length && cmdline.charAt(q) !== ' ' && cmdline.charAt(q) !== ',') q++;
    out.push(cmdline.slice(p, q));
    p = q;
  } while (p < cmdline.length && cmdline.charAt(p) === ',');
  return out;
}

/** `do_sysappend()`: the global SYSAPPEND strings, blank-separated. */
function doSysappend(mask: number, strings: SysappendStrings): string {
  const parts: string[] = [];
  for (let i = 0; i < 32; i++) {
    const s = strings[i];
    if ((mask & (1 << i)) !== 0 && s !== undefined) parts.push(mangleSysappend(s));
  }
  return parts.join(' ');
}

const TYPE_NAMES: ReadonlySet<string> = new Set([
  'localboot',
  'kernel',
  'linux',
  'boot',
  'bss',
  'pxe',
  'fdimage',
  'com32',
  'config',
]);

/**
 * Work out what a config boots without user input, for a given client.
 *
 * @example
 * const r = resolveBoot(parse(text), { facts: { mac: '52:54:00:12:34:56', ip: '10.0.0.5' } });
 * r.kernel; r.initrd; r.cmdline;
 */
export function resolveBoot(doc: ConfigDocument, options: ResolveOptions = {}): BootResolution {
  const steps: string[] = [];
  const strings = sysappendStrings(options.facts ?? {});
  const exists = options.exists ?? ((name: string) => name === 'menu.c32' || name === 'vesamenu.c32');
  const core = buildModel(doc, { ...options, reader: 'core' });
  let menuModel: ConfigModel | undefined;
  const g = core.globals;
  let timeout = 0;
  let outcomeIfBoot: BootOutcome = 'boot';

  const result = (
    outcome: BootOutcome,
    rest: Partial<Omit<BootResolution, 'outcome' | 'steps' | 'timeout'>> = {},
  ): BootResolution => ({
    outcome,
    timeout,
    chosenBy: null,
    label: null,
    command: null,
    kernel: null,
    imageType: null,
    args: null,
    initrd: [],
    cmdline: null,
    ...rest,
    readers: menuModel === undefined ? ['core'] : ['core', 'menu'],
    steps,
  });

  function execute(
    cmdline: string,
    type: ImageType,
    sysappend: boolean,
    label: string | null,
    chosenBy: 'core' | 'menu',
    depth = 0,
    original: string = cmdline,
  ): BootResolution {
    let p = 0;
    while (p < cmdline.length && !isKeywordEnd(cmdline.charCodeAt(p))) p++;
    const kernel = cmdline.slice(0, p);
    while (p < cmdline.length && isKeywordEnd(cmdline.charCodeAt(p))) p++;
    let args = cmdline.slice(p);
    if (sysappend) {
      const extra = doSysappend(g.sysappend, strings);
      if (extra !== '') args = args === '' ? extra : `${args} ${extra}`;
    }
    if (kernel.startsWith('.') && TYPE_NAMES.has(kernel.slice(1)) && depth === 0) {
      const forced = kernel.slice(1) as ImageType;
      let rest = args;
      if (forced === 'com32') {
        const w = firstWord(rest);
        if (!w.endsWith('.c32')) rest = `${w}.c32${rest.slice(w.length)}`;
      }
      steps.push(`type forced to ${forced}`);
      return execute(rest, forced, false, label, chosenBy, depth + 1, original);
    }
    const command = original;
    if (type === 'com32' && MENU_MODULES.test(kernel)) {
      steps.push(`${kernel} starts the menu`);
      return runMenu();
    }
    const linux = type === 'kernel' || type === 'linux' || type === 'fdimage';
    const full = linux ? `BOOT_IMAGE=${kernel} ${args}` : null;
    if (full !== null && full.length >= 2048)
      steps.push('command line is 2048 bytes or more: "cmdline too long"');
    return result(outcomeIfBoot, {
      chosenBy,
      label,
      command,
      kernel,
      imageType: type,
      args,
      initrd: full !== null ? initrdFromCmdline(full) : [],
      cmdline: full,
    });
  }

  function loadKernel(command: string, chosenBy: 'core' | 'menu'): BootResolution {
    const me = findLabelEntry(core.entries, command);
    if (me) {
      if (me.action !== 'cmd') {
        steps.push(`label ${me.label} is not bootable (${me.action})`);
        return result('error', { label: me.label });
      }
      let rest = command.slice(firstWord(command).length);
      let i = 0;
      while (i < rest.length && isKeywordEnd(rest.charCodeAt(i))) i++;
      rest = rest.slice(i);
      const base = entryCommandLine(me, strings);
      const cmd = rest !== '' ? `${base} ${rest}` : base;
      steps.push(`"${firstWord(command)}" is a label`);
      return execute(cmd, inferImageType(cmd), false, me.label, chosenBy);
    }
    if (!g.implicit) {
      steps.push(`"${firstWord(command)}" is not a label and IMPLICIT is 0`);
      return result('error', { command });
    }
    let cmd = command;
    if (!g.allowOptions && chosenBy === 'core') cmd = firstWord(cmd);
    let type = inferImageType(cmd);
    if (type === 'kernel') {
      const w = firstWord(cmd);
      for (const [ext] of IMAGE_EXTENSIONS) {
        if (exists(w + ext)) {
          cmd = w + ext + cmd.slice(w.length);
          type = inferImageType(cmd);
          steps.push(`extension search found ${w + ext}`);
          break;
        }
      }
    }
    return execute(cmd, type, true, null, chosenBy);
  }

  let menuStarts = 0;
  function runMenu(): BootResolution {
    // The menu's chosen entry may start the menu module again (`LABEL a` / `COM32 menu.c32` as the
    // default): real pxelinux would loop forever; say so instead of recursing.
    if (menuStarts++ > 0) {
      steps.push('the chosen menu entry starts the menu again: a boot loop');
      return result('error');
    }
    menuModel ??= buildModel(doc, { ...options, reader: 'menu' });
    const m = menuModel.menus[menuModel.startMenu];
    if (!m || m.entries.length === 0) {
      steps.push('Initial menu has no LABEL entries!');
      return result('error');
    }
    timeout = m.timeout;
    outcomeIfBoot = m.timeout > 0 ? 'boot' : 'wait';
    if (m.timeout === 0) steps.push('menu TIMEOUT is 0: waits for a key; the default entry is shown');
    if (m.ontimeout !== null && m.timeout > 0) {
      steps.push(`menu ONTIMEOUT: ${m.ontimeout}`);
      return execute(m.ontimeout, inferImageType(m.ontimeout), false, m.ontimeoutLabel, 'menu');
    }
    const e = menuModel.entries[m.entries[m.defaultEntry] as number];
    if (e?.action !== 'cmd') {
      steps.push('the default menu entry is not a command');
      return result('error');
    }
    steps.push(`menu default entry: ${e.label}`);
    const cmd = entryCommandLine(e, strings);
    return execute(cmd, inferImageType(cmd), false, e.label, 'menu');
  }

  if (g.defaultCommand === null) {
    steps.push('No DEFAULT or UI configuration directive found!');
    return result('none');
  }
  if (g.hasUi) {
    steps.push(`UI ${g.defaultCommand}`);
    const ui = firstWord(g.defaultCommand);
    const r = loadKernel(g.defaultCommand, 'core');
    if (r.imageType === 'com32' && r.kernel !== null && !MENU_MODULES.test(r.kernel)) {
      steps.push(`UI module ${ui} is not simulated`);
      return { ...r, outcome: 'ui' };
    }
    return r;
  }
  if (g.prompt === 0) {
    steps.push(`PROMPT 0: DEFAULT ${g.defaultCommand} boots at once`);
    return loadKernel(g.defaultCommand, 'core');
  }
  timeout = g.timeout;
  if (g.timeout === 0) {
    outcomeIfBoot = 'wait';
    steps.push('PROMPT 1 and TIMEOUT 0: boot: waits; Enter boots DEFAULT');
    return loadKernel(g.defaultCommand, 'core');
  }
  if (g.ontimeout !== null) {
    steps.push(`TIMEOUT ${g.timeout}: ONTIMEOUT ${g.ontimeout}`);
    return loadKernel(g.ontimeout, 'core');
  }
  steps.push(`TIMEOUT ${g.timeout}: DEFAULT ${g.defaultCommand}`);
  return loadKernel(g.defaultCommand, 'core');
}

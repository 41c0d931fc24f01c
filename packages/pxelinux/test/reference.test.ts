/**
 * Differential test: the classifier against a direct, naive transcription of readconfig.c's
 * if/else chain (looking_at() tried keyword by keyword, in the C order) on random lines.
 */
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { parse } from '../src/index.js';

const isspace = (c: number) => (c >= 8 && c <= 13) || c === 32;
const myIsspace = (c: number) => c <= 0x20 || c === 0x7f;

/** looking_at(): returns the index past the keyword or -1. `s` ends at its first NUL/CR (the C string). */
function lookingAt(s: string, p: number, kwd: string): number {
  let i = 0;
  while (p + i < s.length && i < kwd.length && ((s.charCodeAt(p + i) ^ kwd.charCodeAt(i)) & ~0x20) === 0) i++;
  if (i < kwd.length) return -1;
  const q = p + i;
  return q >= s.length || myIsspace(s.charCodeAt(q)) ? q : -1;
}
function skipspace(s: string, p: number): number {
  while (p < s.length && isspace(s.charCodeAt(p))) p++;
  return p;
}

const MENU_SUBS = [
  'label',
  'title',
  'default',
  'hide',
  'passwd',
  'shiftkey',
  'save',
  'nosave',
  'immediate',
  'noimmediate',
  'onerror',
  'master',
  'include',
  'background',
  'hidden',
  'hiddenkey',
  'clear',
  'autoboot',
  'tabmsg',
  'notabmsg',
  'passprompt',
  'color',
  'colour',
  'msgcolor',
  'msgcolour',
  'separator',
  'disable',
  'disabled',
  'indent',
  'begin',
  'end',
  'quit',
  'goto',
  'exit',
  'start',
  'help',
  'resolution',
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
const TOP = [
  'include',
  'append',
  'initrd',
  'label',
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
  'timeout',
  'totaltimeout',
  'ontimeout',
  'allowoptions',
  'ipappend',
  'sysappend',
  'default',
  'ui',
  'display',
  'font',
  'kbdmap',
  'implicit',
  'prompt',
  'console',
  'noescape',
  'nocomplete',
  'nohalt',
  'onerror',
  'pxeretry',
  'serial',
  'say',
  'path',
  'sendcookies',
];

/** What keyword readconfig.c (either reader's union of keywords) acts on for one line, or null. */
function reference(raw: string): string | null {
  let end = raw.length;
  for (const ch of ['\0', '\r']) {
    const k = raw.indexOf(ch);
    if (k >= 0 && k < end) end = k;
  }
  const s = raw.slice(0, end);
  const p = skipspace(s, 0);
  if (lookingAt(s, p, 'menu') >= 0) {
    const q = skipspace(s, p + 4);
    for (const sub of MENU_SUBS) {
      const e = lookingAt(s, q, sub);
      if (e < 0) continue;
      if (sub === 'master') return lookingAt(s, skipspace(s, e), 'passwd') >= 0 ? 'menu master passwd' : null;
      return `menu ${sub}`;
    }
    return null;
  }
  if (lookingAt(s, p, 'text') >= 0)
    return lookingAt(s, skipspace(s, p + 4), 'help') >= 0 ? 'text help' : 'text';
  if (p < s.length && (s.charCodeAt(p) | 0x20) === 0x66) {
    // is_fkey(): strtoul(cmdstr + 1, &q, 10)
    const m = /^[\b\t\n\v\f\r ]*([+-]?)(\d+)/.exec(s.slice(p + 1));
    let no = 0;
    let q = p + 1;
    if (m) {
      const v = Number(m[2]);
      no = v > 0xffffffff ? -1 : (m[1] === '-' ? (0x100000000 - v) % 0x100000000 : v) | 0;
      q = p + 1 + m[0].length;
    }
    if ((q >= s.length || myIsspace(s.charCodeAt(q))) && no >= 0 && no <= 12) return `f${no}`;
  }
  for (const kw of TOP) if (lookingAt(s, p, kw) >= 0) return kw;
  return null;
}

const piece = fc.oneof(
  fc.constantFrom(
    ...TOP,
    ...TOP.map((k) => k.toUpperCase()),
    'menu',
    'MENU',
    'Menu',
    'master',
    'passwd',
    'text',
    'help',
  ),
  fc.constantFrom(...MENU_SUBS),
  fc.constantFrom(
    ' ',
    '\t',
    '\b',
    '\v',
    '\x01',
    '\x7f',
    '\r',
    '\0',
    'F',
    'f',
    '1',
    '12',
    '13',
    '+',
    '-',
    '0x',
    '#',
    '=',
    'é',
  ),
  fc.string({ maxLength: 4 }),
);

test.prop([fc.array(piece, { maxLength: 8 }).map((a) => a.join('').replaceAll('\n', ' '))], {
  numRuns: 3000,
})('the classifier agrees with readconfig.c on every line', (line) => {
  const got = parse(line, { encoding: 'utf-8' }).lines[0];
  const want = reference(line);
  expect(got?.kind === 'directive' ? (got.keyword ?? null) : null).toBe(want);
});

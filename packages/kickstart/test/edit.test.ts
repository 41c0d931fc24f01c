import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addCommand,
  addPackageItems,
  addScript,
  type CommandNode,
  formatKickstart,
  interpretKickstart,
  type KickstartDocument,
  KickstartError,
  type PackageItem,
  parseKickstart,
  removeCommands,
  removePackageItems,
  setCommand,
  setOption,
} from '../src/index.js';
import { ksText } from './arbitraries.js';

const text = (doc: KickstartDocument): string => formatKickstart(doc);

describe('editing API', () => {
  const base =
    '# header\nlang en_US   # keep me\n\tnetwork --boot dhcp --device="eth0"  --onboot=yes # nic\n%packages\n@core\n%end\n';

  it('setOption replaces an option in place under any spelling and keeps the other words as written', () => {
    const doc = setOption(parseKickstart(base), 3, '--bootproto', 'static');
    expect(text(doc)).toBe(
      '# header\nlang en_US   # keep me\n\tnetwork --bootproto=static --device="eth0"  --onboot=yes # nic\n%packages\n@core\n%end\n',
    );
  });

  it('setOption appends a new option before the comment, and null removes it', () => {
    let doc = setOption(parseKickstart(base), 3, 'hostname', 'web 1');
    expect(text(doc).split('\n')[2]).toBe(
      '\tnetwork --boot dhcp --device="eth0"  --onboot=yes --hostname=\'web 1\' # nic',
    );
    doc = setOption(doc, 3, '--onboot', null);
    expect(text(doc).split('\n')[2]).toBe('\tnetwork --boot dhcp --device="eth0" --hostname=\'web 1\' # nic');
    expect(interpretKickstart(doc).commands.find((c) => c.name === 'network')?.options).toEqual({
      '--bootproto': 'dhcp',
      '--device': 'eth0',
      '--hostname': 'web 1',
    });
  });

  it('setOption refuses a line that is not a command', () => {
    expect(() => setOption(parseKickstart(base), 1, '--x', true)).toThrow(KickstartError);
    expect(() => setOption(parseKickstart('lang x\n'), 2, '--x', true)).toThrow(
      expect.objectContaining({ code: 'KS_ERR_NO_SUCH_LINE' }),
    );
  });

  it('never glues a lone CR to a following empty LF line', () => {
    const doc = parseKickstart('\ra\n\n');
    const added = addCommand(doc, { name: 'skipx' });
    expect(added.lines.map((l) => l.text)).toEqual(['', 'a', 'skipx', '']);
    const removed = removeCommands(parseKickstart('x\rnetwork\n\n'), 'network');
    expect(removed.lines).toEqual([
      { text: 'x', eol: '\r' },
      { text: '', eol: '\r\n' },
      { text: '', eol: '\n' },
    ]);
  });

  it('setCommand rewrites the winning line of the same object, keeping indentation and comment', () => {
    const doc = setCommand(parseKickstart(base), { name: 'lang', args: ['de_DE.UTF-8'] });
    expect(text(doc).split('\n')[1]).toBe('lang de_DE.UTF-8 # keep me');
    const g = setCommand(parseKickstart('graphical\n'), { name: 'text' });
    expect(text(g)).toBe('text\n');
  });

  it("addCommand inserts after the last command, in the file's line-ending style", () => {
    const doc = addCommand(parseKickstart('lang x\r\n%post\r\necho\r\n%end\r\n'), { name: 'skipx' });
    expect(text(doc)).toBe('lang x\r\nskipx\r\n%post\r\necho\r\n%end\r\n');
    expect(text(addCommand(parseKickstart('lang x'), { name: 'skipx' }))).toBe('lang x\nskipx');
    expect(text(addCommand(parseKickstart(''), { name: 'skipx' }))).toBe('skipx\n');
  });

  it('removeCommands drops only those lines', () => {
    expect(text(removeCommands(parseKickstart('install\nlang x\ninstall\n'), 'install'))).toBe('lang x\n');
  });

  it('adds and removes %packages items, creating the section when needed', () => {
    let doc = addPackageItems(parseKickstart(base), [{ kind: 'package', name: 'vim-enhanced' }]);
    expect(text(doc).endsWith('@core\nvim-enhanced\n%end\n')).toBe(true);
    doc = removePackageItems(doc, (i) => i.name === 'core');
    expect(interpretKickstart(doc).packages?.groups).toEqual([]);
    expect(text(addPackageItems(parseKickstart('lang x\n'), [{ kind: 'group', name: 'core' }]))).toBe(
      'lang x\n%packages\n@core\n%end\n',
    );
  });

  it('refuses package items that would not read back as the same item', () => {
    const unrepresentable = (item: PackageItem) => () => addPackageItems(parseKickstart('lang x\n'), [item]);
    // `%end` would close the section, `%include`/`%post` would become a directive/section of their own.
    for (const name of ['%end', '%include x.ks', '%post', '%ksappend a.ks'])
      expect(unrepresentable({ kind: 'package', name }), name).toThrow(
        expect.objectContaining({ code: 'KS_ERR_UNREPRESENTABLE' }),
      );
    // Read back with another kind: a group spelled like a module, a group name holding a group option.
    expect(unrepresentable({ kind: 'group', name: 'x:1' })).toThrow(KickstartError);
    expect(unrepresentable({ kind: 'group', name: 'a --optional' })).toThrow(KickstartError);
  });

  it('adds scripts and refuses bodies that would leave the section', () => {
    const doc = addScript(parseKickstart('lang x\n'), '%post', 'echo hi\n', { '--nochroot': true });
    expect(text(doc)).toBe('lang x\n%post --nochroot\necho hi\n%end\n');
    expect(() => addScript(parseKickstart(''), '%post', 'a\n%end\nb')).toThrow(KickstartError);
    // A CRLF body in a CRLF file: no doubled CR (which would add an empty line to the script).
    const crlf = addScript(parseKickstart('lang x\r\n'), '%post', 'echo a\r\n');
    expect(text(crlf)).toBe('lang x\r\n%post\r\necho a\r\n%end\r\n');
  });
});

describe('random edits keep untouched lines byte-identical', () => {
  const commandLines = (doc: KickstartDocument): CommandNode[] =>
    doc.nodes.filter(
      (n): n is CommandNode => n.kind === 'command' && n.problem === null && n.name === 'network',
    );
  const withCommands = fc
    .tuple(
      ksText,
      fc.array(
        fc.constantFrom('network --bootproto=dhcp --device=eth0 # c', '  network --boot static', 'network'),
        { maxLength: 4 },
      ),
    )
    .map(([t, cmds]) => (cmds.length ? `${cmds.join('\n')}\n${t}` : t));

  it('setOption changes exactly one line', () => {
    fc.assert(
      fc.property(
        withCommands,
        fc.nat(),
        fc.constantFrom('--bootproto', '--hostname', '--onboot'),
        fc.option(fc.string({ maxLength: 8 }).filter((s) => !/[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/.test(s))),
        (t, pick, opt, value) => {
          const doc = parseKickstart(t);
          const targets = commandLines(doc);
          fc.pre(targets.length > 0);
          const target = targets[pick % targets.length]!;
          const v =
            opt === '--onboot' && value !== null
              ? 'yes'
              : opt === '--bootproto' && value !== null
                ? 'static'
                : value;
          const after = setOption(doc, target.line + 1, opt, v);
          expect(after.lines.length).toBe(doc.lines.length);
          after.lines.forEach((l, i) => {
            if (i !== target.line) expect(l).toEqual(doc.lines[i]);
          });
          const m = interpretKickstart(after).commands.find((c) => c.line === target.line + 1);
          if (v === null) expect(m?.options[opt]).toBeUndefined();
          else expect(m?.options[opt]).toBe(v);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('addCommand and removeCommands keep every other line', () => {
    fc.assert(
      fc.property(withCommands, (t) => {
        const doc = parseKickstart(t);
        const added = addCommand(doc, { name: 'skipx' });
        expect(added.lines.length).toBe(doc.lines.length + 1);
        const inserted = added.lines.findIndex((l, i) => l.text !== doc.lines[i]?.text);
        const rest = added.lines.filter((_, i) => i !== inserted);
        rest.forEach((l, i) => {
          expect(l.text).toBe(doc.lines[i]!.text);
          // Only a missing final newline may move.
          if (i !== doc.lines.length - 1) expect(l.eol).toBe(doc.lines[i]!.eol);
        });
        const removed = removeCommands(doc, 'network');
        const kept = doc.lines.filter((_, i) => !commandLinesAll(doc).includes(i));
        // A removed line only stays (as an empty line) where dropping it would glue "\r" to "\n".
        const survivors = removed.lines.filter(
          (l, i) => !(l.text === '' && l.eol === '\r\n' && removed.lines[i - 1]?.eol === '\r'),
        );
        expect(survivors.length === kept.length ? survivors : removed.lines).toEqual(kept);
      }),
      { numRuns: 400 },
    );
  });
});

function commandLinesAll(doc: KickstartDocument): number[] {
  return doc.nodes
    .filter((n): n is CommandNode => n.kind === 'command' && n.name === 'network')
    .map((n) => n.line);
}

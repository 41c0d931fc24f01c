import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildKickstart,
  COMMANDS,
  type CommandInput,
  type CommandSpec,
  formatCommand,
  hasLineBreak,
  interpretKickstart,
  type KickstartError,
  lifeIn,
  type OptionSpec,
  type OptionValue,
  parseKickstart,
  parseVersion,
  validateKickstart,
} from '../src/index.js';

const noBreak = fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !hasLineBreak(s));
const listItem = fc
  .string({
    unit: fc.constantFrom('a', 'b', '1', '-', '.', ' ', '#', "'", '"', '$'),
    minLength: 1,
    maxLength: 6,
  })
  .filter((s) => s.trim() === s && s !== '');

function valueFor(o: OptionSpec): fc.Arbitrary<OptionValue> {
  switch (o.kind) {
    case 'flag':
      return fc.constant(true as const);
    case 'int':
      return fc.integer({ min: -5, max: 100000 }).map(String);
    case 'bool':
      return fc.constantFrom('yes', 'no', 'on', 'off', 'true', '0');
    case 'choice':
      return fc.constantFrom(...o.choices!);
    case 'list':
      return fc.array(listItem, { minLength: 1, maxLength: 3 });
    default:
      return o.append ? fc.array(noBreak, { minLength: 1, maxLength: 2 }) : noBreak;
  }
}

function commandArb(version: string): fc.Arbitrary<CommandInput> {
  const v = parseVersion(version)!;
  const specs = COMMANDS.filter((c) => !c.freeform && lifeIn(c.life, v).status === 'ok');
  return fc.constantFrom(...specs).chain((spec: CommandSpec) => {
    const opts = spec.options.filter((o) => !o.dest && lifeIn(o.life, v).status === 'ok');
    const optionArb =
      opts.length === 0
        ? fc.constant({} as Record<string, OptionValue>)
        : fc
            .uniqueArray(fc.constantFrom(...opts), { maxLength: 4, selector: (o) => o.name })
            .chain((chosen) => fc.record(Object.fromEntries(chosen.map((o) => [o.name, valueFor(o)]))));
    const [min, max] = spec.args ?? [0, 0];
    const argsArb = fc.array(noBreak, { minLength: min, maxLength: Math.min(max, min + 1) });
    return fc.record({ name: fc.constant(spec.name), options: optionArb, args: argsArb });
  });
}

describe('formatCommand quoting', () => {
  it('a rootpw with blanks reads back as the same password', () => {
    const line = formatCommand({
      name: 'rootpw',
      options: { plaintext: true },
      args: ['correct horse battery'],
    });
    expect(line).toBe("rootpw --plaintext 'correct horse battery'");
    const m = interpretKickstart(parseKickstart(`${line}\n`));
    expect(m.commands[0]?.args).toEqual(['correct horse battery']);
  });

  it('arbitrary strings survive write → parse as option values and as positional arguments', () => {
    fc.assert(
      fc.property(noBreak, noBreak, (password, gecos) => {
        const text = buildKickstart({
          commands: [
            { name: 'rootpw', options: { '--plaintext': true }, args: [password] },
            { name: 'user', options: { name: 'u', gecos, password } },
          ],
        });
        const m = interpretKickstart(parseKickstart(text), { version: 'RHEL9' });
        expect(m.commands[0]?.args).toEqual([password]);
        expect(m.commands[1]?.options).toEqual({ '--name': 'u', '--gecos': gecos, '--password': password });
        const codes = validateKickstart(parseKickstart(text), { version: 'RHEL9' }).findings.map(
          (f) => f.code,
        );
        expect(codes).not.toContain('KS_UNCLOSED_QUOTE');
        expect(codes).not.toContain('KS_UNEXPECTED_ARGUMENTS');
      }),
      { numRuns: 800 },
    );
  });

  it('refuses what cannot be written on a kickstart line', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as KickstartError).code;
      }
      return 'no error';
    };
    expect(err(() => formatCommand({ name: 'rootpw', args: ['a\nb'] }))).toBe('KS_ERR_UNREPRESENTABLE');
    expect(err(() => formatCommand({ name: 'services', options: { enabled: ['a,b'] } }))).toBe(
      'KS_ERR_UNREPRESENTABLE',
    );
    expect(err(() => formatCommand({ name: 'bad name' }))).toBe('KS_ERR_UNKNOWN_NAME');
    expect(err(() => buildKickstart({ scripts: [{ type: '%post', body: 'echo\n%end\necho\n' }] }))).toBe(
      'KS_ERR_UNREPRESENTABLE',
    );
    expect(err(() => buildKickstart({ packages: { items: [{ kind: 'package', name: 'a#b' }] } }))).toBe(
      'KS_ERR_UNREPRESENTABLE',
    );
    // A line break in the version comment would start a command of its own.
    expect(err(() => buildKickstart({ version: 'RHEL9\nrootpw --plaintext x' }))).toBe(
      'KS_ERR_UNREPRESENTABLE',
    );
    // Items that would not read back as themselves: a section-closing line, another kind.
    for (const item of [
      { kind: 'package', name: '%end' },
      { kind: 'package', name: '%include x.ks' },
      { kind: 'package', name: '%post' },
      { kind: 'package', name: '-vim' },
      { kind: 'package', name: '@core' },
      { kind: 'group', name: 'x:1' },
      { kind: 'group', name: 'a --optional' },
    ] as const) {
      expect(
        err(() => buildKickstart({ packages: { items: [item] } })),
        item.name,
      ).toBe('KS_ERR_UNREPRESENTABLE');
    }
  });
});

describe('builder', () => {
  it('gives a CRLF script body back unchanged whatever the line terminator', () => {
    for (const eol of ['\n', '\r\n'] as const) {
      const text = buildKickstart({ eol, scripts: [{ type: '%post', body: 'echo a\r\necho b\r\n' }] });
      expect(interpretKickstart(parseKickstart(text)).scripts[0]?.body, JSON.stringify(eol)).toBe(
        'echo a\r\necho b\r\n',
      );
    }
  });

  it('writes a complete kickstart that validates cleanly', () => {
    const text = buildKickstart({
      version: 'RHEL9',
      commands: [
        { name: 'url', options: { url: 'http://10.0.0.1/rhel9/BaseOS' } },
        { name: 'lang', args: ['en_US.UTF-8'] },
        { name: 'keyboard', options: { vckeymap: 'us' } },
        { name: 'timezone', args: ['Europe/Berlin'], options: { utc: true } },
        { name: 'network', options: { bootproto: 'dhcp', device: 'bootif', activate: true } },
        { name: 'rootpw', options: { iscrypted: true }, args: ['$6$salt$hash'] },
        { name: 'services', options: { enabled: ['sshd', 'chronyd'] } },
        { name: 'autopart', options: { type: 'lvm' } },
        { name: 'reboot' },
      ],
      packages: {
        options: { ignoremissing: true },
        items: [{ kind: 'environment', name: 'minimal-environment' }],
      },
      scripts: [{ type: '%post', body: 'echo done > /root/done\n', logfile: '/root/post.log' }],
    });
    expect(text).toMatchInlineSnapshot(`
      "#version=RHEL9
      url --url=http://10.0.0.1/rhel9/BaseOS
      lang en_US.UTF-8
      keyboard --vckeymap=us
      timezone --utc Europe/Berlin
      network --bootproto=dhcp --device=bootif --activate
      rootpw --iscrypted $6$salt$hash
      services --enabled=sshd,chronyd
      autopart --type=lvm
      reboot
      %packages --ignoremissing
      @^minimal-environment
      %end
      %post --logfile=/root/post.log
      echo done > /root/done
      %end
      "
    `);
    expect(validateKickstart(parseKickstart(text)).findings).toEqual([]);
  });

  it.each(['RHEL7', 'RHEL9', 'F45'])(
    'generated command sets → write → parse → the same model (%s)',
    (version) => {
      fc.assert(
        fc.property(fc.array(commandArb(version), { maxLength: 8 }), (commands) => {
          const text = buildKickstart({ commands });
          const m = interpretKickstart(parseKickstart(text), { version });
          expect(m.commands.map((c) => ({ name: c.name, options: c.options, args: c.args }))).toEqual(
            commands.map((c) => ({ name: c.name, options: c.options, args: c.args })),
          );
        }),
        { numRuns: 300 },
      );
    },
  );
});

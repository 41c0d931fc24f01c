import fc from 'fast-check';

/** Lines that look like kickstart: commands, options, quotes, comments, sections, %end, includes, odd blanks. */
export const ksLine: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\t',
    '# comment',
    '#version=RHEL9',
    '  # indented',
    '%end',
    '  %end # done',
    '%packages --ignoremissing',
    '%post --nochroot',
    '%pre',
    '%addon com_redhat_kdump --enable',
    '%anaconda',
    '%include other.ks',
    '%ksappend frag.ks',
    '%bogus',
    '%PRE',
    'rootpw --plaintext "a b"',
    "rootpw 'unclosed",
    'network --boot=dhcp --device=eth0',
    'part / --size=1 \\',
    '@core --nodefaults',
    '-@^env',
    'echo "x" > /tmp/y',
    'cat <<EOF',
    'EOF',
    'install',
    'autopart',
  ),
  fc.string({ unit: fc.constantFrom('a', '-', '=', ' ', '\t', '"', "'", '\\', '#', '%', '@', '^', 'é') }),
);

export const ksEol: fc.Arbitrary<string> = fc.constantFrom('\n', '\n', '\n', '\r\n', '\r', '\v', '\u2028');

/** A whole kickstart-like text with mixed line endings and maybe no final newline. */
export const ksText: fc.Arbitrary<string> = fc
  .tuple(fc.array(fc.tuple(ksLine, ksEol), { maxLength: 25 }), fc.boolean())
  .map(([lines, final]) => {
    let s = lines.map(([l, e]) => l + e).join('');
    if (!final && s.length > 0) s = s.replace(/(\r\n|[\n\r\v\u2028])$/, '');
    return s;
  });

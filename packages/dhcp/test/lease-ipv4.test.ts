import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tryParseIpv4 } from '../src/lease/ipv4.js';

/** The regular-expression parser tryParseIpv4 replaced (kept as the reference). */
function reference(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (m === null) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = Number(m[i]);
    if (part > 255) return undefined;
    n = n * 256 + part;
  }
  return n;
}

describe('tryParseIpv4 (hand-written) agrees with the regular-expression parser', () => {
  it('on fixed cases', () => {
    for (const t of [
      '0.0.0.0',
      '255.255.255.255',
      '10.0.0.1',
      '010.001.0.9',
      '1.2.3',
      '1.2.3.4.',
      '.1.2.3',
      '1..2.3',
      '256.1.1.1',
      '1.1.1.256',
      '1234.1.1.1',
      '1.2.3.4 ',
      '',
      'a.b.c.d',
      '1.2.3.999',
      '٣.1.1.1',
    ]) {
      expect(tryParseIpv4(t), t).toBe(reference(t));
    }
  });

  it('on random dotted-looking strings', () => {
    const part = fc.oneof(
      fc.nat(999).map(String),
      fc.stringMatching(/^[0-9]{0,4}$/),
      fc.string({ maxLength: 3 }),
    );
    const dotted = fc.array(part, { minLength: 1, maxLength: 6 }).map((p) => p.join('.'));
    fc.assert(
      fc.property(fc.oneof(dotted, fc.string()), (t) => tryParseIpv4(t) === reference(t)),
      {
        numRuns: 5000,
      },
    );
  });
});

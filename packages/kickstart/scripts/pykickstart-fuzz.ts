/**
 * Development check (not part of CI): differential fuzzing against pykickstart. Generates random
 * command lines from our registry (valid and invalid options, abbreviations, `=`/blank forms, bad
 * values, stray arguments), asks pykickstart whether it rejects each one (scripts/pykickstart-lines.py)
 * and lists where our verdict (any error finding) differs. Run from the repository root:
 *
 *   pnpm exec esbuild packages/kickstart/scripts/pykickstart-fuzz.ts --bundle --platform=node \
 *     --format=esm --outfile=/tmp/ks-fuzz.mjs && node /tmp/ks-fuzz.mjs /path/to/pykickstart [runs] [seed]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { COMMANDS, parseKickstart, validateKickstart } from '../src/index.js';

const [pykickstart, runs = '1500', seed = '42'] = process.argv.slice(2);
if (pykickstart === undefined) throw new Error('usage: pykickstart-fuzz PYKICKSTART_DIR [runs] [seed]');
const versions = ['RHEL7', 'RHEL9', 'F45'];
const quote = (w: string): string => (w === '' || w.includes(' ') ? `"${w}"` : w);
const word = fc.constantFrom(
  'a',
  'b c',
  '1',
  '-1',
  '0',
  'yes',
  'dhcp',
  'sda',
  '/',
  'x,y',
  '',
  '-m',
  '10G',
  'on',
  'static',
  'lvm',
  'http://x/',
);
const line = fc.constantFrom(...COMMANDS.filter((c) => !c.freeform)).chain((spec) => {
  const names = spec.options.flatMap((o) => [o.name, ...(o.aliases ?? [])]);
  const option =
    names.length === 0
      ? fc.constant('')
      : fc
          .tuple(fc.constantFrom(...names), fc.constantFrom('=', ' ', 'flag', 'abbr'), word)
          .map(([n, form, w]) => {
            if (form === 'flag') return n;
            if (form === 'abbr') return n.slice(0, Math.max(4, n.length - 2));
            return form === '=' ? `${n}=${quote(w)}` : `${n} ${quote(w)}`;
          });
  return fc
    .tuple(fc.array(option, { maxLength: 3 }), fc.array(word, { maxLength: 2 }))
    .map(([os, args]) => [spec.name, ...os, ...args.map(quote)].filter((x) => x !== '').join(' '));
});
const jobs = fc
  .sample(line, { numRuns: Number(runs), seed: Number(seed) })
  .flatMap((l) => versions.map((version) => ({ text: `${l}\n`, version })));
const jobFile = join(mkdtempSync(join(tmpdir(), 'ks-fuzz-')), 'jobs.json');
writeFileSync(jobFile, JSON.stringify(jobs));
const script = join(process.cwd(), 'packages', 'kickstart', 'scripts', 'pykickstart-lines.py');
const pk = JSON.parse(
  execFileSync('python3', [script, pykickstart, jobFile], { maxBuffer: 1 << 26 }).toString(),
) as [boolean, string][];
const diffs = new Map<string, string[]>();
jobs.forEach((job, i) => {
  const r = validateKickstart(parseKickstart(job.text), { version: job.version });
  const ours = r.findings.some((f) => f.severity === 'error');
  const [theirs, message] = pk[i]!;
  if (ours === theirs) return;
  const key = `${job.text.split(' ')[0]!.trim()} ours=${ours ? 'error' : 'ok'} pykickstart=${theirs ? 'error' : 'ok'}`;
  const codes = r.findings.filter((f) => f.severity === 'error').map((f) => f.code);
  diffs.set(key, [
    ...(diffs.get(key) ?? []),
    `${job.version}: ${job.text.trim()} | pykickstart: ${message} | ours: ${codes.join(',')}`,
  ]);
});
let total = 0;
for (const [k, v] of [...diffs].sort((a, b) => b[1].length - a[1].length)) {
  total += v.length;
  console.log(`${k}: ${v.length}`);
  for (const x of v.slice(0, 3)) console.log(`    ${x}`);
}
console.log(`disagreements: ${total}/${jobs.length}`);

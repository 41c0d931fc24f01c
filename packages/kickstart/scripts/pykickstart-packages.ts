/**
 * Development check (not part of CI): the `%packages` model against pykickstart's own. Random
 * `%packages` sections (groups with options, environments, exclusions, modules, comments, repeats)
 * are read by both; the environment, groups, packages and exclusions must agree. Run from the
 * repository root:
 *
 *   pnpm exec esbuild packages/kickstart/scripts/pykickstart-packages.ts --bundle --platform=node \
 *     --format=esm --outfile=/tmp/ks-pkgs.mjs && node /tmp/ks-pkgs.mjs /path/to/pykickstart [seed]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { interpretKickstart, parseKickstart } from '../src/index.js';

const [pykickstart, seed = '5'] = process.argv.slice(2);
if (pykickstart === undefined) throw new Error('usage: pykickstart-packages PYKICKSTART_DIR [seed]');
// Empty names (`@`, `-@^`) are left out: we report them as errors, pykickstart keeps odd entries.
const item = fc.constantFrom(
  'vim',
  'vim*',
  'emacs',
  '-vim',
  '-emacs',
  '@core',
  '@core --nodefaults',
  '@core --optional',
  '@base',
  '-@base',
  '-@core',
  '@^env1',
  '@^env2',
  '-@^env1',
  '-@^env2',
  '@Dev Tools',
  '@core # c',
  'vim # x',
  '  nano  ',
  '@nodejs:18',
  '@nodejs:18/dev',
  '-@nodejs:18',
  '',
  '# only',
  '@core --nodef',
  'vim emacs',
);
const texts = fc
  .sample(fc.array(fc.array(item, { maxLength: 8 }), { minLength: 1, maxLength: 3 }), {
    numRuns: 600,
    seed: Number(seed),
  })
  .map((sections) => sections.map((lines) => `%packages\n${lines.join('\n')}\n%end\n`).join(''));
const file = join(mkdtempSync(join(tmpdir(), 'ks-pkgs-')), 'texts.json');
writeFileSync(file, JSON.stringify(texts));
const script = join(process.cwd(), 'packages', 'kickstart', 'scripts', 'pykickstart-packages.py');
const theirs = JSON.parse(
  execFileSync('python3', [script, pykickstart, file], { maxBuffer: 1 << 26 }).toString(),
);
let diffs = 0;
texts.forEach((text, i) => {
  const m = interpretKickstart(parseKickstart(text), { version: 'RHEL9' }).packages!;
  const ours = {
    env: m.environment,
    groups: [
      ...m.groups.map((g) => `${g.name}|${g.include}`),
      ...m.modules.map(
        (x) => `${x.name}:${x.stream}${x.profile !== undefined ? `/${x.profile}` : ''}|default`,
      ),
    ].sort(),
    pkgs: [...m.packages].sort(),
    xpkgs: [...m.excludedPackages].sort(),
    xgroups: [...m.excludedGroups].sort(),
  };
  if (JSON.stringify(ours) === JSON.stringify(theirs[i])) return;
  diffs++;
  console.log(
    `DIFF ${JSON.stringify(text)}\n  ours        ${JSON.stringify(ours)}\n  pykickstart ${JSON.stringify(theirs[i])}`,
  );
});
console.log(`%packages differences: ${diffs}/${texts.length}`);

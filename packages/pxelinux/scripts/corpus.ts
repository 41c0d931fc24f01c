/**
 * Development check (not part of CI): parse + byte-exact round trip + lint + boot resolution over
 * every file under ../shared/corpus/pxelinux (or the folder given as first argument).
 *
 *   pnpm exec esbuild packages/pxelinux/scripts/corpus.ts --bundle --platform=node --format=esm \
 *     --outfile=/tmp/pxelinux-corpus.mjs && node /tmp/pxelinux-corpus.mjs [dir] [--verbose]
 *
 * INCLUDE targets are looked up next to the including file. Files named f*.txt are DISPLAY/F-key
 * screens, not configs: they are only round-tripped.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { formatBytes, lint, parseBytes, resolveBoot } from '../src/index.js';

const root =
  process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : '/work/shared/corpus/pxelinux';
const verbose = process.argv.includes('--verbose');

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yield* files(p);
    else yield p;
  }
}

let total = 0;
let roundTrip = 0;
let crashed = 0;
const byCode = new Map<string, number>();
const outcomes = new Map<string, number>();
const started = performance.now();
let bytes = 0;
for (const path of files(root)) {
  const rel = relative(root, path);
  total++;
  const data = readFileSync(path);
  bytes += data.length;
  try {
    const doc = parseBytes(data);
    const back = formatBytes(doc);
    const same = back.length === data.length && back.every((b, i) => b === data[i]);
    if (same) roundTrip++;
    else console.log(`ROUND TRIP MISMATCH ${rel}`);
    if (/^f\d+\.txt/.test(basename(path))) continue;
    const include = (name: string) => {
      const p = join(dirname(path), basename(name));
      return existsSync(p) ? new TextDecoder('latin1').decode(readFileSync(p)) : undefined;
    };
    const findings = lint(doc, { file: rel, include });
    for (const f of findings) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
    const boot = resolveBoot(doc, { include, facts: { mac: '52:54:00:12:34:56', ip: '10.0.0.5' } });
    outcomes.set(boot.outcome, (outcomes.get(boot.outcome) ?? 0) + 1);
    const errors = findings.filter((f) => f.severity === 'error').length;
    console.log(
      `${rel}: ${doc.lines.length} lines, ${findings.length} findings (${errors} errors), boot=${boot.outcome}${boot.label ? ` label=${boot.label}` : ''}${boot.kernel ? ` kernel=${boot.kernel}` : ''}`,
    );
    if (verbose)
      for (const f of findings)
        console.log(`  ${f.file}:${f.line}:${f.column} ${f.severity} ${f.code} ${f.message}`);
  } catch (e) {
    crashed++;
    console.log(`CRASH ${rel}: ${(e as Error).stack}`);
  }
}
const ms = performance.now() - started;
console.log(
  `\n${total} files, ${roundTrip} byte-identical round trips, ${crashed} crashes, ${bytes} bytes in ${ms.toFixed(0)} ms`,
);
console.log('findings by code:', Object.fromEntries([...byCode].sort((a, b) => b[1] - a[1])));
console.log('boot outcomes:', Object.fromEntries(outcomes));

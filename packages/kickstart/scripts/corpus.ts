/**
 * Development check (not part of CI): parse + round trip + validate every kickstart under
 * ../shared/corpus/kickstart (or the folder given as first argument) and print a verdict per file.
 *
 *   pnpm exec esbuild packages/kickstart/scripts/corpus.ts --bundle --platform=node --format=esm \
 *     --outfile=/tmp/ks-corpus.mjs && node /tmp/ks-corpus.mjs [dir] [--verbose]
 *
 * With --pykickstart=DIR (a pykickstart checkout), the verdicts are compared with pykickstart's own
 * (scripts/pykickstart-verdicts.py; includes not followed, template mode off, fragments skipped).
 *
 * The version for each file comes from its folder (rocky-r8 → RHEL8, centos-era → RHEL6/7, …)
 * unless the file has a `#version=` line. Files under `templated/` are validated in template mode.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import {
  formatKickstart,
  type IncludeReader,
  mapFindings,
  parseKickstart,
  resolveIncludes,
  validateKickstart,
} from '../src/index.js';
import { createFileReader } from '../src/node/index.js';

const root =
  process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : '/work/shared/corpus/kickstart';
const verbose = process.argv.includes('--verbose');
const oracle = process.argv.find((a) => a.startsWith('--pykickstart='))?.slice('--pykickstart='.length);

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yield* files(p);
    else yield p;
  }
}

function versionFor(rel: string, text: string): string | undefined {
  // The release a file was written for beats its `#version=` line here: ksflatten writes DEVEL.
  if (rel.startsWith('rocky-r8') || rel.includes('rocky8')) return 'RHEL8';
  if (rel.startsWith('rocky-r9')) return 'RHEL9';
  if (rel.startsWith('rocky-r10')) return 'RHEL10';
  if (rel.startsWith('fedora-kickstarts')) return 'F34';
  if (rel.startsWith('kickstart-tests')) return 'DEVEL';
  if (rel.includes('kitten-10')) return 'RHEL10';
  if (rel.includes('rhel9')) return 'RHEL9';
  if (rel.startsWith('foreman-rendered') || rel.includes('openvz-7')) return 'RHEL7';
  if (rel.includes('openstack/')) return 'RHEL6';
  if (/^#version=/m.test(text)) return undefined;
  const m = /(?:centos|rhel|almalinux|CentOS)[-_/]?(\d+)/i.exec(rel) ?? /\/(\d+)\//.exec(rel);
  if (m) {
    const n = Number(m[1]);
    if (n >= 6 && n <= 10) return `RHEL${n}`;
    if (n === 5) return 'RHEL6';
  }
  return undefined;
}

let total = 0;
let roundTripFail = 0;
let crashes = 0;
let clean = 0;
const byCode = new Map<string, number>();
const t0 = performance.now();
let bytes = 0;
for (const f of files(root)) {
  const rel = relative(root, f);
  const text = readFileSync(f, 'utf8');
  bytes += text.length;
  total++;
  try {
    const doc = parseKickstart(text);
    if (formatKickstart(doc) !== text) {
      roundTripFail++;
      console.log(`ROUNDTRIP FAIL ${rel}`);
    }
    const version = versionFor(rel, text);
    const r = validateKickstart(doc, {
      ...(version !== undefined ? { version } : {}),
      templates: rel.includes('templated') || rel.startsWith('kickstart-tests'),
    });
    const errors = r.findings.filter((x) => x.severity === 'error');
    const warnings = r.findings.filter((x) => x.severity === 'warning');
    for (const x of r.findings)
      byCode.set(`${x.severity} ${x.code}`, (byCode.get(`${x.severity} ${x.code}`) ?? 0) + 1);
    if (errors.length === 0) clean++;
    console.log(
      `${errors.length === 0 ? 'ok  ' : 'FAIL'} ${rel} [${r.version.name}/${r.versionSource}] errors=${errors.length} warnings=${warnings.length}`,
    );
    if (verbose || errors.length > 0)
      for (const x of r.findings.filter((y) => verbose || y.severity === 'error'))
        console.log(`     ${x.line}:${x.column} ${x.severity} ${x.code} ${x.message}`);
  } catch (e) {
    crashes++;
    console.log(`CRASH ${rel}: ${(e as Error).stack}`);
  }
}
const ms = performance.now() - t0;
console.log(
  `\nfiles=${total} roundtrip-fail=${roundTripFail} crashes=${crashes} no-errors=${clean} (${(bytes / 1024).toFixed(0)} KiB in ${ms.toFixed(0)} ms)`,
);
for (const [k, v] of [...byCode].sort((a, b) => b[1] - a[1])) console.log(`  ${String(v).padStart(4)} ${k}`);

// Second pass: resolve %include / %ksappend for files that have them (relative to the file, as
// pykickstart's fallback does), and validate the flattened result.
console.log('\n%include resolution');
let withIncludes = 0;
for (const f of files(root)) {
  const rel = relative(root, f);
  const text = readFileSync(f, 'utf8');
  if (!/^\s*%(include|ksappend)\b/m.test(text)) continue;
  withIncludes++;
  // kickstart-tests' %ksappend fragments are resolved by its harness: platform folder first, then shared.
  const frag = join(root, 'kickstart-tests', 'fragments');
  const readers = rel.startsWith('kickstart-tests')
    ? [join(frag, 'platform', 'fedora_rawhide'), join(frag, 'platform', 'rhel9'), join(frag, 'shared')].map(
        (cwd) => createFileReader({ cwd }),
      )
    : [createFileReader({ cwd: dirname(f) })];
  const reader: IncludeReader = async (target, from, kind) => {
    for (const r of readers) {
      const got = await r(target, from, kind);
      if (got) return got;
    }
    return null;
  };
  const r = await resolveIncludes(parseKickstart(text), { reader, file: f });
  const version = versionFor(rel, text);
  const v = validateKickstart(r.document, {
    ...(version !== undefined ? { version } : {}),
    templates: rel.startsWith('kickstart-tests'),
  });
  const errors = mapFindings(r, v.findings).filter((x) => x.severity === 'error');
  const problems = r.findings.filter((x) => x.code !== 'KS_INCLUDE_RUNTIME');
  console.log(
    `${problems.length === 0 ? 'ok  ' : 'MISS'} ${rel}: ${r.files.length} files, ${r.document.lines.length} lines, ` +
      `runtime=${r.findings.length - problems.length}, flattened errors=${errors.length}`,
  );
  for (const p of problems)
    console.log(`     ${relative(root, p.file ?? f)}:${p.line} ${p.code} ${p.message}`);
  if (verbose)
    for (const e of errors)
      console.log(`     ${relative(root, e.file ?? f)}:${e.line}:${e.column} ${e.code} ${e.message}`);
}
console.log(`files with includes: ${withIncludes}`);

if (oracle !== undefined) {
  // Third pass: our verdict (any error? any warning?) against pykickstart's, file by file.
  const jobs: Record<string, string> = {};
  for (const f of files(root)) {
    const rel = relative(root, f);
    if (/templated|\/fragments\/|\/templates\//.test(rel)) continue;
    const text = readFileSync(f, 'utf8');
    const v = versionFor(rel, text);
    jobs[f] = v === undefined ? 'F45' : v === 'DEVEL' ? 'F45' : v;
  }
  const jobFile = join(mkdtempSync(join(tmpdir(), 'ks-oracle-')), 'jobs.json');
  writeFileSync(jobFile, JSON.stringify(jobs));
  // Run from the repository root (the script is bundled to /tmp before it runs).
  const script = join(process.cwd(), 'packages', 'kickstart', 'scripts', 'pykickstart-verdicts.py');
  const pk = JSON.parse(
    execFileSync('python3', [script, oracle, jobFile], { maxBuffer: 1 << 26 }).toString(),
  ) as Record<string, { errors: { line: number | null; msg: string }[]; warnings: string[] }>;
  let same = 0;
  console.log('\nverdicts against pykickstart');
  for (const [f, version] of Object.entries(jobs)) {
    const ours = validateKickstart(parseKickstart(readFileSync(f, 'utf8')), { version });
    const oe = ours.findings.filter((x) => x.severity === 'error').length;
    const ow = ours.findings.filter((x) => x.severity === 'warning').length;
    const p = pk[f]!;
    if (oe > 0 === p.errors.length > 0 && ow > 0 === p.warnings.length > 0) {
      same++;
      continue;
    }
    console.log(
      `DIFF ${relative(root, f)} [${version}] pykickstart ${p.errors.length}E/${p.warnings.length}W, ours ${oe}E/${ow}W`,
    );
    for (const e of p.errors) console.log(`     pykickstart error ${e.line ?? '?'}: ${e.msg}`);
    for (const w of p.warnings) console.log(`     pykickstart warning: ${w}`);
    for (const x of ours.findings)
      if (x.severity !== 'info')
        console.log(`     ours ${x.line}:${x.column} ${x.severity} ${x.code} ${x.message}`);
  }
  console.log(`same verdict: ${same}/${Object.keys(jobs).length}`);
}

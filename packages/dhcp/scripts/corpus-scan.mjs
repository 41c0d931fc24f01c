#!/usr/bin/env node
// Dev script (not CI): runs every capture under a directory (default ../shared/corpus/pcap) through the
// pcap reader, the strict and tolerant decoders, the formatter and the re-encoder, and reports counts.
// Uses the built package: `pnpm --filter @pxekit/dhcp build && node packages/dhcp/scripts/corpus-scan.mjs [dir]`
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  DhcpError,
  decodeDhcpMessageTolerant,
  encodeDhcpMessage,
  extractDhcpMessages,
  formatDhcpMessage,
  readCapture,
  toHex,
  tryDecodeDhcpMessage,
} from '../dist/index.js';

const root = process.argv[2] ?? join(import.meta.dirname, '../../../../shared/corpus/pcap');
const files = [];
const walk = (d) => {
  for (const n of readdirSync(d)) {
    const p = join(d, n);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.pcap(ng)?$/.test(n)) files.push(p);
  }
};
walk(root);

const totals = {
  files: 0,
  unreadable: 0,
  packets: 0,
  dhcp: 0,
  strictOk: 0,
  exact: 0,
  notExact: 0,
  crashes: 0,
};
const problemCounts = new Map();
const strictErrors = new Map();
for (const f of files.sort()) {
  totals.files++;
  let packets;
  try {
    packets = readCapture(new Uint8Array(readFileSync(f)));
  } catch (e) {
    if (!(e instanceof DhcpError)) {
      totals.crashes++;
      console.log(`CRASH reading ${f}: ${e}`);
    } else totals.unreadable++;
    console.log(`${relative(root, f)}: not read (${e.code ?? e})`);
    continue;
  }
  const dhcp = extractDhcpMessages(packets);
  totals.packets += packets.length;
  totals.dhcp += dhcp.length;
  let exact = 0;
  let strict = 0;
  for (const m of dhcp) {
    try {
      const r = tryDecodeDhcpMessage(m.payload);
      if (r.ok) strict++;
      else strictErrors.set(r.error.code, (strictErrors.get(r.error.code) ?? 0) + 1);
      const { message, problems } = decodeDhcpMessageTolerant(m.payload);
      for (const p of problems) problemCounts.set(p.code, (problemCounts.get(p.code) ?? 0) + 1);
      if (message !== undefined) {
        formatDhcpMessage(message);
        if (toHex(encodeDhcpMessage(message)) === toHex(m.payload)) exact++;
        else {
          totals.notExact++;
          console.log(`  not exact: ${relative(root, f)} frame ${m.index}`);
        }
      }
    } catch (e) {
      totals.crashes++;
      console.log(`CRASH ${relative(root, f)} frame ${m.index}: ${e?.stack ?? e}`);
    }
  }
  totals.strictOk += strict;
  totals.exact += exact;
  console.log(
    `${relative(root, f)}: ${packets.length} packets, ${dhcp.length} DHCP, ${strict} strict ok, ${exact} exact`,
  );
}
console.log('\ntotals', totals);
console.log('strict decode errors', Object.fromEntries(strictErrors));
console.log('tolerant problems', Object.fromEntries(problemCounts));
process.exitCode = totals.crashes > 0 ? 1 : 0;

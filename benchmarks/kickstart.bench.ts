/**
 * @pxekit/kickstart throughput: parse, parse + validate, parse + interpret, and flatten over
 * (1) a large generated kickstart (~2 MB: hundreds of commands of every common kind, a big
 * %packages section, long %post heredocs) and (2) the third-party corpus in ../shared/corpus when
 * it is present on the machine (it is not part of the repository).
 *
 * MB/s = hz × size (the size is in each bench's name).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  flattenKickstart,
  formatKickstart,
  interpretKickstart,
  parseKickstart,
  validateKickstart,
} from '@pxekit/kickstart';
import { bench, describe } from 'vitest';

function generate(targetBytes: number): string {
  const out: string[] = [
    '#version=RHEL9',
    'url --url=http://10.0.0.1/rhel9/BaseOS/x86_64/os',
    'lang en_US.UTF-8',
  ];
  out.push(
    'keyboard --vckeymap=us --xlayouts=us',
    'timezone Europe/Berlin --utc',
    'rootpw --iscrypted $6$x$y',
  );
  let i = 0;
  let size = 0;
  while (size < targetBytes) {
    const block = [
      `network --bootproto=static --device=eth${i} --ip=10.${i % 250}.0.2 --netmask=255.255.255.0 --gateway=10.0.0.1 --nameserver=1.1.1.1,8.8.8.8 --onboot=yes # nic ${i}`,
      `part /data${i} --fstype="xfs" --size=${1024 + i} --ondisk=sd${String.fromCharCode(97 + (i % 26))} --mkfsoptions "-m bigtime=1"`,
      `user --name=user${i} --groups=wheel,adm --password='pa ss#${i}' --plaintext --gecos="User ${i}"`,
      `repo --name=repo${i} --baseurl=http://mirror/${i}/ --cost=${i % 100} --excludepkgs=foo,bar`,
      `logvol /lv${i} --vgname=vg0 --name=lv${i} --size=${512 + i} --fstype=ext4`,
      '%packages --ignoremissing',
      `@^server-product-environment`,
      `@group${i} --nodefaults`,
      `pkg-${i}-a`,
      `-pkg-${i}-b # excluded`,
      '%end',
      `%post --interpreter=/bin/bash --log=/root/post${i}.log`,
      `cat > /etc/motd.d/${i} <<'EOF'`,
      `Welcome to host ${i}: %{name} "quotes' and # hashes`,
      'EOF',
      `systemctl enable service${i}.service`,
      '%end',
      '',
    ].join('\n');
    out.push(block);
    size += block.length + 1;
    i++;
  }
  return `${out.join('\n')}\n`;
}

const big = generate(2 * 1024 * 1024);
const mb = (s: string): string => `${(Buffer.byteLength(s) / 1e6).toFixed(2)} MB`;

describe(`generated kickstart (${mb(big)})`, () => {
  bench(`parse (${mb(big)})`, () => {
    parseKickstart(big);
  });
  bench(`parse + format round trip (${mb(big)})`, () => {
    if (formatKickstart(parseKickstart(big)) !== big) throw new Error('round trip');
  });
  bench(`parse + validate (${mb(big)})`, () => {
    validateKickstart(parseKickstart(big), { version: 'RHEL9' });
  });
  bench(`parse + interpret (${mb(big)})`, () => {
    interpretKickstart(parseKickstart(big), { version: 'RHEL9' });
  });
  bench('flatten a file with 200 includes', async () => {
    const root = Array.from({ length: 200 }, (_, k) => `%include part${k}.ks`).join('\n');
    await flattenKickstart(parseKickstart(root), { reader: (t) => ({ id: t, text: 'skipx\n' }) });
  });
});

// The corpus lives next to the repository on development machines only; without it there is nothing to measure.
const corpusDir = join(import.meta.dirname, '..', '..', 'shared', 'corpus', 'kickstart');
const corpus: string[] = [];
function collect(dir: string): void {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) collect(p);
    else corpus.push(readFileSync(p, 'utf8'));
  }
}
if (existsSync(corpusDir)) collect(corpusDir);
const corpusSize = corpus.reduce((n, s) => n + Buffer.byteLength(s), 0);

describe.runIf(corpus.length > 0)(
  `corpus (${corpus.length} files, ${(corpusSize / 1e6).toFixed(2)} MB)`,
  () => {
    bench(`parse + validate corpus (${(corpusSize / 1e6).toFixed(2)} MB)`, () => {
      for (const text of corpus) validateKickstart(parseKickstart(text));
    });
  },
);

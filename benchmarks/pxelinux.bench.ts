/**
 * Parse throughput of @pxekit/pxelinux on a generated menu (about 100 labels, 1,000 lines),
 * plus the model and lint passes on the same text. Run: pnpm bench benchmarks/pxelinux.bench.ts
 */
import { buildConfig, buildModel, format, type LabelSpec, lint, parse } from '@pxekit/pxelinux';
import { bench, describe } from 'vitest';

const labels: LabelSpec[] = Array.from({ length: 100 }, (_, i) => ({
  label: `host${i}`,
  menuLabel: `Install host ^${i}`,
  kernel: `images/os${i % 7}/vmlinuz`,
  initrd: [`images/os${i % 7}/initrd.img`, 'site/overlay.img'],
  append: `inst.ks=http://10.99.0.1/ks/host${i}.cfg inst.repo=http://10.99.0.1/os${i % 7}/ quiet`,
  ipappend: 2,
  help: ['Kickstart install of this host.', 'Uses the site overlay.'],
}));
const text = buildConfig({
  serial: '0 115200',
  ui: 'vesamenu.c32',
  default: 'host0',
  timeout: 100,
  title: 'Rack boot menu',
  entries: [
    ...labels,
    {
      submenu: {
        tag: 'tools',
        title: 'Tools',
        entries: [{ label: 'local', kernel: '0', kernelType: 'localboot' }],
      },
    },
  ],
});
const bytes = new TextEncoder().encode(text).length;
const doc = parse(text);

describe(`pxelinux: ${doc.lines.length} lines, ${bytes} bytes`, () => {
  bench('parse', () => {
    parse(text);
  });
  bench('parse + format', () => {
    format(parse(text));
  });
  bench('buildModel (menu reader)', () => {
    buildModel(doc, { reader: 'menu' });
  });
  bench('lint', () => {
    lint(doc);
  });
});

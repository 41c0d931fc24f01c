/**
 * The real netboot tree of Debian 12's installer (package debian-installer-12-netboot-amd64):
 * every config parses, round-trips byte for byte, lints without errors, and the default boot
 * resolves to the installer kernel and initrd. Reading the files needs no network namespace.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { labStatus, labTitle, run } from '@pxekit/testkit/lab';
import { describe, expect, it } from 'vitest';
import { formatBytes, lint, parseBytes, resolveBoot } from '../src/index.js';

const PACKAGE = 'debian-installer-12-netboot-amd64';
const lab = await labStatus({ packages: [PACKAGE], needs: ['root'] });

async function packageFiles(): Promise<string[]> {
  const r = await run('dpkg-query', ['-L', PACKAGE], { timeoutMs: 30_000 });
  expect(r.code).toBe(0);
  return r.stdout.split('\n').filter((p) => p !== '');
}

describe.skipIf(!lab.ok)(labTitle(`pxelinux reads ${PACKAGE}`, lab), () => {
  it('parses, round-trips, lints and resolves every netboot tree of the package', async () => {
    const files = await packageFiles();
    // A netboot tree (the TFTP root, text and gtk flavours) holds pxelinux.cfg and debian-installer/.
    const roots = files
      .filter((p) => p.endsWith('/pxelinux.cfg'))
      .map((p) => dirname(p))
      .filter((d) => existsSync(join(d, 'debian-installer')));
    expect(roots.length).toBeGreaterThan(0);
    for (const root of roots) {
      const inTree = (name: string) => join(root, name.replace(/^::?\/?/, ''));
      const exists = (name: string) => existsSync(inTree(name));
      const include = (name: string) => {
        const p = inTree(name);
        return existsSync(p) && statSync(p).isFile() ? readFileSync(p, 'latin1') : undefined;
      };
      const configs = files.filter(
        (p) =>
          p.startsWith(`${root}/`) &&
          !p.includes('/grub/') &&
          (p.endsWith('.cfg') || p.endsWith('/pxelinux.cfg/default')),
      );
      expect(configs.length).toBeGreaterThan(5);
      for (const path of configs) {
        if (!statSync(path).isFile()) continue;
        const bytes = readFileSync(path);
        const doc = parseBytes(bytes);
        expect(Buffer.from(formatBytes(doc)).equals(bytes), `${path} round trip`).toBe(true);
        const findings = lint(doc, { file: relative(root, path), include, exists });
        const errors = findings.filter((f) => f.severity === 'error');
        expect(errors, `${path}: ${JSON.stringify(errors)}`).toEqual([]);
      }
      const main = parseBytes(readFileSync(realpathSync(join(root, 'pxelinux.cfg/default'))));
      const boot = resolveBoot(main, {
        include,
        exists,
        facts: { mac: '52:54:00:12:34:56', ip: '10.99.0.10' },
      });
      // DEFAULT …/vesamenu.c32 without UI starts the menu; the menu decides.
      expect(boot.chosenBy, JSON.stringify(boot.steps)).toBe('menu');
      if (exists('debian-installer/amd64/boot-screens/spk.cfg')) {
        // This flavour's spk.cfg sets TIMEOUT 300 + ONTIMEOUT: after 30 s the speech installer starts.
        expect(boot).toMatchObject({ outcome: 'boot', timeout: 300 });
        expect(boot.args).toContain('speakup.synth=soft');
      } else {
        // TIMEOUT 0: the menu waits on its first entry, Install.
        expect(boot).toMatchObject({ outcome: 'wait', label: 'install' });
      }
      expect(boot.kernel).toBe('debian-installer/amd64/linux');
      expect(boot.initrd).toEqual(['debian-installer/amd64/initrd.gz']);
      expect(exists(boot.kernel!)).toBe(true);
      expect(exists(boot.initrd[0]!)).toBe(true);
      expect(boot.cmdline).toContain('vga=788');
    }
  });
});

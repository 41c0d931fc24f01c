import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDhcpMessage, encodeDhcpMessage, toHex, withOption } from '@pxekit/dhcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyServeFlags } from '../src/cli/main.js';
import { EXIT, loadConfig, runCli } from '../src/index.js';

let dir: string;

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd: dir,
    env: {},
  });
  return { code, stdout, stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pxekit-cli-'));
  mkdirSync(join(dir, 'tftp'));
  mkdirSync(join(dir, 'loaders'));
  for (const f of ['pxelinux.0', 'ldlinux.c32', 'menu.c32', 'libutil.c32', 'libcom32.c32'])
    writeFileSync(join(dir, 'loaders', f), f);
  writeFileSync(join(dir, 'tftp/vmlinuz'), 'k');
  writeFileSync(
    join(dir, 'good.yaml'),
    `server: { address: 10.9.0.1 }
tftp: { root: ./tftp }
bootLoaders: { search: [./loaders] }
profiles:
  default: { menu: m, bios: pxelinux }
menus:
  m: { entries: [{ id: a, kernel: vmlinuz }, { id: local, localBoot: true }] }
hosts:
  - { mac: 52:54:00:00:00:01, name: one }
`,
  );
  writeFileSync(join(dir, 'bad.yaml'), 'tftp:\n  rot: x\n');
  writeFileSync(join(dir, 'noroot.yaml'), 'tftp: { root: ./missing }\n');
  writeFileSync(
    join(dir, 'dhcpd.conf'),
    'subnet 10.1.0.0 netmask 255.255.0.0 {\n  range 10.1.1.1 10.1.1.50;\n  filename "pxelinux.0";\n}\n',
  );
  writeFileSync(
    join(dir, 'ok.ks'),
    '#version=RHEL7\nlang en_US.UTF-8\nkeyboard us\ntimezone UTC\nrootpw --lock\n%packages\n@core\n%end\n',
  );
  writeFileSync(join(dir, 'bad.ks'), 'lang\nfrobnicate --now\n');
  writeFileSync(join(dir, 'default.cfg'), 'DEFAULT linux\nLABEL linux\n  KERNEL vmlinuz\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pxekit CLI', () => {
  it('prints help for the program and for every command', async () => {
    const top = await run('--help');
    expect(top.code).toBe(EXIT.OK);
    expect(top.stdout).toContain('exit codes:');
    for (const cmd of [
      'serve',
      'boot',
      'check',
      'explain',
      'import',
      'example',
      'dhcp',
      'tftp',
      'pxelinux',
      'ks',
      'leases',
    ]) {
      const r = await run(cmd, '--help');
      expect({ cmd, code: r.code }).toEqual({ cmd, code: EXIT.OK });
      expect(r.stdout).toMatch(/^usage: pxekit /);
    }
    expect((await run()).code).toBe(EXIT.USAGE);
  });

  it('usage errors exit 2 with one message and a pointer to --help', async () => {
    const r = await run('check', '--nope');
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/^pxekit: .*--nope.*\nrun: pxekit check --help\n$/);
    expect((await run('frobnicate')).stderr).toContain('unknown command "frobnicate"');
  });

  it('check: a good config prints what each host boots', async () => {
    const r = await run('check', '-c', 'good.yaml');
    expect(r.code).toBe(EXIT.OK);
    expect(r.stdout).toContain('  one 52:54:00:00:00:01\n    bios      pxelinux.0\n');
    expect(r.stdout).toMatch(/ok\n$/);
    const j = JSON.parse((await run('check', '-c', 'good.yaml', '--json')).stdout);
    expect(j.ok).toBe(true);
    expect(j.hosts[0].decisions[0]).toMatchObject({ firmware: 'bios', bootFile: 'pxelinux.0', boot: true });
  });

  it('check: config errors exit 3 with positions, never a stack trace', async () => {
    const r = await run('check', '-c', 'bad.yaml');
    expect(r.code).toBe(EXIT.CONFIG);
    expect(r.stderr).toBe(
      `pxekit: ${join(dir, 'bad.yaml')}: 1 error in the config\n  ${join(dir, 'bad.yaml')}:2:3: error tftp.rot: unknown key "rot"; did you mean "root"? (expected one of enabled, root, port, maxBlockSize)\n`,
    );
    const missing = await run('check', '-c', 'nothere.yaml');
    expect(missing.code).toBe(EXIT.CONFIG);
    expect(missing.stderr).toBe(`pxekit: cannot read config ${join(dir, 'nothere.yaml')}: ENOENT\n`);
  });

  it('check: an unreadable root exits 4', async () => {
    const r = await run('check', '-c', 'noroot.yaml');
    expect(r.code).toBe(EXIT.ENVIRONMENT);
    expect(r.stderr).toContain(`error: tftp.root ${join(dir, 'missing')} does not exist`);
  });

  it('explain gives the decision and its reasons', async () => {
    const r = await run('explain', '-c', 'good.yaml', '--mac', '52-54-00-00-00-01', '--arch', '0');
    expect(r.code).toBe(EXIT.OK);
    expect(r.stdout).toBe(
      [
        '52:54:00:00:00:01 boots pxelinux.0',
        '  - architecture 0: x86 BIOS',
        '  - 52:54:00:00:00:01 is host one',
        '  - profile default (the default)',
        '  - bios loader pxelinux: boot file pxelinux.0',
        '  reply carries vendor class PXEClient',
        '',
      ].join('\n'),
    );
    const uefi = JSON.parse(
      (await run('explain', '-c', 'good.yaml', '--mac', '52:54:00:00:00:09', '--arch', '7', '--json')).stdout,
    );
    expect(uefi).toMatchObject({ boot: false, firmware: 'uefiX64' });
    expect(uefi.reason.at(-1)).toBe('profile default has no uefiX64 loader');
  });

  it('import dhcpd.conf writes YAML that loads', async () => {
    const r = await run('import', 'dhcpd.conf', 'dhcpd.conf');
    expect(r.code).toBe(EXIT.OK);
    expect(loadConfig(r.stdout).ok).toBe(true);
    expect(r.stdout).toContain('subnet: 10.1.0.0/16');
    const o = await run('import', 'dhcpd.conf', 'dhcpd.conf', '-o', 'good.yaml');
    expect(o.code).toBe(EXIT.USAGE);
    expect(o.stderr).toContain('exists; not overwriting it');
  });

  it('leases reads a running server, and says so when there is none', async () => {
    const r = await run('leases', '--url', 'http://127.0.0.1:9');
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toMatch(/^pxekit: cannot read leases from http:\/\/127\.0\.0\.1:9: /);
    expect((await run('serve')).code).toBe(EXIT.USAGE);
  });

  it('boot: a kernel is required and must exist', async () => {
    expect((await run('boot')).code).toBe(EXIT.USAGE);
    const r = await run('boot', 'nope-vmlinuz', '--no-dhcp');
    expect(r.code).toBe(EXIT.CONFIG);
    expect(r.stderr).toBe(`pxekit: cannot read ${join(dir, 'nope-vmlinuz')}: ENOENT\n`);
  });

  it('dhcp decode reads hex', async () => {
    const msg = withOption(createDhcpMessage({ chaddr: '52:54:00:00:00:01', xid: 0x1234 }), 'messageType', 1);
    const r = await run('dhcp', 'decode', toHex(encodeDhcpMessage(msg)));
    expect(r.code).toBe(EXIT.OK);
    expect(r.stdout).toContain('DHCP DISCOVER xid 0x00001234 from 52:54:00:00:00:01');
    expect((await run('dhcp', 'decode', 'zz')).code).toBe(EXIT.USAGE);
  });

  it('pxelinux lookup, lint and format', async () => {
    const r = await run('pxelinux', 'lookup', '--mac', '88:99:aa:bb:cc:dd', '--ip', '192.0.2.91');
    expect(r.stdout.split('\n')[0]).toBe('pxelinux.cfg/01-88-99-aa-bb-cc-dd');
    expect(r.stdout).toContain('pxelinux.cfg/C000025B\n');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('pxelinux.cfg/default');
    expect((await run('pxelinux', 'format', 'default.cfg')).stdout).toBe(
      'DEFAULT linux\nLABEL linux\n  KERNEL vmlinuz\n',
    );
    expect((await run('pxelinux', 'lint', 'default.cfg')).code).toBe(EXIT.OK);
  });

  it('ks validate: exit 0 for a valid kickstart, 1 with findings for a broken one', async () => {
    const good = await run('ks', 'validate', 'ok.ks');
    expect(good.stdout).toContain('ok.ks: valid for RHEL7');
    expect(good.code).toBe(EXIT.OK);
    const bad = await run('ks', 'validate', 'bad.ks', '--release', 'RHEL9');
    expect(bad.code).toBe(EXIT.FAILURE);
    expect(bad.stdout).toMatch(/bad\.ks:2:1: error .*frobnicate/);
    expect((await run('ks', 'validate', 'ok.ks', '--release', 'RHEL99')).code).toBe(EXIT.USAGE);
  });
});

describe('serve quick-start flags', () => {
  const base = () => {
    const r = loadConfig('', { file: '/x/pxekit.yaml' });
    if (!r.ok) throw new Error('empty config');
    return r.config;
  };

  it('turn on TFTP, HTTP, DHCP and boot files; flags win over the file', () => {
    const c = applyServeFlags(
      base(),
      {
        'tftp-root': 'tftp',
        'http-root': 'www',
        'http-port': '8081',
        'dhcp-range': '10.5.0.100-10.5.0.150',
        router: '10.5.0.1',
        dns: ['10.5.0.2'],
        'boot-file': 'undionly.kpxe',
        'boot-file-efi': 'ipxe.efi',
      },
      '/srv',
    );
    expect(c.tftp).toMatchObject({ enabled: true, root: '/srv/tftp' });
    expect(c.http).toMatchObject({ enabled: true, port: 8081, roots: [{ prefix: '/', dir: '/srv/www' }] });
    expect(c.dhcp).toMatchObject({
      mode: 'authoritative',
      subnets: [
        {
          network: '10.5.0.0',
          prefix: 24,
          ranges: [{ start: '10.5.0.100', end: '10.5.0.150' }],
          routers: ['10.5.0.1'],
          dns: ['10.5.0.2'],
        },
      ],
    });
    expect(c.profiles.get('default')).toMatchObject({
      bios: { kind: 'undionly' },
      uefiX64: { kind: 'ipxe-efi' },
    });
    expect(applyServeFlags(c, { 'no-dhcp': true }, '/srv').dhcp).toEqual({ mode: 'off' });
  });

  it('reject bad values as usage errors', () => {
    expect(() => applyServeFlags(base(), { 'dhcp-range': '10.0.0.9-10.0.0.1' }, '/')).toThrow(
      /not START-END/,
    );
    expect(() => applyServeFlags(base(), { 'dhcp-range': '10.0.0.1-10.0.1.9' }, '/')).toThrow(
      /not inside 10.0.0.0\/24/,
    );
    expect(() => applyServeFlags(base(), { 'tftp-port': '70000' }, '/')).toThrow(/port number/);
    expect(() => applyServeFlags(base(), { proxy: true, 'dhcp-range': '10.0.0.1-10.0.0.2' }, '/')).toThrow(
      /exclude/,
    );
  });
});

describe('serve: SIGHUP reload', () => {
  it('restarts on a good config, refuses a broken one and keeps serving', async () => {
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const file = join(dir, 'reload.yaml');
    const base = `server: { address: 127.0.0.1, stateDir: ./state-reload }\nhttp: { port: ${port}, bind: 127.0.0.1 }\n`;
    writeFileSync(file, `${base}hosts:\n  - { mac: 52:54:00:00:00:01, name: first }\n`);
    let reload: () => void = () => {};
    let stop: () => void = () => {};
    let stderr = '';
    const done = runCli(['serve', '-c', 'reload.yaml'], {
      stdout: () => {},
      stderr: (t) => {
        stderr += t;
      },
      cwd: dir,
      env: {},
      stopSignal: new Promise<void>((r) => {
        stop = r;
      }),
      onReload: (h) => {
        reload = h;
      },
    });
    const hosts = async (): Promise<string[]> => {
      for (let i = 0; i < 100; i++) {
        try {
          const r = await fetch(`http://127.0.0.1:${port}/api/hosts`);
          return ((await r.json()) as { name: string }[]).map((h) => h.name);
        } catch {
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      throw new Error('server not answering');
    };
    expect(await hosts()).toEqual(['first']);
    writeFileSync(file, `${base}hosts:\n  - { mac: 52:54:00:00:00:02, name: second }\n`);
    reload();
    for (let i = 0; i < 100 && !/serving.*\n.*reloading[\s\S]*serving/.test(stderr); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await hosts()).toEqual(['second']);
    writeFileSync(file, `${base}hosts:\n  - { mac: nonsense }\n`);
    reload();
    for (let i = 0; i < 100 && !/reload refused/.test(stderr); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(stderr).toContain('pxekit: reload refused, still serving the previous config');
    expect(await hosts()).toEqual(['second']);
    stop();
    expect(await done).toBe(EXIT.OK);
  });
});

/**
 * `pxekit example`: runs what exists today on the bundled example config, on loopback only, and says
 * plainly what does not exist yet.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tftpGet } from '@pxekit/tftp/node';
import { loadConfig } from '../config/load.js';
import type { PxekitConfig } from '../config/model.js';
import { formatIssue } from '../config/schema.js';
import { formatEvent } from '../events.js';
import { createBootServer } from '../server.js';
import { runExampleVm } from './example-vm.js';
import type { CliIo } from './main.js';

/** The example folder: beside dist/ in the package, or two levels up from src/cli/. */
export function exampleDir(): string | undefined {
  for (const rel of ['../example', '../../example']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, 'pxekit.yaml'))) return dir;
  }
  return undefined;
}

const NODE01 = '52:54:00:00:99:01';

export async function runExample(io: CliIo, asJson: boolean, loopback = false): Promise<number> {
  const dir = exampleDir();
  if (dir === undefined) {
    io.stderr('pxekit: the bundled example (example/pxekit.yaml) is not installed with this package\n');
    return 1;
  }
  if (!asJson && !loopback) {
    const code = await runExampleVm(io, dir);
    if (code !== undefined) return code;
    io.stdout('\n');
  }
  const file = join(dir, 'pxekit.yaml');
  const loaded = loadConfig(readFileSync(file, 'utf8'), { file });
  if (!loaded.ok) {
    for (const i of loaded.issues) io.stderr(`${formatIssue(i)}\n`);
    return 3;
  }
  const say = asJson ? () => {} : (s: string) => io.stdout(`${s}\n`);
  say(`pxekit example: ${file}`);
  say('');
  const work = mkdtempSync(join(tmpdir(), 'pxekit-example-'));
  try {
    // The example's TFTP root and install tree, with stand-in kernel and initrd files (the real ones come
    // from a distribution's images/pxeboot folder).
    mkdirSync(join(work, 'tftp/images/centos7'), { recursive: true });
    mkdirSync(join(work, 'trees/centos7'), { recursive: true });
    writeFileSync(join(work, 'tftp/images/centos7/vmlinuz'), 'stand-in kernel\n');
    writeFileSync(join(work, 'tftp/images/centos7/initrd.img'), 'stand-in initrd\n');
    writeFileSync(join(work, 'trees/centos7/.treeinfo'), '[general]\nname = stand-in tree\n');
    const c = loaded.config;
    const config: PxekitConfig = {
      ...c,
      server: { ...c.server, address: '127.0.0.1', stateDir: join(work, 'state') },
      dhcp: { mode: 'off' },
      tftp: { ...c.tftp, enabled: true, root: join(work, 'tftp'), port: 0 },
      http: {
        ...c.http,
        port: 0,
        roots: [{ prefix: '/centos/7/x86_64/', dir: join(work, 'trees/centos7') }],
      },
    };
    say(
      `1. config: valid (dhcp ${c.dhcp.mode}, ${c.hosts.length} hosts, ${c.menus.size} menu, ${c.kickstarts.size} kickstart)`,
    );

    let server: Awaited<ReturnType<typeof createBootServer>>;
    try {
      server = await createBootServer(config, { bindHost: '127.0.0.1' });
    } catch (e) {
      say('2. boot loaders / roots: problems on this machine:');
      for (const d of (e as { details?: string[] }).details ?? [(e as Error).message]) say(`   ${d}`);
      say('   (install the packages named above, then run pxekit example again)');
      if (asJson)
        io.stdout(
          `${JSON.stringify({ ok: false, problems: (e as { details?: string[] }).details ?? [] })}\n`,
        );
      return 4;
    }
    say(
      `2. boot loaders found on this machine: ${[...server.report.loaders.found.values()].map((f) => `${f.target} (${f.path})`).join(', ')}`,
    );
    const addrs = await server.start();
    const tftp = { host: '127.0.0.1', port: addrs.tftp!.port, retries: 2, timeoutMs: 1000 };
    const http = `http://127.0.0.1:${addrs.http!.port}`;
    say(`3. serving on loopback: tftp 127.0.0.1:${addrs.tftp!.port}, http 127.0.0.1:${addrs.http!.port}`);
    try {
      say(`4. acting as node01 (${NODE01}) the way its PXE firmware and the installer would:`);
      const loader = await tftpGet(tftp, 'pxelinux.0');
      say(`   TFTP pxelinux.0: ${loader.length} bytes`);
      const menu = Buffer.from(await tftpGet(tftp, 'pxelinux.cfg/01-52-54-00-00-99-01')).toString();
      say('   TFTP pxelinux.cfg/01-52-54-00-00-99-01 (generated for node01):');
      for (const l of menu.trimEnd().split('\n')) say(`     | ${l}`);
      const ks = await (await fetch(`${http}/ks/${NODE01}`)).text();
      say(
        `   HTTP GET /ks/${NODE01}: ${ks.split('\n').length} lines, e.g. "${ks.split('\n').find((l) => l.startsWith('network')) ?? ''}"`,
      );
      const cb = await fetch(`${http}/installed/${NODE01}`, { method: 'POST' });
      say(`   HTTP POST /installed/${NODE01}: ${cb.status} (the kickstart's %post does this)`);
      const after = Buffer.from(await tftpGet(tftp, 'pxelinux.cfg/01-52-54-00-00-99-01')).toString();
      say(
        `   next boot's menu: ${after.includes('LOCALBOOT 0') ? 'boots the local disk (LOCALBOOT 0)' : 'unchanged (unexpected)'}`,
      );
    } finally {
      await server.close();
    }
    const events = server.timeline.query({ mac: NODE01 });
    const t0 = events[0]?.at;
    say(`5. node01's boot timeline (${events.length} events):`);
    for (const e of events) say(`   ${formatEvent(e, t0)}`);
    say('');
    say(
      'This was the loopback example: DHCP was left out (it needs an interface and port 67) and this process',
    );
    say(
      'played the client. As root in the pxekit monorepo, `pxekit example` boots QEMU guests through pxekit instead.',
    );
    if (asJson) io.stdout(`${JSON.stringify({ ok: true, timeline: events }, null, 2)}\n`);
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BootFiles,
  BootTimeline,
  formatIssue,
  HostStateStore,
  HttpService,
  KickstartTemplates,
  loadConfig,
  MetricsRegistry,
  type PxekitConfig,
} from '../src/index.js';

let dir: string;
let base: string;
let service: HttpService;
let timeline: BootTimeline;
let config: PxekitConfig;
const KERNEL = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

/** A raw request, so paths such as `/../` reach the server unnormalised. */
function raw(
  path: string,
  opts: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      { method: opts.method ?? 'GET', headers: opts.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function setup(stateFile: string) {
  const state = new HostStateStore(stateFile).load();
  const metrics = new MetricsRegistry();
  const bootFiles = new BootFiles({ config, loaders: { found: new Map(), missing: [] }, state });
  return { state, metrics, bootFiles, kickstarts: new KickstartTemplates(config) };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pxekit-http-'));
  mkdirSync(join(dir, 'tree/images/pxeboot'), { recursive: true });
  mkdirSync(join(dir, 'tftp/images'), { recursive: true });
  writeFileSync(join(dir, 'tree/images/pxeboot/vmlinuz'), KERNEL);
  writeFileSync(join(dir, 'tree/.treeinfo'), '[general]\nname = Test\n');
  writeFileSync(join(dir, 'tree/repomd.xml'), '<repomd/>');
  writeFileSync(join(dir, 'tree/empty.img'), '');
  writeFileSync(join(dir, 'secret'), 'outside the tree');
  symlinkSync(join(dir, 'secret'), join(dir, 'tree/escape'));
  writeFileSync(join(dir, 'tftp/images/initrd.img'), 'initrd');
  utimesSync(
    join(dir, 'tree/images/pxeboot/vmlinuz'),
    new Date('2026-01-02T03:04:05Z'),
    new Date('2026-01-02T03:04:05Z'),
  );
  writeFileSync(
    join(dir, 'ks.cfg'),
    'network --hostname={{ host.name }}\nurl --url={{ server.httpUrl }}/tree\n%post\ncurl -X POST {{ install.callbackUrl }}\n%end\n# role {{ vars.role }}\n',
  );
  const r = loadConfig(
    `
server: { address: 127.0.0.1, stateDir: ./state }
tftp: { root: ./tftp }
http:
  port: 8080
  roots: { /tree/: ./tree }
profiles:
  default: { menu: m, bios: pxelinux }
menus:
  m:
    title: Test
    timeout: 5
    entries:
      - { id: inst, label: Install, kernel: images/vmlinuz, initrd: images/initrd.img, append: "ks={{ kickstart.url }}", kickstart: ks }
      - { id: local, label: Disk, localBoot: true }
kickstarts:
  ks: { template: ./ks.cfg, vars: { role: none } }
hosts:
  - { mac: 52:54:00:00:00:01, name: web1, vars: { role: web } }
`,
    { file: join(dir, 'pxekit.yaml') },
  );
  if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
  config = r.config;
  timeline = new BootTimeline({ now: () => 1_000 });
  const s = setup(join(dir, 'state/hosts.json'));
  service = new HttpService({
    config,
    timeline,
    ...s,
    leases: () => [{ mac: '52:54:00:00:00:01', address: '127.0.0.1', expiresAt: 5 }],
  });
  const addr = await service.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${addr.port}`;
});

afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('static install trees', () => {
  it('serves a file with length, type, validators', async () => {
    const r = await raw('/tree/images/pxeboot/vmlinuz');
    expect(r.status).toBe(200);
    expect(r.body.equals(KERNEL)).toBe(true);
    expect(r.headers['content-length']).toBe('1000');
    expect(r.headers['content-type']).toBe('application/octet-stream');
    expect(r.headers['accept-ranges']).toBe('bytes');
    expect(r.headers['last-modified']).toBe('Fri, 02 Jan 2026 03:04:05 GMT');
    expect(r.headers.etag).toMatch(/^"3e8-[0-9a-f]+"$/);
  });

  it('content types for tree metadata', async () => {
    expect((await raw('/tree/.treeinfo')).headers['content-type']).toBe('text/plain; charset=utf-8');
    expect((await raw('/tree/repomd.xml')).headers['content-type']).toBe('application/xml');
  });

  it('HEAD sends headers only', async () => {
    const r = await raw('/tree/images/pxeboot/vmlinuz', { method: 'HEAD' });
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe('1000');
    expect(r.body.length).toBe(0);
  });

  it('single ranges: closed, open, suffix', async () => {
    const a = await raw('/tree/images/pxeboot/vmlinuz', { headers: { Range: 'bytes=10-19' } });
    expect(a.status).toBe(206);
    expect(a.headers['content-range']).toBe('bytes 10-19/1000');
    expect(a.body.equals(KERNEL.subarray(10, 20))).toBe(true);
    const b = await raw('/tree/images/pxeboot/vmlinuz', { headers: { Range: 'bytes=990-' } });
    expect(b.headers['content-range']).toBe('bytes 990-999/1000');
    expect(b.body.equals(KERNEL.subarray(990))).toBe(true);
    const c = await raw('/tree/images/pxeboot/vmlinuz', { headers: { Range: 'bytes=-5' } });
    expect(c.body.equals(KERNEL.subarray(995))).toBe(true);
    const d = await raw('/tree/images/pxeboot/vmlinuz', { headers: { Range: 'bytes=900-5000' } });
    expect(d.headers['content-range']).toBe('bytes 900-999/1000');
  });

  it('416 for a range past the end, with the size', async () => {
    const r = await raw('/tree/images/pxeboot/vmlinuz', { headers: { Range: 'bytes=1000-' } });
    expect(r.status).toBe(416);
    expect(r.headers['content-range']).toBe('bytes */1000');
    expect((await raw('/tree/empty.img', { headers: { Range: 'bytes=0-' } })).status).toBe(416);
  });

  it('several ranges or a malformed header: the whole body', async () => {
    expect((await raw('/tree/images/pxeboot/vmlinuz', { headers: { Range: 'bytes=0-1,5-6' } })).status).toBe(
      200,
    );
    expect((await raw('/tree/images/pxeboot/vmlinuz', { headers: { Range: 'pages=1-2' } })).status).toBe(200);
  });

  it('conditional requests: If-None-Match and If-Modified-Since give 304', async () => {
    const first = await raw('/tree/images/pxeboot/vmlinuz');
    const etag = String(first.headers.etag);
    expect((await raw('/tree/images/pxeboot/vmlinuz', { headers: { 'If-None-Match': etag } })).status).toBe(
      304,
    );
    expect(
      (await raw('/tree/images/pxeboot/vmlinuz', { headers: { 'If-None-Match': `"x", W/${etag}` } })).status,
    ).toBe(304);
    expect(
      (await raw('/tree/images/pxeboot/vmlinuz', { headers: { 'If-None-Match': '"other"' } })).status,
    ).toBe(200);
    const ims = { 'If-Modified-Since': 'Fri, 02 Jan 2026 03:04:05 GMT' };
    expect((await raw('/tree/images/pxeboot/vmlinuz', { headers: ims })).status).toBe(304);
    const older = { 'If-Modified-Since': 'Thu, 01 Jan 2026 00:00:00 GMT' };
    expect((await raw('/tree/images/pxeboot/vmlinuz', { headers: older })).status).toBe(200);
  });

  it('If-Range: a stale validator gets the whole body, a current one the range', async () => {
    const etag = String((await raw('/tree/images/pxeboot/vmlinuz')).headers.etag);
    const stale = await raw('/tree/images/pxeboot/vmlinuz', {
      headers: { Range: 'bytes=0-9', 'If-Range': '"stale"' },
    });
    expect(stale.status).toBe(200);
    const fresh = await raw('/tree/images/pxeboot/vmlinuz', {
      headers: { Range: 'bytes=0-9', 'If-Range': etag },
    });
    expect(fresh.status).toBe(206);
  });

  it('the jail holds against dot-dot, encoded slashes and symlinks', async () => {
    for (const p of [
      '/tree/../secret',
      '/tree/%2e%2e/secret',
      '/tree/..%2fsecret',
      '/tree/escape',
      '/tree/images/%00x',
    ]) {
      const r = await raw(p);
      expect({ p, status: r.status }).toEqual({ p, status: 404 });
      expect(r.body.toString()).not.toContain('outside the tree');
    }
  });

  it('the boot file space serves the TFTP root and generated menus over HTTP', async () => {
    expect((await raw('/boot/images/initrd.img')).body.toString()).toBe('initrd');
    // syslinux.efi (in efi64/) asks for its kernel relative to itself.
    expect((await raw('/boot/efi64/images/initrd.img')).body.toString()).toBe('initrd');
    expect((await raw('/boot/efi64/../secret')).status).toBe(404);
    const menu = await raw('/boot/pxelinux.cfg/01-52-54-00-00-00-01');
    expect(menu.status).toBe(200);
    expect(menu.body.toString()).toContain('APPEND ks=http://127.0.0.1:8080/ks/52:54:00:00:00:01/ks');
    expect((await raw('/boot/pxelinux.cfg/C0A80001')).status).toBe(404);
    // An iPXE client nobody has a lease for is sent to its own menu by MAC.
    expect((await raw('/ipxe/auto')).body.toString()).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: iPXE's own ${…} syntax, expected literally
      '#!ipxe\nchain http://127.0.0.1:8080/ipxe/${net0/mac}\n',
    );
  });
});

describe('kickstarts, install callback and API', () => {
  it('renders the host kickstart with its variables', async () => {
    const r = await raw('/ks/52-54-00-00-00-01');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe(
      'network --hostname=web1\nurl --url=http://127.0.0.1:8080/tree\n%post\ncurl -X POST http://127.0.0.1:8080/installed/52:54:00:00:00:01\n%end\n# role web\n',
    );
    const unknown = await raw('/ks/52:54:00:00:00:99/ks');
    expect(unknown.body.toString()).toContain('network --hostname=pxe-525400000099');
    expect(unknown.body.toString()).toContain('# role none');
    expect((await raw('/ks/nonsense')).status).toBe(400);
    expect((await raw('/ks/52:54:00:00:00:01/nope')).status).toBe(404);
  });

  it('the install callback switches the host to local boot, persisted', async () => {
    expect((await raw('/installed/52:54:00:00:00:01')).status).toBe(405);
    const r = await raw('/installed/52:54:00:00:00:01', { method: 'POST' });
    expect(r.status).toBe(204);
    const menu = (await raw('/boot/pxelinux.cfg/01-52-54-00-00-00-01')).body.toString();
    expect(menu).toContain('LOCALBOOT 0');
    expect(menu).not.toContain('KERNEL');
    // A new store reading the same file (a restarted server) sees the state.
    expect(new HostStateStore(join(dir, 'state/hosts.json')).load().get('52:54:00:00:00:01')).toBe('local');
    const api = JSON.parse((await raw('/api/hosts/52:54:00:00:00:01')).body.toString());
    expect(api.state).toBe('local');
    expect(api.events.map((e: { type: string }) => e.type)).toContain('install.done');
    const again = JSON.parse(
      (await raw('/api/hosts/52:54:00:00:00:01/reinstall', { method: 'POST' })).body.toString(),
    );
    expect(again.state).toBe('install');
    expect((await raw('/boot/pxelinux.cfg/01-52-54-00-00-00-01')).body.toString()).toContain(
      'KERNEL /images/vmlinuz',
    );
  });

  it('lists hosts, leases and events as JSON', async () => {
    const hosts = JSON.parse((await raw('/api/hosts')).body.toString());
    expect(hosts.find((h: { mac: string }) => h.mac === '52:54:00:00:00:01')).toMatchObject({
      name: 'web1',
      known: true,
    });
    expect(JSON.parse((await raw('/api/leases')).body.toString())).toEqual([
      { mac: '52:54:00:00:00:01', address: '127.0.0.1', expiresAt: 5 },
    ]);
    const events = JSON.parse(
      (await raw('/api/events?mac=52:54:00:00:00:01&type=kickstart.served')).body.toString(),
    );
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e: { type: string }) => e.type === 'kickstart.served')).toBe(true);
    expect((await raw('/api/events?limit=x')).status).toBe(400);
    expect((await raw('/api/nothing')).status).toBe(404);
  });

  it('health and Prometheus metrics', async () => {
    expect((await raw('/healthz')).body.toString()).toBe('ok\n');
    const m = await raw('/metrics');
    expect(m.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = m.body.toString();
    expect(text).toContain('# TYPE pxekit_http_requests_total counter');
    expect(text).toMatch(/pxekit_http_requests_total\{code="206",route="tree"\} [1-9]/);
    expect(text).toMatch(/pxekit_http_requests_total\{code="416",route="tree"\} [1-9]/);
  });

  it('HTTP requests join the boot timeline of the host they came from', () => {
    const ks = timeline
      .query({ types: ['http.request'] })
      .find((e) => e.type === 'http.request' && e.path === '/ks/52-54-00-00-00-01');
    expect(ks).toMatchObject({ ip: '127.0.0.1', status: 200 });
  });
});

/**
 * TFTP throughput, pxekit against the C servers, in the lab across veth (one run, same clients).
 *
 *   node benchmarks/tftp-throughput.mjs            # needs root (network namespaces)
 *
 * Environment: TFTP_BENCH_MB (default 100), TFTP_BENCH_CONC (clients in the concurrency case, default
 * 100; 0 skips it), TFTP_BENCH_CONC_MB (default 32), TFTP_BENCH_RUNS (median of N, default 1),
 * ATFTPD (path of an atftpd binary; `apt-get download atftpd && dpkg-deb -x` gets one, since the package
 * conflicts with tftpd-hpa), TFTP_BENCH_CASES (comma-separated case labels, e.g. "lock-step 1468,windowsize
 * 16"; default all), TFTP_BENCH_PXEKIT_CLIENT=0 (atftp client only), TFTP_BENCH_PIN=<cpu> (servers and
 * clients all on that CPU: lock-step speed then measures per-round cost instead of where the scheduler
 * happened to put the two ends), TFTP_BENCH_SERVERS (comma-separated, e.g. "pxekit,atftpd"; default all),
 * TFTP_BENCH_THREADS (the pxekit server's dataPlaneThreads), TFTP_BENCH_NODE_ARGS (node flags for the
 * pxekit servers, e.g. --perf-basic-prof). The same program runs as the pxekit server and client inside
 * namespaces.
 *
 * The concurrency case runs twice per server: CONC separate atftp processes, and one pxekit client
 * process running CONC transfers. It reports the aggregate rate, how many completed (worst run), the
 * server's CPU in cores and the machine's idle share (a saturated machine shows 0 %).
 *
 * All servers run at once, each on its own address in the server namespace, and every case goes
 * round-robin over them (alternating the order), so load from other work on the machine falls on all of
 * them alike. Clients: atftp (C; the only packaged client with windowsize) and the pxekit client.
 * A second table gives each server's CPU time per block during the atftp runs (user + system).
 */
import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createLab, type Daemon, type Lab, makeTempDir, startDnsmasq } from '@pxekit/testkit/lab';
import { createTftpClient, createTftpServer, type TftpTransferOptions } from '@pxekit/tftp/node';

const [mode, json] = process.argv.slice(2);

interface GetArgs {
  host: string;
  file: string;
  options: TftpTransferOptions;
  concurrency?: number;
}

async function agentGet(a: GetArgs): Promise<void> {
  const client = createTftpClient({ host: a.host, port: 69, retries: 8 });
  const n = a.concurrency ?? 1;
  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: n }, async () => {
      try {
        if (n === 1) {
          // One client: keep the bytes and hash them after the clock stops.
          const b = await client.get(a.file, a.options);
          return { ok: true, bytes: b.length, data: b };
        }
        // Many clients: count bytes as they stream by (100 x 32 MiB must not sit in memory).
        let bytes = 0;
        for await (const chunk of client.getStream(a.file, a.options)) bytes += (chunk as Uint8Array).length;
        return { ok: true, bytes, data: undefined };
      } catch (err) {
        return { ok: false, bytes: 0, data: undefined, error: String(err) };
      }
    }),
  );
  const ms = performance.now() - t0;
  const out = results.map((r) => ({
    ok: r.ok,
    bytes: r.bytes,
    sha: r.data ? createHash('sha256').update(r.data).digest('hex') : (r.error ?? ''),
  }));
  process.stdout.write(`${JSON.stringify({ ms, results: out })}\n`);
}

async function agentServe(a: {
  host: string;
  root: string;
  dataPlane: 'worker' | 'dgram';
  threads?: number;
}): Promise<void> {
  const server = await createTftpServer({
    ...(a.threads === undefined ? {} : { dataPlaneThreads: a.threads }),
    root: a.root,
    host: a.host,
    dataPlane: a.dataPlane,
    port: 69,
    maxBlockSize: 65464,
    maxWindowSize: 64,
    rateLimit: false,
    maxTransfers: 1024,
  });
  process.stdout.write(`listening ${JSON.stringify(server.address())} ${JSON.stringify(server.dataPlane)}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const MB = Number(process.env.TFTP_BENCH_MB ?? 100);
  const CONC = Number(process.env.TFTP_BENCH_CONC ?? 100);
  const CONC_MB = Number(process.env.TFTP_BENCH_CONC_MB ?? 32);
  const RUNS = Number(process.env.TFTP_BENCH_RUNS ?? 1);
  const THREADS = process.env.TFTP_BENCH_THREADS ? Number(process.env.TFTP_BENCH_THREADS) : undefined;
  const atftpd = process.env.ATFTPD ?? '/tmp/pxekit-atftpd/root/usr/sbin/atftpd';
  const self = process.argv[1]!;
  const dir = makeTempDir('tftp-bench');
  const write = (name: string, mb: number) => {
    const size = mb * 1024 * 1024;
    const buf = Buffer.allocUnsafe(size);
    for (let o = 0; o < size; o += 1 << 20) randomBytes(1 << 20).copy(buf, o);
    writeFileSync(dir.join(name), buf);
    return createHash('sha256').update(buf).digest('hex');
  };
  const bigSha = write('big.bin', MB);
  if (CONC > 0) write('conc.bin', CONC_MB);

  const lab: Lab = await createLab({ name: 'tftpbench', clients: 0 });
  const daemons: Daemon[] = [];
  try {
    await lab.addHost('bc', { ip: lab.ip(50) });
    // Every server runs at once on its own address, and the runs go round-robin over them, so drift in
    // the machine's load (it is shared) hits all servers alike instead of whichever ran last.
    const addr: Record<string, string> = {
      pxekit: lab.ip(1),
      'tftpd-hpa': lab.ip(2),
      dnsmasq: lab.ip(3),
      atftpd: lab.ip(4),
      'pxekit-dgram': lab.ip(5),
    };
    for (const n of [2, 3, 4, 5]) {
      await lab.exec('server', 'ip', ['addr', 'add', `${lab.ip(n)}/24`, 'dev', lab.server.ifname], {
        timeoutMs: 10_000,
      });
    }
    const bound = async (name: string, d: Daemon) => {
      for (let i = 0; i < 200; i++) {
        const ss = await lab.exec('server', 'ss', ['-uln'], { timeoutMs: 5000 });
        if (ss.stdout.includes(`${addr[name]}:69`)) return;
        if (d.exitStatus) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${name} did not bind ${addr[name]}:69:\n${d.output}`);
    };
    // TFTP_BENCH_PIN=<cpu>: every server (all threads, and children forked later) and every client on
    // that one CPU, so a lock-step round never depends on where the scheduler put the two ends.
    const pin = process.env.TFTP_BENCH_PIN;
    const pinPid = async (pid: number) => {
      if (pin !== undefined)
        await lab.exec('server', 'taskset', ['-a', '-cp', pin, String(pid)], { timeoutMs: 5000 });
    };
    const pinned = (cmd: string, args: string[]): [string, string[]] =>
      pin === undefined ? [cmd, args] : ['taskset', ['-c', pin, cmd, ...args]];
    const pids = new Map<string, number>();
    const start = async (name: string, cmd: string, args: string[]) => {
      const d = lab.spawn('server', cmd, args, { name });
      daemons.push(d);
      pids.set(name, d.pid);
      await bound(name, d);
      await pinPid(d.pid);
      return d;
    };
    // pxekit twice: its default worker data plane, and dgram (the path before it, and the fallback).
    // TFTP_BENCH_NODE_ARGS: extra node flags for the pxekit servers (e.g. --perf-basic-prof for profiling).
    const nodeArgs = process.env.TFTP_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const pxekitServer = await start('pxekit', process.execPath, [
      ...nodeArgs,
      self,
      'serve',
      JSON.stringify({ host: addr.pxekit, root: dir.path, dataPlane: 'worker', threads: THREADS }),
    ]);
    await start('pxekit-dgram', process.execPath, [
      ...nodeArgs,
      self,
      'serve',
      JSON.stringify({ host: addr['pxekit-dgram'], root: dir.path, dataPlane: 'dgram' }),
    ]);
    await start('tftpd-hpa', 'in.tftpd', [
      '--foreground',
      '--listen',
      '--user',
      'root',
      '--address',
      `${addr['tftpd-hpa']}:69`,
      '--secure',
      dir.path,
    ]);
    const dnsmasq = await startDnsmasq(lab, {
      dhcp: false,
      tftpRoot: dir.path,
      listenAddress: addr.dnsmasq!,
      extraArgs: ['--tftp-max=1000', '--quiet-tftp'],
    });
    daemons.push(dnsmasq);
    pids.set('dnsmasq', dnsmasq.pid);
    await bound('dnsmasq', dnsmasq);
    await pinPid(dnsmasq.pid);
    const names = ['pxekit', 'pxekit-dgram', 'tftpd-hpa', 'dnsmasq'];
    if (existsSync(atftpd)) {
      await start('atftpd', atftpd, [
        '--daemon',
        '--no-fork',
        '--port',
        '69',
        '--bind-address',
        addr.atftpd!,
        '--logfile',
        '/dev/null',
        '--user',
        'root',
        '--group',
        'root',
        '--maxthread',
        '1000',
        dir.path,
      ]);
      names.push('atftpd');
    }
    // TFTP_BENCH_SERVERS: only these servers take part (e.g. "pxekit,tftpd-hpa").
    const chosen = process.env.TFTP_BENCH_SERVERS?.split(',').map((x) => x.trim());
    if (chosen) names.splice(0, names.length, ...names.filter((n) => chosen.includes(n)));

    const atftpGet = async (host: string, file: string, blksize: number, window: number): Promise<number> => {
      const args = [
        '--get',
        '-r',
        file,
        '-l',
        '/dev/null',
        '--option',
        `blksize ${blksize}`,
        '--option',
        'tsize 0',
      ];
      if (window > 1) args.push('--option', `windowsize ${window}`);
      const t0 = performance.now();
      const r = await lab.exec('bc', ...pinned('atftp', [...args, host, '69']), { timeoutMs: 900_000 });
      const ms = performance.now() - t0;
      if (r.code !== 0) throw new Error(`atftp failed: ${r.stderr}`);
      return ms;
    };
    const pxekitGet = async (host: string, file: string, options: TftpTransferOptions, concurrency = 1) => {
      const r = await lab.exec(
        'bc',
        ...pinned(process.execPath, [self, 'get', JSON.stringify({ host, file, options, concurrency })]),
        {
          timeoutMs: 900_000,
        },
      );
      if (r.code !== 0) throw new Error(`pxekit client failed: ${r.stderr}`);
      return JSON.parse(r.stdout) as { ms: number; results: { ok: boolean; bytes: number; sha: string }[] };
    };

    // Warm-up (untimed): JIT for pxekit, page cache and the hot-file path for everyone.
    for (const name of names) await atftpGet(addr[name]!, 'big.bin', 1468, 1);

    interface Row {
      server: string;
      client: string;
      blksize: number;
      window: number;
      mbps: number;
      /** Server CPU time per block in µs (atftp client rows only). */
      cpuUs?: number;
    }
    const rows: Row[] = [];
    const bytes = MB * 1024 * 1024;
    const only = process.env.TFTP_BENCH_CASES?.split(',').map((x) => x.trim());
    const cases: [string, number, number][] = (
      [
        ['lock-step 1468', 1468, 1],
        ['windowsize 8', 1468, 8],
        ['windowsize 16', 1468, 16],
        ['windowsize 64', 1468, 64],
        ['lock-step 8192', 8192, 1],
      ] as [string, number, number][]
    ).filter(([label]) => only === undefined || only.includes(label));
    const withPxekitClient = process.env.TFTP_BENCH_PXEKIT_CLIENT !== '0';
    for (const [, blksize, window] of cases) {
      // Windowed cases only where the server grants windowsize (pxekit, atftpd); lock-step for all.
      const here = names.filter((n) => window === 1 || n.startsWith('pxekit') || n === 'atftpd');
      const a = new Map<string, number[]>(here.map((n) => [n, []]));
      // Server CPU per block (user + system, forked children included: tftpd-hpa forks per transfer).
      const cpu = new Map<string, number[]>(here.map((n) => [n, []]));
      const blocks = Math.floor(bytes / blksize) + 1;
      const p = new Map<string, number[]>(here.map((n) => [n, []]));
      for (let i = 0; i < RUNS; i++) {
        for (const name of i % 2 === 0 ? here : [...here].reverse()) {
          const meter = cpuMeter(pids.get(name)!);
          a.get(name)!.push(await atftpGet(addr[name]!, 'big.bin', blksize, window));
          const used = meter();
          if (used !== undefined) cpu.get(name)!.push((used * 1000) / blocks);
          if (!withPxekitClient) continue;
          const r = await pxekitGet(addr[name]!, 'big.bin', { blockSize: blksize, windowSize: window });
          if (!r.results[0]?.ok || r.results[0].sha !== bigSha) {
            throw new Error(`pxekit client from ${name}: bad result ${JSON.stringify(r.results[0])}`);
          }
          p.get(name)!.push(r.ms);
        }
      }
      for (const name of here) {
        rows.push({
          server: name,
          client: 'atftp',
          blksize,
          window,
          mbps: bytes / 1e6 / (median(a.get(name)!) / 1000),
          cpuUs: median(cpu.get(name)!),
        });
        const atftp = rows.at(-1)!;
        let line = `  ${name} blksize ${blksize} window ${window}: atftp ${atftp.mbps.toFixed(1)} MB/s (server CPU ${atftp.cpuUs?.toFixed(1) ?? '?'} µs/block)`;
        if (withPxekitClient) {
          const mbps = bytes / 1e6 / (median(p.get(name)!) / 1000);
          rows.push({ server: name, client: 'pxekit', blksize, window, mbps });
          line += `, pxekit client ${mbps.toFixed(1)} MB/s`;
        }
        console.error(line);
      }
    }
    // The concurrency case: CONC clients pull CONC_MB MiB each at once, lock-step at 1468. Two loads: one
    // pxekit client process running every transfer, and CONC separate atftp processes (one per client,
    // as independent PXE machines would be). Round-robin over the servers like the cases above.
    const concRows: { server: string; client: string; ok: number; mbps: number; rss?: number }[] = [];
    if (CONC > 0) {
      const concBytes = CONC_MB * 1024 * 1024;
      const atftpMany = async (host: string): Promise<{ ms: number; ok: number }> => {
        const one = `atftp --get -r conc.bin -l /dev/null --option 'blksize 1468' --option 'tsize 0' ${host} 69`;
        const script = `i=0; while [ $i -lt ${CONC} ]; do (${one} >/dev/null 2>&1 && echo OK) & i=$((i+1)); done; wait`;
        const t0 = performance.now();
        const r = await lab.exec('bc', ...pinned('sh', ['-c', script]), { timeoutMs: 900_000 });
        const ms = performance.now() - t0;
        return { ms, ok: r.stdout.split('\n').filter((l) => l === 'OK').length };
      };
      const concNames = names;
      for (const name of concNames) await atftpGet(addr[name]!, 'conc.bin', 1468, 1);
      const got = new Map<string, { ms: number[]; ok: number[]; cores: number[]; idle: number[] }>();
      const key = (server: string, client: string) => `${server}/${client}`;
      for (let i = 0; i < RUNS; i++) {
        for (const name of i % 2 === 0 ? concNames : [...concNames].reverse()) {
          for (const client of withPxekitClient ? ['atftp', 'pxekit'] : ['atftp']) {
            let r: { ms: number; ok: number };
            const meter = cpuMeter(pids.get(name)!);
            const idle0 = idleShare();
            if (client === 'atftp') r = await atftpMany(addr[name]!);
            else {
              const p = await pxekitGet(addr[name]!, 'conc.bin', { blockSize: 1468 }, CONC);
              r = { ms: p.ms, ok: p.results.filter((x) => x.ok && x.bytes === concBytes).length };
            }
            const used = meter();
            const idle = idleShare(idle0);
            const g = got.get(key(name, client)) ?? { ms: [], ok: [], cores: [], idle: [] };
            g.idle.push(idle.share);
            g.ms.push(r.ms);
            g.ok.push(r.ok);
            if (used !== undefined) g.cores.push(used / r.ms);
            got.set(key(name, client), g);
          }
        }
      }
      for (const client of withPxekitClient ? ['atftp', 'pxekit'] : ['atftp']) {
        for (const name of concNames) {
          const g = got.get(key(name, client))!;
          const ok = Math.min(...g.ok);
          const mbps = (ok * concBytes) / 1e6 / (median(g.ms) / 1000);
          const rss = name === 'pxekit' ? peakRssMb(pxekitServer.pid) : undefined;
          concRows.push({ server: name, client, ok, mbps, ...(rss === undefined ? {} : { rss }) });
          console.error(
            `  ${name}: ${CONC} ${client} clients x ${CONC_MB} MiB lock-step 1468: ${ok}/${CONC} complete (worst run), aggregate ${mbps.toFixed(1)} MB/s, server CPU ${median(g.cores).toFixed(2)} cores, machine idle ${(median(g.idle) * 100).toFixed(0)} %${rss === undefined ? '' : `, server peak RSS ${rss} MB`}`,
          );
        }
      }
    }

    console.log(
      `\nTFTP ${MB} MiB across veth, MB/s (median of ${RUNS}); ratio = pxekit / fastest C server, same client`,
    );
    console.log('client  | case            | pxekit |  dgram | tftpd-hpa | dnsmasq | atftpd | ratio');
    for (const client of withPxekitClient ? ['atftp', 'pxekit'] : ['atftp']) {
      for (const [label, blksize, window] of cases) {
        const get = (s: string) =>
          rows.find(
            (r) => r.server === s && r.client === client && r.blksize === blksize && r.window === window,
          )?.mbps;
        const cs = ['tftpd-hpa', 'dnsmasq', 'atftpd'].map((s) => get(s));
        const lockStep = rows.find(
          (r) => r.server === 'pxekit' && r.client === client && r.blksize === blksize && r.window === 1,
        )?.mbps;
        const px = get('pxekit');
        const ref =
          window > 1
            ? (get('atftpd') ?? lockStepBest(rows, client, blksize))
            : Math.max(...cs.filter((x): x is number => x !== undefined));
        const f = (x: number | undefined) => (x === undefined ? '     -' : x.toFixed(1).padStart(6));
        const extra = window > 1 && lockStep ? `  (${(px! / lockStep).toFixed(2)}x pxekit lock-step)` : '';
        console.log(
          `${client.padEnd(7)} | ${label.padEnd(15)} | ${f(px)} | ${f(get('pxekit-dgram'))} | ${f(cs[0]).padStart(9)} | ${f(cs[1]).padStart(7)} | ${f(cs[2])} | ${px && ref ? (px / ref).toFixed(2) : '-'}${extra}`,
        );
      }
    }
    if (concRows.length > 0) {
      console.log(
        `\n${CONC} clients x ${CONC_MB} MiB at once, lock-step 1468: aggregate MB/s (complete/${CONC}, worst of ${RUNS}); ratio = pxekit / fastest C server`,
      );
      console.log(
        'client  | pxekit      | dgram       | tftpd-hpa   | dnsmasq     | atftpd      | ratio | pxekit peak RSS',
      );
      for (const client of ['atftp', 'pxekit']) {
        const row = (s: string) => concRows.find((r) => r.server === s && r.client === client);
        if (!row('pxekit')) continue;
        const cell = (s: string) => {
          const r = row(s);
          return (r === undefined ? '-' : `${r.mbps.toFixed(1)} (${r.ok})`).padEnd(11);
        };
        // A server that lost transfers is not a reference: only complete runs compete.
        const full = (s: string) => (row(s)?.ok === CONC ? row(s)?.mbps : undefined);
        const best = Math.max(...['tftpd-hpa', 'dnsmasq', 'atftpd'].map((s) => full(s) ?? 0));
        const px = full('pxekit');
        console.log(
          `${client.padEnd(7)} | ${cell('pxekit')} | ${cell('pxekit-dgram')} | ${cell('tftpd-hpa')} | ${cell('dnsmasq')} | ${cell('atftpd')} | ${px && best ? (px / best).toFixed(2).padStart(5) : '    -'} | ${row('pxekit')?.rss ?? '?'} MB`,
        );
      }
    }
    console.log('\nServer CPU per block, µs (user + system, atftp client; lower is better)');
    console.log('case            | pxekit |  dgram | tftpd-hpa | dnsmasq | atftpd');
    for (const [label, blksize, window] of cases) {
      const us = (s: string) => {
        const x = rows.find(
          (r) => r.server === s && r.client === 'atftp' && r.blksize === blksize && r.window === window,
        )?.cpuUs;
        return x === undefined || Number.isNaN(x) ? '     -' : x.toFixed(1).padStart(6);
      };
      console.log(
        `${label.padEnd(15)} | ${us('pxekit')} | ${us('pxekit-dgram')} | ${us('tftpd-hpa').padStart(9)} | ${us('dnsmasq').padStart(7)} | ${us('atftpd')}`,
      );
    }
  } finally {
    for (const d of daemons) await d.stop();
    await lab.close();
    dir.remove();
  }
}

function lockStepBest(
  rows: { server: string; client: string; blksize: number; window: number; mbps: number }[],
  client: string,
  blksize: number,
): number | undefined {
  const xs = rows
    .filter(
      (r) => !r.server.startsWith('pxekit') && r.client === client && r.blksize === blksize && r.window === 1,
    )
    .map((r) => r.mbps);
  return xs.length ? Math.max(...xs) : undefined;
}

/** CPU time of one process (all its threads) in ms: utime + stime from /proc/<pid>/stat. */
function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm) ": state is field 3, so utime (14) and stime (15) are indexes 11 and 12.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** The machine's idle share since `from` (idle + iowait jiffies over all, from /proc/stat). */
function idleShare(from?: { idle: number; total: number }): { idle: number; total: number; share: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  const d = from ? { idle: idle - from.idle, total: total - from.total } : { idle, total };
  return { idle, total, share: d.total > 0 ? d.idle / d.total : 0 };
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Starts metering a server's CPU time; the returned function stops and gives the ms used. Children
 * (tftpd-hpa forks one per transfer, and its cutime had not grown by the time the transfer ended) are
 * sampled every 10 ms while they live, so up to 10 ms of a child's CPU before it exits is missed.
 */
function cpuMeter(pid: number): () => number | undefined {
  const start = cpuMs(pid);
  const before = new Map(childPids(pid).map((c) => [c, cpuMs(c) ?? 0]));
  const seen = new Map<number, number>();
  const sample = () => {
    for (const c of childPids(pid)) {
      const v = cpuMs(c);
      if (v !== undefined) seen.set(c, v - (before.get(c) ?? 0));
    }
  };
  const timer = setInterval(sample, 10);
  return () => {
    clearInterval(timer);
    sample();
    const end = cpuMs(pid);
    if (start === undefined || end === undefined) return undefined;
    let children = 0;
    for (const v of seen.values()) children += v;
    return end - start + children;
  };
}

function peakRssMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

if (mode === 'get') await agentGet(JSON.parse(json ?? '{}') as GetArgs);
else if (mode === 'serve') await agentServe(JSON.parse(json ?? '{}') as Parameters<typeof agentServe>[0]);
else await main();

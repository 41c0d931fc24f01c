/**
 * The pxekit DHCP server as a small program, run inside a lab network namespace (our in-process code
 * cannot enter one). Bundled on the fly with esbuild by the lab tests and the benchmark. Prints one JSON
 * line per event on stdout (`{"event":"ack","mac":...}`) and `listening` once the sockets are bound;
 * closes cleanly on SIGTERM/SIGINT.
 *
 *   node server-agent.mjs '{"config":{...},"interfaces":["srv0"],"leaseFile":"/tmp/x/leases.journal"}'
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { DhcpServerConfig } from '../src/engine/server.js';
import type { ProxyDhcpConfig } from '../src/engine/proxy.js';
import { getOptionData } from '../src/wire/message.js';
import { createDhcpServer, type DropEvent, type ReplyEvent, type SilentEvent } from '../src/node/server.js';

const args = JSON.parse(process.argv[2] ?? '{}') as {
  config?: DhcpServerConfig;
  proxy?: ProxyDhcpConfig;
  interfaces?: string[];
  leaseFile?: string;
  durability?: 'fsync' | 'none';
  syncIntervalMs?: number;
  /** Journal compactAfter (the crash test compacts often to be killed in the middle of compactions). */
  compactAfter?: number;
  receiveBufferSize?: number;
  /** Drop privileges after binding. */
  user?: string;
  group?: string;
  /** Print only drops and a summary (benchmarks). */
  quiet?: boolean;
};

const ac = new AbortController();
const server = await createDhcpServer({
  ...(args.config === undefined ? {} : { config: args.config }),
  ...(args.proxy === undefined ? {} : { proxy: args.proxy }),
  ...(args.interfaces === undefined ? {} : { interfaces: args.interfaces }),
  ...(args.leaseFile === undefined ? {} : { leaseFile: args.leaseFile }),
  ...(args.receiveBufferSize === undefined ? {} : { receiveBufferSize: args.receiveBufferSize }),
  journal: {
    ...(args.durability === undefined ? {} : { durability: args.durability }),
    ...(args.syncIntervalMs === undefined ? {} : { syncIntervalMs: args.syncIntervalMs }),
    ...(args.compactAfter === undefined ? {} : { compactAfter: args.compactAfter }),
  },
  ...(args.user === undefined ? {} : { user: args.user }),
  ...(args.group === undefined ? {} : { group: args.group }),
  signal: ac.signal,
});

const print = (o: object): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};
const reply = (e: ReplyEvent): void =>
  print({
    event: e.kind,
    mac: e.mac,
    xid: e.xid,
    interface: e.interface,
    yiaddr: e.reply.yiaddr,
    giaddr: e.reply.giaddr,
    file: e.reply.file,
    to: e.destination,
    agent: Buffer.from(getOptionData(e.reply, 82) ?? []).toString('hex'),
    ...(e.nakReason === undefined ? {} : { nakReason: e.nakReason }),
    ...(e.boot === undefined ? {} : { rule: e.boot.rule }),
  });
const silent = (e: SilentEvent): void =>
  print({ event: e.kind, mac: e.mac, address: e.lease?.address, state: e.lease?.state });
if (args.quiet !== true) {
  for (const k of ['offer', 'ack', 'nak', 'inform', 'proxy-offer', 'proxy-ack'] as const) server.on(k, reply);
  for (const k of ['release', 'decline', 'withdrawn'] as const) server.on(k, silent);
}
server.on('drop', (e: DropEvent) => {
  if (args.quiet !== true) print({ event: 'drop', reason: e.reason, detail: e.detail, mac: e.mac });
});
server.on('error', (e) => print({ event: 'error', message: e.message }));

// Event-loop delay, reported on close (benchmarks read it to see whether the loop was ever held).
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
// Garbage collection pauses by kind (1 scavenge, 2 mark-sweep-compact, 4 incremental, 8 weak callbacks).
const gc: Record<string, { count: number; totalMs: number; maxMs: number }> = {};
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = String((e.detail as { kind?: number } | undefined)?.kind ?? 0);
    gc[kind] ??= { count: 0, totalMs: 0, maxMs: 0 };
    const g = gc[kind];
    g.count++;
    g.totalMs += e.duration;
    g.maxMs = Math.max(g.maxMs, e.duration);
  }
});
gcObserver.observe({ entryTypes: ['gc'] });
print({ event: 'listening', interfaces: server.interfaces });
const stop = (): void => {
  ac.abort();
  void server.close().then(() => {
    loopDelay.disable();
    gcObserver.disconnect();
    const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
    print({
      event: 'closed',
      stats: server.stats,
      store: (server.store as { stats?: object }).stats,
      gc: Object.fromEntries(
        Object.entries(gc).map(([k, g]) => [
          k,
          { count: g.count, totalMs: Math.round(g.totalMs), maxMs: Math.round(g.maxMs * 10) / 10 },
        ]),
      ),
      loopDelayMs: {
        p50: ms(loopDelay.percentile(50)),
        p99: ms(loopDelay.percentile(99)),
        max: ms(loopDelay.max),
      },
    });
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

/**
 * A small program run inside a lab network namespace (our in-process code cannot enter one): it fetches a
 * file with the pxekit client, or serves a directory with the pxekit server, and prints JSON results.
 * Bundled on the fly with esbuild by the lab tests and the benchmark.
 *
 *   node agent.mjs get '{"host":"10.99.0.1","port":69,"files":["a.bin"],"options":{"blockSize":1468}}'
 *   node agent.mjs serve '{"host":"10.99.0.1","port":69,"root":"/tmp/x"}'
 */
import { createHash } from 'node:crypto';
import { createTftpClient, createTftpServer, type TftpTransferOptions } from '../src/node/index.js';

const [op, json] = process.argv.slice(2);
const args = JSON.parse(json ?? '{}') as {
  host: string;
  port?: number;
  files?: string[];
  options?: TftpTransferOptions;
  root?: string;
  repeat?: number;
  maxBlockSize?: number;
  maxWindowSize?: number;
  /** Files served from memory instead of the root (e.g. `pxelinux.cfg/default`). */
  virtual?: Record<string, string>;
};

if (op === 'get') {
  const client = createTftpClient({ host: args.host, port: args.port ?? 69, retries: 5 });
  const results = [];
  for (let r = 0; r < (args.repeat ?? 1); r++) {
    for (const file of args.files ?? []) {
      const t0 = performance.now();
      try {
        const bytes = await client.get(file, args.options ?? {});
        const ms = performance.now() - t0;
        results.push({
          file,
          bytes: bytes.length,
          ms,
          sha256: createHash('sha256').update(bytes).digest('hex'),
        });
      } catch (err) {
        results.push({ file, error: String(err), code: (err as { code?: string }).code });
      }
    }
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
} else if (op === 'serve') {
  const server = await createTftpServer({
    root: args.root ?? '.',
    host: args.host,
    port: args.port ?? 69,
    maxBlockSize: args.maxBlockSize ?? 65464,
    maxWindowSize: args.maxWindowSize ?? 64,
    rateLimit: false,
    maxTransfers: 1024,
    handler: ({ filename }) => {
      const text = args.virtual?.[filename];
      return text === undefined ? undefined : { data: new TextEncoder().encode(text) };
    },
  });
  // One line per finished transfer, for tests that watch what real firmware did.
  server.on('transfer', (t) =>
    process.stdout.write(
      `TRANSFER ${JSON.stringify({ filename: t.filename, outcome: t.outcome, bytes: t.stats.bytes, blockSize: t.stats.blockSize, windowSize: t.stats.windowSize, retransmits: t.stats.retransmits, source: t.source, options: t.options })}\n`,
    ),
  );
  server.on('drop', (d) => process.stdout.write(`DROP ${JSON.stringify(d)}\n`));
  process.stdout.write(`listening ${JSON.stringify(server.address())} ${JSON.stringify(server.dataPlane)}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  process.stderr.write(`unknown op ${op}\n`);
  process.exit(2);
}

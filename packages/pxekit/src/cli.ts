#!/usr/bin/env node
import { runCli } from './cli/main.js';

const stop = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd(),
  env: process.env,
  isTTY: process.stderr.isTTY === true,
  stopSignal: stop,
  onReload: (handler) => process.on('SIGHUP', handler),
});
// serve resolves only after a signal; every other command is done here. Listeners on SIGINT must not keep
// a finished command alive.
process.removeAllListeners('SIGINT');
process.removeAllListeners('SIGTERM');
process.removeAllListeners('SIGHUP');

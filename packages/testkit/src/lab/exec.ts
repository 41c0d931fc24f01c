import { type ChildProcess, spawn } from 'node:child_process';
import { registerCleanup } from './cleanup.js';
import { LabError, LabErrorCode } from './errors.js';

/** Output kept per stream; older output is dropped (the tail is what explains a failure). */
const MAX_CAPTURE = 4 * 1024 * 1024;

export interface RunOptions {
  /** Network namespace to run in (`ip netns exec <netns> cmd ...`). */
  netns?: string;
  /** Hard limit: the whole process group is killed with SIGKILL when it is reached. */
  timeoutMs: number;
  /** Extra environment variables (merged over `process.env`). */
  env?: Record<string, string>;
  /** Written to stdin, which is then closed. Without it, stdin is empty. */
  input?: string | Uint8Array;
  cwd?: string;
}

export interface RunResult {
  /** Exit status, or null when the process died from a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `ip netns exec` runs the command itself (execvp after setns), so the PID stays the command's. */
export function inNetns(netns: string | undefined, cmd: string, args: readonly string[]): [string, string[]] {
  return netns === undefined ? [cmd, [...args]] : ['ip', ['netns', 'exec', netns, cmd, ...args]];
}

/** Human-readable command line for error messages. */
export function formatCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function appendCapped(current: string, chunk: string): string {
  const next = current + chunk;
  return next.length > MAX_CAPTURE ? next.slice(next.length - MAX_CAPTURE) : next;
}

function tail(text: string, lines = 30): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

/**
 * Runs a command to completion in its own process group and returns its status and output. A run that
 * exceeds `timeoutMs` has its whole group killed and rejects with `LAB_ERR_TIMEOUT` (the output so far is
 * in the message). A non-zero exit is returned, not thrown: see {@link runOk}.
 *
 * @example
 * const { code, stdout } = await run('ip', ['-br', 'addr'], { netns: lab.server.netns, timeoutMs: 5000 });
 */
export function run(cmd: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const [file, argv] = inNetns(options.netns, cmd, args);
  const shown = formatCommand(file, argv);
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(file, argv, {
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: options.env ? { ...process.env, ...options.env } : process.env,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      });
    } catch (err) {
      reject(new LabError(LabErrorCode.COMMAND, `cannot start ${shown}: ${String(err)}`, { cause: err }));
      return;
    }
    const release = registerCleanup(() => killGroup(child.pid, 'SIGKILL'));
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout = appendCapped(stdout, d);
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr = appendCapped(stderr, d);
    });
    child.stdin?.on('error', () => {
      // EPIPE when the command does not read its input: not our concern.
    });
    child.stdin?.end(options.input ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, options.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      release();
      reject(new LabError(LabErrorCode.COMMAND, `cannot start ${shown}: ${err.message}`, { cause: err }));
    });
    // When the leader exits, whatever it left running in its group goes too; otherwise a background
    // child holding stdout open would keep 'close' from firing until the timeout.
    child.once('exit', () => killGroup(child.pid, 'SIGKILL'));
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      // The leader is gone; make sure nothing it started lingers in its group.
      killGroup(child.pid, 'SIGKILL');
      release();
      if (timedOut) {
        reject(
          new LabError(
            LabErrorCode.TIMEOUT,
            `timed out after ${options.timeoutMs} ms: ${shown}\n--- stdout (tail)\n${tail(stdout)}\n--- stderr (tail)\n${tail(stderr)}`,
          ),
        );
        return;
      }
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Like {@link run}, but a non-zero exit rejects with `LAB_ERR_COMMAND` quoting the command and its stderr.
 */
export async function runOk(cmd: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const r = await run(cmd, args, options);
  if (r.code !== 0) {
    const [file, argv] = inNetns(options.netns, cmd, args);
    throw new LabError(
      LabErrorCode.COMMAND,
      `${formatCommand(file, argv)} exited with ${r.code ?? r.signal}\n--- stderr (tail)\n${tail(r.stderr)}\n--- stdout (tail)\n${tail(r.stdout)}`,
    );
  }
  return r;
}

export interface DaemonOptions {
  netns?: string;
  env?: Record<string, string>;
  cwd?: string;
  /** Name used in error messages; defaults to the command's base name. */
  name?: string;
  /** Signal `stop()` sends first (tshark wants SIGINT to finish its file). Default SIGTERM. */
  stopSignal?: NodeJS.Signals;
  /** `stop()` waits this long after the first signal before SIGKILL. Default 3000 ms. */
  killTimeoutMs?: number;
  /** Called with every chunk of stdout and stderr as it arrives (e.g. to tee a serial console). */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

export interface DaemonExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A long-running process in its own process group. Always `stop()` it (in `finally`/`afterAll`). */
export interface Daemon {
  readonly name: string;
  readonly pid: number;
  /** stdout so far (the last 4 MiB). */
  readonly stdout: string;
  /** stderr so far (the last 4 MiB). */
  readonly stderr: string;
  /** stdout and stderr interleaved in arrival order (the last 4 MiB). */
  readonly output: string;
  /** Settles when the process has exited. */
  readonly exited: Promise<DaemonExit>;
  /** The exit status once it has exited, else undefined. */
  readonly exitStatus: DaemonExit | undefined;
  /**
   * Resolves with the first match of `pattern` in the combined output (already printed or yet to come),
   * looking only at complete lines (text up to the last newline) while the process runs.
   * Rejects with `LAB_ERR_TIMEOUT` after `timeoutMs`, or `LAB_ERR_EXITED` if the process exits first.
   */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Sends `signal` to the leader only (not its group); false when it has already exited. */
  signal(signal: NodeJS.Signals): boolean;
  /** SIGTERM to the process group, SIGKILL after `killTimeoutMs`; resolves once the leader has exited. */
  stop(): Promise<DaemonExit>;
}

/**
 * Starts a long-running process (a server, tshark, QEMU) in its own process group, capturing its output.
 * It is killed with its group when the test process exits, even without `stop()`.
 *
 * @example
 * const d = spawnDaemon('in.tftpd', ['--foreground', '--listen', '--address', '10.99.0.1:69', root],
 *   { netns: lab.ns.server });
 * try { ... } finally { await d.stop(); }
 */
export function spawnDaemon(cmd: string, args: readonly string[], options: DaemonOptions = {}): Daemon {
  const [file, argv] = inNetns(options.netns, cmd, args);
  const shown = formatCommand(file, argv);
  const name = options.name ?? cmd.split('/').pop() ?? cmd;
  const child = spawn(file, argv, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ? { ...process.env, ...options.env } : process.env,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  const release = registerCleanup(() => killGroup(child.pid, 'SIGKILL'));
  let stdout = '';
  let stderr = '';
  let output = '';
  let exitStatus: DaemonExit | undefined;
  let spawnError: Error | undefined;
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const l of [...listeners]) l();
  };
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout = appendCapped(stdout, d);
    output = appendCapped(output, d);
    options.onOutput?.(d, 'stdout');
    notify();
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = appendCapped(stderr, d);
    output = appendCapped(output, d);
    options.onOutput?.(d, 'stderr');
    notify();
  });
  const exited = new Promise<DaemonExit>((resolve) => {
    child.once('error', (err) => {
      spawnError = err;
      exitStatus = { code: null, signal: null };
      release();
      notify();
      resolve(exitStatus);
    });
    child.once('close', (code, signal) => {
      exitStatus = { code, signal };
      killGroup(child.pid, 'SIGKILL');
      release();
      notify();
      resolve(exitStatus);
    });
  });

  const describeExit = (): string =>
    spawnError
      ? `${name} could not start (${shown}): ${spawnError.message}`
      : `${name} exited (${exitStatus?.code ?? exitStatus?.signal}) before the expected output: ${shown}\n--- output (tail)\n${tail(output)}`;

  return {
    name,
    pid: child.pid ?? -1,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    get output() {
      return output;
    },
    get exitStatus() {
      return exitStatus;
    },
    exited,
    waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          // Only complete lines (until the process has exited): output arrives in arbitrary chunks, and
          // /TOKEN (\S+)/ must not match half a token.
          const m = (exitStatus ? output : output.slice(0, output.lastIndexOf('\n') + 1)).match(pattern);
          if (m) {
            done();
            resolve(m);
            return true;
          }
          if (exitStatus) {
            done();
            reject(new LabError(LabErrorCode.EXITED, `${describeExit()}\nwaited for ${pattern}`));
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new LabError(
              LabErrorCode.TIMEOUT,
              `${name}: ${pattern} not seen within ${timeoutMs} ms\n--- output (tail)\n${tail(output)}`,
            ),
          );
        }, timeoutMs);
        const listener = (): void => {
          check();
        };
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(listener);
        };
        if (!check()) listeners.add(listener);
      });
    },
    signal(signal: NodeJS.Signals): boolean {
      if (exitStatus || child.pid === undefined) return false;
      try {
        process.kill(child.pid, signal);
        return true;
      } catch {
        return false;
      }
    },
    async stop(): Promise<DaemonExit> {
      if (exitStatus) {
        killGroup(child.pid, 'SIGKILL');
        return exitStatus;
      }
      killGroup(child.pid, options.stopSignal ?? 'SIGTERM');
      const killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), options.killTimeoutMs ?? 3000);
      try {
        return await exited;
      } finally {
        clearTimeout(killTimer);
      }
    },
  };
}

/**
 * Wraps a command so it sees `mounts` (target -> source directory) bind-mounted in a private mount
 * namespace of its own (`unshare -m --propagation private`): a client that insists on fixed state paths
 * (dhcpcd's /var/lib/dhcpcd and /run/dhcpcd) gets a temp dir instead, and the host never sees it.
 * Targets must exist.
 *
 * @example
 * const [cmd, args] = withPrivateMounts({ '/var/lib/dhcpcd': dir.join('lib') }, 'dhcpcd', ['-1', 'eth0']);
 * await lab.exec('c3', cmd, args, { timeoutMs: 30_000 });
 */
export function withPrivateMounts(
  mounts: Record<string, string>,
  cmd: string,
  args: readonly string[],
): [string, string[]] {
  const binds = Object.entries(mounts).map(
    ([target, source]) => `mount --bind ${formatCommand(source, [])} ${formatCommand(target, [])}`,
  );
  return [
    'unshare',
    [
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      `set -e; ${binds.join('; ')}; exec "$@"`,
      'sh',
      cmd,
      ...args,
    ],
  ];
}

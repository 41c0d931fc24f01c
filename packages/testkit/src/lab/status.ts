import { existsSync } from 'node:fs';
import { ensureDebianPackages } from './debian.js';
import { LabError, LabErrorCode } from './errors.js';
import { run } from './exec.js';

/** What a lab test needs from the machine besides Debian packages. */
export type LabNeed = 'root' | 'netns' | 'tun';

export interface LabStatusOptions {
  /** Debian packages to install on demand (see {@link ensureDebianPackages}). */
  packages?: readonly string[];
  needs?: readonly LabNeed[];
}

export type LabStatus = { ok: true } | { ok: false; reason: string };

/** True when the lab must work (CI=true or CI=1): a lab that cannot be built is then a failure. */
export function labRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true' || env.CI === '1';
}

function needsOf(needs: readonly LabNeed[]): Set<LabNeed> {
  const wanted = new Set<LabNeed>(needs);
  if (wanted.has('netns') || wanted.has('tun')) wanted.add('root');
  return wanted;
}

/** Checks that need no package: platform and user. */
function precheck(wanted: Set<LabNeed>): string | undefined {
  if (process.platform !== 'linux') return `the lab needs Linux (this is ${process.platform})`;
  if (wanted.has('root') && process.getuid?.() !== 0)
    return 'not root (lab tests need root: sudo pnpm test:lab)';
  return undefined;
}

/** Checks that need the packages installed first (`ip` from iproute2). */
async function probe(wanted: Set<LabNeed>): Promise<string | undefined> {
  if (wanted.has('netns')) {
    // A real namespace round trip, not just "is ip installed": containers often forbid it.
    const name = `pxk-${process.pid}-probe`;
    const add = await run('ip', ['netns', 'add', name], { timeoutMs: 10_000 }).catch((e: Error) => ({
      code: -1,
      stderr: e.message,
    }));
    await run('ip', ['netns', 'del', name], { timeoutMs: 10_000 }).catch(() => undefined);
    if (add.code !== 0) return `cannot create a network namespace (ip netns add): ${add.stderr.trim()}`;
  }
  if (wanted.has('tun') && !existsSync('/dev/net/tun')) {
    // Minimal machines and containers sometimes lack the node though the kernel has the driver.
    const r = await run('sh', ['-c', 'mkdir -p /dev/net && mknod -m 666 /dev/net/tun c 10 200'], {
      timeoutMs: 5000,
    }).catch((e: Error) => ({ code: -1, stderr: e.message }));
    if (r.code !== 0 || !existsSync('/dev/net/tun')) {
      return `no /dev/net/tun (needed for the QEMU tap), and creating it failed: ${r.stderr.trim()}`;
    }
  }
  return undefined;
}

async function hasDebianTools(): Promise<boolean> {
  const r = await run('sh', ['-c', 'command -v dpkg-query && command -v apt-get'], { timeoutMs: 5000 }).catch(
    () => undefined,
  );
  return r?.code === 0;
}

/**
 * Decides whether a lab test file can run, installing the Debian packages it needs on the way. Returns
 * `{ ok: false, reason }` when the lab cannot be used here, except with CI=true, where it throws
 * `LAB_ERR_UNAVAILABLE` instead: in CI a missing lab is a failure, never a skip.
 *
 * @example
 * const lab = await labStatus({ packages: ['tftpd-hpa', 'tftp-hpa'], needs: ['root', 'netns'] });
 * describe.skipIf(!lab.ok)(`tftp interop${lab.ok ? '' : ` — skipped: ${lab.reason}`}`, () => { ... });
 */
export async function labStatus(options: LabStatusOptions = {}): Promise<LabStatus> {
  let reason: string | undefined;
  try {
    const wanted = needsOf(options.needs ?? ['root', 'netns']);
    if (process.env.PXEKIT_LAB === 'off' && !labRequired()) reason = 'PXEKIT_LAB=off';
    reason ??= precheck(wanted);
    // Packages first: on a fresh machine even `ip` (iproute2) may be missing.
    const packages = [...(options.packages ?? []), ...(wanted.has('netns') ? ['iproute2'] : [])];
    if (reason === undefined && packages.length > 0) {
      if (!(await hasDebianTools())) reason = 'no dpkg-query/apt-get: the lab needs Debian or a derivative';
      else await ensureDebianPackages([...new Set(packages)]);
    }
    reason ??= await probe(wanted);
  } catch (err) {
    reason = err instanceof Error ? err.message : String(err);
  }
  if (reason === undefined) return { ok: true };
  if (labRequired())
    throw new LabError(
      LabErrorCode.UNAVAILABLE,
      `lab unavailable in CI (CI=true makes this a failure): ${reason}`,
    );
  // Also say it outside the test titles: the default reporter shows only "N skipped" per file.
  const caller = /([\w./-]+\.lab\.test\.ts)/
    .exec(new Error().stack ?? '')?.[1]
    ?.split('/packages/')
    .pop();
  process.stderr.write(`[pxekit lab] ${caller ?? 'lab tests'} skipped: ${reason}\n`);
  return { ok: false, reason };
}

/** `title`, plus ` — skipped: <reason>` when the lab is not available, so the reason shows in the report. */
export function labTitle(title: string, status: LabStatus): string {
  return status.ok ? title : `${title} — skipped: ${status.reason}`;
}

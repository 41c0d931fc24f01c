import { LabError, LabErrorCode } from './errors.js';
import { run } from './exec.js';

/** Package names apt accepts (Debian Policy §5.6.1), optionally with `:arch`. */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+(?::[a-z0-9-]+)?$/;

/** Serializes our installs across processes (several lab files, several engineers). */
const APT_LOCK = '/tmp/pxekit-apt.lock';

let updated = false;

/** Which of `names` dpkg does not report as fully installed. */
export async function missingDebianPackages(names: readonly string[]): Promise<string[]> {
  for (const n of names) {
    if (!PACKAGE_NAME.test(n))
      throw new LabError(LabErrorCode.APT, `not a Debian package name: ${JSON.stringify(n)}`);
  }
  if (names.length === 0) return [];
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  const r = await run('dpkg-query', ['-W', '-f', '${Package}\\t${db:Status-Abbrev}\\n', ...names], {
    timeoutMs: 30_000,
  });
  // dpkg-query exits 1 when some name is unknown, and still prints the known ones.
  const installed = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const [pkg, status] = line.split('\t');
    if (pkg && status?.startsWith('ii')) installed.add(pkg);
  }
  return names.filter((n) => !installed.has(n.split(':')[0] ?? n));
}

/**
 * The shell script that installs packages as root. `policy-rc.d` exiting 101 keeps every service the
 * packages ship (dnsmasq, tftpd-hpa, kea, isc-dhcp-server, radvd) from starting on the host; an existing
 * policy-rc.d is kept as it was, one we created is removed afterwards. Exported for its unit test.
 */
export function aptInstallScript(
  names: readonly string[],
  update: boolean,
  /** For tests: where policy-rc.d lives, and the apt-get command. */
  paths: { policy?: string; aptGet?: string } = {},
): string {
  const list = names.join(' ');
  return `set -u
POLICY=${paths.policy ?? '/usr/sbin/policy-rc.d'}
CREATED=0
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\\n# pxekit lab: keep services from starting on the host\\nexit 101\\n' > "$POLICY"
  chmod 755 "$POLICY"
  CREATED=1
fi
cleanup() { if [ "$CREATED" = 1 ]; then rm -f "$POLICY"; fi; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
APT="${paths.aptGet ?? 'apt-get'} -q -y -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold"
${update ? 'echo "pxekit-lab: apt-get update" >&2\n$APT update || { echo "pxekit-lab: apt-get update failed" >&2; exit 100; }' : ''}
echo "pxekit-lab: apt-get install ${list}" >&2
$APT install --no-install-recommends ${list}
`;
}

/**
 * Installs the Debian packages that are not installed yet (one `dpkg-query` first, so a second call is
 * cheap; at most one `apt-get update` per process; services kept from starting). Needs root. Throws
 * `LAB_ERR_APT` naming the packages and quoting apt's output when the install fails.
 *
 * @example
 * await ensureDebianPackages(['tftpd-hpa', 'tftp-hpa', 'atftp']);
 */
export async function ensureDebianPackages(
  names: readonly string[],
  options: { timeoutMs?: number } = {},
): Promise<{ installed: string[]; ms: number }> {
  const start = Date.now();
  const missing = await missingDebianPackages(names);
  if (missing.length === 0) return { installed: [], ms: Date.now() - start };
  if (process.getuid?.() !== 0) {
    throw new LabError(
      LabErrorCode.APT,
      `Debian packages missing and not root to install them: ${missing.join(' ')}`,
    );
  }
  const attempt = async (update: boolean) =>
    run('flock', ['-w', '900', APT_LOCK, 'sh', '-c', aptInstallScript(missing, update)], {
      timeoutMs: options.timeoutMs ?? 1_200_000,
    });
  // A fresh machine has no package lists: update first. Elsewhere try without an update and update
  // only if apt cannot find a package (stale lists).
  const updateFirst = !updated && !(await haveListsFor(missing));
  if (updateFirst) updated = true;
  let r = await attempt(updateFirst);
  if (r.code !== 0 && !updated) {
    updated = true;
    r = await attempt(true);
  }
  if (r.code !== 0) {
    throw new LabError(
      LabErrorCode.APT,
      `apt-get could not install ${missing.join(' ')} (exit ${r.code ?? r.signal}):\n${r.stderr.trim().split('\n').slice(-20).join('\n')}\n${r.stdout.trim().split('\n').slice(-10).join('\n')}`,
    );
  }
  const still = await missingDebianPackages(missing);
  if (still.length > 0) {
    throw new LabError(
      LabErrorCode.APT,
      `apt-get reported success but these are still not installed: ${still.join(' ')}`,
    );
  }
  return { installed: missing, ms: Date.now() - start };
}

/** True when apt's package lists know every name (so an install can go without `apt-get update`). */
async function haveListsFor(names: readonly string[]): Promise<boolean> {
  const r = await run('apt-cache', ['policy', ...names.map((n) => n.split(':')[0] ?? n)], {
    timeoutMs: 60_000,
  });
  if (r.code !== 0) return false;
  // `Candidate: (none)` or a missing stanza means the lists do not offer it.
  const stanzas = r.stdout.split(/\n(?=\S)/);
  return names.every((n) => {
    const s = stanzas.find((st) => st.startsWith(`${n.split(':')[0]}:`));
    return s !== undefined && /Candidate: (?!\(none\))/.test(s);
  });
}

/**
 * vitest `globalSetup` of the `lab` project (vitest.config.ts): before any lab file runs, it removes
 * namespaces that crashed runs left behind and installs every Debian package the lab proofs need in
 * one go (one `apt-get update`, one `apt-get install`), instead of one round per test file. Each file
 * still calls `labStatus()` (a cheap dpkg query by then) and decides to run or skip itself; with CI=true
 * a lab file whose lab cannot be built fails there, with the reason.
 */
import { BOOT_FILE_PACKAGES } from './bootfiles.js';
import { CAPTURE_PACKAGES } from './capture.js';
import { ensureDebianPackages } from './debian.js';
import { sweepStaleNamespaces } from './netlab.js';
import { QEMU_PACKAGES } from './qemu.js';
import { DNSMASQ_PACKAGES, KEA_PACKAGES, TFTPD_HPA_PACKAGES } from './reference.js';
import { labRequired } from './status.js';

/** Every Debian package the lab and its reference proofs use. */
export const LAB_PACKAGES: readonly string[] = [
  ...new Set([
    'iproute2',
    'iputils-ping',
    'util-linux',
    ...DNSMASQ_PACKAGES,
    ...TFTPD_HPA_PACKAGES,
    ...KEA_PACKAGES,
    ...CAPTURE_PACKAGES,
    ...QEMU_PACKAGES,
    ...BOOT_FILE_PACKAGES,
    'isc-dhcp-client',
    'dhcpcd-base',
    'busybox-static',
    'tftp-hpa',
    'atftp',
    'curl',
  ]),
];

function log(msg: string): void {
  process.stderr.write(`[pxekit lab] ${msg}\n`);
}

export async function setup(): Promise<() => void> {
  // Never throws: a failure here would abort the unit project too. Each lab file's labStatus() meets
  // the same problem again and, with CI=true, fails that file with the reason.
  const usable = process.platform === 'linux' && process.getuid?.() === 0;
  if (!usable) {
    const reason = process.platform !== 'linux' ? `not Linux (${process.platform})` : 'not root';
    log(
      `${reason}: ${labRequired() ? 'lab tests will FAIL (CI=true)' : 'lab tests will be skipped, each says why'}`,
    );
    return () => undefined;
  }
  const stale = sweepStaleNamespaces();
  if (stale.length > 0) log(`removed ${stale.length} stale namespaces: ${stale.join(' ')}`);
  try {
    const r = await ensureDebianPackages(LAB_PACKAGES);
    if (r.installed.length > 0) log(`installed ${r.installed.join(' ')} in ${(r.ms / 1000).toFixed(1)} s`);
  } catch (err) {
    log(`could not install the lab's Debian packages (each lab file will retry and report):\n${String(err)}`);
  }
  return () => {
    sweepStaleNamespaces();
  };
}

/**
 * `@pxekit/testkit/lab`: tests against real third-party peers (DHCP clients, TFTP clients, reference
 * servers, QEMU firmware) inside network namespaces that the test creates and always removes. Read
 * docs/testing.md and /work/shared/docs/LAB.md (what works on these machines) first.
 *
 * A lab test lives in `packages/<pkg>/test/<name>.lab.test.ts` (the vitest `lab` project: one file at a
 * time, 300 s per test) and starts like this:
 *
 * ```ts
 * import { describe, expect, it } from 'vitest';
 * import { labStatus, labTitle, run, spawnDaemon } from '@pxekit/testkit/lab';
 *
 * // Installs missing Debian packages (services kept from starting), checks root and `ip netns`.
 * // Not usable here -> { ok: false, reason } and the suite is skipped with the reason in its title.
 * // With CI=true it throws instead: a missing lab in CI is a failure, never a skip.
 * const lab = await labStatus({ packages: ['tftpd-hpa', 'tftp-hpa'], needs: ['root', 'netns'] });
 *
 * describe.skipIf(!lab.ok)(labTitle('tftp against tftp-hpa', lab), () => {
 *   it('fetches a file', async () => {
 *     const srv = spawnDaemon('in.tftpd', ['--foreground', '--listen', '--address', '127.0.0.1:6969', dir]);
 *     try {
 *       const r = await run('tftp', ['-m', 'binary', '127.0.0.1', '6969', '-c', 'get', 'a.bin'],
 *         { timeoutMs: 10_000 });
 *       expect(r.code).toBe(0);
 *     } finally {
 *       await srv.stop();
 *     }
 *   });
 * });
 * ```
 *
 * Every process started with {@link run} or {@link spawnDaemon} runs in its own process group and is
 * killed with it (timeout, `stop()`, or at the latest when the test process exits or gets SIGINT/SIGTERM).
 */
export { bundleForLab } from './bundle.js';
export type { BundleEntry } from './bundle.js';
export { registerCleanup } from './cleanup.js';
export { aptInstallScript, ensureDebianPackages, missingDebianPackages } from './debian.js';
export { LabError, LabErrorCode } from './errors.js';
export { formatCommand, inNetns, run, runOk, spawnDaemon, withPrivateMounts } from './exec.js';
export type { Daemon, DaemonExit, DaemonOptions, RunOptions, RunResult } from './exec.js';
export { freeTcpPort, freeUdpPort } from './ports.js';
export { labRequired, labStatus, labTitle } from './status.js';
export type { LabNeed, LabStatus, LabStatusOptions } from './status.js';
export { makeTempDir } from './tmp.js';
export type { TempDir } from './tmp.js';
export { createLab, deleteNamespaceSync, NETNS_PREFIX, sweepStaleNamespaces } from './netlab.js';
export type { CreateLabOptions, Lab, LabHost, LabRole } from './netlab.js';
export { BOOT_FILE_PACKAGES, bootFile, findKernel } from './bootfiles.js';
export type { BootFileName } from './bootfiles.js';
export { cpioEncodingLength, encodeCpio, S_IFCHR, S_IFDIR, S_IFLNK, S_IFREG } from './cpio.js';
export type { CpioEntry } from './cpio.js';
export { buildInitramfs, resolveModuleOrder } from './initramfs.js';
export type { GuestNic, Initramfs } from './initramfs.js';
export {
  CAPTURE_PACKAGES,
  countFrames,
  EXPERT_WARNING_FILTER,
  expertWarnings,
  framesMatching,
  MALFORMED_FILTER,
  malformedFrames,
  startCapture,
  tsharkFields,
} from './capture.js';
export type { Capture, CaptureOptions, FlaggedFrame } from './capture.js';
export { QEMU_PACKAGES, qemuArgs, startVm } from './qemu.js';
export type { Firmware, Vm, VmOptions } from './qemu.js';
export {
  DNSMASQ_PACKAGES,
  KEA_PACKAGES,
  startBusyboxHttpd,
  startDnsmasq,
  startKea,
  startTftpdHpa,
  TFTPD_HPA_PACKAGES,
} from './reference.js';
export type { DnsmasqOptions, KeaOptions } from './reference.js';
export { guestCommandLine, pxelinuxMenu, writePxeTree } from './pxe-tree.js';
export type { PxelinuxMenuOptions, PxeTree } from './pxe-tree.js';

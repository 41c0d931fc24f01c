/**
 * `@pxekit/testkit/lab/suites`: the lab's interop suites, each parameterized by the server under test, so
 * the reference servers (dnsmasq, tftpd-hpa) and pxekit's own servers are held to the same assertions.
 * Each suite declares a vitest `describe` (this entry imports vitest; `@pxekit/testkit/lab` does not):
 *
 * ```ts
 * // packages/pxekit/test/dhcp-clients.lab.test.ts
 * import { dhcpClientsSuite } from '@pxekit/testkit/lab/suites';
 * await dhcpClientsSuite({ title: 'pxekit DHCP vs real clients', startServer: (lab, s) => startPxekit(lab, s) });
 * ```
 */
export { DHCP_CLIENT_PACKAGES, dhcpClientsSuite } from './dhcp-clients.js';
export type { DhcpClientsSuiteOptions, DhcpServerSetup } from './dhcp-clients.js';
export type { ServerUnderTest } from './types.js';
export { TFTP_CLIENT_PACKAGES, tftpClientsSuite } from './tftp-clients.js';
export type { TftpClientsSuiteOptions } from './tftp-clients.js';
export { PXE_BOOT_PACKAGES, pxeBootSuite } from './pxe-boot.js';
export type { PxeBoot, PxeBootSuiteOptions } from './pxe-boot.js';

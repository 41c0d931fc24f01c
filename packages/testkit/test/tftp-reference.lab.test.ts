import { startTftpdHpa, TFTPD_HPA_PACKAGES } from '../src/lab/index.js';
import { tftpClientsSuite } from '../src/lab/suites/index.js';

// The TFTP client interop suite against the reference server, tftpd-hpa. pxekit's TFTP server runs the
// same suite with its own startServer.
await tftpClientsSuite({
  title: 'TFTP: tftpd-hpa serves tftp-hpa, atftp, curl, busybox',
  packages: TFTPD_HPA_PACKAGES,
  startServer: (lab, root) => startTftpdHpa(lab, root),
});

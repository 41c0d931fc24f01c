import { DNSMASQ_PACKAGES, startDnsmasq } from '../src/lab/index.js';
import { dhcpClientsSuite } from '../src/lab/suites/index.js';

// The DHCP client interop suite against the reference server, dnsmasq. pxekit's DHCP server runs the
// same suite with its own startServer.
await dhcpClientsSuite({
  title: 'DHCP: dnsmasq leases to dhclient, udhcpc, dhcpcd',
  packages: DNSMASQ_PACKAGES,
  startServer: (lab, setup) =>
    startDnsmasq(lab, {
      range: setup.range,
      router: setup.router,
      bootFile: setup.bootFile,
      nextServer: setup.nextServer,
    }),
});

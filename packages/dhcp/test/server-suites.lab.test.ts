import { DNSMASQ_PACKAGES, startDnsmasq } from '@pxekit/testkit/lab';
import { pxeBootSuite } from '@pxekit/testkit/lab/suites';
import { bundleServerAgent } from './server-lab-helpers.js';

// The shared PXE boot suite the reference server (dnsmasq) runs, with the pxekit DHCP server as the server
// under test, for the UEFI iPXE boot (the BIOS and OVMF PXE boots are in server-boot.lab.test.ts). TFTP is
// dnsmasq's. The shared DHCP client suite is not run here yet: its ACK check compares tshark's
// dhcp.hw.mac_addr to the client MAC, and tshark lists two addresses when the reply echoes option 61 as
// RFC 6842 asks (server-interop.lab.test.ts covers the same clients with that taken into account).

const agent = (): string => bundleServerAgent();

await pxeBootSuite({
  title: 'PXE boot through the pxekit DHCP server (shared suite, UEFI iPXE)',
  packages: DNSMASQ_PACKAGES,
  boots: ['uefi-ipxe'],
  startServer: async (lab, tree) => {
    await startDnsmasq(lab, { dhcp: false, tftpRoot: tree.root });
    const config = {
      subnets: [{ network: lab.cidr, pools: [`${lab.ip(100)}-${lab.ip(150)}`], routers: [lab.serverIp] }],
      boot: {
        rules: [
          { name: 'uefi', match: { arch: 'efi-x64' }, bootFile: tree.efi64 },
          { name: 'bios', match: { arch: 'bios' }, bootFile: tree.bios },
        ],
      },
    };
    const d = lab.spawn(
      'server',
      'node',
      [agent(), JSON.stringify({ config, interfaces: [lab.server.ifname] })],
      {
        name: 'pxekit-dhcp',
      },
    );
    await d.waitForOutput(/"event":"listening"/, 20_000);
    return d;
  },
});

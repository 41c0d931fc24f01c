/**
 * The code of docs/guides/libraries.md, run for real: a TFTP server on loopback renders a pxelinux menu per
 * client with @pxekit/pxelinux's builder, a kickstart with @pxekit/kickstart's builder is validated, and the
 * menu a client downloads resolves to the label and kernel command line we meant. Keep the two in step.
 */
import { buildKickstart, parseKickstart, validateKickstart } from '@pxekit/kickstart';
import { buildConfig, configFileCandidates, parse, resolveBoot } from '@pxekit/pxelinux';
import { createTftpClient, createTftpServer } from '@pxekit/tftp/node';
import { describe, expect, it } from 'vitest';

describe('docs/guides/libraries.md', () => {
  it('a per-client pxelinux menu over TFTP, and a kickstart that validates', async () => {
    // --- guide: kickstart
    const ks = buildKickstart({
      version: 'RHEL9',
      commands: [
        { name: 'url', options: { url: 'http://10.0.0.1/rhel9/BaseOS' } },
        { name: 'rootpw', options: { plaintext: true }, args: ['correct horse battery'] },
        { name: 'network', options: { bootproto: 'dhcp', device: 'bootif' } },
        { name: 'autopart', options: { type: 'lvm' } },
      ],
      packages: { items: [{ kind: 'environment', name: 'minimal-environment' }] },
    });
    const verdict = validateKickstart(parseKickstart(ks));
    // --- end
    expect(verdict.ok).toBe(true);
    expect(ks).toContain("rootpw --plaintext 'correct horse battery'");

    // --- guide: menu per client
    const menuFor = (mac: string): string =>
      buildConfig({
        serial: '0 115200',
        ui: 'menu.c32',
        timeout: 50,
        title: `Install ${mac}`,
        entries: [
          {
            label: 'install',
            menuLabel: '^Install RHEL 9',
            kernel: 'rhel9/vmlinuz',
            initrd: ['rhel9/initrd.img'],
            append: `inst.ks=http://10.0.0.1/ks/${mac}.cfg`,
            ipappend: 2,
            menuDefault: true,
          },
          { label: 'local', menuLabel: 'Boot from ^disk', kernelType: 'localboot', kernel: '0' },
        ],
      });

    const server = await createTftpServer({
      host: '127.0.0.1',
      port: 0,
      root: '/srv/tftp',
      // pxelinux asks for pxelinux.cfg/01-<mac with dashes> first (configFileCandidates lists the order).
      handler: ({ filename }) => {
        const m = /^pxelinux\.cfg\/01-((?:[0-9a-f]{2}-){5}[0-9a-f]{2})$/.exec(filename);
        return m ? { data: new TextEncoder().encode(menuFor(m[1]!.replaceAll('-', ':'))) } : undefined;
      },
    });
    // --- end
    try {
      const mac = '52:54:00:12:34:56';
      const name = configFileCandidates({ mac })[0];
      expect(name).toBe('pxelinux.cfg/01-52-54-00-12-34-56');
      const client = createTftpClient({ host: '127.0.0.1', port: server.address().port });
      const menu = new TextDecoder().decode(await client.get(name!));
      expect(menu).toBe(menuFor(mac));
      const boot = resolveBoot(parse(menu), { facts: { mac } });
      expect(boot.label).toBe('install');
      expect(boot.kernel).toBe('rhel9/vmlinuz');
      expect(boot.cmdline).toContain(`inst.ks=http://10.0.0.1/ks/${mac}.cfg`);
      expect(boot.cmdline).toContain('BOOTIF=01-52-54-00-12-34-56');
    } finally {
      await server.close();
    }
  });
});

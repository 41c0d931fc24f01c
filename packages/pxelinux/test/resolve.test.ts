import { describe, expect, it } from 'vitest';
import {
  configFileCandidates,
  inferImageType,
  initrdFromCmdline,
  parse,
  pathPrefix,
  resolveBoot,
  sysappendStrings,
} from '../src/index.js';

const facts = {
  mac: '88:99:AA:BB:CC:DD',
  ip: '192.0.2.91',
  serverIp: '192.0.2.1',
  gateway: '192.0.2.254',
  netmask: '255.255.255.0',
  uuid: 'B8945908-D6A6-41A9-611D-74A6AB80B83D',
};

describe('configFileCandidates (pxe_open_config)', () => {
  it('tries uuid, 01-mac, 8 hex prefixes, default', () => {
    expect(configFileCandidates(facts)).toEqual([
      'pxelinux.cfg/b8945908-d6a6-41a9-611d-74a6ab80b83d',
      'pxelinux.cfg/01-88-99-aa-bb-cc-dd',
      'pxelinux.cfg/C000025B',
      'pxelinux.cfg/C000025',
      'pxelinux.cfg/C00002',
      'pxelinux.cfg/C0000',
      'pxelinux.cfg/C000',
      'pxelinux.cfg/C00',
      'pxelinux.cfg/C0',
      'pxelinux.cfg/C',
      'pxelinux.cfg/default',
    ]);
  });
  it('puts option 209 first, uses option 210 verbatim, derives the prefix from the boot file', () => {
    expect(configFileCandidates({ option209: 'my.cfg', option210: 'x/' })).toEqual([
      'x/my.cfg',
      'x/pxelinux.cfg/default',
    ]);
    expect(pathPrefix({ bootFile: 'boot/bios/pxelinux.0' })).toBe('boot/bios/');
    expect(pathPrefix({ bootFile: 'pxelinux.0' })).toBe('');
    expect(
      configFileCandidates({ bootFile: 'bios/pxelinux.0', arpType: 6, mac: '00:11:22:33:44:55' }),
    ).toEqual(['bios/pxelinux.cfg/06-00-11-22-33-44-55', 'bios/pxelinux.cfg/default']);
  });
  it('skips invalid BIOS UUIDs (version nibble 0 or F) like sysappend_set_uuid()', () => {
    expect(configFileCandidates({ uuid: '00000000-0000-0000-0000-000000000000' })).toEqual([
      'pxelinux.cfg/default',
    ]);
    expect(configFileCandidates({ uuid: 'ffffffff-ffff-ffff-ffff-ffffffffffff' })).toEqual([
      'pxelinux.cfg/default',
    ]);
  });
  it('rejects malformed facts with a typed error', () => {
    expect(() => configFileCandidates({ ip: '300.1.1.1' })).toThrow(
      expect.objectContaining({ code: 'PXELINUX_ERR_INVALID_FACTS' }),
    );
    expect(() => configFileCandidates({ mac: 'zz' })).toThrow(
      expect.objectContaining({ code: 'PXELINUX_ERR_INVALID_FACTS' }),
    );
    // The ARP hardware type is one byte (DHCP htype): 0x10f was written as 0f, -1 as ff, NaN as 00.
    for (const arpType of [0x10f, -1, Number.NaN, 1.5])
      expect(() => configFileCandidates({ mac: '88:99:aa:bb:cc:dd', arpType }), String(arpType)).toThrow(
        expect.objectContaining({ code: 'PXELINUX_ERR_INVALID_FACTS' }),
      );
    expect(configFileCandidates({ mac: '88:99:aa:bb:cc:dd', arpType: 6 })[0]).toBe(
      'pxelinux.cfg/06-88-99-aa-bb-cc-dd',
    );
  });
});

describe('image types and initrd', () => {
  it('infers the type from a case-sensitive extension (6.x strncmp)', () => {
    expect(inferImageType('menu.c32')).toBe('com32');
    expect(inferImageType('MENU.C32')).toBe('kernel');
    expect(inferImageType('pxelinux.0 x')).toBe('pxe');
    expect(inferImageType('boot.bss')).toBe('bss');
    expect(inferImageType('fd.img')).toBe('fdimage');
    expect(inferImageType('memdisk')).toBe('kernel');
  });
  it('loads the first initrd= substring as a comma list, like new_linux_kernel()', () => {
    expect(initrdFromCmdline('BOOT_IMAGE=k a initrd=x.img,y.img b initrd=z')).toEqual(['x.img', 'y.img']);
    expect(initrdFromCmdline('BOOT_IMAGE=k quiet')).toEqual([]);
  });
  it('builds SYSAPPEND strings from facts', () => {
    const s = sysappendStrings({ ...facts, sysappend: { SYSVENDOR: 'ACME  Corp ' } });
    expect(s[0]).toBe('ip=192.0.2.91:192.0.2.1:192.0.2.254:255.255.255.0');
    expect(s[1]).toBe('BOOTIF=01-88-99-aa-bb-cc-dd');
    expect(s[2]).toBe('SYSUUID=b8945908-d6a6-41a9-611d-74a6ab80b83d');
    expect(s[4]).toBe('SYSVENDOR=ACME  Corp ');
  });
});

describe('resolveBoot', () => {
  it('reports a menu whose chosen entry starts the menu again as a boot loop (found by the robustness property)', () => {
    const r = resolveBoot(parse('LABEL a\nCOM32 menu\nDEFAULT menu'), { facts });
    expect(r.outcome).toBe('error');
    expect(r.steps.at(-1)).toMatch(/boot loop/);
  });
  it('boots DEFAULT at once with PROMPT 0, expanding the label with IPAPPEND', () => {
    const r = resolveBoot(
      parse(
        'DEFAULT install\nLABEL install\n  KERNEL vmlinuz\n  APPEND quiet initrd=initrd.gz\n  IPAPPEND 3\n',
      ),
      { facts },
    );
    expect(r).toMatchObject({
      outcome: 'boot',
      label: 'install',
      kernel: 'vmlinuz',
      imageType: 'kernel',
      initrd: ['initrd.gz'],
      cmdline:
        'BOOT_IMAGE=vmlinuz quiet initrd=initrd.gz ip=192.0.2.91:192.0.2.1:192.0.2.254:255.255.255.0 BOOTIF=01-88-99-aa-bb-cc-dd',
    });
  });
  it('uses ONTIMEOUT at the boot: prompt when PROMPT 1 and TIMEOUT > 0', () => {
    const r = resolveBoot(
      parse('PROMPT 1\nTIMEOUT 30\nDEFAULT a\nONTIMEOUT b\nLABEL a\nLABEL b\nLINUX kb\nINITRD i1,i2\n'),
    );
    expect(r).toMatchObject({
      outcome: 'boot',
      timeout: 30,
      label: 'b',
      kernel: 'kb',
      imageType: 'linux',
      initrd: ['i1', 'i2'],
    });
  });
  it('waits with PROMPT 1 and TIMEOUT 0', () => {
    expect(resolveBoot(parse('PROMPT 1\nDEFAULT a\nLABEL a\n')).outcome).toBe('wait');
  });
  it('reports neither DEFAULT nor UI', () => {
    expect(resolveBoot(parse('LABEL a\n')).outcome).toBe('none');
  });
  it('follows UI menu.c32 to the DEFAULT label, per-menu ONTIMEOUT and MENU DEFAULT', () => {
    const t = 'UI menu.c32\nTIMEOUT 50\nDEFAULT b\nLABEL a\nKERNEL ka\nLABEL b\nKERNEL kb\nAPPEND x\n';
    expect(resolveBoot(parse(t))).toMatchObject({
      outcome: 'boot',
      chosenBy: 'menu',
      label: 'b',
      kernel: 'kb',
      timeout: 50,
    });
    const t2 = 'UI vesamenu.c32\nTIMEOUT 50\nLABEL a\nKERNEL ka\nLABEL b\nMENU DEFAULT\nKERNEL kb\n';
    expect(resolveBoot(parse(t2))).toMatchObject({ label: 'b', kernel: 'kb' });
    const t3 = 'UI menu.c32\nTIMEOUT 50\nONTIMEOUT local\nLABEL a\nKERNEL ka\nLABEL local\nLOCALBOOT -1\n';
    expect(resolveBoot(parse(t3))).toMatchObject({ imageType: 'localboot', kernel: '-1', label: 'local' });
  });
  it('finds menu.c32 for DEFAULT menu (no UI) by extension search and uses the first entry', () => {
    const t = 'DEFAULT menu\nLABEL a\nKERNEL ka\nLABEL b\nKERNEL kb\n';
    const r = resolveBoot(parse(t), { exists: (n) => n === 'menu.c32' });
    expect(r).toMatchObject({ chosenBy: 'menu', label: 'a', outcome: 'wait' });
  });
  it('starts the menu in the submenu that holds the DEFAULT label', () => {
    const t =
      'UI menu.c32\nDEFAULT deep\nMENU BEGIN s\nTIMEOUT 20\nLABEL deep\nKERNEL kd\nMENU END\nLABEL top\n';
    expect(resolveBoot(parse(t))).toMatchObject({ label: 'deep', timeout: 20 });
  });
  it('adds global SYSAPPEND to a DEFAULT that is not a label, and honours IMPLICIT 0', () => {
    const r = resolveBoot(parse('SYSAPPEND 2\nDEFAULT vmlinuz quiet\n'), { facts });
    expect(r.cmdline).toBe('BOOT_IMAGE=vmlinuz quiet BOOTIF=01-88-99-aa-bb-cc-dd');
    expect(resolveBoot(parse('IMPLICIT 0\nDEFAULT vmlinuz\n')).outcome).toBe('error');
  });
  it('says which readers parse the file', () => {
    expect(resolveBoot(parse('DEFAULT a\nLABEL a\n')).readers).toEqual(['core']);
    expect(resolveBoot(parse('UI menu.c32\nLABEL a\n')).readers).toEqual(['core', 'menu']);
    // Without a UI line, DEFAULT menu starts menu.c32 too (found by the extension search).
    expect(resolveBoot(parse('DEFAULT menu\nLABEL a\n')).readers).toEqual(['core', 'menu']);
  });
  it('reports a UI it does not simulate', () => {
    expect(resolveBoot(parse('UI gfxboot.c32 bootlogo\nLABEL a\n')).outcome).toBe('ui');
  });
  it('strips forced types and adds .c32 to COM32', () => {
    const r = resolveBoot(parse('DEFAULT chain\nLABEL chain\nCOM32 chain\nAPPEND hd0\n'));
    expect(r).toMatchObject({ kernel: 'chain.c32', imageType: 'com32', args: 'hd0' });
  });
});

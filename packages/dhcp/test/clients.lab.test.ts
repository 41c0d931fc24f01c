import { mkdirSync, readFileSync } from 'node:fs';
import {
  CAPTURE_PACKAGES,
  DNSMASQ_PACKAGES,
  type Lab,
  createLab,
  labStatus,
  labTitle,
  makeTempDir,
  runOk,
  startCapture,
  startDnsmasq,
  withPrivateMounts,
} from '@pxekit/testkit/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeDhcpMessage,
  decodeDhcpMessageTolerant,
  encodeDhcpMessage,
  extractDhcpMessages,
  getMessageType,
  readCapture,
  toHex,
} from '../src/index.js';

// Real clients (dhclient, busybox udhcpc, dhcpcd) get leases from dnsmasq inside a lab namespace pair;
// every DHCP message on the wire, captured by tshark, must decode strictly, have no problem in a tolerant
// decode, re-encode byte for byte, and list the same options tshark dissects. Our pcapng reader reads the
// capture.
const lab = await labStatus({
  packages: [
    ...DNSMASQ_PACKAGES,
    ...CAPTURE_PACKAGES,
    'isc-dhcp-client',
    'busybox-static',
    'dhcpcd-base',
    'util-linux',
  ],
  needs: ['root', 'netns'],
});

describe.skipIf(!lab.ok)(labTitle('real DHCP clients and dnsmasq, decoded and re-encoded', lab), () => {
  let net: Lab;
  let pcap: string;

  beforeAll(async () => {
    net = await createLab({ name: 'dhcpcodec', clients: 1 });
    const server = net.serverIp;
    await startDnsmasq(net, {
      bootFile: 'pxelinux.0',
      extraArgs: [
        '--dhcp-option=119,lab.example,example',
        `--dhcp-option=121,10.20.0.0/16,${server}`,
        `--dhcp-option=42,${server}`,
        '--dhcp-option=209,pxelinux.cfg/default',
      ],
    });
    const capture = await startCapture(net);
    const dir = makeTempDir('dhcp-clients');
    const c1 = net.clients[0]!;
    // dhclient with its own lease file and a no-op script: nothing on the host changes.
    await net.exec(
      'c1',
      'dhclient',
      [
        '-4',
        '-1',
        '-v',
        '-sf',
        '/bin/true',
        '-lf',
        dir.join('dhclient.leases'),
        '-pf',
        dir.join('dhclient.pid'),
        c1.ifname,
      ],
      {
        timeoutMs: 30_000,
      },
    );
    await net.exec('c1', 'ip', ['addr', 'flush', 'dev', c1.ifname], { timeoutMs: 5000 });
    await net.exec(
      'c1',
      'busybox',
      [
        'udhcpc',
        '-i',
        c1.ifname,
        '-s',
        '/bin/true',
        '-q',
        '-n',
        '-t',
        '3',
        '-x',
        'hostname:pxkbusybox',
        '-V',
        'pxekit-udhcpc',
      ],
      {
        timeoutMs: 30_000,
      },
    );
    await net.exec('c1', 'ip', ['addr', 'flush', 'dev', c1.ifname], { timeoutMs: 5000 });
    // dhcpcd keeps state in fixed paths: give it temp dirs in a private mount namespace.
    for (const d of ['lib', 'run']) mkdirSync(dir.join(d));
    const [cmd, args] = withPrivateMounts(
      { '/var/lib/dhcpcd': dir.join('lib'), '/run/dhcpcd': dir.join('run') },
      'dhcpcd',
      [
        '-f',
        '/dev/null',
        '-4',
        '-1',
        '-A',
        '-B',
        '-c',
        '/bin/true',
        '-t',
        '20',
        '-h',
        'pxkdhcpcd',
        c1.ifname,
      ],
    );
    await net.exec('c1', cmd, args, { timeoutMs: 40_000 });
    pcap = await capture.stop();
  }, 180_000);

  afterAll(async () => {
    await net?.close();
  });

  it('every captured message decodes, re-encodes byte for byte and lists the options tshark sees', async () => {
    const messages = extractDhcpMessages(readCapture(new Uint8Array(readFileSync(pcap))));
    const types = new Set<number>();
    for (const m of messages) {
      const msg = decodeDhcpMessage(m.payload);
      types.add(getMessageType(msg) ?? 0);
      expect(decodeDhcpMessageTolerant(m.payload).problems).toEqual([]);
      expect(toHex(encodeDhcpMessage(msg))).toBe(toHex(m.payload));
    }
    // Three clients, each DISCOVER/OFFER/REQUEST/ACK (dhcpcd may skip to REQUEST with a lease it knows).
    expect(messages.length).toBeGreaterThanOrEqual(10);
    expect([...types].sort()).toEqual(expect.arrayContaining([1, 2, 3, 5]));

    const r = await runOk(
      'tshark',
      [
        '-n',
        '-r',
        pcap,
        '-Y',
        'dhcp',
        '-T',
        'fields',
        '-E',
        'occurrence=a',
        '-E',
        'aggregator=,',
        '-e',
        'dhcp.option.type',
      ],
      {
        timeoutMs: 60_000,
      },
    );
    const rows = r.stdout.split('\n').filter((l) => l !== '');
    expect(rows).toHaveLength(messages.length);
    rows.forEach((row, i) => {
      const theirs = row
        .split(',')
        .map(Number)
        .filter((c) => c !== 0 && c !== 255);
      expect(decodeDhcpMessage(messages[i]!.payload).options.map((o) => o.code)).toEqual(theirs);
    });
  });
});

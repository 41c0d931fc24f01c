import { readFileSync, writeFileSync } from 'node:fs';
import {
  expertWarnings,
  labStatus,
  labTitle,
  makeTempDir,
  malformedFrames,
  runOk,
} from '@pxekit/testkit/lab';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dhcpMessageArbitrary,
  pxeClientArbitrary,
  relayedRequestArbitrary,
} from '../src/arbitraries/index.js';
import {
  type DhcpMessage,
  type DhcpOption,
  type DhcpOptionName,
  getOption,
  tlvList,
  u16List,
  bytes as bytesCodec,
  clientHardwareAddress,
  decodeDhcpMessage,
  encodeDhcpMessage,
  encodeDhcpReply,
  getMessageType,
  optionByCode,
  writePcap,
} from '../src/index.js';

// tshark dissects every frame we write; it must flag nothing and read the same field values we do.
// Needs only the tshark Debian package (no root: tshark reads a file).
const lab = await labStatus({ packages: ['tshark'], needs: [] });

// Options whose registry codec is opaque `bytes` have RFC formats we do not model (e.g. 63, 78, 90, 99,
// 120); random bytes there are not valid messages, so the arbitrary leaves them out here.
// Unregistered codes from 224 on are site-specific (RFC 3942 §4) and tshark decodes some as vendor
// options (242 Avaya), so they are left out too.
const modelled = (o: { code: number }): boolean => {
  const d = optionByCode(o.code);
  return d === undefined ? o.code < 224 : d.codec !== bytesCodec;
};

// tshark warns on architecture 9 ("often incorrectly used for EFI x64"), a heuristic, not a format error.
const noArch9 = (o: DhcpOption): boolean => !(o.code === 93 && u16List.decode(o.data).includes(9));

// tshark 4.0 dissects only some relay agent sub-options without complaint: it reads 152 as Cisco's
// server-id override (IANA: RFC 6607 VSS control), and reports "unknown subopt type handler" for 8, 19 and
// for empty values. The generated 82 keeps the sub-options both sides define the same way.
const TSHARK_RELAY_SUBOPTIONS = new Set([1, 2, 4, 5, 6, 10, 11]);
const relayForTshark = (o: DhcpOption): DhcpOption =>
  o.code !== 82
    ? o
    : {
        code: 82,
        data: tlvList.encode(
          tlvList.decode(o.data).filter((s) => TSHARK_RELAY_SUBOPTIONS.has(s.code) && s.data.length > 0),
        ),
      };

function messages(count: number): DhcpMessage[] {
  const clean = (m: DhcpMessage): DhcpMessage => ({
    ...m,
    options: m.options.filter(modelled).filter(noArch9).map(relayForTshark),
  });
  const arb = fc.oneof(
    dhcpMessageArbitrary().map(clean),
    pxeClientArbitrary().map(clean),
    relayedRequestArbitrary().map(clean),
  );
  return fc.sample(arb, { numRuns: count, seed: 20261124 });
}

// Option values compared field by field: tshark field, option name (all numbers or IPv4 addresses).
const VALUE_FIELDS: [string, DhcpOptionName][] = [
  ['dhcp.option.subnet_mask', 'subnetMask'],
  ['dhcp.option.time_offset', 'timeOffset'],
  ['dhcp.option.router', 'router'],
  ['dhcp.option.domain_name_server', 'domainNameServer'],
  ['dhcp.option.interface_mtu', 'interfaceMtu'],
  ['dhcp.option.broadcast_address', 'broadcastAddress'],
  ['dhcp.option.requested_ip_address', 'requestedIpAddress'],
  ['dhcp.option.ip_address_lease_time', 'ipAddressLeaseTime'],
  ['dhcp.option.dhcp_server_id', 'serverIdentifier'],
  ['dhcp.option.request_list_item', 'parameterRequestList'],
  ['dhcp.option.dhcp_max_message_size', 'maxMessageSize'],
  ['dhcp.option.renewal_time_value', 'renewalTime'],
  ['dhcp.option.rebinding_time_value', 'rebindingTime'],
  ['dhcp.option.client_system_architecture', 'clientSystemArchitecture'],
  ['dhcp.option.tftp_server_address', 'tftpServerAddresses'],
];

const FIELDS = [
  ...VALUE_FIELDS.map(([f]) => f),
  'frame.number',
  'dhcp.type',
  'dhcp.id',
  'dhcp.hops',
  'dhcp.secs',
  'dhcp.flags',
  'dhcp.ip.client',
  'dhcp.ip.your',
  'dhcp.ip.server',
  'dhcp.ip.relay',
  'dhcp.option.type',
  'dhcp.option.dhcp',
];

describe.skipIf(!lab.ok)(labTitle('tshark agrees with the encoder', lab), () => {
  it('dissects thousands of generated messages with no malformed frame or expert warning, same fields', async () => {
    using dir = makeTempDir('dhcp-tshark');
    const msgs = messages(3000);
    const payloads = msgs.map((m) => encodeDhcpMessage(m));
    const pcap = dir.join('generated.pcap');
    writeFileSync(
      pcap,
      writePcap(
        payloads.map((payload, i) => ({
          srcIp: '10.99.0.10',
          dstIp: '10.99.0.1',
          srcPort: msgs[i]!.op === 1 ? 68 : 67,
          dstPort: msgs[i]!.op === 1 ? 67 : 68,
          payload,
          timestampMs: i,
        })),
      ),
    );
    if (process.env.PXEKIT_KEEP_PCAP) writeFileSync(process.env.PXEKIT_KEEP_PCAP, readFileSync(pcap));
    expect(await malformedFrames(pcap)).toEqual([]);
    expect(await expertWarnings(pcap)).toEqual([]);

    const r = await runOk(
      'tshark',
      [
        '-n',
        '-r',
        pcap,
        '-T',
        'fields',
        '-E',
        'separator=\t',
        '-E',
        'occurrence=a',
        '-E',
        'aggregator=,',
        ...FIELDS.flatMap((f) => ['-e', f]),
      ],
      { timeoutMs: 240_000 },
    );
    const rows = r.stdout.split('\n').filter((l) => l !== '');
    expect(rows.length).toBe(msgs.length);
    for (const row of rows) {
      const v = Object.fromEntries(row.split('\t').map((x, i) => [FIELDS[i], x])) as Record<string, string>;
      const i = Number(v['frame.number']) - 1;
      const m = decodeDhcpMessage(payloads[i]!);
      const ctx = `frame ${i + 1}`;
      expect(Number(v['dhcp.type']), ctx).toBe(m.op);
      expect(Number.parseInt(v['dhcp.id']!, 16), ctx).toBe(m.xid);
      expect(Number(v['dhcp.hops']), ctx).toBe(m.hops);
      // Wireshark reads secs as little-endian when its low byte is 0 and the value is large (a heuristic
      // for clients that get the byte order wrong), so such values come back byte-swapped.
      const swapped = ((m.secs & 0xff) << 8) | (m.secs >> 8);
      expect(Number(v['dhcp.secs']), ctx).toBe((m.secs & 0xff) === 0 && m.secs > 255 ? swapped : m.secs);
      expect(Number.parseInt(v['dhcp.flags']!, 16), ctx).toBe(m.flags);
      expect(v['dhcp.ip.client'], ctx).toBe(m.ciaddr);
      expect(v['dhcp.ip.your'], ctx).toBe(m.yiaddr);
      expect(v['dhcp.ip.server'], ctx).toBe(m.siaddr);
      expect(v['dhcp.ip.relay'], ctx).toBe(m.giaddr);
      const codes = (v['dhcp.option.type'] ?? '')
        .split(',')
        .filter((x) => x !== '')
        .map(Number)
        .filter((c) => c !== 0 && c !== 255);
      expect(codes, ctx).toEqual(m.options.map((o) => o.code));
      for (const [field, name] of VALUE_FIELDS) {
        const ours = getOption(m, name);
        const theirs = v[field] ?? '';
        const expected = ours === undefined ? '' : ([] as unknown[]).concat(ours).join(',');
        expect(theirs, `${ctx} ${field}`).toBe(expected);
      }
      const type = getMessageType(m);
      if (type !== undefined) expect(Number(v['dhcp.option.dhcp']), ctx).toBe(type);
      expect(clientHardwareAddress(m)).toBeTypeOf('string');
    }
  });

  it('dissects replies that spill into file and sname (option 52) and finds the same options', async () => {
    using dir = makeTempDir('dhcp-tshark-overload');
    const base = fc.sample(dhcpMessageArbitrary({ minOptions: 25, maxOptions: 45 }), {
      numRuns: 2000,
      seed: 52,
    });
    const replies = base
      .map((m) => ({
        ...m,
        op: 2,
        file: '',
        sname: '',
        options: m.options.filter(modelled).filter(noArch9).map(relayForTshark),
      }))
      .map((m) => encodeDhcpReply(m, { maxMessageSize: 576 }).bytes)
      .filter((b) => decodeDhcpMessage(b).options.some((o) => o.code === 52));
    expect(replies.length).toBeGreaterThan(100);
    const overloads = new Set(replies.map((b) => getOption(decodeDhcpMessage(b), 'optionOverload')));
    expect([...overloads].sort()).toEqual([1, 3]); // file first, then file and sname (RFC 2131 §4.1 order)
    const pcap = dir.join('overload.pcap');
    writeFileSync(
      pcap,
      writePcap(
        replies.map((payload) => ({
          srcIp: '10.99.0.1',
          dstIp: '10.99.0.10',
          srcPort: 67,
          dstPort: 68,
          payload,
        })),
      ),
    );
    expect(await malformedFrames(pcap)).toEqual([]);
    expect(await expertWarnings(pcap)).toEqual([]);
    const r = await runOk(
      'tshark',
      [
        '-n',
        '-r',
        pcap,
        '-T',
        'fields',
        '-E',
        'occurrence=a',
        '-E',
        'aggregator=,',
        '-e',
        'dhcp.option.type',
      ],
      { timeoutMs: 240_000 },
    );
    const rows = r.stdout.split('\n').filter((l) => l !== '');
    expect(rows).toHaveLength(replies.length);
    rows.forEach((row, i) => {
      // tshark shows the options of sname and file where those fields sit in the header, so compare as
      // sets (no code repeats here: every value is under 255 bytes, and short options are never split).
      const theirs = row
        .split(',')
        .map(Number)
        .filter((c) => c !== 0 && c !== 255)
        .sort((a, b) => a - b);
      const ours = decodeDhcpMessage(replies[i]!)
        .options.map((o) => o.code)
        .sort((a, b) => a - b);
      expect(ours, `frame ${i + 1}`).toEqual(theirs);
    });
  });
});

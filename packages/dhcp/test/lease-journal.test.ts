import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  crc32,
  decodeJournal,
  encodeJournalRecord,
  encodeJournalSnapshot,
  journalHeader,
  replayJournal,
} from '../src/lease/journal.js';
import type { Lease } from '../src/lease/types.js';

const lease = (i: number, over: Partial<Lease> = {}): Lease => ({
  address: `10.0.0.${i}`,
  subnet: 'lab',
  clientKey: `hw:02:00:00:00:00:${i.toString(16).padStart(2, '0')}`,
  mac: `02:00:00:00:00:${i.toString(16).padStart(2, '0')}`,
  state: 'bound',
  start: 1000,
  expires: 2000,
  ...over,
});

const arbLease: fc.Arbitrary<Lease> = fc.record(
  {
    address: fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `10.9.${a}.${b}`),
    subnet: fc.constantFrom('a', 'b'),
    clientKey: fc.string(),
    mac: fc.constant('02:00:00:00:00:01'),
    clientId: fc.string(),
    hostname: fc.string({ unit: 'binary' }),
    state: fc.constantFrom('bound', 'expired', 'released', 'declined'),
    start: fc.nat(),
    expires: fc.nat(),
  },
  { requiredKeys: ['address', 'subnet', 'clientKey', 'mac', 'state', 'start', 'expires'] },
);

describe('lease journal format', () => {
  it('CRC-32 matches the IEEE check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('every line carries the CRC-32 of its JSON as UTF-8 (ASCII summed without encoding, others encoded)', () => {
    fc.assert(
      fc.property(arbLease, (l) => {
        const line = encodeJournalRecord({ t: 'put', l });
        const json = line.slice(9, -1);
        expect(Number.parseInt(line.slice(0, 8), 16)).toBe(crc32(new TextEncoder().encode(json)));
      }),
    );
  });

  it('writes a lease record as the same JSON as JSON.stringify of the record (fields in Lease order)', () => {
    fc.assert(
      fc.property(arbLease, fc.string({ unit: 'binary' }), (l, weird) => {
        for (const lease of [l, { ...l, subnet: weird, clientKey: weird, hostname: weird }]) {
          const line = encodeJournalRecord({ t: 'put', l: lease });
          const ordered: Lease = {
            address: lease.address,
            subnet: lease.subnet,
            clientKey: lease.clientKey,
            mac: lease.mac,
            ...(lease.clientId === undefined ? {} : { clientId: lease.clientId }),
            ...(lease.hostname === undefined ? {} : { hostname: lease.hostname }),
            state: lease.state,
            start: lease.start,
            expires: lease.expires,
          };
          expect(line.slice(9, -1)).toBe(JSON.stringify({ t: 'put', l: ordered }));
        }
      }),
    );
  });

  it('round-trips any lease record, unicode host names included', () => {
    fc.assert(
      fc.property(fc.array(arbLease, { maxLength: 8 }), (leases) => {
        const text = journalHeader() + leases.map((l) => encodeJournalRecord({ t: 'put', l })).join('');
        const d = decodeJournal(text);
        expect(d.problems).toEqual([]);
        expect(d.records.slice(1)).toEqual(leases.map((l) => ({ t: 'put', l })));
      }),
    );
  });

  it('ignores a torn last record at any cut point and keeps everything before it', () => {
    const before = journalHeader() + encodeJournalRecord({ t: 'put', l: lease(1) });
    const last = encodeJournalRecord({ t: 'put', l: lease(2, { hostname: 'hôte-ü' }) });
    for (let cut = 1; cut < last.length; cut++) {
      const d = decodeJournal(before + last.slice(0, cut));
      expect(replayJournal(d.records)).toEqual([lease(1)]);
      expect(d.problems).toHaveLength(1);
      expect(['torn-tail', 'bad-checksum', 'bad-json']).toContain(d.problems[0]!.reason);
    }
  });

  it('skips a damaged line in the middle and reports its line number', () => {
    const good1 = encodeJournalRecord({ t: 'put', l: lease(1) });
    const bad = encodeJournalRecord({ t: 'put', l: lease(2) }).replace('10.0.0.2', '10.0.0.3');
    const good3 = encodeJournalRecord({ t: 'put', l: lease(4) });
    const d = decodeJournal(`${journalHeader()}${good1}${bad}${good3}garbage\n`);
    expect(d.problems).toEqual([
      { line: 3, reason: 'bad-checksum' },
      { line: 5, reason: 'bad-checksum' },
    ]);
    expect(
      replayJournal(d.records)
        .map((l) => l.address)
        .sort(),
    ).toEqual(['10.0.0.1', '10.0.0.4']);
  });

  it('rejects records of the wrong shape and newer versions', () => {
    const weird = encodeJournalRecord({ t: 'put', l: { ...lease(1), address: 'nope' } });
    const newer = encodeJournalRecord({ t: 'hdr', format: 'pxekit-leases', v: 99 });
    const d = decodeJournal(weird + newer);
    expect(d.problems.map((p) => p.reason)).toEqual(['bad-record', 'unsupported-version']);
  });

  it('replays puts and deletes in order, last write wins, one address per client per subnet', () => {
    const text =
      journalHeader() +
      encodeJournalRecord({ t: 'put', l: lease(1) }) +
      encodeJournalRecord({ t: 'put', l: lease(2) }) +
      encodeJournalRecord({ t: 'put', l: { ...lease(1), address: '10.0.0.9' } }) + // client 1 moved
      encodeJournalRecord({ t: 'del', a: '10.0.0.2' });
    expect(replayJournal(decodeJournal(text).records)).toEqual([{ ...lease(1), address: '10.0.0.9' }]);
    const snap = encodeJournalSnapshot([lease(5), lease(6)]);
    expect(replayJournal(decodeJournal(snap).records)).toEqual([lease(5), lease(6)]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipv4ToNumber, numberToIpv4 } from '../src/lease/ipv4.js';
import { decodeJournal, encodeJournalRecord, journalHeader, replayJournal } from '../src/lease/journal.js';
import {
  bindLease,
  declineAddress,
  offerLease,
  releaseLease,
  restoreLeases,
  withdrawOffer,
} from '../src/lease/policy.js';
import { compileSubnet } from '../src/lease/subnet.js';
import { LeaseTable } from '../src/lease/table.js';
import { type ClientIdentity, INFINITE_LEASE, type Lease } from '../src/lease/types.js';

// Model-based test of the lease policy (offer → request → ack, renew, release, decline, expiry, restart)
// against a tiny model: which client was acknowledged which address until when, which offers are out,
// which addresses are quarantined. The pool is small so exhaustion and reuse happen often.

const POOL = 4;
const subnet = compileSubnet({
  network: '10.0.0.0/24',
  pools: ['10.0.0.10-10.0.0.13'],
  leaseTime: 100,
  minLeaseTime: 10,
  maxLeaseTime: 1000,
});
const OFFER_HOLD = 5_000;
const DECLINE_HOLD = 50_000;
const opts = { offerHoldMs: OFFER_HOLD, declineHoldMs: DECLINE_HOLD };

function client(i: number): ClientIdentity {
  const mac = `02:00:00:00:00:${(i + 16).toString(16)}`;
  return { key: `hw:${mac}`, mac };
}

interface Held {
  address: number;
  expires: number;
}

interface Model {
  now: number;
  acked: Map<number, Held>;
  offers: Map<number, Held>;
  quarantine: Map<number, number>;
}

interface Real {
  table: LeaseTable;
  journal: string;
}

function persist(real: Real, writes: readonly Lease[]): void {
  for (const l of writes) real.journal += encodeJournalRecord({ t: 'put', l });
}

/** Addresses another client may not get now, according to the model. */
function blockedFor(m: Model, c: number): Set<number> {
  const out = new Set<number>();
  for (const [k, h] of m.acked) if (k !== c && h.expires > m.now) out.add(h.address);
  for (const [k, h] of m.offers) if (k !== c && h.expires > m.now) out.add(h.address);
  for (const [a, until] of m.quarantine) if (until > m.now) out.add(a);
  return out;
}

/** The invariants that must hold after every step. */
function checkInvariants(m: Model, r: Real): void {
  r.table.sweep(m.now);
  // Nothing acknowledged and unexpired is lost (also across restarts), and it is that client's.
  for (const [c, h] of m.acked) {
    if (h.expires <= m.now) continue;
    const lease = r.table.at(h.address);
    expect(lease?.clientKey).toBe(client(c).key);
    expect(lease?.state).toBe('bound');
  }
  // No two clients hold one address.
  const holders = new Map<string, string>();
  for (const l of r.table.values()) {
    if ((l.state === 'bound' || l.state === 'offered') && l.expires > m.now) {
      expect(holders.has(l.address)).toBe(false);
      holders.set(l.address, l.clientKey);
    }
  }
}

type Cmd = fc.Command<Model, Real>;

class Discover implements Cmd {
  constructor(readonly c: number) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    r.table.sweep(m.now);
    const res = offerLease(r.table, subnet, client(this.c), {}, m.now, opts);
    const blocked = blockedFor(m, this.c);
    if (res.ok) {
      const a = ipv4ToNumber(res.lease.address);
      expect(blocked.has(a)).toBe(false);
      if (res.lease.state === 'offered') m.offers.set(this.c, { address: a, expires: res.lease.expires });
    } else {
      // Exhaustion is only allowed when every pool address is really taken.
      expect(res.reason).toBe('pool-exhausted');
      expect(blocked.size).toBe(POOL);
    }
    checkInvariants(m, r);
  }
  toString(): string {
    return `discover(${this.c})`;
  }
}

class Request implements Cmd {
  constructor(readonly c: number) {}
  check(m: Model): boolean {
    return m.offers.has(this.c);
  }
  run(m: Model, r: Real): void {
    r.table.sweep(m.now);
    const offer = m.offers.get(this.c)!;
    const res = bindLease(r.table, subnet, client(this.c), offer.address, undefined, m.now);
    if (offer.expires > m.now) expect(res.ok).toBe(true); // a held offer must be honoured
    if (res.ok) {
      expect(blockedFor(m, this.c).has(offer.address)).toBe(false);
      persist(r, res.writes);
      m.acked.set(this.c, { address: offer.address, expires: res.lease.expires });
    }
    m.offers.delete(this.c);
    checkInvariants(m, r);
  }
  toString(): string {
    return `request(${this.c})`;
  }
}

/**
 * The engine's shortcuts: Rapid Commit (RFC 4039: a DISCOVER bound at once) and a BOOTP binding
 * (RFC 951: for ever). Both are an offer followed at once by a bind of the offered address.
 */
class OfferAndBind implements Cmd {
  constructor(
    readonly c: number,
    readonly bootp: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    r.table.sweep(m.now);
    const blocked = blockedFor(m, this.c);
    const offer = offerLease(r.table, subnet, client(this.c), {}, m.now, opts);
    if (!offer.ok) {
      expect(offer.reason).toBe('pool-exhausted');
      expect(blocked.size).toBe(POOL);
      checkInvariants(m, r);
      return;
    }
    const a = ipv4ToNumber(offer.lease.address);
    expect(blocked.has(a)).toBe(false);
    const res = bindLease(
      r.table,
      subnet,
      client(this.c),
      a,
      undefined,
      m.now,
      this.bootp ? 'infinite' : undefined,
    );
    expect(res.ok).toBe(true);
    if (res.ok) {
      if (this.bootp) expect(res.lease.expires).toBe(INFINITE_LEASE);
      persist(r, res.writes);
      m.acked.set(this.c, { address: a, expires: res.lease.expires });
    }
    m.offers.delete(this.c);
    checkInvariants(m, r);
  }
  toString(): string {
    return `${this.bootp ? 'bootp' : 'rapid-commit'}(${this.c})`;
  }
}

class Renew implements Cmd {
  constructor(readonly c: number) {}
  check(m: Model): boolean {
    const h = m.acked.get(this.c);
    return h !== undefined && h.expires > m.now;
  }
  run(m: Model, r: Real): void {
    r.table.sweep(m.now);
    const h = m.acked.get(this.c)!;
    const res = bindLease(r.table, subnet, client(this.c), h.address, 300, m.now);
    expect(res.ok).toBe(true);
    if (res.ok) {
      expect(res.leaseTime).toBe(300);
      persist(r, res.writes);
      m.acked.set(this.c, { address: h.address, expires: res.lease.expires });
    }
    checkInvariants(m, r);
  }
  toString(): string {
    return `renew(${this.c})`;
  }
}

class Release implements Cmd {
  constructor(readonly c: number) {}
  check(m: Model): boolean {
    const h = m.acked.get(this.c);
    return h !== undefined && h.expires > m.now;
  }
  run(m: Model, r: Real): void {
    r.table.sweep(m.now);
    const h = m.acked.get(this.c)!;
    const released = releaseLease(r.table, subnet, client(this.c), h.address, m.now);
    expect(released?.state).toBe('released');
    persist(r, released === undefined ? [] : [released]);
    m.acked.delete(this.c);
    checkInvariants(m, r);
  }
  toString(): string {
    return `release(${this.c})`;
  }
}

class Decline implements Cmd {
  constructor(readonly c: number) {}
  check(m: Model): boolean {
    const h = m.acked.get(this.c);
    return h !== undefined && h.expires > m.now;
  }
  run(m: Model, r: Real): void {
    r.table.sweep(m.now);
    const h = m.acked.get(this.c)!;
    const declined = declineAddress(r.table, subnet, client(this.c), h.address, m.now, opts);
    expect(declined?.state).toBe('declined');
    persist(r, declined === undefined ? [] : [declined]);
    m.acked.delete(this.c);
    m.quarantine.set(h.address, m.now + DECLINE_HOLD);
    checkInvariants(m, r);
  }
  toString(): string {
    return `decline(${this.c})`;
  }
}

class Withdraw implements Cmd {
  constructor(readonly c: number) {}
  check(m: Model): boolean {
    return m.offers.has(this.c);
  }
  run(m: Model, r: Real): void {
    withdrawOffer(r.table, subnet, client(this.c));
    m.offers.delete(this.c);
    checkInvariants(m, r);
  }
  toString(): string {
    return `withdraw(${this.c})`;
  }
}

class Advance implements Cmd {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    m.now += this.ms;
    checkInvariants(m, r);
  }
  toString(): string {
    return `advance(${this.ms})`;
  }
}

/** A crash and restart: the table is rebuilt from the journal only; offers are gone. */
class Restart implements Cmd {
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    const decoded = decodeJournal(r.journal);
    expect(decoded.problems).toEqual([]);
    r.table = new LeaseTable();
    for (const l of restoreLeases(replayJournal(decoded.records), m.now)) r.table.put(l);
    m.offers.clear();
    checkInvariants(m, r);
  }
  toString(): string {
    return 'restart';
  }
}

describe('lease policy against a model', () => {
  it('keeps one client per address, frees on expiry, quarantines declines and survives restarts (also rapid commit and BOOTP bindings)', () => {
    const c = fc.integer({ min: 0, max: 5 });
    const commands = [
      c.map((i) => new Discover(i)),
      c.map((i) => new Request(i)),
      c.map((i) => new Renew(i)),
      c.map((i) => new Release(i)),
      c.map((i) => new Decline(i)),
      c.map((i) => new Withdraw(i)),
      fc.tuple(c, fc.boolean()).map(([i, bootp]) => new OfferAndBind(i, bootp)),
      fc.constantFrom(1_000, 6_000, 60_000, 120_000, 400_000).map((ms) => new Advance(ms)),
      fc.constant(new Restart()),
    ];
    fc.assert(
      fc.property(fc.commands(commands, { size: '+1', maxCommands: 80 }), (cmds) => {
        fc.modelRun(
          () => ({
            model: { now: 1_000_000, acked: new Map(), offers: new Map(), quarantine: new Map() },
            real: { table: new LeaseTable(), journal: journalHeader() },
          }),
          cmds,
        );
      }),
      { numRuns: 500 },
    );
  });

  it('hands a freed address to a new client once the old lease has expired', () => {
    const s = compileSubnet({ network: '10.0.0.0/24', pools: ['10.0.0.10-10.0.0.10'], leaseTime: 60 });
    const table = new LeaseTable();
    const a = offerLease(table, s, client(1), {}, 0, opts);
    expect(a.ok).toBe(true);
    expect(bindLease(table, s, client(1), ipv4ToNumber('10.0.0.10'), undefined, 0).ok).toBe(true);
    // While the lease holds, the only address is taken.
    expect(offerLease(table, s, client(2), {}, 59_999, opts)).toEqual({
      ok: false,
      reason: 'pool-exhausted',
    });
    table.sweep(60_000);
    const b = offerLease(table, s, client(2), {}, 60_000, opts);
    expect(b.ok && b.lease.address).toBe('10.0.0.10');
  });

  it('keeps a declined address out of use for the quarantine, then gives it out again', () => {
    const s = compileSubnet({ network: '10.0.0.0/24', pools: ['10.0.0.10-10.0.0.10'] });
    const table = new LeaseTable();
    expect(bindLease(table, s, client(1), ipv4ToNumber('10.0.0.10'), undefined, 0).ok).toBe(true);
    expect(declineAddress(table, s, client(1), ipv4ToNumber('10.0.0.10'), 10, opts)?.state).toBe('declined');
    expect(offerLease(table, s, client(2), {}, 20, opts)).toEqual({ ok: false, reason: 'pool-exhausted' });
    expect(bindLease(table, s, client(2), ipv4ToNumber('10.0.0.10'), undefined, 20)).toEqual({
      ok: false,
      reason: 'declined',
    });
    table.sweep(10 + DECLINE_HOLD);
    const again = offerLease(table, s, client(2), {}, 10 + DECLINE_HOLD, opts);
    expect(again.ok && again.lease.address).toBe('10.0.0.10');
  });

  it('does not let a client decline or release an address it does not hold', () => {
    const s = compileSubnet({ network: '10.0.0.0/24', pools: ['10.0.0.10-10.0.0.11'] });
    const table = new LeaseTable();
    expect(bindLease(table, s, client(1), ipv4ToNumber('10.0.0.10'), undefined, 0).ok).toBe(true);
    expect(declineAddress(table, s, client(2), ipv4ToNumber('10.0.0.10'), 1, opts)).toBeUndefined();
    expect(releaseLease(table, s, client(2), ipv4ToNumber('10.0.0.10'), 1)).toBeUndefined();
    expect(table.at(ipv4ToNumber('10.0.0.10'))?.state).toBe('bound');
    expect(numberToIpv4(ipv4ToNumber('10.0.0.10'))).toBe('10.0.0.10');
  });
});

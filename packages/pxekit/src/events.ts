/**
 * The boot timeline: every step of a client's network boot as one typed event stream keyed by MAC,
 * from the first DISCOVER to the install callback. Events are kept in memory (bounded) for queries and
 * written as JSON lines to a sink.
 *
 * TFTP and HTTP requests arrive from an IP address, not a MAC: the timeline learns IP → MAC bindings
 * from DHCP events (and from the static reservations) and attributes later events through them.
 */

/** Fields every event has. `at` is milliseconds since the epoch, `seq` increases by one per event. */
interface EventBase {
  readonly seq: number;
  readonly at: number;
  /** Lower-case `aa:bb:cc:dd:ee:ff`; absent when a request could not be attributed to a client. */
  readonly mac?: string;
  /** The client's IPv4 address when known. */
  readonly ip?: string;
}

export type BootEvent = EventBase & BootEventBody;

/** The event-specific part; see docs/config.md "Boot timeline" for the meaning of each. */
export type BootEventBody =
  | {
      readonly type: 'dhcp.discover' | 'dhcp.request' | 'dhcp.inform' | 'dhcp.decline' | 'dhcp.release';
      readonly xid?: number;
      readonly arch?: number;
      readonly vendorClass?: string;
      readonly userClass?: string;
    }
  | {
      readonly type: 'dhcp.offer' | 'dhcp.ack' | 'dhcp.nak';
      readonly xid?: number;
      readonly address?: string;
      readonly bootFile?: string;
      readonly proxy: boolean;
    }
  | { readonly type: 'dhcp.drop'; readonly xid?: number; readonly reason: string; readonly detail?: string }
  | {
      readonly type: 'boot.decision';
      readonly bootFile?: string;
      readonly profile?: string;
      readonly reason: readonly string[];
    }
  | {
      readonly type: 'tftp.transfer';
      readonly path: string;
      readonly bytes: number;
      readonly outcome: 'ok' | 'probe' | 'not-found' | 'denied' | 'aborted' | 'error';
      readonly virtual: boolean;
    }
  | {
      readonly type: 'http.request';
      readonly method: string;
      readonly path: string;
      readonly status: number;
      readonly bytes: number;
    }
  | { readonly type: 'kickstart.served'; readonly kickstart: string; readonly entry?: string }
  | { readonly type: 'install.done'; readonly via: 'callback' | 'api' }
  | { readonly type: 'install.reset'; readonly via: 'api' | 'cli' };

export type BootEventType = BootEvent['type'];

/** What a producer passes: the body plus optional MAC/IP; `seq` and `at` are assigned by the timeline. */
export type BootEventInput = BootEventBody & {
  readonly mac?: string;
  readonly ip?: string;
  readonly at?: number;
};

export interface TimelineOptions {
  /** Events kept in memory in total. Default 10,000. */
  readonly maxEvents?: number;
  /** Events kept per MAC. Default 1,000. */
  readonly maxEventsPerHost?: number;
  /** Distinct MACs tracked; the least recently active is forgotten first. Default 4,096. */
  readonly maxHosts?: number;
  /** Clock; defaults to `Date.now`. */
  readonly now?: () => number;
  /** Receives each event as one JSON line (with a trailing newline). */
  readonly sink?: (line: string) => void;
}

export interface TimelineQuery {
  readonly mac?: string;
  /** Only events with `seq` greater than this. */
  readonly afterSeq?: number;
  readonly types?: readonly BootEventType[];
  /** Most recent N after filtering. */
  readonly limit?: number;
}

export interface HostActivity {
  readonly mac: string;
  readonly ip?: string;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly lastType: BootEventType;
  readonly events: number;
}

type Listener = (e: BootEvent) => void;

/** A bounded, queryable, in-memory boot event stream. */
export class BootTimeline {
  readonly #maxEvents: number;
  readonly #maxPerHost: number;
  readonly #maxHosts: number;
  readonly #now: () => number;
  readonly #sink: ((line: string) => void) | undefined;
  #ring: BootEvent[] = [];
  #ringStart = 0;
  #seq = 0;
  readonly #perHost = new Map<string, { events: BootEvent[]; activity: HostActivity }>();
  readonly #ipToMac = new Map<string, string>();
  readonly #listeners = new Set<Listener>();

  constructor(opts: TimelineOptions = {}) {
    this.#maxEvents = opts.maxEvents ?? 10_000;
    this.#maxPerHost = opts.maxEventsPerHost ?? 1_000;
    this.#maxHosts = opts.maxHosts ?? 4_096;
    this.#now = opts.now ?? Date.now;
    this.#sink = opts.sink;
  }

  /** Remembers that `ip` belongs to `mac` (a lease or reservation). */
  bindAddress(ip: string, mac: string): void {
    this.#ipToMac.delete(ip);
    this.#ipToMac.set(ip, mac);
    if (this.#ipToMac.size > this.#maxHosts * 2) {
      const oldest = this.#ipToMac.keys().next().value;
      if (oldest !== undefined) this.#ipToMac.delete(oldest);
    }
  }

  macForAddress(ip: string): string | undefined {
    return this.#ipToMac.get(ip);
  }

  /** Records an event and returns it with `seq`, `at` and (when it can be inferred) `mac` filled in. */
  emit(input: BootEventInput): BootEvent {
    const mac = input.mac ?? (input.ip === undefined ? undefined : this.#ipToMac.get(input.ip));
    const event = {
      ...input,
      seq: ++this.#seq,
      at: input.at ?? this.#now(),
      ...(mac === undefined ? {} : { mac }),
    } as BootEvent;
    if (event.type === 'dhcp.ack' && event.address !== undefined && mac !== undefined && !event.proxy) {
      this.bindAddress(event.address, mac);
    }
    if (this.#ring.length < this.#maxEvents) this.#ring.push(event);
    else {
      this.#ring[this.#ringStart] = event;
      this.#ringStart = (this.#ringStart + 1) % this.#maxEvents;
    }
    if (mac !== undefined) this.#recordHost(mac, event);
    this.#sink?.(`${JSON.stringify(event)}\n`);
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch {
        // A faulty listener must not stop the boot server; it simply misses its events.
      }
    }
    return event;
  }

  #recordHost(mac: string, event: BootEvent): void {
    let h = this.#perHost.get(mac);
    if (h === undefined) {
      h = {
        events: [],
        activity: { mac, firstAt: event.at, lastAt: event.at, lastType: event.type, events: 0 },
      };
    } else this.#perHost.delete(mac); // re-insert below: Map order is least recently active first
    this.#perHost.set(mac, h);
    h.events.push(event);
    if (h.events.length > this.#maxPerHost) h.events.shift();
    const ip = event.ip ?? h.activity.ip;
    h.activity = {
      mac,
      ...(ip === undefined ? {} : { ip }),
      firstAt: h.activity.firstAt,
      lastAt: event.at,
      lastType: event.type,
      events: h.activity.events + 1,
    };
    if (this.#perHost.size > this.#maxHosts) {
      const oldest = this.#perHost.keys().next().value;
      if (oldest !== undefined) this.#perHost.delete(oldest);
    }
  }

  /** Events in order, filtered. A MAC query reads the per-host buffer, which outlives the global ring. */
  query(q: TimelineQuery = {}): BootEvent[] {
    const source = q.mac === undefined ? this.#ordered() : (this.#perHost.get(q.mac)?.events ?? []);
    let out = source.filter(
      (e) =>
        (q.afterSeq === undefined || e.seq > q.afterSeq) &&
        (q.types === undefined || q.types.includes(e.type)),
    );
    if (q.limit !== undefined && out.length > q.limit) out = out.slice(out.length - q.limit);
    return out;
  }

  /** One summary per MAC seen, most recently active last. */
  hosts(): HostActivity[] {
    return [...this.#perHost.values()].map((h) => h.activity);
  }

  /** Calls `listener` for every later event; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get lastSeq(): number {
    return this.#seq;
  }

  #ordered(): BootEvent[] {
    return this.#ringStart === 0
      ? this.#ring
      : [...this.#ring.slice(this.#ringStart), ...this.#ring.slice(0, this.#ringStart)];
  }
}

/** One human-readable line per event, for `pxekit` console output and the example's timeline. */
export function formatEvent(e: BootEvent, t0?: number): string {
  const time = t0 === undefined ? new Date(e.at).toISOString() : `+${((e.at - t0) / 1000).toFixed(3)}s`;
  const who = e.mac ?? e.ip ?? '?';
  let what: string;
  switch (e.type) {
    case 'dhcp.discover':
    case 'dhcp.request':
    case 'dhcp.inform':
    case 'dhcp.decline':
    case 'dhcp.release':
      what = [
        e.arch === undefined ? '' : `arch ${e.arch}`,
        e.vendorClass ?? '',
        e.userClass === undefined ? '' : `user-class ${e.userClass}`,
      ]
        .filter((s) => s !== '')
        .join(', ');
      break;
    case 'dhcp.offer':
    case 'dhcp.ack':
    case 'dhcp.nak':
      what = [e.proxy ? 'proxy' : '', e.address ?? '', e.bootFile === undefined ? '' : `file ${e.bootFile}`]
        .filter((s) => s !== '')
        .join(' ');
      break;
    case 'dhcp.drop':
      what = `no reply: ${e.reason}${e.detail === undefined ? '' : ` (${e.detail})`}`;
      break;
    case 'boot.decision':
      what = `${e.bootFile ?? 'no boot file'}${e.profile === undefined ? '' : ` (profile ${e.profile})`}`;
      break;
    case 'tftp.transfer':
      what = `${e.path} ${e.outcome} ${e.bytes} bytes${e.virtual ? ' (generated)' : ''}`;
      break;
    case 'http.request':
      what = `${e.method} ${e.path} ${e.status} ${e.bytes} bytes`;
      break;
    case 'kickstart.served':
      what = e.kickstart;
      break;
    case 'install.done':
      what = `via ${e.via}: next boot is from the local disk`;
      break;
    case 'install.reset':
      what = `via ${e.via}: next boot installs again`;
      break;
  }
  return `${time} ${who} ${e.type}${what === '' ? '' : ` ${what}`}`;
}

/**
 * A small Prometheus registry: counters and gauges with labels, rendered in the text exposition format
 * (version 0.0.4). pxekit needs a handful of series, so a client library would be mostly unused weight.
 */

type Labels = Readonly<Record<string, string>>;

interface Series {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly values: Map<string, { labels: Labels; value: number }>;
  readonly collect?: () => readonly { labels: Labels; value: number }[];
}

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatLabels(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k]!)}"`).join(',')}}`;
}

export class Counter {
  readonly #series: Series;
  constructor(series: Series) {
    this.#series = series;
  }
  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    const cur = this.#series.values.get(key);
    if (cur === undefined) this.#series.values.set(key, { labels, value: by });
    else cur.value += by;
  }
  get(labels: Labels = {}): number {
    return this.#series.values.get(labelKey(labels))?.value ?? 0;
  }
}

export class Gauge {
  readonly #series: Series;
  constructor(series: Series) {
    this.#series = series;
  }
  set(value: number, labels: Labels = {}): void {
    this.#series.values.set(labelKey(labels), { labels, value });
  }
}

export class MetricsRegistry {
  readonly #series = new Map<string, Series>();

  #add(name: string, help: string, type: Series['type'], collect?: Series['collect']): Series {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new TypeError(`invalid metric name ${name}`);
    if (this.#series.has(name)) throw new TypeError(`metric ${name} registered twice`);
    const s: Series = { name, help, type, values: new Map(), ...(collect === undefined ? {} : { collect }) };
    this.#series.set(name, s);
    return s;
  }

  counter(name: string, help: string): Counter {
    return new Counter(this.#add(name, help, 'counter'));
  }

  gauge(name: string, help: string): Gauge {
    return new Gauge(this.#add(name, help, 'gauge'));
  }

  /** A gauge whose values are read when /metrics is scraped. */
  gaugeFn(name: string, help: string, collect: () => readonly { labels: Labels; value: number }[]): void {
    this.#add(name, help, 'gauge', collect);
  }

  /** The text exposition format. */
  render(): string {
    let out = '';
    for (const s of this.#series.values()) {
      out += `# HELP ${s.name} ${s.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${s.name} ${s.type}\n`;
      const values = s.collect === undefined ? [...s.values.values()] : s.collect();
      for (const v of values) out += `${s.name}${formatLabels(v.labels)} ${formatValue(v.value)}\n`;
    }
    return out;
  }
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Per-host install state, persisted so a host that finished installing boots from its disk after a
 * pxekit restart too. One small JSON file, replaced atomically (write a temp file, fsync, rename).
 */
import { mkdirSync, openSync, readFileSync, renameSync, writeSync, closeSync, fsyncSync } from 'node:fs';
import { dirname } from 'node:path';
import { PxekitError } from './errors.js';

/** `install`: boot the menu as configured. `local`: the install finished; boot from the local disk. */
export type HostBootState = 'install' | 'local';

export interface HostStateRecord {
  readonly mac: string;
  readonly state: HostBootState;
  /** When the state last changed, ms since the epoch. */
  readonly changedAt: number;
}

const FORMAT = 'pxekit-host-state/1';

export class HostStateStore {
  readonly #file: string | undefined;
  readonly #records = new Map<string, HostStateRecord>();

  /** `file` undefined keeps the state in memory only (tests, `pxekit explain`). */
  constructor(file?: string) {
    this.#file = file;
  }

  /**
   * Reads the state file. A missing file is an empty state; an unreadable or corrupt one is an error
   * (PXEKIT_ERR_STATE), because silently forgetting it would reinstall finished hosts.
   */
  load(): this {
    if (this.#file === undefined) return this;
    let text: string;
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return this;
      throw new PxekitError(
        'PXEKIT_ERR_STATE',
        `cannot read host state ${this.#file}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new PxekitError(
        'PXEKIT_ERR_STATE',
        `host state ${this.#file} is not valid JSON; fix or remove it`,
        { cause: e },
      );
    }
    const d = data as { format?: unknown; hosts?: unknown };
    if (d.format !== FORMAT || !Array.isArray(d.hosts)) {
      throw new PxekitError('PXEKIT_ERR_STATE', `host state ${this.#file} is not a ${FORMAT} file`);
    }
    for (const h of d.hosts as unknown[]) {
      const r = h as Partial<HostStateRecord>;
      if (
        typeof r.mac === 'string' &&
        (r.state === 'install' || r.state === 'local') &&
        typeof r.changedAt === 'number'
      ) {
        this.#records.set(r.mac, { mac: r.mac, state: r.state, changedAt: r.changedAt });
      }
    }
    return this;
  }

  get(mac: string): HostBootState {
    return this.#records.get(mac)?.state ?? 'install';
  }

  record(mac: string): HostStateRecord | undefined {
    return this.#records.get(mac);
  }

  all(): HostStateRecord[] {
    return [...this.#records.values()];
  }

  /** Changes a host's state and persists it before returning. Returns false when nothing changed. */
  set(mac: string, state: HostBootState, now: number): boolean {
    if (this.get(mac) === state && this.#records.has(mac)) return false;
    this.#records.set(mac, { mac, state, changedAt: now });
    this.#save();
    return true;
  }

  #save(): void {
    if (this.#file === undefined) return;
    const body = `${JSON.stringify({ format: FORMAT, hosts: this.all() }, null, 2)}\n`;
    const tmp = `${this.#file}.tmp`;
    try {
      mkdirSync(dirname(this.#file), { recursive: true });
      const fd = openSync(tmp, 'w', 0o644);
      try {
        writeSync(fd, body);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.#file);
    } catch (e) {
      throw new PxekitError(
        'PXEKIT_ERR_STATE',
        `cannot write host state ${this.#file}: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
}

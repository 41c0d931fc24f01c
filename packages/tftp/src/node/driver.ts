import type { Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { Transfer, TransferAction, TransferInput, TransferResult } from '../engine/types.js';
import { OPCODE } from '../wire/constants.js';
import { encodePacket, writeDataHeader } from '../wire/packet.js';

/** Monotonic milliseconds: engines take `now`, the adapter owns the clock. */
export function monotonicNow(): number {
  return performance.now();
}

/** Strips the IPv4-mapped prefix so events show `10.0.0.5`, not `::ffff:10.0.0.5`. */
export function displayAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export interface DriverHooks {
  /** Sender needs more file data. */
  onRead?(bytes: number): void;
  /** Receiver delivers file data in order. */
  onDeliver?(data: Uint8Array): void;
  onNegotiated?(action: Extract<TransferAction, { type: 'negotiated' }>): void;
  onDone?(result: TransferResult): void;
  /** Receiver holding its final ACK: store the file, then input `committed` or `commit-failed`. */
  onCommit?(): void;
  onClose?(): void;
}

/**
 * Runs one engine on one socket: feeds it datagrams and timer ticks, performs its actions. Timers are
 * lazy: one timeout per transfer, re-armed only when it fires early, so an ACK per block costs no
 * clearTimeout/setTimeout pair.
 *
 * DATA goes out as [4-byte header, payload view] (scatter/gather, no copy); an ACK is a header alone.
 * Headers come from a small
 * ring; a slot is reused only after its send() callback has fired, because an unconnected dgram
 * socket may still hold the buffer after send() returns.
 */
export class EngineDriver {
  readonly #engine: Transfer;
  readonly #socket: Socket;
  readonly #hooks: DriverHooks;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #closed = false;
  readonly #headers: Buffer[] = [];
  readonly #busy: boolean[] = [];
  readonly #release: (() => void)[] = [];
  #next = 0;

  readonly #unref: boolean;

  constructor(engine: Transfer, socket: Socket, hooks: DriverHooks, ringSize = 64, unref = false) {
    this.#unref = unref;
    this.#engine = engine;
    this.#socket = socket;
    this.#hooks = hooks;
    const slab = Buffer.allocUnsafeSlow(4 * ringSize);
    for (let i = 0; i < ringSize; i++) {
      this.#headers.push(slab.subarray(i * 4, i * 4 + 4));
      this.#busy.push(false);
      this.#release.push(() => {
        this.#busy[i] = false;
        this.#sentOne();
      });
    }
  }

  #inflight = 0;
  #idle: (() => void) | undefined;

  readonly #sentOne = (): void => {
    this.#inflight--;
    if (this.#inflight <= 0 && this.#idle) {
      const f = this.#idle;
      this.#idle = undefined;
      f();
    }
  };

  /**
   * Calls `fn` once every send() handed to the socket has completed: closing a dgram socket earlier
   * silently drops the last packets (typically the final ERROR or ACK).
   */
  whenIdle(fn: () => void): void {
    if (this.#inflight <= 0) fn();
    else this.#idle = fn;
  }

  get closed(): boolean {
    return this.#closed;
  }

  start(): void {
    this.#apply(this.#engine.start(monotonicNow()));
  }

  input(input: TransferInput): void {
    if (this.#closed) return;
    this.#apply(this.#engine.handle(input, monotonicNow()));
  }

  datagram(bytes: Uint8Array, address: string, port: number): void {
    this.input({ type: 'datagram', from: { address, port }, bytes });
  }

  #apply(actions: TransferAction[]): void {
    for (const a of actions) {
      switch (a.type) {
        case 'send':
          this.#send(a);
          break;
        case 'deliver':
          this.#hooks.onDeliver?.(a.data);
          break;
        case 'read':
          this.#hooks.onRead?.(a.bytes);
          break;
        case 'negotiated':
          this.#hooks.onNegotiated?.(a);
          break;
        case 'done':
          this.#hooks.onDone?.(a.result);
          break;
        case 'commit':
          this.#hooks.onCommit?.();
          break;
        case 'close':
          this.#close();
          return;
      }
    }
    this.#schedule();
  }

  #send(a: Extract<TransferAction, { type: 'send' }>): void {
    const { packet, to } = a;
    try {
      if (packet.type === 'data' || packet.type === 'ack') {
        const i = this.#next;
        this.#next = (i + 1) % this.#headers.length;
        let header: Buffer;
        let done: () => void;
        if (this.#busy[i]) {
          header = Buffer.allocUnsafe(4); // ring exhausted (slow kernel): a fresh header, never a reused one
          done = this.#sentOne;
        } else {
          this.#busy[i] = true;
          header = this.#headers[i]!;
          done = this.#release[i]!;
        }
        this.#inflight++;
        if (packet.type === 'ack') {
          // An ACK is just the 4-byte header with opcode 4: the receiver's hot path allocates nothing.
          header[0] = 0;
          header[1] = OPCODE.ACK;
          header[2] = packet.block >>> 8;
          header[3] = packet.block & 0xff;
          this.#socket.send(header, to.port, to.address, done);
        } else {
          writeDataHeader(header, 0, packet.block);
          this.#socket.send([header, packet.data], to.port, to.address, done);
        }
      } else {
        this.#inflight++;
        this.#socket.send(encodePacket(packet), to.port, to.address, this.#sentOne);
      }
    } catch {
      // Socket already closed (shutdown race): the engine's timers handle the loss.
    }
  }

  #schedule(): void {
    if (this.#closed) return;
    const d = this.#engine.nextDeadline();
    if (d === undefined) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      return;
    }
    if (this.#timer && this.#timerAt <= d) return; // fires early, re-arms then
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = d;
    this.#timer = setTimeout(this.#onTimer, Math.max(0, d - monotonicNow()));
    if (this.#unref) this.#timer.unref();
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    if (this.#closed) return;
    const d = this.#engine.nextDeadline();
    if (d !== undefined && monotonicNow() >= d) this.input({ type: 'timer' });
    else this.#schedule();
  };

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#hooks.onClose?.();
  }

  /** Stops without telling the peer (the socket is going away). */
  dispose(): void {
    this.#close();
  }
}

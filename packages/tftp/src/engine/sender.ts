import { DEFAULT_BLOCK_SIZE, ERROR_CODE } from '../wire/constants.js';
import { TFTP_ERR, TftpError } from '../wire/errors.js';
import { NetasciiEncoder } from '../wire/netascii.js';
import type { TftpOption, TftpPacket, TftpRequest } from '../wire/packet.js';
import { TransferBase, wireBlock, wireDelta } from './base.js';
import { acceptOack, DEFAULT_TIMEOUT_MS } from './negotiate.js';
import type { Peer, RetryOptions, TransferAction, TransferInput, TransferParams } from './types.js';

export interface SendTransferOptions {
  /**
   * `server`: answering an RRQ; `peer` is the client's TID. Sends `oack` first if given.
   * `client`: a put; sends `request` (a WRQ) to `peer` (the server's port 69) and learns the TID from
   * the reply.
   */
  readonly role: 'server' | 'client';
  readonly peer: Peer;
  /** Negotiated (server) or default (client) parameters. */
  readonly params?: TransferParams;
  /** Server: the OACK to send before DATA 1. */
  readonly oack?: readonly TftpOption[];
  /** Client: the WRQ. */
  readonly request?: TftpRequest;
  /** Convert the source to netascii on the fly (RFC 1350 §5). */
  readonly netascii?: boolean;
  readonly retry?: RetryOptions;
  /**
   * Anti-amplification: retransmissions of the first packet before the peer has acknowledged anything.
   * A spoofed RRQ then costs the victim at most (1 + this) first packets. Default 2.
   */
  readonly unverifiedRetries?: number;
  /** Read-ahead target in windows: ask the source for data this many windows beyond the ACKed point. */
  readonly readAheadWindows?: number;
  /** Read-ahead floor in bytes, so lock-step transfers do not wait on the disk. Default 256 KiB. */
  readonly readAheadBytes?: number;
}

/**
 * What one `SendTransfer.ack()` call decided. The transfer owns one and overwrites it on every call, so
 * an adapter's hot path allocates nothing per block: read it before calling the transfer again.
 */
export interface SendStep {
  /** Absolute index of the first block to send now; `last < first` when there is none. */
  first: number;
  /** Absolute index of the last block to send now (inclusive). Locate each with `locateBlock()`. */
  last: number;
  /** Bytes the source should provide next (what a `read` action would ask), or 0. */
  read: number;
}

/**
 * Where one block's payload lies in the source data: `bytes[offset … offset + length)`. One object per
 * transfer, overwritten by the next `locateBlock()`; `bytes` is source data, never mutate it.
 */
export interface BlockLocation {
  /** Wire block number for the DATA header (after rollover). */
  block: number;
  bytes: Uint8Array;
  offset: number;
  length: number;
}

const NO_BYTES = new Uint8Array(0);

const DEFAULTS: TransferParams = {
  blockSize: DEFAULT_BLOCK_SIZE,
  windowSize: 1,
  timeoutMs: DEFAULT_TIMEOUT_MS,
  rollover: 0,
};

/**
 * The side that sends DATA: a server answering an RRQ, or a client putting a file (RFC 1350, RFC 7440).
 *
 * Rules it keeps:
 * - only a timeout retransmits; a duplicate ACK never does (RFC 1123 §4.2.3.1, Sorcerer's Apprentice);
 * - on timeout it resends from the block after the last ACK, backing off, up to `maxRetries`;
 * - an ACK inside the window (a receiver's gap ACK, RFC 7440 §4) restarts the window after it;
 * - a file of an exact multiple of blksize ends with an empty DATA (RFC 1350 §6);
 * - ERROR 8 in answer to the OACK is the PXE size probe: outcome `probe`, not a failure.
 *
 * @example
 * const tx = new SendTransfer({ role: 'server', peer, params });
 * tx.start(now); tx.handle({ type: 'source-data', bytes }, now); tx.handle({ type: 'source-end' }, now);
 */
export class SendTransfer extends TransferBase {
  #phase: 'request' | 'oack' | 'data';
  readonly #opts: SendTransferOptions;
  readonly #encoder: NetasciiEncoder | undefined;
  readonly #unverifiedRetries: number;
  readonly #readAhead: number;
  #verified = false;
  /** Buffered source chunks, starting at absolute byte #bufStart. */
  #chunks: Uint8Array[] = [];
  #bufStart = 0;
  #bufEnd = 0;
  #ended = false;
  #readPending = false;
  #lastBlock = Number.POSITIVE_INFINITY;
  /** Highest block acknowledged, and highest block sent in the current round (absolute indices). */
  #acked = 0;
  #sent = 0;
  #maxSent = 0;
  readonly #step: SendStep = { first: 1, last: 0, read: 0 };
  readonly #location: BlockLocation = { block: 0, bytes: NO_BYTES, offset: 0, length: 0 };

  constructor(opts: SendTransferOptions) {
    super(opts.peer, opts.role === 'server', opts.params ?? DEFAULTS, opts.retry);
    this.#opts = opts;
    this.#encoder = opts.netascii ? new NetasciiEncoder() : undefined;
    this.#unverifiedRetries = opts.unverifiedRetries ?? 2;
    this.#readAhead = Math.max(1, opts.readAheadWindows ?? 4);
    if (opts.role === 'client') {
      if (!opts.request) throw new TypeError('SendTransfer: a client needs a request');
      this.#phase = 'request';
    } else {
      this.#phase = opts.oack && opts.oack.length > 0 ? 'oack' : 'data';
      if (opts.oack) this.negotiated = [...opts.oack];
    }
  }

  /** Absolute index of the last block the peer acknowledged. */
  get acknowledgedBlocks(): number {
    return this.#acked;
  }

  start(now: number): TransferAction[] {
    this.stats.startedAt = now;
    if (this.#phase === 'request') {
      this.send(this.#opts.request!);
      this.arm(now);
    } else if (this.#phase === 'oack') {
      this.send({ type: 'oack', options: this.#opts.oack! });
      this.arm(now);
    } else {
      this.#pump(now);
    }
    this.#wantData();
    return this.flush();
  }

  protected onOther(input: TransferInput, now: number): void {
    switch (input.type) {
      case 'source-data': {
        this.#readPending = false;
        if (this.#ended) return;
        const bytes = this.#encoder ? this.#encoder.push(input.bytes) : input.bytes;
        if (bytes.length > 0) {
          this.#chunks.push(bytes);
          this.#bufEnd += bytes.length;
        }
        if (this.#phase === 'data') this.#pump(now);
        this.#wantData();
        return;
      }
      case 'source-end':
        this.#readPending = false;
        if (this.#ended) return;
        this.#ended = true;
        // RFC 1350 §6: the block shorter than blksize ends the transfer; an exact multiple needs an empty one.
        this.#lastBlock = Math.floor(this.#bufEnd / this.params.blockSize) + 1;
        if (this.#phase === 'data') this.#pump(now);
        return;
      case 'source-error':
        this.fail(now, TFTP_ERR.SOURCE, input.message, input.code ?? ERROR_CODE.NOT_DEFINED, this.peerKnown);
        return;
      default:
        return;
    }
  }

  protected onPacket(packet: TftpPacket, from: Peer, now: number): void {
    if (this.finished) return;
    if (packet.type === 'error') {
      // Never answered (RFC 1350 §7). After our OACK, ERROR 8 is the tsize probe / option refusal.
      this.learnPeer(from);
      if (this.#phase === 'oack' && packet.code === ERROR_CODE.OPTION_REFUSED) {
        this.finish(now, 'probe');
        return;
      }
      const refused = this.#phase === 'request' && packet.code === ERROR_CODE.OPTION_REFUSED;
      this.finish(
        now,
        'failed',
        this.#peerError(packet),
        refused ? { optionsRefused: (this.#opts.request?.options.length ?? 0) > 0 } : undefined,
      );
      return;
    }
    if (this.#phase === 'request') {
      this.learnPeer(from);
      if (packet.type === 'oack') {
        const r = acceptOack(this.#opts.request!.options, packet.options, this.params.timeoutMs);
        if (!r.ok) {
          this.fail(now, r.error.code, r.error.message, ERROR_CODE.OPTION_REFUSED, true);
          return;
        }
        this.negotiated = [...packet.options];
        this.#enterData(r.params, now);
        return;
      }
      if (packet.type === 'ack' && packet.block === 0) {
        // No OACK: the server ignored our options (RFC 2347) — plain RFC 1350 parameters.
        this.#enterData({ ...DEFAULTS, timeoutMs: this.params.timeoutMs }, now);
        return;
      }
      this.fail(
        now,
        TFTP_ERR.PROTOCOL,
        `unexpected ${packet.type} in answer to WRQ`,
        ERROR_CODE.ILLEGAL_OPERATION,
        true,
      );
      return;
    }
    if (packet.type !== 'ack') {
      if (packet.type === 'oack' && this.#opts.role === 'client') {
        this.stats.duplicates++; // the server repeating its OACK because DATA 1 was lost
        return;
      }
      this.fail(
        now,
        TFTP_ERR.PROTOCOL,
        `unexpected ${packet.type} from the receiver`,
        ERROR_CODE.ILLEGAL_OPERATION,
        true,
      );
      return;
    }
    if (this.#phase === 'oack') {
      if (packet.block !== 0) {
        this.stats.duplicates++;
        return;
      }
      this.#verified = true;
      this.#phase = 'data';
      this.progressed(now);
      this.#pump(now);
      this.#wantData();
      return;
    }
    this.#onAck(packet.block, now);
  }

  #peerError(packet: { code: number; message: string }): TftpError {
    return new TftpError(
      TFTP_ERR.PEER,
      `peer sent ERROR ${packet.code}: ${packet.message.slice(0, 200)}`,
      packet.code,
    );
  }

  #enterData(params: TransferParams, now: number): void {
    this.setParams(params);
    if (this.#ended) this.#lastBlock = Math.floor(this.#bufEnd / params.blockSize) + 1;
    this.out.push({ type: 'negotiated', peer: this.peer, params });
    this.#phase = 'data';
    this.#verified = true;
    this.progressed(now);
    this.#pump(now);
    this.#wantData();
  }

  #onAck(wire: number, now: number): void {
    const delta = wireDelta(this.#acked, wire, this.params.rollover);
    const abs = delta === undefined ? -1 : this.#acked + delta;
    if (delta === undefined || delta === 0 || abs > this.#maxSent) {
      // Duplicate or stale: never a reason to resend (Sorcerer's Apprentice, RFC 1123 §4.2.3.1).
      this.stats.duplicates++;
      return;
    }
    this.#verified = true;
    this.#acked = abs;
    this.#trim();
    if (abs >= this.#lastBlock) {
      this.finish(now, 'complete');
      return;
    }
    this.progressed(now);
    // Full window acknowledged: next window. Partial (RFC 7440 §4 gap ACK): restart right after it.
    this.#sent = abs;
    this.#pump(now);
    this.#wantData();
  }

  /**
   * Hot path for adapters: the transfer's peer acknowledged wire block `block` (the caller has checked
   * the source address and decoded the 4-byte ACK itself). Same effect as `handle()` with that datagram,
   * but instead of actions it fills the transfer's reused `SendStep` — send blocks `first`…`last` (see
   * `locateBlock()`), then feed `read` bytes if non-zero — so nothing is allocated per block.
   *
   * Returns undefined, having changed nothing, when the ACK needs the general path (the final ACK,
   * which completes the transfer; the ACK of an OACK; any ACK before the data phase or after the end):
   * pass the datagram to `handle()` then.
   *
   * @example
   * const step = tx.ack(block, now);
   * if (step === undefined) actions = tx.handle({ type: 'datagram', from, bytes }, now);
   * else for (let n = step.first; n <= step.last; n++) sendData(tx.locateBlock(n) ?? …);
   */
  ack(block: number, now: number): SendStep | undefined {
    if (this.finished || this.#phase !== 'data' || !this.peerKnown) return undefined;
    const delta = wireDelta(this.#acked, block, this.params.rollover);
    const abs = delta === undefined ? -1 : this.#acked + delta;
    const step = this.#step;
    if (delta !== undefined && delta !== 0 && abs <= this.#maxSent && abs >= this.#lastBlock)
      return undefined;
    this.stats.packetsReceived++;
    step.read = 0;
    if (delta === undefined || delta === 0 || abs > this.#maxSent) {
      this.stats.duplicates++; // never a reason to resend (RFC 1123 §4.2.3.1)
      step.first = 1;
      step.last = 0;
      return step;
    }
    this.#verified = true;
    this.#acked = abs;
    this.#trim();
    this.progressed(now);
    this.#sent = abs;
    step.first = abs + 1;
    step.last = this.#advance(now, false);
    step.read = this.#wanted();
    return step;
  }

  /**
   * Where block `n` (absolute index, one the transfer has sent and not had acknowledged) lies in the
   * source data, without copying or allocating: fills and returns the transfer's reused `BlockLocation`.
   * Undefined when the block is not held or straddles two source chunks (only with odd-sized chunks,
   * e.g. netascii): use `blockData(n)` then.
   */
  locateBlock(n: number): BlockLocation | undefined {
    const b = this.params.blockSize;
    const start = (n - 1) * b;
    const end = Math.min(n * b, this.#bufEnd);
    const loc = this.#location;
    if (n < 1 || start < this.#bufStart) return undefined;
    loc.block = wireBlock(n, this.params.rollover);
    if (end <= start) {
      if (!this.#ended) return undefined;
      loc.bytes = NO_BYTES;
      loc.offset = 0;
      loc.length = 0;
      return loc;
    }
    let off = this.#bufStart;
    const chunks = this.#chunks;
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i]!;
      const cEnd = off + c.length;
      if (start >= off && end <= cEnd) {
        loc.bytes = c;
        loc.offset = start - off;
        loc.length = end - start;
        return loc;
      }
      if (start < cEnd) return undefined;
      off = cEnd;
    }
    return undefined;
  }

  /** The payload of block `n` (absolute index) as a view, or a copy when it straddles source chunks. */
  blockData(n: number): Uint8Array {
    return this.#slice(n);
  }

  protected onTimer(now: number): void {
    if (this.finished) return;
    const budget = this.#verified ? this.maxRetries : Math.min(this.maxRetries, this.#unverifiedRetries);
    if (!this.backoff(now, budget)) {
      if (
        this.#phase === 'data' &&
        this.#maxSent >= this.#lastBlock &&
        this.#acked + this.params.windowSize >= this.#lastBlock &&
        this.#verified
      ) {
        // Everything went out and only the final window's ACK is missing: some clients never send it.
        this.stats.finalAckMissing = true;
        this.finish(now, 'complete');
        return;
      }
      this.fail(now, TFTP_ERR.TIMEOUT, 'timed out waiting for ACK', ERROR_CODE.NOT_DEFINED, false);
      return;
    }
    if (this.#phase === 'request') {
      this.stats.retransmits++;
      this.send(this.#opts.request!);
    } else if (this.#phase === 'oack') {
      this.stats.retransmits++;
      this.send({ type: 'oack', options: this.#opts.oack! });
    } else {
      this.#sent = this.#acked;
      this.#pump(now, true);
    }
  }

  #available(block: number): boolean {
    if (block > this.#lastBlock) return false;
    return this.#ended || block * this.params.blockSize <= this.#bufEnd;
  }

  /** Sends blocks #sent+1 … #acked+window that the source has provided. */
  #pump(now: number, retransmit = false): void {
    const first = this.#sent + 1;
    const last = this.#advance(now, retransmit);
    for (let n = first; n <= last; n++) {
      const packet: TftpPacket = {
        type: 'data',
        block: wireBlock(n, this.params.rollover),
        data: this.#slice(n),
      };
      this.out.push({ type: 'send', to: this.peer, packet });
    }
  }

  /**
   * Moves #sent over blocks #sent+1 … #acked+window that the source has provided, counting them as
   * sent; returns the last one. The caller emits them (actions, or the `SendStep` of `ack()`).
   */
  #advance(now: number, retransmit: boolean): number {
    const w = this.params.windowSize;
    const first = this.#sent + 1;
    while (this.#sent < this.#acked + w && this.#available(this.#sent + 1)) {
      const n = this.#sent + 1;
      this.stats.packetsSent++;
      if (n <= this.#maxSent) this.stats.retransmits++;
      else {
        this.#maxSent = n;
        this.stats.blocks = n;
      }
      this.#sent = n;
    }
    const sentAny = this.#sent >= first;
    // Nothing in flight (waiting for the source): no timer, so a slow source is not a dead peer.
    if (this.#sent === this.#acked) this.deadline = undefined;
    else if (sentAny && !retransmit) this.arm(now);
    if (sentAny) {
      const sentBytes = this.#maxSent * this.params.blockSize;
      this.stats.bytes = this.#ended && this.#bufEnd < sentBytes ? this.#bufEnd : sentBytes;
    }
    return this.#sent;
  }

  /**
   * Absolute offset of the oldest source byte still held: chunks given in `source-data` that end at or
   * before it are no longer referenced, so their memory may be reused (the worker data plane pools them).
   */
  get retainedFrom(): number {
    return this.#bufStart;
  }

  #slice(block: number): Uint8Array {
    const b = this.params.blockSize;
    const start = (block - 1) * b;
    const end = Math.min(block * b, this.#bufEnd);
    if (end <= start) return new Uint8Array(0);
    let off = this.#bufStart;
    for (let i = 0; i < this.#chunks.length; i++) {
      const c = this.#chunks[i]!;
      const cEnd = off + c.length;
      if (start >= off && end <= cEnd) return c.subarray(start - off, end - off);
      if (start < cEnd) {
        // Spans chunks (only with odd-sized stream chunks): copy this one block.
        const out = new Uint8Array(end - start);
        let o = 0;
        let pos = off;
        for (let j = i; j < this.#chunks.length && o < out.length; j++) {
          const cj = this.#chunks[j]!;
          const from = Math.max(0, start + o - pos);
          const take = Math.min(cj.length - from, out.length - o);
          out.set(cj.subarray(from, from + take), o);
          o += take;
          pos += cj.length;
        }
        return out;
      }
      off = cEnd;
    }
    return new Uint8Array(0);
  }

  /** Drops chunks wholly before the acknowledged point: the sender keeps at most the unacked window. */
  #trim(): void {
    const keepFrom = this.#acked * this.params.blockSize;
    while (this.#chunks.length > 0 && this.#bufStart + this.#chunks[0]!.length <= keepFrom) {
      this.#bufStart += this.#chunks.shift()!.length;
    }
  }

  #wantData(): void {
    const bytes = this.#wanted();
    if (bytes > 0) this.out.push({ type: 'read', bytes });
  }

  /** Bytes to ask the source for now (marking the read pending), or 0. */
  #wanted(): number {
    if (this.#ended || this.#readPending || this.finished) return 0;
    const ahead = Math.max(
      this.params.windowSize * (this.#readAhead + 1) * this.params.blockSize,
      this.#opts.readAheadBytes ?? 262_144,
    );
    const target = this.#acked * this.params.blockSize + ahead;
    if (this.#bufEnd >= target) return 0;
    this.#readPending = true;
    return target - this.#bufEnd;
  }
}

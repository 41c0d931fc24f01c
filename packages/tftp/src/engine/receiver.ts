import { DEFAULT_BLOCK_SIZE, ERROR_CODE } from '../wire/constants.js';
import { TFTP_ERR, TftpError } from '../wire/errors.js';
import { NetasciiDecoder } from '../wire/netascii.js';
import type { TftpOption, TftpPacket, TftpRequest } from '../wire/packet.js';
import { TransferBase, wireBlock, wireDelta } from './base.js';
import { acceptOack, DEFAULT_TIMEOUT_MS } from './negotiate.js';
import type { Peer, RetryOptions, TransferAction, TransferInput, TransferParams } from './types.js';

export interface ReceiveTransferOptions {
  /**
   * `server`: answering a WRQ from `peer`; sends `oack` (or ACK 0) first.
   * `client`: a get; sends `request` (an RRQ) to `peer` (the server's port 69) and learns the TID.
   */
  readonly role: 'server' | 'client';
  readonly peer: Peer;
  readonly params?: TransferParams;
  readonly oack?: readonly TftpOption[];
  readonly request?: TftpRequest;
  /** Convert netascii back to local text as a stream (RFC 1350 §5). */
  readonly netascii?: boolean;
  readonly retry?: RetryOptions;
  /** Largest file accepted; more gets ERROR 3 (client: CVE-2019-5482 class guard; server: quota). */
  readonly maxBytes?: number;
  /** How long to stay after the final ACK to re-ACK a retransmitted final DATA (RFC 1350 §6 "dally"). */
  readonly lingerMs?: number;
  /**
   * Hold the final ACK until the consumer says the file is stored (`commit` action, then a `committed`
   * or `commit-failed` input): the sender is told "done" only once the data is durable, and hears an
   * ERROR if storing fails. Servers receiving uploads use it.
   */
  readonly holdFinalAck?: boolean;
}

const DEFAULTS: TransferParams = {
  blockSize: DEFAULT_BLOCK_SIZE,
  windowSize: 1,
  timeoutMs: DEFAULT_TIMEOUT_MS,
  rollover: 0,
};

/**
 * The side that receives DATA: a server answering a WRQ, or a client getting a file.
 *
 * - ACKs every `windowsize` in-order blocks and the final (short) block at once (RFC 7440 §4);
 * - on a gap or a duplicate, ACKs the last in-order block once, not once per packet (RFC 7440 §4; a
 *   duplicate ACK per stale packet would restart the sender's window again and again);
 * - refuses DATA longer than the negotiated blksize (ERROR 4) and files over `maxBytes` (ERROR 3);
 * - lingers after the final ACK, re-ACKing the last block if the sender repeats it.
 */
export class ReceiveTransfer extends TransferBase {
  #phase: 'request' | 'data' | 'committing' | 'linger';
  readonly #opts: ReceiveTransferOptions;
  readonly #decoder: NetasciiDecoder | undefined;
  readonly #lingerMs: number;
  /** Next absolute block expected, blocks since the last ACK, last ACKed absolute block. */
  #expected = 1;
  #sinceAck = 0;
  #lastAck = 0;
  /** Wire number of the stale/out-of-order block that caused the last extra ACK, or -1. */
  #extraAckFor = -1;
  #paused = false;
  #ackHeld = false;
  #finalWire = -1;
  /** Server: what to repeat until DATA 1 arrives (the OACK, or ACK 0). */
  #firstReply: TftpPacket | undefined;

  constructor(opts: ReceiveTransferOptions) {
    super(opts.peer, opts.role === 'server', opts.params ?? DEFAULTS, opts.retry);
    this.#opts = opts;
    this.#decoder = opts.netascii ? new NetasciiDecoder() : undefined;
    this.#lingerMs = opts.lingerMs ?? Math.min(3 * this.params.timeoutMs, 10_000);
    if (opts.role === 'client') {
      if (!opts.request) throw new TypeError('ReceiveTransfer: a client needs a request');
      this.#phase = 'request';
    } else {
      this.#phase = 'data';
      if (opts.oack && opts.oack.length > 0) {
        this.negotiated = [...opts.oack];
        this.#firstReply = { type: 'oack', options: opts.oack };
      } else {
        this.#firstReply = { type: 'ack', block: 0 };
      }
    }
  }

  start(now: number): TransferAction[] {
    this.stats.startedAt = now;
    this.send(this.#phase === 'request' ? this.#opts.request! : this.#firstReply!);
    this.arm(now);
    return this.flush();
  }

  protected onOther(input: TransferInput, now: number): void {
    if (this.#phase === 'committing') {
      if (input.type === 'committed') {
        this.send({ type: 'ack', block: this.#finalWire });
        this.#phase = 'linger';
        this.finish(now, 'complete', undefined, { linger: this.#lingerMs });
      } else if (input.type === 'commit-failed') {
        this.fail(now, TFTP_ERR.SOURCE, input.message, input.code ?? ERROR_CODE.DISK_FULL, true);
      }
      return;
    }
    if (input.type === 'pause') this.#paused = true;
    else if (input.type === 'resume') {
      this.#paused = false;
      if (this.#ackHeld && !this.finished) {
        this.#ackHeld = false;
        this.#ack(now);
      }
    }
  }

  protected onPacket(packet: TftpPacket, from: Peer, now: number): void {
    if (this.#phase === 'linger') {
      // RFC 1350 §6: the sender did not get our final ACK and repeats the last DATA: ACK it again.
      if (packet.type === 'data' && packet.block === this.#finalWire) {
        this.stats.duplicates++;
        this.send({ type: 'ack', block: this.#finalWire });
      }
      return;
    }
    if (this.finished) return;
    if (this.#phase === 'committing' && packet.type === 'data') {
      // The sender timed out waiting for the held final ACK and repeats a block: it gets the ACK once
      // the file is stored.
      this.stats.duplicates++;
      return;
    }
    if (packet.type === 'error') {
      this.learnPeer(from);
      const error = new TftpError(
        TFTP_ERR.PEER,
        `peer sent ERROR ${packet.code}: ${packet.message.slice(0, 200)}`,
        packet.code,
      );
      const refused =
        this.#phase === 'request' &&
        packet.code === ERROR_CODE.OPTION_REFUSED &&
        (this.#opts.request?.options.length ?? 0) > 0;
      this.finish(now, 'failed', error, refused ? { optionsRefused: true } : undefined);
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
        if (
          r.params.tsize !== undefined &&
          this.#opts.maxBytes !== undefined &&
          r.params.tsize > this.#opts.maxBytes
        ) {
          this.fail(
            now,
            TFTP_ERR.TOO_LARGE,
            `file of ${r.params.tsize} bytes exceeds the limit`,
            ERROR_CODE.DISK_FULL,
            true,
          );
          return;
        }
        this.negotiated = [...packet.options];
        this.#enterData(r.params, now);
        this.#ack(now); // ACK 0 confirms the OACK (RFC 2347)
        return;
      }
      if (packet.type === 'data') {
        // No OACK: options ignored, RFC 1350 defaults (512-byte blocks, lock-step).
        this.#enterData({ ...DEFAULTS, timeoutMs: this.params.timeoutMs }, now);
        this.#onData(packet.block, packet.data, now);
        return;
      }
      this.fail(
        now,
        TFTP_ERR.PROTOCOL,
        `unexpected ${packet.type} in answer to RRQ`,
        ERROR_CODE.ILLEGAL_OPERATION,
        true,
      );
      return;
    }
    if (packet.type === 'data') {
      this.#onData(packet.block, packet.data, now);
      return;
    }
    if (packet.type === 'oack' && this.#opts.role === 'client' && this.#expected === 1) {
      // Our ACK 0 was lost and the server repeats its OACK: confirm again.
      this.stats.duplicates++;
      this.#ack(now);
      return;
    }
    this.fail(
      now,
      TFTP_ERR.PROTOCOL,
      `unexpected ${packet.type} from the sender`,
      ERROR_CODE.ILLEGAL_OPERATION,
      true,
    );
  }

  #enterData(params: TransferParams, now: number): void {
    this.setParams(params);
    this.#phase = 'data';
    this.out.push({ type: 'negotiated', peer: this.peer, params });
    this.progressed(now);
  }

  #ack(now: number): void {
    this.#lastAck = this.#expected - 1;
    this.#sinceAck = 0;
    this.send({ type: 'ack', block: wireBlock(this.#lastAck, this.params.rollover) });
    this.arm(now);
  }

  #onData(wire: number, data: Uint8Array, now: number): void {
    const rollover = this.params.rollover;
    const delta = wireDelta(this.#expected, wire, rollover);
    if (delta !== 0) {
      // Out of order: a gap (block ahead inside the window) or a duplicate from before. One ACK of the
      // last in-order block per round; the same trigger seen again means the sender started a new round.
      this.stats.duplicates++;
      if (this.#extraAckFor === -1 || this.#extraAckFor === wire) {
        this.#extraAckFor = wire;
        if (!this.#paused) this.#ack(now);
      }
      return;
    }
    if (data.length > this.params.blockSize) {
      // CVE-2019-5436 class: never accept more than was negotiated.
      this.fail(
        now,
        TFTP_ERR.PROTOCOL,
        `DATA of ${data.length} bytes exceeds blksize ${this.params.blockSize}`,
        ERROR_CODE.ILLEGAL_OPERATION,
        true,
      );
      return;
    }
    if (this.#opts.maxBytes !== undefined && this.stats.bytes + data.length > this.#opts.maxBytes) {
      this.fail(now, TFTP_ERR.TOO_LARGE, 'file exceeds the size limit', ERROR_CODE.DISK_FULL, true);
      return;
    }
    this.#extraAckFor = -1;
    this.#expected++;
    this.#sinceAck++;
    this.stats.blocks++;
    const out = this.#decoder ? this.#decoder.push(data) : data;
    this.stats.bytes += out.length;
    if (out.length > 0) this.out.push({ type: 'deliver', data: out });
    if (data.length < this.params.blockSize) {
      if (this.#decoder) {
        const tail = this.#decoder.end();
        if (tail.length > 0) {
          this.stats.bytes += tail.length;
          this.out.push({ type: 'deliver', data: tail });
        }
      }
      this.#finalWire = wire;
      if (this.#opts.holdFinalAck) {
        this.#phase = 'committing';
        this.deadline = undefined;
        this.out.push({ type: 'commit' });
        return;
      }
      this.#ack(now);
      this.#phase = 'linger';
      this.finish(now, 'complete', undefined, { linger: this.#lingerMs });
      return;
    }
    this.retries = 0;
    this.currentTimeout = this.params.timeoutMs;
    if (this.#sinceAck >= this.params.windowSize) {
      if (this.#paused) {
        this.#ackHeld = true;
        this.deadline = undefined;
      } else this.#ack(now);
    } else this.arm(now);
  }

  protected onTimer(now: number): void {
    if (this.#phase === 'linger') {
      this.deadline = undefined;
      this.out.push({ type: 'close' });
      return;
    }
    if (this.finished) return;
    if (!this.backoff(now)) {
      this.fail(now, TFTP_ERR.TIMEOUT, 'timed out waiting for DATA', ERROR_CODE.NOT_DEFINED, false);
      return;
    }
    this.stats.retransmits++;
    this.#extraAckFor = -1;
    if (this.#phase === 'request') this.send(this.#opts.request!);
    else if (this.#expected === 1 && this.#firstReply) this.send(this.#firstReply);
    else {
      // RFC 7440 §4: the receiver also times out and re-ACKs the last in-order block.
      this.#sinceAck = 0;
      this.send({ type: 'ack', block: wireBlock(this.#lastAck, this.params.rollover) });
    }
  }
}

import { ERROR_CODE } from '../wire/constants.js';
import { TFTP_ERR, TftpError } from '../wire/errors.js';
import { type TftpOption, type TftpPacket, tryDecodePacket } from '../wire/packet.js';
import type {
  Peer,
  RetryOptions,
  TransferAction,
  TransferInput,
  TransferOutcome,
  TransferParams,
  TransferStats,
} from './types.js';

export const DEFAULT_MAX_RETRIES = 5;
export const DEFAULT_MAX_TIMEOUT_MS = 8000;

/** Maps an absolute block index (1, 2, … past 65535) to the 16-bit wire number. */
export function wireBlock(abs: number, rollover: 0 | 1): number {
  if (rollover === 0 || abs === 0) return abs % 65536;
  return ((abs - 1) % 65535) + 1;
}

/**
 * Distance from absolute block `base` forward to the wire number `wire`, in 0..period−1 (period 65536
 * when rolling over to 0, 65535 when rolling over to 1). Undefined for wire 0 under rollover 1.
 */
export function wireDelta(base: number, wire: number, rollover: 0 | 1): number | undefined {
  if (rollover === 1 && wire === 0) return base === 0 ? 0 : undefined;
  const period = rollover === 0 ? 65536 : 65535;
  const from = rollover === 0 ? base % 65536 : base === 0 ? 0 : ((base - 1) % 65535) + 1;
  return (((wire - from) % period) + period) % period;
}

export function samePeer(a: Peer, b: Peer): boolean {
  return a.port === b.port && a.address === b.address;
}

export interface BaseOptions {
  readonly retry?: RetryOptions;
  /** Initial wall time for stats; defaults to the `now` given to start(). */
  readonly params: TransferParams;
}

/** Statistics of a transfer that has not moved anything yet. */
export function emptyStats(blockSize: number, windowSize: number): TransferStats {
  return {
    bytes: 0,
    blocks: 0,
    packetsSent: 0,
    packetsReceived: 0,
    retransmits: 0,
    duplicates: 0,
    strangers: 0,
    timeouts: 0,
    startedAt: 0,
    endedAt: 0,
    blockSize,
    windowSize,
    finalAckMissing: false,
  };
}

/** Shared bookkeeping of both directions: peer TID, timers with back-off, stats, ERROR handling. */
export abstract class TransferBase {
  protected peer: Peer;
  protected peerKnown: boolean;
  protected params: TransferParams;
  protected readonly maxRetries: number;
  protected maxTimeoutMs: number;
  protected retries = 0;
  protected currentTimeout: number;
  protected deadline: number | undefined = undefined;
  protected out: TransferAction[] = [];
  protected negotiated: TftpOption[] = [];
  #finished = false;
  readonly stats: TransferStats;

  constructor(peer: Peer, peerKnown: boolean, params: TransferParams, retry: RetryOptions | undefined) {
    this.peer = peer;
    this.peerKnown = peerKnown;
    this.params = params;
    this.maxRetries = retry?.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.maxTimeoutMs = Math.max(retry?.maxTimeoutMs ?? DEFAULT_MAX_TIMEOUT_MS, params.timeoutMs);
    this.currentTimeout = params.timeoutMs;
    this.stats = emptyStats(params.blockSize, params.windowSize);
  }

  get finished(): boolean {
    return this.#finished;
  }

  nextDeadline(): number | undefined {
    return this.deadline;
  }

  protected setParams(params: TransferParams): void {
    this.params = params;
    this.stats.blockSize = params.blockSize;
    this.stats.windowSize = params.windowSize;
    this.currentTimeout = params.timeoutMs;
    this.maxTimeoutMs = Math.max(this.maxTimeoutMs, params.timeoutMs);
  }

  protected send(packet: TftpPacket, to: Peer = this.peer): void {
    this.stats.packetsSent++;
    this.out.push({ type: 'send', to, packet });
  }

  protected arm(now: number): void {
    this.deadline = now + this.currentTimeout;
  }

  /** Progress resets the back-off (RFC 1123 §4.2.3.2). */
  protected progressed(now: number): void {
    this.retries = 0;
    this.currentTimeout = this.params.timeoutMs;
    this.arm(now);
  }

  /** Counts a timeout; returns false when the retry budget is spent. */
  protected backoff(now: number, budget: number = this.maxRetries): boolean {
    this.stats.timeouts++;
    if (this.retries >= budget) return false;
    this.retries++;
    this.currentTimeout = Math.min(this.currentTimeout * 2, this.maxTimeoutMs);
    this.arm(now);
    return true;
  }

  protected finish(
    now: number,
    outcome: TransferOutcome,
    error?: TftpError,
    extra?: { optionsRefused?: boolean; linger?: number },
  ): void {
    if (this.#finished) return;
    this.#finished = true;
    this.stats.endedAt = now;
    const result = {
      outcome,
      options: this.negotiated,
      stats: { ...this.stats },
      ...(error === undefined ? {} : { error }),
      ...(extra?.optionsRefused ? { optionsRefused: true } : {}),
    };
    this.out.push({ type: 'done', result });
    if (extra?.linger !== undefined) {
      this.deadline = now + extra.linger;
    } else {
      this.deadline = undefined;
      this.out.push({ type: 'close' });
    }
  }

  protected fail(
    now: number,
    code: TftpError['code'],
    message: string,
    tftpCode: number,
    tell: boolean,
  ): void {
    const error = new TftpError(code, message, tftpCode);
    if (tell) this.send({ type: 'error', code: tftpCode, message });
    this.finish(now, 'failed', error);
  }

  protected flush(): TransferAction[] {
    const o = this.out;
    this.out = [];
    return o;
  }

  /**
   * Routes one input. Datagrams from a stranger get ERROR 5 and change nothing (RFC 1350 §4: the only
   * non-fatal error); an ERROR from a stranger is never answered (never answer an ERROR with an ERROR).
   */
  handle(input: TransferInput, now: number): TransferAction[] {
    if (this.finished && input.type !== 'timer' && input.type !== 'datagram') return [];
    switch (input.type) {
      case 'datagram': {
        const decoded = tryDecodePacket(input.bytes);
        if (!this.acceptsFrom(input.from)) {
          if (this.finished) return [];
          this.stats.strangers++;
          if (!(decoded.ok && decoded.value.type === 'error')) {
            this.send(
              { type: 'error', code: ERROR_CODE.UNKNOWN_TID, message: 'Unknown transfer ID' },
              input.from,
            );
          }
          return this.flush();
        }
        this.stats.packetsReceived++;
        if (!decoded.ok) {
          if (!this.finished) {
            this.fail(
              now,
              TFTP_ERR.PROTOCOL,
              `malformed packet: ${decoded.error.message}`,
              ERROR_CODE.ILLEGAL_OPERATION,
              true,
            );
          }
          return this.flush();
        }
        this.onPacket(decoded.value, input.from, now);
        return this.flush();
      }
      case 'timer':
        if (this.deadline !== undefined && now >= this.deadline) this.onTimer(now);
        return this.flush();
      case 'abort': {
        const code = input.code ?? ERROR_CODE.NOT_DEFINED;
        const message = input.message ?? 'Transfer aborted';
        if (this.peerKnown) this.send({ type: 'error', code, message });
        this.finish(now, 'aborted', new TftpError(TFTP_ERR.ABORTED, message, code));
        return this.flush();
      }
      default:
        this.onOther(input, now);
        return this.flush();
    }
  }

  /** Whether a datagram from `from` belongs to this transfer (client: learns the TID on first reply). */
  protected acceptsFrom(from: Peer): boolean {
    if (this.peerKnown) return samePeer(from, this.peer);
    return from.address === this.peer.address;
  }

  protected learnPeer(from: Peer): void {
    if (!this.peerKnown) {
      this.peer = from;
      this.peerKnown = true;
    }
  }

  protected abstract onPacket(packet: TftpPacket, from: Peer, now: number): void;
  protected abstract onTimer(now: number): void;
  protected abstract onOther(input: TransferInput, now: number): void;
}

import type { TftpError } from '../wire/errors.js';
import type { TftpOption, TftpPacket } from '../wire/packet.js';

/** A UDP endpoint. The transfer ID of RFC 1350 §4 is the port. */
export interface Peer {
  readonly address: string;
  readonly port: number;
}

/** Parameters of one transfer after negotiation. */
export interface TransferParams {
  /** Data bytes per DATA packet (RFC 2348); 512 when not negotiated. */
  readonly blockSize: number;
  /** Blocks per window (RFC 7440); 1 is RFC 1350 lock-step. */
  readonly windowSize: number;
  /** Base retransmission timeout in ms (the `timeout` option × 1000 when negotiated). */
  readonly timeoutMs: number;
  /** Block number after 65535: 0 (default) or 1. */
  readonly rollover: 0 | 1;
  /** Transfer size from tsize, when known. */
  readonly tsize?: number;
}

/** Retransmission policy (RFC 1123 §4.2.3.2: adaptive timeout; we back off exponentially). */
export interface RetryOptions {
  /** Retransmissions before giving up. Default 5. */
  readonly maxRetries?: number;
  /** Ceiling of the backed-off timeout in ms. Default 8000 (or the base timeout if larger). */
  readonly maxTimeoutMs?: number;
}

export type TransferInput =
  | { readonly type: 'datagram'; readonly from: Peer; readonly bytes: Uint8Array }
  /** Call when `now >= nextDeadline()`. Spurious calls are harmless. */
  | { readonly type: 'timer' }
  /** Stop now and tell the peer (ERROR `code`, default 0). */
  | { readonly type: 'abort'; readonly code?: number; readonly message?: string }
  /** Sender: more bytes of the file. */
  | { readonly type: 'source-data'; readonly bytes: Uint8Array }
  /** Sender: the file has no more bytes. */
  | { readonly type: 'source-end' }
  /** Sender: reading the file failed; the peer gets ERROR `code` (default 0). */
  | { readonly type: 'source-error'; readonly message: string; readonly code?: number }
  /** Receiver: stop acknowledging windows (the consumer is slow); `resume` sends the held ACK. */
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  /** Receiver with `holdFinalAck`: the file is safely stored; send the final ACK. */
  | { readonly type: 'committed' }
  /** Receiver with `holdFinalAck`: storing failed; the peer gets ERROR `code` (default 3) instead of the final ACK. */
  | { readonly type: 'commit-failed'; readonly message: string; readonly code?: number };

export type TransferAction =
  /** Send `packet` to `to`. DATA payloads are views into source data: never mutate them. */
  | { readonly type: 'send'; readonly to: Peer; readonly packet: TftpPacket }
  /** Receiver: the next bytes of the file, in order (already converted if netascii). */
  | { readonly type: 'deliver'; readonly data: Uint8Array }
  /** Sender: please feed at least `bytes` more bytes with `source-data` (or `source-end`). */
  | { readonly type: 'read'; readonly bytes: number }
  /** Client: the peer's transfer ID and the negotiated parameters are now known. */
  | { readonly type: 'negotiated'; readonly peer: Peer; readonly params: TransferParams }
  /** The transfer has ended (a receiver may still linger to re-ACK; wait for `close`). */
  | { readonly type: 'done'; readonly result: TransferResult }
  /** Release the socket: nothing more will be sent. */
  | { readonly type: 'close' }
  /**
   * Receiver with `holdFinalAck`: every byte has been delivered; store the file durably, then answer
   * `committed` (the final ACK goes out) or `commit-failed` (an ERROR goes out).
   */
  | { readonly type: 'commit' };

/**
 * How a transfer ended. `probe` is the UEFI/Intel PXE size probe (OACK answered by ERROR 8): a normal
 * end, not a failure.
 */
export type TransferOutcome = 'complete' | 'probe' | 'failed' | 'aborted';

export interface TransferStats {
  /** File bytes moved (after netascii conversion on receive, before it on send). */
  bytes: number;
  blocks: number;
  packetsSent: number;
  packetsReceived: number;
  retransmits: number;
  /** Duplicate or stale packets from the peer (duplicate ACKs never cause a resend). */
  duplicates: number;
  /** Packets from another transfer ID, answered with ERROR 5 (RFC 1350 §4). */
  strangers: number;
  timeouts: number;
  startedAt: number;
  endedAt: number;
  blockSize: number;
  windowSize: number;
  /** Sender: every block went out but the final ACK never came (some clients never send it). */
  finalAckMissing: boolean;
}

export interface TransferResult {
  readonly outcome: TransferOutcome;
  readonly error?: TftpError;
  /** Client: the server refused the options (ERROR 8 to the request); retry without options. */
  readonly optionsRefused?: boolean;
  readonly options: readonly TftpOption[];
  readonly stats: TransferStats;
}

/** Common surface of the four transfer machines. */
export interface Transfer {
  start(now: number): TransferAction[];
  handle(input: TransferInput, now: number): TransferAction[];
  /** When to call `handle({ type: 'timer' })` next, or undefined when nothing is pending. */
  nextDeadline(): number | undefined;
  readonly finished: boolean;
}

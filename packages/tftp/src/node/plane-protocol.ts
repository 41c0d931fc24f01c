/** Messages between the TFTP server (main thread) and its data-plane worker. Structured-clone safe. */
import type { Peer, RetryOptions, TransferOutcome, TransferParams, TransferStats } from '../engine/types.js';
import type { TftpErrorCode } from '../wire/errors.js';
import type { TftpOption } from '../wire/packet.js';

/** Where a transfer's bytes come from: shared or copied bytes, or an open file descriptor read by the worker. */
export type PlaneSource =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'fd'; readonly fd: number };

export interface PlaneStart {
  readonly t: 'start';
  readonly id: number;
  /** A bound, non-blocking UDP socket; the worker owns it from now on and closes it. */
  readonly fd: number;
  readonly peer: Peer;
  readonly params: TransferParams;
  readonly oack?: readonly TftpOption[];
  readonly netascii: boolean;
  readonly retry: RetryOptions;
  readonly unverifiedRetries: number;
  readonly source: PlaneSource;
}

export type PlaneToWorker =
  | PlaneStart
  | { readonly t: 'abort'; readonly id: number; readonly message: string }
  | { readonly t: 'stop' };

/** A TransferResult without class instances (TftpError travels as its fields). */
export interface PlaneResult {
  readonly outcome: TransferOutcome;
  readonly options: readonly TftpOption[];
  readonly stats: TransferStats;
  readonly optionsRefused?: boolean;
  readonly error?: { readonly code: TftpErrorCode; readonly message: string; readonly tftpCode: number };
}

export type PlaneFromWorker =
  | { readonly t: 'done'; readonly id: number; readonly result: PlaneResult }
  /** The transfer's socket is closed; its source may be released. */
  | { readonly t: 'closed'; readonly id: number }
  | { readonly t: 'fatal'; readonly message: string };

import {
  encodePacket,
  type Peer,
  type TftpPacket,
  type Transfer,
  type TransferAction,
  type TransferResult,
} from '../src/index.js';

export const CLIENT: Peer = { address: '10.0.0.2', port: 40000 };
export const SERVER: Peer = { address: '10.0.0.1', port: 50000 };
export const SERVER_69: Peer = { address: '10.0.0.1', port: 69 };

export function dgram(from: Peer, packet: TftpPacket) {
  return { type: 'datagram' as const, from, bytes: encodePacket(packet) };
}

export function sends(actions: TransferAction[]): TftpPacket[] {
  return actions.flatMap((a) => (a.type === 'send' ? [a.packet] : []));
}

export function dataBlocks(actions: TransferAction[]): number[] {
  return sends(actions).flatMap((p) => (p.type === 'data' ? [p.block] : []));
}

export function acks(actions: TransferAction[]): number[] {
  return sends(actions).flatMap((p) => (p.type === 'ack' ? [p.block] : []));
}

export function doneOf(actions: TransferAction[]): TransferResult | undefined {
  for (const a of actions) if (a.type === 'done') return a.result;
  return undefined;
}

export function delivered(actions: TransferAction[]): number[] {
  return actions.flatMap((a) => (a.type === 'deliver' ? Array.from(a.data) : []));
}

export function patterned(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + (i >>> 8)) & 0xff;
  return out;
}

/** Fires the transfer's timer at its deadline; returns the actions. */
export function fire(t: Transfer, now: { t: number }): TransferAction[] {
  const d = t.nextDeadline();
  if (d === undefined) throw new Error('no deadline');
  now.t = d;
  return t.handle({ type: 'timer' }, d);
}

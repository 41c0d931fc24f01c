import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { encodePacket, type TftpPacket, tryDecodePacket } from '../src/index.js';

/** A raw UDP peer on loopback for attack and edge-case tests. Every wait is bounded. */
export class RawPeer {
  readonly socket: Socket;
  readonly #queue: { msg: Buffer; rinfo: RemoteInfo }[] = [];
  #waiter: (() => void) | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('message', (msg, rinfo) => {
      this.#queue.push({ msg, rinfo });
      this.#waiter?.();
    });
  }

  static async open(host = '127.0.0.1'): Promise<RawPeer> {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((r) => s.bind(0, host, () => r()));
    return new RawPeer(s);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(packet: TftpPacket | Uint8Array, port: number, host = '127.0.0.1'): void {
    this.socket.send(packet instanceof Uint8Array ? packet : encodePacket(packet), port, host);
  }

  /** Next datagram, or undefined after `ms` of silence. */
  async recv(
    ms = 2000,
  ): Promise<{ packet: TftpPacket | undefined; raw: Buffer; rinfo: RemoteInfo } | undefined> {
    if (this.#queue.length === 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        this.#waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.#waiter = undefined;
    }
    const m = this.#queue.shift();
    if (!m) return undefined;
    const d = tryDecodePacket(m.msg);
    return { packet: d.ok ? d.value : undefined, raw: m.msg, rinfo: m.rinfo };
  }

  /** Collects everything that arrives until `ms` of silence. */
  async drain(ms = 300): Promise<TftpPacket[]> {
    const out: TftpPacket[] = [];
    for (let i = 0; i < 10_000; i++) {
      const m = await this.recv(ms);
      if (!m) break;
      if (m.packet) out.push(m.packet);
    }
    return out;
  }

  close(): void {
    this.socket.close();
  }
}

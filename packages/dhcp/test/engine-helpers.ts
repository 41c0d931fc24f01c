// Shared builders for the engine tests (not a test file itself).
import type { RequestContext } from '../src/engine/types.js';
import { DHCP_MESSAGE_TYPE } from '../src/wire/constants.js';
import { createDhcpMessage, type DhcpMessage, type DhcpOption, option } from '../src/wire/message.js';

export const MT = DHCP_MESSAGE_TYPE;
export const MAC = '52:54:00:12:34:56';
export const SERVER = '10.99.0.1';

export interface RequestInit {
  readonly mac?: string;
  readonly xid?: number;
  readonly ciaddr?: string;
  readonly giaddr?: string;
  readonly flags?: number;
  readonly hops?: number;
  readonly options?: readonly DhcpOption[];
}

export function request(type: number, init: RequestInit = {}): DhcpMessage {
  return createDhcpMessage({
    xid: init.xid ?? 0x1234,
    chaddr: init.mac ?? MAC,
    ciaddr: init.ciaddr ?? '0.0.0.0',
    giaddr: init.giaddr ?? '0.0.0.0',
    flags: init.flags ?? 0,
    hops: init.hops ?? 0,
    options: [option('messageType', type), ...(init.options ?? [])],
  });
}

export function context(now: number, over: Partial<RequestContext> = {}): RequestContext {
  return {
    now,
    source: { address: '0.0.0.0', port: 68 },
    localPort: 67,
    interface: { name: 'eth0', address: SERVER },
    ...over,
  };
}

export { option };

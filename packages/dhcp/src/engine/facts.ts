/**
 * Reading what a request says about its client, without ever throwing: a malformed option value is
 * treated as absent and noted, so one bad option never drops a PXE client (the failure mode users report
 * against insomniacslk/dhcp and the npm `dhcp` package, see docs).
 */
import { clientHardwareAddress, type DhcpMessage, getOption, getOptionData } from '../wire/message.js';
import type { DhcpOptionName, DhcpOptionValues } from '../wire/options.js';
import { hex } from '../lease/ipv4.js';

/** Reads a registered option; undefined when absent or malformed (then `onBad` is told the code). */
export function readOption<N extends DhcpOptionName>(
  msg: DhcpMessage,
  name: N,
  onBad?: (name: string) => void,
): DhcpOptionValues[N] | undefined {
  try {
    return getOption(msg, name);
  } catch {
    onBad?.(name);
    return undefined;
  }
}

/** Sub-option `code` of option 82 (RFC 3046 §2.0), raw. */
export function relaySubOption(msg: DhcpMessage, code: number): Uint8Array | undefined {
  const data = getOptionData(msg, 82);
  if (data === undefined) return undefined;
  let i = 0;
  // Bounded by the option length; a truncated sub-option ends the walk.
  while (i + 2 <= data.length) {
    const c = data[i]!;
    const len = data[i + 1]!;
    if (i + 2 + len > data.length) return undefined;
    if (c === code) return data.subarray(i + 2, i + 2 + len);
    i += 2 + len;
  }
  return undefined;
}

/** Everything a boot decision may look at, from one request. */
export interface BootFacts {
  /** chaddr as `aa:bb:...`. */
  readonly mac: string;
  /** Option 93 codes in the client's order (RFC 4578 §2.1); empty when absent. */
  readonly arch: readonly number[];
  /** Option 60 as text. */
  readonly vendorClass?: string;
  /** 60 starts with `PXEClient` (PXE 2.1 §2.2). */
  readonly pxe: boolean;
  /** 60 starts with `HTTPClient` (UEFI 2.5 §24.7 HTTP boot). */
  readonly http: boolean;
  /** The client runs iPXE: user class 77 "iPXE", or it sent iPXE's encapsulated options 175. */
  readonly ipxe: boolean;
  /** Option 77 user classes (RFC 3004, or one raw string). */
  readonly userClasses: readonly string[];
  /** Option 94 network interface identifier (RFC 4578 §2.2) as `type.major.minor`. */
  readonly ndi?: string;
  /** Option 97 machine identifier (RFC 4578 §2.3), the UUID in hex, when type 0. */
  readonly uuid?: string;
  /** giaddr, when relayed. */
  readonly giaddr?: string;
  /** Relay agent circuit id (82.1) and remote id (82.2), hex. */
  readonly circuitId?: string;
  readonly remoteId?: string;
  /** Id of the subnet the request was placed in, when known. */
  readonly subnet?: string;
}

/** Extracts boot facts from a request. Never throws. */
export function bootFactsOf(msg: DhcpMessage, subnet?: string): BootFacts {
  const vendorClass = readOption(msg, 'vendorClassIdentifier');
  const arch = readOption(msg, 'clientSystemArchitecture') ?? [];
  const uc = readOption(msg, 'userClass');
  const userClasses = uc === undefined ? [] : 'classes' in uc ? [...uc.classes] : [uc.raw];
  const ndi = readOption(msg, 'clientNetworkInterfaceId');
  const machine = readOption(msg, 'clientMachineId');
  const circuit = relaySubOption(msg, 1);
  const remote = relaySubOption(msg, 2);
  // Only the textual prefix counts: "PXEClient:Arch:00007:UNDI:003000".
  const pxe = vendorClass?.startsWith('PXEClient') ?? false;
  const http = vendorClass?.startsWith('HTTPClient') ?? false;
  const ipxe = userClasses.includes('iPXE') || getOptionData(msg, 175) !== undefined;
  return {
    mac: clientHardwareAddress(msg),
    arch,
    ...(vendorClass === undefined ? {} : { vendorClass }),
    pxe,
    http,
    ipxe,
    userClasses,
    ...(ndi === undefined ? {} : { ndi: `${ndi.type}.${ndi.major}.${ndi.minor}` }),
    ...(machine === undefined || machine.type !== 0 ? {} : { uuid: hex(machine.id) }),
    ...(msg.giaddr === '0.0.0.0' ? {} : { giaddr: msg.giaddr }),
    ...(circuit === undefined ? {} : { circuitId: hex(circuit) }),
    ...(remote === undefined ? {} : { remoteId: hex(remote) }),
    ...(subnet === undefined ? {} : { subnet }),
  };
}

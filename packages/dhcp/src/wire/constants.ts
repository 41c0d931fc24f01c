/** Protocol constants: ports, BOOTP op codes, message types, hardware types, client architectures. */

export const DHCP_SERVER_PORT = 67 as const;
export const DHCP_CLIENT_PORT = 68 as const;
/** PXE boot server discovery port (PXE 2.1 §2.2.5, "proxyDHCP on 4011"). */
export const PXE_BOOT_SERVER_PORT = 4011 as const;

/** BOOTP op (RFC 951 §3). */
export const BOOTP_OP = { BOOTREQUEST: 1, BOOTREPLY: 2 } as const;

/** DHCP message types, option 53 (RFC 2132 §9.6, RFC 3203, RFC 4388 §6.1, RFC 6926 §6.2.1, RFC 7724). */
export const DHCP_MESSAGE_TYPE = {
  DISCOVER: 1,
  OFFER: 2,
  REQUEST: 3,
  DECLINE: 4,
  ACK: 5,
  NAK: 6,
  RELEASE: 7,
  INFORM: 8,
  FORCERENEW: 9,
  LEASEQUERY: 10,
  LEASEUNASSIGNED: 11,
  LEASEUNKNOWN: 12,
  LEASEACTIVE: 13,
  BULKLEASEQUERY: 14,
  LEASEQUERYDONE: 15,
  ACTIVELEASEQUERY: 16,
  LEASEQUERYSTATUS: 17,
  TLS: 18,
} as const;

export type DhcpMessageTypeName = keyof typeof DHCP_MESSAGE_TYPE;

const MESSAGE_TYPE_NAMES: readonly string[] = Object.freeze(
  (() => {
    const names: string[] = [];
    for (const [k, v] of Object.entries(DHCP_MESSAGE_TYPE)) names[v] = k;
    return names;
  })(),
);

/**
 * The name of a message type, `unknown(n)` for values not assigned.
 *
 * @example
 * messageTypeName(1); // 'DISCOVER'
 * messageTypeName(99); // 'unknown(99)'
 */
export function messageTypeName(type: number): string {
  return MESSAGE_TYPE_NAMES[type] ?? `unknown(${type})`;
}

/** ARP hardware types most seen in `htype` (RFC 1700 / IANA "Hardware Types"). */
export const HARDWARE_TYPE = { ETHERNET: 1, IEEE802: 6, INFINIBAND: 32 } as const;

/** Flags field: the broadcast bit (RFC 1542 §2.2); the other 15 bits must be zero. */
export const BROADCAST_FLAG = 0x8000 as const;

/**
 * Client system architecture types, option 93 (RFC 4578 §2.1 and the IANA "Processor Architecture Types"
 * registry).
 */
export const CLIENT_ARCHITECTURES: Readonly<Record<number, string>> = Object.freeze({
  0: 'x86 BIOS',
  1: 'NEC/PC98 (deprecated)',
  2: 'Itanium',
  3: 'DEC Alpha (deprecated)',
  4: 'Arc x86 (deprecated)',
  5: 'Intel Lean Client (deprecated)',
  6: 'x86 UEFI',
  7: 'x64 UEFI',
  8: 'EFI Xscale (deprecated)',
  9: 'EBC',
  10: 'ARM 32-bit UEFI',
  11: 'ARM 64-bit UEFI',
  12: 'PowerPC Open Firmware',
  13: 'PowerPC ePAPR',
  14: 'POWER OPAL v3',
  15: 'x86 UEFI HTTP',
  16: 'x64 UEFI HTTP',
  17: 'EBC UEFI HTTP',
  18: 'ARM 32-bit UEFI HTTP',
  19: 'ARM 64-bit UEFI HTTP',
  20: 'x86 BIOS HTTP',
  21: 'ARM 32-bit uboot',
  22: 'ARM 64-bit uboot',
  23: 'ARM 32-bit uboot HTTP',
  24: 'ARM 64-bit uboot HTTP',
  25: 'RISC-V 32-bit UEFI',
  26: 'RISC-V 32-bit UEFI HTTP',
  27: 'RISC-V 64-bit UEFI',
  28: 'RISC-V 64-bit UEFI HTTP',
  29: 'RISC-V 128-bit UEFI',
  30: 'RISC-V 128-bit UEFI HTTP',
  31: 's390 Basic',
  32: 's390 Extended',
  33: 'MIPS 32-bit UEFI',
  34: 'MIPS 64-bit UEFI',
  35: 'Sunway 32-bit UEFI',
  36: 'Sunway 64-bit UEFI',
  37: 'LoongArch 32-bit UEFI',
  38: 'LoongArch 32-bit UEFI HTTP',
  39: 'LoongArch 64-bit UEFI',
  40: 'LoongArch 64-bit UEFI HTTP',
  41: 'ARM rpiboot',
});

/** Name of an option 93 architecture, `unknown(n)` if not in the IANA table. */
export function clientArchitectureName(arch: number): string {
  return CLIENT_ARCHITECTURES[arch] ?? `unknown(${arch})`;
}

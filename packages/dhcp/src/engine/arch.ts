/**
 * What an option 93 client system architecture code means for booting (RFC 4578 §2.1 and the IANA
 * "Processor Architecture Types" registry): firmware kind, CPU, and whether it is an HTTP-boot code.
 * The names live in the codec's table (wire/constants.ts); this table adds what a boot decision needs.
 *
 * RFC 4578 lists 7 as "EFI BC" and 9 as "EFI x86-64", but firmware in the field (EDK II/OVMF among them)
 * sends 7 for x86-64 UEFI; the IANA registry was corrected accordingly (7 = x64 UEFI, 9 = EBC). Both are
 * treated as x64 UEFI here, as every deployed server does.
 */

export type Firmware = 'bios' | 'uefi' | 'uboot' | 'openfirmware' | 'opal' | 'rpiboot' | 'other';
export type Cpu =
  | 'x86'
  | 'x64'
  | 'ia64'
  | 'arm32'
  | 'arm64'
  | 'riscv32'
  | 'riscv64'
  | 'riscv128'
  | 'ppc'
  | 's390'
  | 'mips32'
  | 'mips64'
  | 'sw32'
  | 'sw64'
  | 'loong32'
  | 'loong64'
  | 'ebc'
  | 'other';

export interface ArchInfo {
  readonly code: number;
  readonly firmware: Firmware;
  readonly cpu: Cpu;
  /** An HTTP-boot code (RFC 7440 era additions, UEFI 2.5 HTTP boot). */
  readonly http: boolean;
}

const T: readonly [number, Firmware, Cpu, boolean][] = [
  [0, 'bios', 'x86', false],
  [1, 'other', 'x86', false],
  [2, 'uefi', 'ia64', false],
  [3, 'other', 'other', false],
  [4, 'other', 'x86', false],
  [5, 'other', 'x86', false],
  [6, 'uefi', 'x86', false],
  [7, 'uefi', 'x64', false],
  [8, 'uefi', 'other', false],
  [9, 'uefi', 'x64', false],
  [10, 'uefi', 'arm32', false],
  [11, 'uefi', 'arm64', false],
  [12, 'openfirmware', 'ppc', false],
  [13, 'other', 'ppc', false],
  [14, 'opal', 'ppc', false],
  [15, 'uefi', 'x86', true],
  [16, 'uefi', 'x64', true],
  [17, 'uefi', 'ebc', true],
  [18, 'uefi', 'arm32', true],
  [19, 'uefi', 'arm64', true],
  [20, 'bios', 'x86', true],
  [21, 'uboot', 'arm32', false],
  [22, 'uboot', 'arm64', false],
  [23, 'uboot', 'arm32', true],
  [24, 'uboot', 'arm64', true],
  [25, 'uefi', 'riscv32', false],
  [26, 'uefi', 'riscv32', true],
  [27, 'uefi', 'riscv64', false],
  [28, 'uefi', 'riscv64', true],
  [29, 'uefi', 'riscv128', false],
  [30, 'uefi', 'riscv128', true],
  [31, 'other', 's390', false],
  [32, 'other', 's390', false],
  [33, 'uefi', 'mips32', false],
  [34, 'uefi', 'mips64', false],
  [35, 'uefi', 'sw32', false],
  [36, 'uefi', 'sw64', false],
  [37, 'uefi', 'loong32', false],
  [38, 'uefi', 'loong32', true],
  [39, 'uefi', 'loong64', false],
  [40, 'uefi', 'loong64', true],
  [41, 'rpiboot', 'arm64', false],
];

/** Architecture codes by number. */
export const ARCHITECTURES: ReadonlyMap<number, ArchInfo> = new Map(
  T.map(([code, firmware, cpu, http]) => [code, Object.freeze({ code, firmware, cpu, http })]),
);

/** What a code means; unknown codes are `other` firmware on an `other` CPU. */
export function archInfo(code: number): ArchInfo {
  return ARCHITECTURES.get(code) ?? { code, firmware: 'other', cpu: 'other', http: false };
}

/**
 * Short names usable in boot rules: `bios`, `uefi` (any UEFI), `efi-x64`, `efi-ia32`, `efi-arm64`,
 * `efi-arm32`, `efi-riscv64`, or a CPU name. Returns the predicate for a code.
 */
export function archMatches(code: number, name: string): boolean {
  const a = archInfo(code);
  switch (name) {
    case 'bios':
      return a.firmware === 'bios';
    case 'uefi':
    case 'efi':
      return a.firmware === 'uefi';
    case 'efi-x64':
      return a.firmware === 'uefi' && a.cpu === 'x64';
    case 'efi-ia32':
    case 'efi-x86':
      return a.firmware === 'uefi' && a.cpu === 'x86';
    case 'efi-arm64':
      return a.firmware === 'uefi' && a.cpu === 'arm64';
    case 'efi-arm32':
      return a.firmware === 'uefi' && a.cpu === 'arm32';
    case 'efi-riscv64':
      return a.firmware === 'uefi' && a.cpu === 'riscv64';
    case 'http':
      return a.http;
    default:
      return a.cpu === name || a.firmware === name;
  }
}

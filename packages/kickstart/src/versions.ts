/**
 * Kickstart syntax versions.
 *
 * pykickstart has one handler per release (`FC3`…`F45`, `RHEL3`…`RHEL11`) and orders them as integers.
 * RHEL handlers are forks of a Fedora handler, so "added in F24" does not imply "present in RHEL8"
 * — the registry therefore records each command's life separately for the two families, and we
 * compare versions only within a family.
 *
 * Supported targets: RHEL 6–10 and Fedora 12–45 (`DEVEL` = F45, the newest handler in pykickstart 3.74).
 * Fedora facts before the RHEL 7 era (F19) are only as precise as the research notes; see README.
 */

export type VersionFamily = 'rhel' | 'fedora';

/** A parsed syntax version. `name` is the canonical spelling (`RHEL9`, `F45`). */
export interface KickstartVersion {
  readonly family: VersionFamily;
  readonly major: number;
  readonly name: string;
}

/** The newest Fedora handler pykickstart 3.74 knows; `DEVEL` means this. */
export const FEDORA_DEVEL = 45;
export const RHEL_MIN = 6;
export const RHEL_MAX = 10;
export const FEDORA_MIN = 12;

/** The version used when neither the caller nor the file names one (pykickstart tools default to DEVEL). */
export const DEFAULT_VERSION: KickstartVersion = Object.freeze({
  family: 'fedora',
  major: FEDORA_DEVEL,
  name: `F${FEDORA_DEVEL}`,
});

/**
 * Parses a version name the way pykickstart's `stringToVersion` does: `RHEL9`, `F38`, `FC6`,
 * `DEVEL`, and the long forms `Fedora 38` / `Red Hat Enterprise Linux 9` (case-insensitive;
 * a minor such as `RHEL9.4` or `Red Hat Enterprise Linux 9.4` is accepted and ignored).
 * Returns `null` for names we do not support.
 *
 * @example parseVersion('RHEL9') // { family: 'rhel', major: 9, name: 'RHEL9' }
 */
export function parseVersion(input: string): KickstartVersion | null {
  const s = input.trim();
  if (/^devel$/i.test(s)) return DEFAULT_VERSION;
  let m = /^(?:rhel|red hat enterprise linux)\s*(\d+)(?:\.\d+)?$/i.exec(s);
  if (m) return makeVersion('rhel', Number(m[1]));
  m = /^(?:fc?|fedora)\s*(\d+)$/i.exec(s);
  if (m) return makeVersion('fedora', Number(m[1]));
  return null;
}

function makeVersion(family: VersionFamily, major: number): KickstartVersion | null {
  if (family === 'rhel') {
    if (major < RHEL_MIN || major > RHEL_MAX) return null;
    return { family, major, name: `RHEL${major}` };
  }
  if (major < FEDORA_MIN || major > FEDORA_DEVEL) return null;
  return { family, major, name: `F${major}` };
}

/** Coerces a caller-supplied version (object or name); throws nothing, returns null when unknown. */
export function toVersion(v: KickstartVersion | string): KickstartVersion | null {
  return typeof v === 'string' ? parseVersion(v) : makeVersion(v.family, v.major);
}

/** Every supported version, oldest first within each family (RHEL first). */
export function listVersions(): KickstartVersion[] {
  const out: KickstartVersion[] = [];
  for (let i = RHEL_MIN; i <= RHEL_MAX; i++) out.push({ family: 'rhel', major: i, name: `RHEL${i}` });
  for (let i = FEDORA_MIN; i <= FEDORA_DEVEL; i++) out.push({ family: 'fedora', major: i, name: `F${i}` });
  return out;
}

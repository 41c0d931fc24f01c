/** Evaluates registry `Life` tuples against a target version. */
import type { Availability, FutureDeprecation } from './registry-types.js';
import type { KickstartVersion } from './versions.js';

/**
 * `ok`: present; `deprecated`: accepted with a warning and ignored; `removed`: was there, now an
 * error; `unavailable`: not there yet in this version (or never in this family).
 */
export type LifeStatus = 'ok' | 'deprecated' | 'removed' | 'unavailable';

export interface LifeVerdict {
  readonly status: LifeStatus;
  /** The version name the status started in (`RHEL9`), when known. */
  readonly since?: string;
}

const vname = (v: KickstartVersion, major: number): string =>
  v.family === 'rhel' ? `RHEL${major}` : `F${major}`;

/** What a command, option or section is in `version`. `undefined` availability means "always there". */
export function lifeIn(life: Availability | undefined, version: KickstartVersion): LifeVerdict {
  if (life === undefined) return { status: 'ok' };
  const t = version.family === 'rhel' ? life.rhel : life.fedora;
  if (t === undefined) return { status: 'unavailable' };
  const [since, dep, rem] = t;
  if (version.major < since) return { status: 'unavailable', since: vname(version, since) };
  if (rem != null && version.major >= rem) return { status: 'removed', since: vname(version, rem) };
  if (dep != null && version.major >= dep) return { status: 'deprecated', since: vname(version, dep) };
  return { status: 'ok' };
}

/** True when pykickstart prints a "will be deprecated" warning for this version (the thing still works). */
export function warnsIn(warns: FutureDeprecation | undefined, version: KickstartVersion): boolean {
  const from = version.family === 'rhel' ? warns?.rhel : warns?.fedora;
  return from !== undefined && version.major >= from;
}

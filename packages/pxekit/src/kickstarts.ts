/**
 * Kickstart templates: read and compiled once at start-up (and on reload), rendered per host.
 */
import { readFileSync } from 'node:fs';
import { findHost, hostScope, type ServerEndpoints } from './boot/context.js';
import type { PxekitConfig } from './config/model.js';
import { PxekitError } from './errors.js';
import { compileTemplate, type Template } from './templates.js';

export interface RenderedKickstart {
  readonly name: string;
  readonly text: string;
}

/** Reads a file; the default reader. Tests pass their own. */
export type FileReader = (path: string) => string;

export class KickstartTemplates {
  readonly #config: PxekitConfig;
  readonly #templates = new Map<string, Template>();

  /**
   * Reads and compiles every template in `config.kickstarts`. Throws PXEKIT_ERR_TEMPLATE listing every
   * unreadable file and syntax error.
   */
  constructor(config: PxekitConfig, read: FileReader = (p) => readFileSync(p, 'utf8')) {
    this.#config = config;
    const problems: string[] = [];
    for (const [name, ks] of config.kickstarts) {
      let text: string;
      try {
        text = read(ks.template);
      } catch (e) {
        problems.push(`kickstarts.${name}: cannot read ${ks.template}: ${(e as Error).message}`);
        continue;
      }
      try {
        this.#templates.set(name, compileTemplate(text, ks.template));
      } catch (e) {
        if (e instanceof PxekitError) problems.push(...e.details);
        else throw e;
      }
    }
    if (problems.length > 0)
      throw new PxekitError('PXEKIT_ERR_TEMPLATE', 'kickstart templates have errors', { details: problems });
  }

  names(): string[] {
    return [...this.#templates.keys()];
  }

  /**
   * The kickstart a host installs with when none is named: the one of its menu's default entry (or of
   * the host's `menuDefault`).
   */
  defaultFor(mac: string): string | undefined {
    const host = findHost(this.#config, mac);
    const profileName = host?.profile ?? this.#config.defaults.profile;
    const profile = profileName === undefined ? undefined : this.#config.profiles.get(profileName);
    const menu = profile?.menu === undefined ? undefined : this.#config.menus.get(profile.menu);
    if (menu === undefined) return undefined;
    const wanted = host?.menuDefault ?? menu.default;
    const entry =
      menu.entries.find((e) => e.kind === 'boot' && e.id === wanted) ??
      menu.entries.find((e) => e.kind === 'boot' && e.kickstart !== undefined);
    return entry?.kind === 'boot' ? entry.kickstart : undefined;
  }

  /** Problems rendering `name` for `mac` (missing variables), without rendering. */
  check(mac: string, name: string, endpoints?: ServerEndpoints, ip?: string): string[] {
    const t = this.#templates.get(name);
    if (t === undefined) return [`no kickstart named ${JSON.stringify(name)}`];
    const scope = hostScope(this.#config, mac, {
      kickstart: name,
      ...(endpoints === undefined ? {} : { endpoints }),
      ...(ip === undefined ? {} : { ip }),
    });
    return t.check(scope).map((p) => `${t.name}:${p.line}:${p.column}: ${p.message}`);
  }

  /** Renders the host's kickstart; undefined when there is no such template. Throws PXEKIT_ERR_TEMPLATE. */
  render(
    mac: string,
    name: string | undefined,
    endpoints?: ServerEndpoints,
    ip?: string,
  ): RenderedKickstart | undefined {
    const ks = name ?? this.defaultFor(mac);
    if (ks === undefined) return undefined;
    const t = this.#templates.get(ks);
    if (t === undefined) return undefined;
    const scope = hostScope(this.#config, mac, {
      kickstart: ks,
      ...(endpoints === undefined ? {} : { endpoints }),
      ...(ip === undefined ? {} : { ip }),
    });
    return { name: ks, text: t.render(scope) };
  }
}

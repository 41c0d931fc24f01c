/**
 * One neutral menu model, resolved per client, then rendered as pxelinux, iPXE or GRUB config.
 *
 * Resolution fills in everything that depends on the client (kernel command-line variables, kickstart
 * URL, the host's default entry, the local-boot switch); the renderers only translate syntax. What one
 * format cannot express is listed in docs/config.md ("Menus: what each format can express").
 */
import { hostScope, type ServerEndpoints } from '../boot/context.js';
import type { Menu, PxekitConfig } from '../config/model.js';
import { PxekitError } from '../errors.js';
import { compileTemplate } from '../templates.js';

/** Where a kernel or initrd comes from: a path in the boot file space, or a URL. */
export type FileRef =
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'url'; readonly url: string };

export type ResolvedEntry =
  | {
      readonly kind: 'boot';
      readonly id: string;
      readonly label: string;
      readonly kernel: FileRef;
      readonly initrd: readonly FileRef[];
      readonly append: string;
    }
  | { readonly kind: 'local'; readonly id: string; readonly label: string }
  | { readonly kind: 'separator'; readonly label?: string };

export interface ResolvedMenu {
  readonly title: string;
  /** Seconds; 0 waits forever. */
  readonly timeout: number;
  /** Id of the entry booted when the timeout expires (always a boot or local entry). */
  readonly default: string;
  readonly entries: readonly ResolvedEntry[];
}

/** How each format is told about the server, for turning boot-space paths into its own syntax. */
export interface RenderTarget {
  readonly endpoints?: ServerEndpoints;
}

/** A renderer turns a resolved menu into one loader's config text. */
export interface MenuRenderer {
  readonly format: 'pxelinux' | 'ipxe' | 'grub';
  render(menu: ResolvedMenu, target: RenderTarget): string;
}

export function fileRef(text: string): FileRef {
  return /^[a-z]+:\/\//i.test(text)
    ? { kind: 'url', url: text }
    : { kind: 'path', path: text.replace(/^\/+/, '') };
}

export interface ResolveOptions {
  readonly endpoints?: ServerEndpoints;
  readonly ip?: string;
  /** The host finished installing: boot the local disk at once. */
  readonly localBoot?: boolean;
  readonly menuDefault?: string;
}

const LOCAL_ID = 'local';

/**
 * Resolves `menu` for the client `mac`. Throws PXEKIT_ERR_TEMPLATE when a kernel command line uses a
 * variable this client has no value for.
 */
export function resolveMenu(
  config: PxekitConfig,
  menu: Menu,
  mac: string,
  opts: ResolveOptions = {},
): ResolvedMenu {
  if (opts.localBoot === true) {
    const local = menu.entries.find((e) => e.kind === 'local');
    const id = local?.kind === 'local' ? local.id : LOCAL_ID;
    return {
      title: menu.title,
      timeout: 1,
      default: id,
      entries: [{ kind: 'local', id, label: local?.kind === 'local' ? local.label : 'Boot from local disk' }],
    };
  }
  const problems: string[] = [];
  const entries: ResolvedEntry[] = menu.entries.map((e) => {
    if (e.kind !== 'boot') return e;
    const scope = hostScope(config, mac, {
      ...(opts.endpoints === undefined ? {} : { endpoints: opts.endpoints }),
      ...(opts.ip === undefined ? {} : { ip: opts.ip }),
      ...(e.kickstart === undefined ? {} : { kickstart: e.kickstart }),
    });
    let append = '';
    try {
      append = compileTemplate(e.append, `menus.${menu.name} entry ${e.id} append`).render(scope);
    } catch (err) {
      if (err instanceof PxekitError)
        problems.push(...(err.details.length > 0 ? err.details : [err.message]));
      else throw err;
    }
    return {
      kind: 'boot',
      id: e.id,
      label: e.label,
      kernel: fileRef(e.kernel),
      initrd: e.initrd.map(fileRef),
      append,
    };
  });
  if (problems.length > 0) {
    throw new PxekitError('PXEKIT_ERR_TEMPLATE', `cannot render menu ${menu.name} for ${mac}`, {
      details: problems,
    });
  }
  const ids = entries.flatMap((e) => (e.kind === 'separator' ? [] : [e.id]));
  const wanted = opts.menuDefault ?? menu.default;
  const def = wanted !== undefined && ids.includes(wanted) ? wanted : (ids[0] ?? '');
  return { title: menu.title, timeout: menu.timeout, default: def, entries };
}

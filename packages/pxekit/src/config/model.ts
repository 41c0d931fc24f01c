/**
 * The typed config model. `loadConfig` produces it from YAML; everything else in pxekit reads only this.
 * Paths in the model are absolute (resolved against the config file's folder). Durations are seconds.
 * The reference for every key is docs/config.md.
 */

export interface PxekitConfig {
  /** Absolute path of the file the config came from, or `<flags>` when built from CLI flags only. */
  readonly source: string;
  readonly server: ServerConfig;
  readonly dhcp: DhcpConfig;
  readonly tftp: TftpConfig;
  readonly http: HttpConfig;
  readonly bootLoaders: BootLoadersConfig;
  readonly profiles: ReadonlyMap<string, BootProfile>;
  readonly menus: ReadonlyMap<string, Menu>;
  readonly kickstarts: ReadonlyMap<string, KickstartConfig>;
  readonly hosts: readonly HostConfig[];
  readonly defaults: DefaultsConfig;
}

export interface ServerConfig {
  /** Interfaces to serve on; empty means "every interface" (bind to 0.0.0.0). */
  readonly interfaces: readonly string[];
  /** The address clients reach this server at: next-server, and the host part of generated URLs. */
  readonly address?: string;
  /** After binding its ports, switch to this user (and group) when running as root. */
  readonly user?: string;
  readonly group?: string;
  /** Folder for persistent state (host install state, leases). */
  readonly stateDir: string;
  /** Where boot events go as JSON lines: `-` for stdout, a file path, or absent for nowhere. */
  readonly eventLog?: string;
}

/** DHCP: `off`, `authoritative` (pxekit hands out addresses) or `proxy` (another server does). */
export type DhcpConfig = DhcpOff | DhcpAuthoritative | DhcpProxy;

export interface DhcpOff {
  readonly mode: 'off';
}

export interface DhcpAuthoritative {
  readonly mode: 'authoritative';
  readonly port: number;
  readonly subnets: readonly SubnetConfig[];
  /** Lease journal; defaults to `<stateDir>/leases.journal`. */
  readonly leaseFile: string;
}

export interface DhcpProxy {
  readonly mode: 'proxy';
  readonly port: number;
  /** The PXE boot-server port (4011) proxy clients send their second REQUEST to. */
  readonly proxyPort: number;
  /** A PXE boot menu shown by PXE ROMs before they boot (dnsmasq's `pxe-prompt` and `pxe-service`). */
  readonly pxeMenu?: PxeMenuConfig;
}

/** PXE firmware classes a PXE menu item is shown to: the profile keys for PXE ROMs. */
export type PxeMenuArch = 'bios' | 'uefiX64' | 'arm64';

/**
 * The proxyDHCP PXE boot menu (PXE 2.1 §2.4.5, options 43.8/43.9/43.10): the ROM shows the prompt, then
 * the items for its architecture, and asks this server on port 4011 for the chosen item's boot file.
 */
export interface PxeMenuConfig {
  /** Text before the menu (43.10). Default: @pxekit/dhcp's "PXE boot menu". */
  readonly prompt?: string;
  /** Seconds before the first item boots, 0–254 (0: at once); 255 waits for a key (`timeout: wait`). */
  readonly timeout?: number;
  readonly items: readonly PxeMenuItemConfig[];
}

/**
 * One item of the PXE menu: the loader a profile gives each firmware class (no file names repeated),
 * the local disk, or a file (on this or another boot server).
 */
export type PxeMenuItemConfig =
  | {
      readonly kind: 'profile';
      readonly label: string;
      readonly profile: string;
      /** Shown only to these classes; default every class the profile has a loader for. */
      readonly arch?: readonly PxeMenuArch[];
    }
  | { readonly kind: 'local'; readonly label: string; readonly arch?: readonly PxeMenuArch[] }
  | {
      readonly kind: 'file';
      readonly label: string;
      readonly file: string;
      readonly arch: readonly PxeMenuArch[];
      /** Boot server address (43.8 and `siaddr`); default this server. */
      readonly server?: string;
    };

export interface AddressRange {
  readonly start: string;
  readonly end: string;
}

/**
 * One DHCP option set by the user, by its @pxekit/dhcp registry name (`ntpServers`) or by code (`42`).
 * Checked and encoded against the registry when the config is loaded.
 */
export interface DhcpOptionSetting {
  /** The key as written. */
  readonly key: string;
  readonly code: number;
  readonly value: string | number | boolean | readonly (string | number)[];
  /** The option's encoded value bytes (without code and length). */
  readonly data: Uint8Array;
}

export interface SubnetConfig {
  readonly network: string;
  readonly prefix: number;
  readonly ranges: readonly AddressRange[];
  readonly routers: readonly string[];
  readonly dns: readonly string[];
  readonly domain?: string;
  /** Seconds. */
  readonly leaseTime: number;
  /** Seconds. */
  readonly maxLeaseTime: number;
  /** Overrides `server.address` as the TFTP server (siaddr / next-server) for this subnet. */
  readonly nextServer?: string;
  /** BOOTP clients served: by reservation (the @pxekit/dhcp default), also from the ranges, or none. */
  readonly bootp?: 'reserved' | 'dynamic' | 'off';
  /** How long a BOOTP binding lasts: seconds, or `infinite` (the @pxekit/dhcp default). */
  readonly bootpLeaseTime?: number | 'infinite';
  /** Rapid Commit (RFC 4039) for DISCOVERs carrying option 80; off unless set. */
  readonly rapidCommit?: boolean;
  readonly options: readonly DhcpOptionSetting[];
}

export interface TftpConfig {
  readonly enabled: boolean;
  /** Folder served; absent means only virtual files (menus) are served. */
  readonly root?: string;
  readonly port: number;
  readonly maxBlockSize: number;
}

export interface HttpRoot {
  /** URL prefix, starts and ends with `/`. */
  readonly prefix: string;
  readonly dir: string;
}

export interface HttpConfig {
  readonly enabled: boolean;
  readonly port: number;
  /** Address to bind; absent binds every address. */
  readonly bind?: string;
  readonly roots: readonly HttpRoot[];
}

export interface BootLoadersConfig {
  /** Extra folders searched first, before the distribution folders. */
  readonly search: readonly string[];
  /** Explicit file per loader name (`pxelinux.0`, `ipxe.efi` …), overriding discovery. */
  readonly files: ReadonlyMap<string, string>;
}

/**
 * What a client of one firmware class is handed. `file` is a path under the boot file space (TFTP root
 * or a discovered loader); the named kinds pick the usual binary.
 */
export type LoaderChoice =
  | { readonly kind: 'pxelinux' }
  | { readonly kind: 'lpxelinux' }
  | { readonly kind: 'undionly' }
  | { readonly kind: 'syslinux-efi' }
  | { readonly kind: 'ipxe-efi' }
  | { readonly kind: 'grub' }
  | { readonly kind: 'shim' }
  | { readonly kind: 'file'; readonly file: string };

export type LoaderKind = LoaderChoice['kind'];

/** How a client that already runs iPXE continues: the menu rendered as an iPXE script, or a URL. */
export type IpxeChoice = { readonly kind: 'menu' } | { readonly kind: 'url'; readonly url: string };

export interface BootProfile {
  readonly name: string;
  /** Menu shown by whatever loader the client gets. */
  readonly menu?: string;
  /** PXE arch 0 (x86 BIOS). */
  readonly bios?: LoaderChoice;
  /** PXE arch 7 and 9 (x86-64 UEFI). */
  readonly uefiX64?: LoaderChoice;
  /** PXE arch 11 (ARM64 UEFI). */
  readonly arm64?: LoaderChoice;
  /** UEFI HTTP boot clients (arch 16 x64, 19 ARM64): the URL they fetch. */
  readonly httpBoot?: string;
  /** Clients already running iPXE (user class `iPXE` or option 175). */
  readonly ipxe?: IpxeChoice;
}

export type MenuEntry = MenuBootEntry | MenuLocalEntry | MenuSeparator;

export interface MenuBootEntry {
  readonly kind: 'boot';
  readonly id: string;
  readonly label: string;
  /** Path in the boot file space, or an `http://` URL. */
  readonly kernel: string;
  readonly initrd: readonly string[];
  /** Kernel command line; may use `{{ … }}` variables (docs/config.md). */
  readonly append: string;
  /** Name of a kickstart template this entry installs with. */
  readonly kickstart?: string;
}

export interface MenuLocalEntry {
  readonly kind: 'local';
  readonly id: string;
  readonly label: string;
}

export interface MenuSeparator {
  readonly kind: 'separator';
  readonly label?: string;
}

/** The one neutral menu model; rendered per client as pxelinux, iPXE or GRUB (see render/). */
export interface Menu {
  readonly name: string;
  readonly title: string;
  /** Seconds before the default entry boots; 0 waits forever. */
  readonly timeout: number;
  /** Id of the default entry; the first bootable entry when absent. */
  readonly default?: string;
  readonly entries: readonly MenuEntry[];
}

export interface KickstartConfig {
  readonly name: string;
  /** Absolute path of the template file. */
  readonly template: string;
  /** Target release for validation, e.g. `RHEL7`, `F40` (names from @pxekit/kickstart). */
  readonly release?: string;
  /** Default template variables; a host's `vars` override them. */
  readonly vars: ReadonlyMap<string, string>;
}

export interface HostConfig {
  readonly mac: string;
  readonly name?: string;
  /** A reservation: this address is always handed to this MAC (authoritative mode). */
  readonly address?: string;
  readonly profile?: string;
  /** Menu entry id this host boots by default (overrides the menu's default). */
  readonly menuDefault?: string;
  readonly vars: ReadonlyMap<string, string>;
}

export interface DefaultsConfig {
  /** Profile for hosts without one; `default` when such a profile exists. */
  readonly profile?: string;
  /** What to do with clients not listed in `hosts`: boot them with the default profile, or ignore them. */
  readonly unknownHosts: 'boot' | 'ignore';
}

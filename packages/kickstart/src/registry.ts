/**
 * The kickstart command registry: every command, option and section pykickstart knows for RHEL 6–10
 * and Fedora up to F45 (DEVEL): option kinds, choices, aliases, arity, required and exclusive
 * options, and the rules pykickstart applies per command.
 *
 * Lifecycles (`[since, deprecated, removed]` per family) come from two places: the lives written here
 * (from research/kickstart-grammar.md; `// checked` marks facts the notes verified), and
 * `registry-life.ts`, measured from pykickstart 3.74's own handlers by scripts/registry-oracle.py,
 * which overrides them for every command and option it knows.
 *
 * What "deprecated" does (pykickstart): the command or option is accepted with a warning and ignored.
 * What "removed" does: a removed command is an error ("X has been removed"); a removed option is no
 * longer registered, so argparse reports it as unrecognized. `warns` marks the softer "will be
 * deprecated" warnings, where the value is still applied.
 */
import { COMMAND_LIFE, OPTION_LIFE } from './registry-life.js';
import type { Availability, CommandSpec, OptionKind, OptionSpec, SectionSpec } from './registry-types.js';

type Extra = Omit<Partial<OptionSpec>, 'name' | 'kind'>;
const opt =
  (kind: OptionKind) =>
  (name: string, extra: Extra = {}): OptionSpec =>
    Object.freeze({ name, kind, ...extra });
const flag = opt('flag');
const str = opt('string');
const int = opt('int');
const list = opt('list');
const bool = opt('bool');
const choice = (name: string, choices: readonly string[], extra: Extra = {}): OptionSpec =>
  Object.freeze({ name, kind: 'choice', choices, ...extra });

/** Availability shorthand: `both([rhelSince, dep, rem], [fedoraSince, dep, rem])`, `null` = never. */
const both = (
  r: readonly [number, (number | null)?, (number | null)?] | null,
  f: readonly [number, (number | null)?, (number | null)?] | null,
): Availability => {
  const a: {
    rhel?: readonly [number, (number | null)?, (number | null)?];
    fedora?: readonly [number, (number | null)?, (number | null)?];
  } = {};
  if (r) a.rhel = r;
  if (f) a.fedora = f;
  return a;
};

/** LUKS options shared by autopart, part, logvol and raid. */
const LUKS: readonly OptionSpec[] = [
  flag('--encrypted'),
  str('--passphrase'),
  str('--escrowcert'),
  flag('--backuppassphrase'),
  str('--cipher'),
  str('--luks-version', { life: both([8], [29]) }),
  str('--pbkdf', { life: both([8], [29]) }),
  int('--pbkdf-memory', { life: both([8], [29]) }),
  int('--pbkdf-time', { life: both([8], [29]) }),
  int('--pbkdf-iterations', { life: both([8], [29]) }),
];

const SSL: readonly OptionSpec[] = [
  flag('--noverifyssl'),
  str('--sslcacert', { life: both([9], [33]) }),
  str('--sslclientcert', { life: both([9], [33]) }),
  str('--sslclientkey', { life: both([9], [33]) }),
];

/** Options every disk-device command shares (`part`, `logvol`, `raid`). */
const FS: readonly OptionSpec[] = [
  str('--fstype'),
  str('--label'),
  str('--fsoptions'),
  str('--fsprofile'),
  str('--mkfsoptions', { life: both([8], [31]) }),
  flag('--noformat'),
];

const DISPLAY_MODE: readonly OptionSpec[] = [flag('--non-interactive', { life: both([8], [26]) })];
const POWER: readonly OptionSpec[] = [flag('--eject'), flag('--kexec', { life: both([8], [23]) })];

const cmd = (spec: CommandSpec): CommandSpec => Object.freeze(spec);

/** RAID levels pykickstart accepts for btrfs `--data` / `--metadata` (any case). */
const BTRFS_LEVELS: readonly string[] = ['raid0', '0', 'raid1', '1', 'raid10', '10', 'single'];

/** Every command we know, in alphabetical order (lives before the measured facts are applied). */
const BASE_COMMANDS: readonly CommandSpec[] = Object.freeze([
  cmd({
    name: 'auth',
    object: 'auth',
    freeform: true,
    warns: { rhel: 8, fedora: 28, use: 'authselect' },
    // checked: warns from RHEL8 / F28 (use authselect) but is still applied; removed RHEL10 and F35
    life: both([6, 8, 10], [1, 28, 35]),
    options: [],
    help: 'authconfig arguments, passed through to authconfig',
  }),
  cmd({
    name: 'authconfig',
    object: 'auth',
    freeform: true,
    warns: { rhel: 8, fedora: 28, use: 'authselect' },
    life: both([6, 8, 10], [1, 28, 35]), // checked
    options: [],
  }),
  cmd({ name: 'authselect', freeform: true, life: both([8], [28]), options: [] }), // checked
  cmd({
    name: 'autopart',
    options: [
      choice('--type', ['lvm', 'plain', 'partition', 'thinp', 'btrfs'], { ignoreCase: true }),
      flag('--nolvm'),
      str('--fstype', { life: both([7], [21]) }),
      flag('--nohome', { life: both([7], [26]) }),
      flag('--noboot', { life: both([8], [26]) }),
      flag('--noswap', { life: both([8], [26]) }),
      flag('--hibernation', { life: both([10], [41]) }),
      ...LUKS,
      str('--hw-passphrase', { life: both(null, [41]) }),
    ],
    lastWins: [['--type', '--nolvm']],
  }),
  cmd({ name: 'autostep', life: both([6, 9, 10], [1, 34, 40]), options: [flag('--autoscreenshot')] }), // checked
  cmd({
    name: 'bootc',
    life: both([10], [43]), // checked
    source: true,
    required: ['--source-imgref'],
    options: [
      str('--source-imgref'),
      str('--stateroot'),
      str('--target-imgref'),
      str('--bootloader'),
      flag('--composefs'),
    ],
  }),
  cmd({
    name: 'bootloader',
    options: [
      choice('--location', ['mbr', 'partition', 'none', 'boot']),
      str('--append'),
      str('--password'),
      flag('--iscrypted'),
      str('--md5pass'),
      list('--driveorder'),
      str('--boot-drive', { life: both([7], [19]) }),
      int('--timeout'),
      str('--default'),
      flag('--leavebootorder', { life: both([7], [18]) }),
      flag('--nombr', { life: both([8], [29]) }),
      flag('--disabled', { life: both([7], [19]) }),
      flag('--lba32'),
      flag('--extlinux', { life: both([7], [19]) }),
      flag('--sdboot', { life: both(null, [39]) }),
      flag('--upgrade', { life: both([6, 8], [1, 29]) }), // checked: deprecated RHEL8
    ],
    exclusive: [['--extlinux', '--sdboot']],
  }),
  cmd({
    name: 'btrfs',
    multi: true,
    life: both([7, 8, 10], [17]), // checked
    args: [1, Infinity],
    argName: 'mntpoint and members',
    options: [
      flag('--noformat'),
      flag('--useexisting'),
      str('--label'),
      flag('--subvol'),
      str('--name'),
      str('--parent'),
      choice('--data', BTRFS_LEVELS, { ignoreCase: true }),
      choice('--metadata', BTRFS_LEVELS, { ignoreCase: true }),
      str('--mkfsoptions', { life: both([8], [31]) }),
    ],
  }),
  cmd({ name: 'cdrom', source: true, options: [] }),
  cmd({
    name: 'clearpart',
    options: [
      flag('--all'),
      flag('--linux'),
      flag('--none'),
      list('--list'),
      list('--drives'),
      flag('--initlabel'),
      str('--disklabel', { life: both([7], [21]) }),
      flag('--cdl', { life: both(null, [37]) }),
    ],
    lastWins: [['--all', '--linux', '--none', '--list']],
  }),
  cmd({ name: 'cmdline', object: 'displaymode', options: DISPLAY_MODE }),
  cmd({
    name: 'device',
    multi: true,
    life: both([6, 8, 9], [1, 24, 34]), // checked
    args: [1, 1],
    argName: 'module name',
    options: [str('--opts')],
  }),
  cmd({ name: 'deviceprobe', life: both([6, 8, 9], [1, 29, 34]), args: [0, Infinity], options: [] }), // checked
  cmd({
    name: 'dmraid',
    multi: true,
    required: ['--name', '--dev'],
    life: both([6, 8, 9], [1, 24, 34]), // checked
    options: [str('--name'), str('--dev', { append: true })],
  }),
  cmd({
    name: 'driverdisk',
    multi: true,
    args: [0, 1],
    argName: 'partition',
    requireOneOf: ['--source', '--biospart'],
    requireOneOfOrArgs: true,
    options: [str('--source'), str('--biospart'), str('--type', { life: both([6, null, 7], [1, null, 14]) })],
  }),
  cmd({
    name: 'eula',
    life: both([7], [20]),
    required: ['--agreed'],
    options: [flag('--agreed', { aliases: ['--agree', '--accepted', '--accept'] })],
  }),
  cmd({
    name: 'fcoe',
    multi: true,
    required: ['--nic'],
    options: [str('--nic'), flag('--dcb'), flag('--autovlan', { life: both([7], [17]) })],
  }),
  cmd({
    name: 'firewall',
    options: [
      flag('--enabled', { aliases: ['--enable'] }),
      flag('--disabled', { aliases: ['--disable'] }),
      list('--service', { append: true }),
      str('--port', { append: true }),
      str('--trust', { append: true }),
      list('--remove-service', { append: true, life: both([7], [20]) }),
      flag('--use-system-defaults', { life: both([8], [28]) }),
      flag('--ssh'),
      flag('--smtp'),
      flag('--http'),
      flag('--ftp'),
      str('--telnet', { life: both([6, 6, 7], [1, 13, 17]) }),
    ],
    lastWins: [['--enabled', '--disabled', '--use-system-defaults']],
  }),
  cmd({
    name: 'firstboot',
    options: [
      flag('--enable', { aliases: ['--enabled'] }),
      flag('--disable', { aliases: ['--disabled'] }),
      flag('--reconfig'),
    ],
    lastWins: [['--enable', '--disable', '--reconfig']],
  }),
  cmd({ name: 'graphical', object: 'displaymode', options: DISPLAY_MODE }),
  cmd({
    name: 'group',
    multi: true,
    life: both([7], [19]),
    required: ['--name'],
    options: [str('--name'), int('--gid')],
  }),
  cmd({ name: 'halt', object: 'poweraction', options: POWER }),
  cmd({
    name: 'harddrive',
    source: true,
    required: ['--dir'],
    requireOneOf: ['--partition', '--biospart'],
    options: [str('--partition'), str('--biospart'), str('--dir')],
  }),
  cmd({ name: 'hmc', source: true, life: both([7], [28]), options: [] }),
  cmd({
    name: 'ignoredisk',
    requireOneOf: ['--drives', '--only-use', '--interactive'],
    options: [
      list('--drives'),
      list('--only-use'),
      flag('--interactive', { life: both([6, null, 8], [1, null, 29]) }),
    ],
    exclusive: [['--drives', '--only-use', '--interactive']],
  }),
  cmd({
    name: 'install',
    object: 'upgrade',
    life: both([6, 8, 9], [1, 29, 34]), // checked
    options: [str('--root-device')],
  }),
  cmd({ name: 'interactive', life: both([6, null, 7], [1, 14, 15]), options: [] }), // checked
  cmd({
    name: 'iscsi',
    multi: true,
    required: ['--ipaddr'],
    options: [
      str('--target'),
      str('--ipaddr'),
      int('--port'),
      str('--user'),
      str('--password'),
      str('--reverse-user'),
      str('--reverse-password'),
      str('--iface'),
    ],
  }),
  cmd({ name: 'iscsiname', args: [1, 1], argName: 'iqn', options: [] }),
  cmd({ name: 'key', life: both([6, null, 7], null), args: [0, 1], options: [flag('--skip')] }), // checked: RHEL6 only
  cmd({
    name: 'keyboard',
    args: [0, 1],
    argName: 'layout',
    requireOneOf: ['--vckeymap', '--xlayouts'],
    requireOneOfOrArgs: true,
    options: [
      str('--vckeymap', { life: both([7], [18]) }),
      list('--xlayouts', { life: both([7], [18]) }),
      list('--switch', { life: both([7], [18]) }),
    ],
  }),
  cmd({
    name: 'lang',
    args: [1, 1],
    argName: 'locale',
    options: [list('--addsupport', { life: both([7], [19]) })],
  }),
  cmd({
    name: 'liveimg',
    source: true,
    life: both([7], [19]),
    required: ['--url'],
    options: [str('--url'), str('--proxy'), flag('--noverifyssl'), str('--checksum')],
  }),
  cmd({
    name: 'logging',
    options: [
      str('--host'),
      str('--port'),
      choice('--level', ['debug', 'info', 'warning', 'error', 'critical'], {
        life: both([6, 9, 10], [1, 36, 40]),
      }), // checked: deprecated RHEL9
    ],
  }),
  cmd({
    name: 'logvol',
    multi: true,
    args: [1, 1],
    argName: 'mntpoint',
    required: ['--vgname', '--name'],
    options: [
      str('--vgname'),
      str('--name'),
      int('--size'),
      flag('--grow'),
      int('--maxsize'),
      flag('--recommended'),
      int('--percent'),
      flag('--resize', { life: both([6], [13]) }),
      flag('--hibernation', { life: both([7], [20]) }),
      flag('--thinpool', { life: both([7], [17]) }),
      flag('--thin', { life: both([7], [17]) }),
      str('--poolname', { life: both([7], [17]) }),
      int('--chunksize', { life: both([7], [17]) }),
      int('--metadatasize', { life: both([7], [17]) }),
      int('--cachesize', { life: both([7], [23]) }),
      choice('--cachemode', ['writeback', 'writethrough'], { life: both([7], [23]) }),
      list('--cachepvs', { life: both([7], [23]) }),
      str('--bytes-per-inode', { life: both([6, 6, 7], [1, 9, 13]) }),
      str('--profile'),
      flag('--useexisting'),
      ...FS,
      ...LUKS,
    ],
  }),
  cmd({ name: 'mediacheck', options: [] }),
  cmd({
    name: 'method',
    life: both([6, 9, 10], [1, 34, 40]), // checked
    source: true,
    options: [str('--url'), str('--mirrorlist'), str('--metalink'), str('--proxy'), ...SSL],
  }),
  cmd({
    name: 'module',
    multi: true,
    life: both([8, 10], [29, 41, 45]), // checked
    required: ['--name'],
    options: [str('--name'), str('--stream'), flag('--disable', { life: both([8], [32]) })],
  }),
  cmd({
    name: 'monitor',
    life: both([6, 6, 7], [1, 10, 18]),
    options: [str('--hsync'), str('--monitor'), flag('--noprobe'), str('--vsync')],
  }), // checked
  cmd({
    name: 'mount',
    multi: true,
    life: both([8], [27]),
    args: [2, 2],
    argName: 'device and mountpoint',
    options: [
      str('--reformat', { optionalValue: true }),
      str('--mkfsoptions', { life: both([8], [27]) }),
      str('--mountoptions'),
    ],
  }),
  cmd({
    name: 'multipath',
    multi: true,
    required: ['--name', '--device', '--rule'],
    life: both([6, 8, 9], [1, 24, 34]), // checked
    options: [str('--name'), str('--device'), str('--rule')],
  }),
  cmd({
    name: 'network',
    multi: true,
    options: [
      choice('--bootproto', ['dhcp', 'bootp', 'static', 'query', 'ibft']),
      str('--device'),
      str('--ip'),
      str('--netmask'),
      str('--gateway'),
      // A plain string in pykickstart (it splits the servers itself), not a comma list.
      str('--nameserver'),
      str('--hostname'),
      str('--ipv6'),
      str('--ipv6gateway', { life: both([7], [18]) }),
      flag('--noipv4'),
      flag('--noipv6'),
      flag('--nodefroute'),
      flag('--nodns'),
      str('--mtu'),
      bool('--onboot'),
      flag('--activate'),
      flag('--no-activate', { life: both([8], [31]) }),
      str('--ethtool'),
      str('--essid'),
      str('--wepkey', { life: both([6, null, 8], [1, null, 29]) }),
      str('--wpakey'),
      str('--dhcpclass'),
      str('--bondslaves'),
      str('--bondopts'),
      str('--vlanid'),
      str('--interfacename', { life: both([7], [20]) }),
      str('--bridgeslaves', { life: both([7], [22]) }),
      str('--bridgeopts', { life: both([7], [22]) }),
      str('--teamslaves', { life: both([7, 10], [20]) }), // checked: deprecated RHEL10
      str('--teamconfig', { life: both([7, 10], [20]) }), // checked: deprecated RHEL10
      choice('--bindto', ['mac'], { life: both([8], [25]) }),
      str('--ipv4-dns-search', { life: both([9], [36]) }),
      str('--ipv6-dns-search', { life: both([9], [36]) }),
      flag('--ipv4-ignore-auto-dns', { life: both([9], [36]) }),
      flag('--ipv6-ignore-auto-dns', { life: both([9], [36]) }),
      flag('--notksdevice'),
    ],
  }),
  cmd({
    name: 'nfs',
    source: true,
    required: ['--server', '--dir'],
    options: [str('--server'), str('--dir'), str('--opts')],
  }),
  cmd({
    name: 'nvdimm',
    multi: true,
    life: both([7, null, 10], [28, 40, 45]), // checked
    args: [1, 1],
    argName: 'action',
    options: [str('--namespace'), choice('--mode', ['sector']), int('--sectorsize'), list('--blockdevs')],
  }),
  cmd({
    name: 'ostreecontainer',
    source: true,
    life: both([9], [38]), // checked
    required: ['--url'],
    options: [
      str('--stateroot'),
      str('--url'),
      str('--transport'),
      str('--remote'),
      flag('--no-signature-verification'),
    ],
  }),
  cmd({
    name: 'ostreesetup',
    source: true,
    life: both([7], [21]), // checked
    required: ['--osname', '--url', '--ref'],
    options: [str('--osname'), str('--remote'), str('--url'), str('--ref'), flag('--nogpg')],
  }),
  cmd({
    name: 'part',
    object: 'partition',
    multi: true,
    args: [1, 1],
    argName: 'mntpoint',
    options: [
      int('--size'),
      flag('--grow'),
      int('--maxsize'),
      flag('--recommended'),
      str('--ondisk', { aliases: ['--ondrive'] }),
      str('--onpart', { aliases: ['--usepart'] }),
      flag('--asprimary'),
      flag('--resize', { life: both([6], [13]) }),
      flag('--hibernation', { life: both([7], [20]) }),
      str('--onbiosdisk'),
      str('--start', { life: both([6, null, 7], [1, null, 23]) }),
      str('--end', { life: both([6, null, 7], [1, null, 23]) }),
      flag('--active', { life: both([6, null, 8], [1, null, 20]) }), // checked: gone after RHEL7
      str('--bytes-per-inode', { life: both([6, 6, 7], [1, 9, 13]) }),
      str('--hw-passphrase', { life: both(null, [41]) }),
      str('--type', { dest: '--fstype' }),
      ...FS,
      ...LUKS,
    ],
  }),
  cmd({
    name: 'partition',
    object: 'partition',
    multi: true,
    args: [1, 1],
    argName: 'mntpoint',
    options: [],
  }),
  cmd({ name: 'poweroff', object: 'poweraction', options: POWER }),
  cmd({
    name: 'raid',
    multi: true,
    args: [1, Infinity],
    argName: 'mntpoint and members',
    required: ['--device'],
    options: [
      str('--device'),
      choice(
        '--level',
        ['RAID0', 'RAID1', 'RAID4', 'RAID5', 'RAID6', 'RAID10', '0', '1', '4', '5', '6', '10'],
        {
          ignoreCase: true,
        },
      ),
      int('--spares'),
      int('--chunksize', { life: both([7], [19]) }),
      str('--bytes-per-inode'),
      ...FS,
      flag('--useexisting'),
      ...LUKS,
    ],
  }),
  cmd({ name: 'rdp', life: both([10], [43]), options: [str('--username'), str('--password')] }), // checked
  cmd({ name: 'realm', multi: true, life: both([7], [19]), freeform: true, options: [] }),
  cmd({ name: 'reboot', object: 'poweraction', options: POWER }),
  cmd({
    name: 'repo',
    multi: true,
    required: ['--name'],
    requireOneOf: ['--baseurl', '--mirrorlist', '--metalink'],
    requireOneOfIsSoft: true,
    options: [
      str('--name'),
      str('--baseurl'),
      str('--mirrorlist'),
      str('--metalink', { life: both([8], [27]) }),
      int('--cost'),
      list('--includepkgs'),
      list('--excludepkgs'),
      str('--proxy'),
      bool('--ignoregroups', { life: both([7, 9, 10], [21, 36, 40]) }), // checked: deprecated RHEL9, removed F40
      flag('--install', { life: both([7], [21]) }),
      ...SSL,
    ],
    exclusive: [['--baseurl', '--mirrorlist', '--metalink']],
  }),
  cmd({ name: 'reqpart', life: both([7], [23]), options: [flag('--add-boot')] }), // checked
  cmd({
    name: 'rescue',
    life: both([6], [10]),
    options: [flag('--nomount'), flag('--romount')],
    exclusive: [['--nomount', '--romount']],
  }),
  cmd({
    name: 'rhsm',
    life: both([8], null), // checked: RHEL only
    required: ['--organization', '--activation-key'],
    options: [
      str('--organization'),
      str('--activation-key', { append: true }),
      flag('--connect-to-insights'),
      str('--server-hostname'),
      str('--rhsm-baseurl'),
      str('--flatpak-registry-url'),
      str('--proxy'),
    ],
  }),
  cmd({
    name: 'rootpw',
    args: [0, 1],
    argName: 'password',
    options: [
      flag('--iscrypted'),
      flag('--plaintext'),
      flag('--lock'),
      flag('--allow-ssh', { life: both([9], [37]) }),
    ],
    lastWins: [['--iscrypted', '--plaintext']],
  }),
  cmd({
    name: 'selinux',
    options: [flag('--enforcing'), flag('--permissive'), flag('--disabled')],
    lastWins: [['--enforcing', '--permissive', '--disabled']],
  }),
  cmd({
    name: 'services',
    requireOneOf: ['--enabled', '--disabled'],
    options: [list('--enabled'), list('--disabled')],
  }),
  cmd({ name: 'shutdown', object: 'poweraction', options: POWER }),
  cmd({ name: 'skipx', options: [] }),
  cmd({
    name: 'snapshot',
    multi: true,
    life: both([7], [26]), // checked
    args: [1, 1],
    argName: 'vg/lv',
    required: ['--name', '--when'],
    options: [str('--name'), choice('--when', ['pre-install', 'post-install'])],
  }),
  cmd({
    name: 'sshkey',
    multi: true,
    life: both([8], [22]), // checked
    args: [1, 1],
    argName: 'key',
    required: ['--username'],
    options: [str('--username')],
  }),
  cmd({
    name: 'sshpw',
    multi: true,
    args: [1, 1],
    argName: 'password',
    required: ['--username'],
    options: [
      str('--username'),
      flag('--iscrypted'),
      flag('--plaintext'),
      flag('--lock'),
      flag('--sshkey', { life: both([7], [24]) }),
    ],
    lastWins: [['--iscrypted', '--plaintext']],
  }),
  cmd({
    name: 'syspurpose',
    life: both([8], null), // checked: RHEL only
    options: [str('--role'), str('--sla'), str('--usage'), str('--addon', { append: true })],
  }),
  cmd({ name: 'text', object: 'displaymode', options: DISPLAY_MODE }),
  cmd({
    name: 'timesource',
    multi: true,
    life: both([9], [33]), // checked
    requireOneOf: ['--ntp-server', '--ntp-pool', '--ntp-disable'],
    options: [str('--ntp-server'), str('--ntp-pool'), flag('--ntp-disable'), flag('--nts')],
    exclusive: [['--ntp-server', '--ntp-pool', '--ntp-disable']],
  }),
  cmd({
    name: 'timezone',
    args: [0, 1],
    argName: 'timezone',
    requireOneOf: ['--utc', '--nontp', '--ntpservers'],
    exclusive: [['--nontp', '--ntpservers']],
    requireOneOfOrArgs: true,
    options: [
      flag('--utc'),
      // `--isUtc` sets the same value as `--utc`; the spelling is deprecated. checked: removed RHEL10.
      flag('--isUtc', { dest: '--utc', warns: { rhel: 9, fedora: 32, use: '--utc' } }),
      flag('--nontp', { warns: { rhel: 9, fedora: 33, use: 'timesource --ntp-disable' } }), // checked: removed RHEL10
      list('--ntpservers', { warns: { rhel: 9, fedora: 33, use: 'timesource --ntp-server' } }), // checked: removed RHEL10
    ],
  }),
  cmd({ name: 'unsupported_hardware', life: both([6, null, 8], null), options: [] }), // checked: RHEL6–7 only
  cmd({ name: 'updates', args: [0, 1], argName: 'url', options: [] }),
  cmd({
    name: 'upgrade',
    object: 'upgrade',
    life: both([6, 7, 8], [1, 20, 29]),
    options: [str('--root-device')],
  }), // checked
  cmd({
    name: 'url',
    source: true,
    requireOneOf: ['--url', '--mirrorlist', '--metalink'],
    options: [
      str('--url'),
      str('--mirrorlist', { life: both([7], [14]) }),
      str('--metalink', { life: both([8], [27]) }),
      str('--proxy'),
      ...SSL,
    ],
    exclusive: [['--url', '--mirrorlist', '--metalink']],
  }),
  cmd({
    name: 'user',
    multi: true,
    required: ['--name'],
    options: [
      str('--name'),
      str('--password'),
      flag('--iscrypted'),
      flag('--plaintext'),
      flag('--lock'),
      list('--groups'),
      str('--homedir'),
      str('--shell'),
      int('--uid'),
      int('--gid', { life: both([7], [19]) }),
      str('--gecos', { life: both([7], [19]) }),
    ],
    lastWins: [['--iscrypted', '--plaintext']],
  }),
  cmd({
    name: 'vnc',
    life: both([6, 10], [1, 43, 45]), // checked
    options: [str('--host'), str('--port'), str('--password')],
  }),
  cmd({
    name: 'volgroup',
    multi: true,
    args: [1, Infinity],
    argName: 'vgname and members',
    options: [
      int('--pesize'),
      flag('--noformat'),
      flag('--useexisting'),
      int('--reserved-space', { life: both([7], [16]) }),
      int('--reserved-percent', { life: both([7], [16]) }),
    ],
  }),
  cmd({
    name: 'xconfig',
    options: [
      flag('--startxonboot'),
      str('--defaultdesktop'),
      str('--driver', { life: both([6, 6, 7], [1, 10, 14]) }),
      str('--depth', { life: both([6, 6, 7], [1, 10, 14]) }),
      str('--resolution', { life: both([6, 6, 7], [1, 10, 14]) }),
      str('--videoram', { life: both([6, 6, 7], [1, 10, 14]) }),
    ],
  }),
  // `zerombr yes` (RHEL 5 style) is rejected from F9 / RHEL 6 on: "unrecognized arguments".
  cmd({ name: 'zerombr', options: [] }),
  cmd({
    name: 'zfcp',
    multi: true,
    required: ['--devnum'],
    options: [
      str('--devnum'),
      str('--wwpn'),
      str('--fcplun'),
      str('--scsiid', { life: both([6, null, 7], [1, null, 12]) }),
      str('--scsilun', { life: both([6, null, 7], [1, null, 12]) }),
    ],
  }),
  cmd({
    name: 'zipl',
    life: both([8], [32]),
    options: [flag('--secure-boot'), flag('--no-secure-boot'), flag('--force-secure-boot')],
    lastWins: [['--secure-boot', '--no-secure-boot', '--force-secure-boot']],
  }),
]);

const SCRIPT_OPTIONS: readonly OptionSpec[] = [
  str('--interpreter'),
  str('--logfile', { aliases: ['--log'] }),
  flag('--erroronfail'),
];

/** Every section tag pykickstart registers. `%end` closes all of them (mandatory from RHEL 6 / F8). */
const BASE_SECTIONS: readonly SectionSpec[] = Object.freeze([
  { name: '%pre', options: SCRIPT_OPTIONS, body: 'script' },
  { name: '%pre-install', options: SCRIPT_OPTIONS, body: 'script', life: both([7], [20]) },
  { name: '%post', options: [...SCRIPT_OPTIONS, flag('--nochroot')], body: 'script' },
  { name: '%onerror', options: SCRIPT_OPTIONS, body: 'script', life: both([7], [19]) },
  { name: '%traceback', options: SCRIPT_OPTIONS, body: 'script', life: both([6, 9], [1, 34]) }, // checked: deprecated F34
  {
    name: '%packages',
    body: 'packages',
    options: [
      flag('--excludedocs'),
      flag('--ignoremissing'),
      flag('--default'),
      flag('--nobase', { life: both([6, 7, 8], [1, 18, 22]) }), // checked
      flag('--nocore', { life: both([6], [21]) }), // RHEL6 got it in a point release
      str('--instLangs', { dest: '--inst-langs', warns: { rhel: 9, fedora: 32, use: '--inst-langs' } }), // checked: removed RHEL10
      str('--inst-langs', { life: both([9], [32]) }), // checked
      flag('--multilib', { life: both([7], [18]) }), // checked
      flag('--excludeWeakdeps', {
        dest: '--exclude-weakdeps',
        warns: { rhel: 9, fedora: 32, use: '--exclude-weakdeps' },
      }), // checked: removed RHEL10
      flag('--exclude-weakdeps', { life: both([9], [32]) }), // checked
      int('--timeout', { life: both([7], [22]) }), // checked
      int('--retries', { life: both([7], [22]) }), // checked
      flag('--ignorebroken', { life: both(null, [32]) }), // checked: not on RHEL
      flag('--ignoredeps', { life: both(null, [4, 4, 9]) }),
      flag('--resolvedeps', { life: both(null, [4, 4, 9]) }),
    ],
    exclusive: [
      ['--default', '--nobase'],
      ['--default', '--nocore'],
    ],
  },
  {
    name: '%certificate',
    body: 'opaque',
    life: both([10], [42]),
    options: [str('--filename'), str('--dir'), choice('--type', ['anchor'], { life: both(null, [45]) })],
  },
  // Addon arguments belong to the addon (Anaconda passes them on); pykickstart only stores them.
  { name: '%addon', body: 'opaque', args: [1, Infinity], options: [], passThrough: true },
  { name: '%anaconda', body: 'opaque', options: [], passThrough: true },
] satisfies SectionSpec[]);

/**
 * Applies the lives measured from pykickstart's handlers (registry-life.ts) over the hand-written ones:
 * a command's own life, and each option's life keyed `"command --option"` (aliases share the
 * canonical option's entry). Section lives stay hand-written: pykickstart registers every section in
 * every version, while ours say which Anaconda release runs them.
 */
function withFacts<
  T extends { readonly name: string; readonly options: readonly OptionSpec[]; readonly life?: Availability },
>(spec: T, own: boolean): T {
  const life = own ? (COMMAND_LIFE[spec.name] ?? spec.life) : spec.life;
  const options = spec.options.map((o) => {
    const measured = OPTION_LIFE[`${spec.name} ${o.name}`];
    return Object.freeze(measured ? { ...o, life: measured } : o);
  });
  return Object.freeze(life ? { ...spec, life, options } : { ...spec, options });
}

/** Every command we know, in alphabetical order. */
export const COMMANDS: readonly CommandSpec[] = Object.freeze(BASE_COMMANDS.map((c) => withFacts(c, true)));

/** Every section tag pykickstart registers. */
export const SECTIONS: readonly SectionSpec[] = Object.freeze(BASE_SECTIONS.map((c) => withFacts(c, false)));

/** Commands that cannot appear together (pykickstart `conflictingCommands`, checked at dispatch). */
export const CONFLICTS: readonly (readonly [string, readonly string[]])[] = Object.freeze([
  ['autopart', ['part', 'partition', 'raid', 'volgroup', 'logvol', 'reqpart', 'mount', 'btrfs']],
  ['mount', ['autopart', 'part', 'partition', 'raid', 'volgroup', 'logvol', 'reqpart', 'btrfs']],
  ['ostreesetup', ['ostreecontainer', 'bootc']],
  ['ostreecontainer', ['ostreesetup', 'bootc']],
  ['bootc', ['ostreesetup', 'ostreecontainer']],
] as const);

const COMMAND_MAP: ReadonlyMap<string, CommandSpec> = new Map(COMMANDS.map((c) => [c.name, c]));
const SECTION_MAP: ReadonlyMap<string, SectionSpec> = new Map(SECTIONS.map((s) => [s.name, s]));

/** Looks a command up by its exact (case-sensitive) name. */
export function getCommand(name: string): CommandSpec | undefined {
  return name === 'partition' ? PARTITION : COMMAND_MAP.get(name);
}

/** `partition` is the same command as `part` (same object, same options). */
const PARTITION: CommandSpec = withFacts(
  { ...BASE_COMMANDS.find((c) => c.name === 'part')!, name: 'partition' },
  true,
);

/** Looks a section up by its tag with the percent sign (`%post`). */
export function getSection(name: string): SectionSpec | undefined {
  return SECTION_MAP.get(name);
}

/** The singleton object a command writes to (shared by aliases such as `text`/`graphical`). */
export function commandObject(spec: CommandSpec): string {
  return spec.object ?? spec.name;
}

/**
 * @pxekit/pxelinux — SYSLINUX/PXELINUX config: lossless parser and writer, semantic menu model,
 * editor, builder, include loading, boot resolution, config-file lookup and lint.
 */
export {
  atoi,
  byteLength,
  isKeywordEnd,
  isSkipSpace,
  strtoul,
  type TextEncoding,
} from './chars.js';
export {
  type ConfigDocument,
  type ConfigLine,
  columnOf,
  format,
  formatBytes,
  type LineEnding,
  type LineKind,
  lineKeywordText,
  lineValue,
  PXELINUX_MAX_LINE,
  type ParseOptions,
  parse,
  parseBytes,
  reparse,
} from './cst.js';
export {
  ParseError,
  PXELINUX_ERROR_CODES,
  PxelinuxError,
  type PxelinuxErrorCode,
  type PxelinuxErrorOptions,
} from './errors.js';
export {
  type ArgKind,
  DIRECTIVES,
  type DirectiveInfo,
  type DirectiveScope,
  directiveInfo,
  KERNEL_TYPES,
  type KernelType,
  MENU_COLOR_ELEMENTS,
  MENU_LAYOUT_DEFAULTS,
  MENU_SUBCOMMANDS,
  type ReadBy,
  SYSAPPEND_NAMES,
  TOP_KEYWORDS,
} from './keywords.js';
export {
  type BuildModelOptions,
  buildModel,
  type ColorOverride,
  type ConfigModel,
  type EntryAction,
  entryCommandLine,
  type FKeyBinding,
  findLabelEntry,
  firstWord,
  type GlobalsModel,
  type IncludeEvent,
  type IncludeReader,
  type IncludeStatus,
  isKnownKeyName,
  mangleSysappend,
  type MenuEntryModel,
  type MenuModel,
  parseArgb,
  type Reader,
  type SerialSetting,
  type SourceRef,
  type SysappendStrings,
  stripCaret,
} from './model.js';
export {
  bootifName,
  type ClientFacts,
  type ConfigLookupFacts,
  configFileCandidates,
  ipv4ToNumber,
  macBytes,
  pathPrefix,
  sysappendStrings,
  validUuid,
} from './facts.js';
export {
  type BootOutcome,
  type BootResolution,
  IMAGE_EXTENSIONS,
  type ImageType,
  inferImageType,
  initrdFromCmdline,
  type ResolveOptions,
  resolveBoot,
} from './resolve.js';
export {
  buildConfig,
  type ConfigSpec,
  type EntrySpec,
  type LabelSpec,
  type MenuSpec,
  renderLabel,
  type SeparatorSpec,
  type SubmenuSpec,
} from './build.js';
export {
  addLabel,
  labelSpans,
  removeLabel,
  renameLabel,
  setGlobal,
  setLabelDirective,
  toText,
} from './edit.js';
export { DEFAULT_STYLE, detectStyle, type WriteStyle } from './style.js';
export {
  type Finding,
  findPlaceholder,
  LINT_CODES,
  type LintCode,
  type LintOptions,
  lint,
  type Severity,
} from './lint.js';
export { type LoadedConfigTree, type LoadIncludesOptions, loadIncludes } from './include.js';

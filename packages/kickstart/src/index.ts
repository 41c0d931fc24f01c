/**
 * @pxekit/kickstart — Anaconda kickstart: lossless parser/formatter, versioned command registry,
 * validation, semantic model, editing API, builder, `%include`/`%ksappend` resolution and flatten.
 */
export {
  type ArgProblem,
  commaSplit,
  isPythonInt,
  ksBoolean,
  type ParsedArgs,
  type ParsedOption,
  parseArgs,
} from './args.js';
export {
  buildKickstart,
  type CommandInput,
  formatCommand,
  formatOptions,
  formatSectionHeader,
  type KickstartInput,
  type PackagesInput,
  type ScriptInput,
} from './build.js';
export {
  type BlankNode,
  type BodyLineNode,
  type CommandNode,
  type CommentNode,
  detectEol,
  formatKickstart,
  type IncludeNode,
  type KickstartDocument,
  type KsappendNode,
  type KsNode,
  parseKickstart,
  type SectionItem,
  type SectionNode,
  type StrayEndNode,
  walkNodes,
  type Words,
} from './cst.js';
export {
  addCommand,
  addPackageItems,
  addScript,
  type EditOptions,
  removeCommands,
  removePackageItems,
  setCommand,
  setOption,
} from './edit.js';
export { type Finding, KickstartError, type KickstartErrorCode, type Severity } from './errors.js';
export {
  DEFAULT_MAX_INCLUDE_DEPTH,
  DEFAULT_MAX_TOTAL_SIZE,
  flattenKickstart,
  type IncludeReader,
  type IncludeSource,
  type LineOrigin,
  mapFindings,
  type ResolvedKickstart,
  type ResolveOptions,
  resolveIncludes,
} from './include.js';
export { type LifeStatus, type LifeVerdict, lifeIn } from './life.js';
export { hasLineBreak, joinLines, type KsLine, splitLines } from './lines.js';
export {
  effectiveCommand,
  type InterpretOptions,
  interpretKickstart,
  type KickstartModel,
  type ModelCommand,
  type OpaqueSectionModel,
  type OptionValue,
  optionValues,
  type PackagesModel,
  type ScriptModel,
  type ScriptType,
} from './model.js';
export {
  formatPackageItem,
  type PackageItem,
  type PackageItemKind,
  type PackageLine,
  parsePackageLine,
} from './packages.js';
export { COMMANDS, CONFLICTS, commandObject, getCommand, getSection, SECTIONS } from './registry.js';
export type {
  Arity,
  Availability,
  CommandSpec,
  Life,
  OptionKind,
  OptionSpec,
  SectionSpec,
} from './registry-types.js';
export { type LexProblem, quoteWord, type SplitResult, splitWords, type Token } from './shlex.js';
export {
  listValue,
  type ValidateOptions,
  type ValidationResult,
  validateKickstart,
  versionComment,
} from './validate.js';
export {
  DEFAULT_VERSION,
  FEDORA_DEVEL,
  type KickstartVersion,
  listVersions,
  parseVersion,
  toVersion,
  type VersionFamily,
} from './versions.js';

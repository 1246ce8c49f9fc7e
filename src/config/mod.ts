/**
 * Configuration: `mediamtx.yml` (MediaMTX key names) -> typed, validated Config, with defaults
 * and `MTX_*` environment overrides.
 *
 * @module
 */

export type {
  AuthInternalUser,
  AuthPermission,
  Config,
  LogLevel,
  PathConf,
  RtspEncryption,
  RtspTransportName,
} from "./types.ts";
export { ConfigError } from "./config_error.ts";
export {
  configFromEnv,
  configFromValue,
  DEFAULT_CONFIG_PATHS,
  loadConfig,
  type LoadConfigOptions,
  type LoadedConfig,
  parseConfig,
} from "./load.ts";
export { defaultConfig, defaultGlobalConfig, defaultPathConf } from "./defaults.ts";
export { type ListenAddress, parseListenAddress } from "./address.ts";
export { findPathConf, type PathMatch, validatePathName } from "./path_match.ts";
export { formatDuration, parseDuration } from "./durations.ts";
export { pathOwnKeys } from "./build.ts";
export {
  type ConfigDocument,
  configDocument,
  type DocumentOptions,
  DURATION_KEYS,
  globalDocument,
  ownKeysOf,
  pathDocument,
} from "./document_value.ts";
export { classifyKey, type KeyClass, type SectionKind } from "./sections.ts";
export { type GlobalKey, isGlobalKey, isPathKey, type PathKey } from "./schema.ts";
export { isHashedCredential } from "./auth_users.ts";
export { formatIPv4, type IPv4Cidr, parseIPv4Cidr } from "./ip.ts";
export { redactUrl, sourceScheme, type SourceType, sourceType, SUPPORTED_SOURCE_SCHEMES } from "./source.ts";

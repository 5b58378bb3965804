/** hookyard as a library: what the CLI and embedders import. */
export { createHub, HUB_ROLES, type Hub, type HubOptions, type HubRole } from './server.js';
export { loadConfig, loadConfigFile, parseConfig, buildConfig, ConfigError } from './config/load.js';
export type { HubConfig, ConnectionConfig } from './config/types.js';
export { DEFAULTS } from './config/defaults.js';
export { openStore, type Store } from './store/index.js';
export { interpretHook, type Interpretation, type InterpretOptions } from './resolve/interpret.js';
export { ERRORS, HyError, type ErrorCode } from './errors.js';
export { systemClock, FakeClock, type Clock } from './clock.js';
// The integration contract: what a code integration in its own file or package implements.
export type {
  Integration,
  ReceiverDefinition,
  FieldSource,
  ScopeDeclaration,
  PresetDeclaration,
  ParentDeclaration,
  ExternalRecord,
  TransferInfo,
  IntegrationContext,
  WriteContext,
  PrerequisiteContext,
  PrerequisiteResult,
  ChildRequest,
  ChildOutcome,
  PollPage,
  ListPage,
  TransferResult,
} from './integrations/types.js';
export { defineIntegration, type IntegrationDefinition } from './integrations/define.js';
export { TransferError, permanentError, retryableError } from './integrations/errors.js';
export { createHttpClient, type HttpClient, type HttpClientOptions } from './integrations/http.js';
export { STANDARD_RECEIVER } from './integrations/types.js';
export { BUILTIN_INTEGRATIONS } from './integrations/registry.js';
export * from './domain/types.js';
export { scopeFor, parseScopeName } from './domain/scope.js';

/** The transfer's decisions: pure functions of plain values, no store, no HTTP, no clock. */
export { checksEcho, collisionValue, isStaleRead, knowsAlready, sourceChanges, decideHubDelete, decideUpsert, type HubDeleteDecision, type HubView, type LinkedHub, type UpsertDecision } from './to-hub.js';
export { decideFromHub, looksForExisting, type FromHubDecision, type FromHubInput, type Step } from './from-hub.js';
export { circuitOpen, ended, failed, retiresFailedChildren } from './outcome.js';
export { fanOut, type Destination } from './fan-out.js';
export { isStalePayload } from '../../domain/version.js';

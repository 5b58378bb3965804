/**
 * The configuration file's schema. Unknown keys are rejected everywhere; defaults live in
 * DEFAULTS (./defaults.ts), each with its unit.
 */
import { z } from 'zod';
import type { ScopeName } from '../domain/types.js';
import { isDataTypeName } from '../domain/scope.js';
import { receiverOverrideSchema, typeDeclarationsSchema } from '../integrations/schema.js';
import { mappingsSchema } from '../mapping/index.js';
import { headerNameSchema } from '../verify/common.js';
import { verifySchema } from '../verify/index.js';
import { durationSchema } from '../domain/duration.js';
import { databaseUrlProblem } from './database-url.js';
import { retentionSchema } from './retention-schema.js';

export { DEFAULTS } from './defaults.js';

/**
 * An enabled scope as the user typed it: only its shape is checked here ("type/word"), so that a
 * misspelt action (`product/updatd`) reaches the loader, which says the integration does not
 * declare it and suggests the closest scope it does declare.
 */
const enabledScopeSchema = z
  .string()
  .refine((value) => /^[^/]+\/[a-z_]+$/.test(value) && isDataTypeName(value.slice(0, value.indexOf('/'))), {
    message: `must be "type/action": a data type in lower snake case and an action (e.g. product/updated)`,
  })
  .transform((value) => value as ScopeName);

export const connectionSchema = z.strictObject({
  /** A built-in integration id, or a path to a declarative integration file. */
  integration: z.string().min(1),
  /** How hooks authenticate: exactly one of apiKey, secret or verify. */
  webhook: z
    .strictObject({
      /** A key the system sends with each hook, where the receiver definition's `auth` says. */
      apiKey: z.string().min(1).optional(),
      /** A signing secret (or several, for rotation), verified with the integration's own scheme. */
      secret: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
      /** Any signature scheme (docs/configuration.md). */
      verify: verifySchema.optional(),
      /** Where the sender's delivery id is, when its scheme has none of its own. */
      deliveryIdHeader: z.string().min(1).optional(),
      /** More headers that carry secrets, stored as "[redacted]" (authorization, proxy-authorization and cookie always are). */
      redact: z.array(headerNameSchema).optional(),
      /**
       * The replay guard: a hook whose body this connection stored within `window` is answered like
       * a re-delivery and not stored again (for schemes that sign neither a delivery id nor a time).
       */
      dedupe: z
        .strictObject({
          by: z.literal('body'),
          window: durationSchema.refine((ms) => ms > 0, { message: 'the window must be longer than 0' }),
        })
        .optional(),
    })
    .refine((w) => [w.apiKey, w.secret, w.verify].filter((given) => given !== undefined).length === 1, {
      message: 'give exactly one of apiKey (a key the sender sends), secret (signed the way the integration signs) or verify (a scheme and its secret)',
    }),
  presets: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
  /** Enabled scopes: a list, or "*" for every declared scope except delete scopes. */
  scopes: z.union([z.literal('*'), z.array(enabledScopeSchema)]).optional(),
  receiver: receiverOverrideSchema.optional(),
  /** Mapping collections by data type and direction (docs/configuration.md). */
  mappings: mappingsSchema.optional(),
  /** Noisy types (any known type; the loader names the closest for one it does not know): ignore their hooks, or let repeated hooks for one record within a window collapse. */
  noise: z
    .record(z.string(), z.union([z.strictObject({ ignore: z.literal(true) }), z.strictObject({ debounce: durationSchema })]))
    .optional(),
  /** Poll intervals by data type (the type needs an enabled `type/poll` scope): { product_category: 60s }. */
  poll: z.record(z.string(), durationSchema).optional(),
  /** Limits on hookyard's calls to this connection's system. */
  throttle: z
    .strictObject({
      calls: z.number().int().min(1).optional(),
      per: durationSchema.optional(),
      concurrent: z.number().int().min(1).optional(),
    })
    .refine((t) => (t.calls === undefined) === (t.per === undefined), { message: 'give calls and per together (e.g. calls: 500, per: 60s)' })
    .optional(),
  /**
   * The circuit breaker: after `failures` retryable failures in a row, no call for `cooldown`;
   * then one probe call every `probeInterval` until one succeeds.
   */
  circuit: z
    .strictObject({
      failures: z.number().int().min(1).optional(),
      cooldown: durationSchema.optional(),
      // Held-back requests come due once per interval: shorter than 100 ms only churns the queue.
      probeInterval: durationSchema.refine((ms) => ms >= 100, 'at least 100ms').optional(),
    })
    .optional(),
  retry: z
    .strictObject({
      /** Attempts before a request is dead. */
      maxAttempts: z.number().int().min(1).max(100).optional(),
      /** Waits before each retry (the last one repeats); default: iPaaS's 10·n·(n+1) minutes. */
      delays: z.array(durationSchema).min(1).optional(),
    })
    .optional(),
  /** Integration-specific settings (base URL, API token, …), passed through unchecked. */
  settings: z.record(z.string(), z.unknown()).optional(),
});

/** What an alert target may be sent (src/ops/alerts.ts). */
export const ALERT_TYPES = ['transfer.dead', 'circuit.opened', 'circuit.closed', 'feed.failed', 'backlog.high'] as const;

/** A Standard Webhooks signing secret: "whsec_" and base64 of at least 16 bytes (the spec suggests 24 to 64). */
const alertSecretSchema = z.string().superRefine((value, ctx) => {
  const base64 = value.startsWith('whsec_') ? value.slice('whsec_'.length) : null;
  if (base64 === null || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || Buffer.from(base64, 'base64').length < 16) {
    ctx.addIssue({ code: 'custom', message: 'must be "whsec_" followed by base64 of at least 16 random bytes, as Standard Webhooks secrets are (e.g. whsec_$(openssl rand -base64 32))' });
  }
});

export const alertTargetSchema = z.strictObject({
  /** Where the alerts are POSTed. */
  url: z.string().refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), { message: 'must be an http:// or https:// URL' }),
  secret: alertSecretSchema,
  /** Which alerts this target gets; default all of them. */
  events: z.array(z.enum(ALERT_TYPES)).min(1).optional(),
  /** backlog.high: hooks waiting to be read plus transfer requests due, at or past which this target is told (once, until it fell below 80 % of it again). */
  backlogHigh: z.number().int().min(1).optional(),
});

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).optional(),
      port: z.number().int().min(0).max(65_535).optional(),
      bodyLimitBytes: z.number().int().min(1).optional(),
      /** Hooks waiting to be read beyond which new ones are answered 429 with Retry-After. */
      maxBacklog: z.number().int().min(1).optional(),
      /** Transfer requests due to run beyond which new hooks are answered 429 with Retry-After. */
      maxQueuedTransfers: z.number().int().min(1).optional(),
      /** A request that has not been fully received by then is cut off (slow clients). */
      requestTimeout: durationSchema.optional(),
    })
    .optional(),
  limits: z
    .strictObject({
      /** Notifications one hook may hold; a hook with more is kept as failed and plans nothing. */
      notificationsPerHook: z.number().int().min(1).optional(),
    })
    .optional(),
  store: z
    .strictObject({
      durability: z.enum(['full', 'normal']).optional(),
      /** postgres://…: the shared PostgreSQL store instead of SQLite (HOOKYARD_DATABASE_URL overrides it). */
      url: z
        .string()
        .superRefine((value, ctx) => {
          const problem = databaseUrlProblem(value);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .optional(),
      /**
       * PostgreSQL connections this process opens at most. A whole number, or its text, so that one
       * file shared by every process can take it from the environment per role (`${POOL_SIZE:-10}`).
       */
      poolSize: z
        .union([z.number(), z.string().regex(/^[0-9]+$/, 'a whole number').transform(Number)])
        .pipe(z.number().int('a whole number').min(1).max(1_000))
        .optional(),
    })
    .optional(),
  engine: z
    .strictObject({
      /** Transfers in flight per process. */
      concurrency: z.number().int().min(1).max(256).optional(),
      /** How long a claimed transfer stays with its worker before another may take it. */
      lease: durationSchema.optional(),
      /** How long a write waits for its echo hook. */
      echoWindow: durationSchema.optional(),
      /** On SIGTERM: how long transfers in flight may finish before they are handed back. */
      shutdownGrace: durationSchema.optional(),
      /** While hooks wait to be resolved, how long a due transfer may wait for them (0: not at all). */
      resolveFirst: durationSchema.optional(),
    })
    .optional(),
  /** Retention: how long finished hooks and transfer requests are kept (./retention-schema.ts). */
  retention: retentionSchema.optional(),
  /** Webhooks that tell the operator's own systems what went wrong: dead transfers, circuits, failed feeds, a high backlog. */
  alerts: z.array(alertTargetSchema).optional(),
  /** Data types beyond the built-in list: { issue: {}, issue_comment: { parent: issue } }. */
  types: typeDeclarationsSchema.optional(),
  /** Each connection is checked with connectionSchema on its own, so one bad connection hides no other's problems. */
  connections: z
    .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'connection names use letters, digits, "_" and "-"'), z.unknown())
    .refine((value) => Object.keys(value).length > 0, { message: 'configure at least one connection' }),
});

export type ConfigFile = z.infer<typeof configSchema>;
export type ConnectionFile = z.infer<typeof connectionSchema>;

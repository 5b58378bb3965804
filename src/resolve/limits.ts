/** The resolver's limits: the configuration's `limits` section, and its default. */

export interface ResolveLimits {
  /** Notifications one hook may hold; a hook with more is failed, nothing planned. */
  notificationsPerHook: number;
}

/** 1,000 notifications per hook unless `limits.notificationsPerHook` says otherwise (DEFAULTS reads it here). */
export const NOTIFICATIONS_PER_HOOK = 1_000;

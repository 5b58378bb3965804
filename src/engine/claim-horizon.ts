/**
 * Resolution first: how far the transfer worker's claims reach, as a pure function.
 *
 * A request that waits (queued or retrying, not yet running) absorbs every newer request for its
 * record, and a running one takes them in as one follow-up (store/sqlite/enqueue.ts). Both only
 * help if the hooks are resolved before the request starts: a worker that starts a request within
 * milliseconds of its first hook, while more hooks about the record are still in the inbox, runs
 * it again for each of them that arrives after the start. In a burst of 10,000 hooks over 100
 * records that was about 6 reads of each record from its source (bench/coalescing.ts).
 *
 * So while hooks wait to be resolved (the inbox's `received` count, kept in the store for every
 * process that resolves), a claim takes only requests that have been due for `resolveFirstMs` at
 * least; once the inbox is empty it takes every due one again. A request is never held longer
 * than that after its time came, however long hooks keep arriving: under a steady stream each
 * record is read about once per `resolveFirstMs`, and nothing starves. Order and one-at-a-time per
 * record are the claim's, unchanged: a held request is still first in line for its record.
 *
 * The hold covers every request, fan-out (`from_hub`) included: while the inbox is behind, CPU and
 * store writes go to reading hooks first (which is what ingest competes with), and a destination's
 * waiting request absorbs the fan-outs of later runs the same way — so under a steady stream a
 * change reaches the hub within `resolveFirstMs` of its hook and each destination within twice that.
 */

/**
 * The latest time a request may have become due and be claimed now: `now`, or `resolveFirstMs`
 * before it while `hooksWaiting` hooks are not resolved yet. `resolveFirstMs` 0 turns the hold off.
 */
export function claimHorizon(now: number, hooksWaiting: number, resolveFirstMs: number): number {
  return hooksWaiting > 0 && resolveFirstMs > 0 ? now - resolveFirstMs : now;
}

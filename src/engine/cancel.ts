/**
 * A cancel by filter, page by page, so that a large one (thousands of requests queued by mistake)
 * shows progress and holds no long write lock. Only queued and retrying requests are cancelled;
 * a running one finishes its attempt.
 */
import type { Clock } from '../clock.js';
import type { CancelFilter, Store } from '../store/store.js';

/** Requests per page: one short write transaction each. */
export const CANCEL_PAGE = 500;

export async function cancelAll(
  store: Store,
  filter: CancelFilter,
  actor: string,
  clock: Clock,
  progress?: (done: number, total: number) => void,
): Promise<{ cancel: number; count: number }> {
  const total = await store.countCancellable(filter);
  const cancel = await store.startCancel(filter, actor, clock.now());
  let count = 0;
  let afterId = 0;
  progress?.(0, total);
  for (;;) {
    const page = await store.cancelPage(cancel, filter, afterId, CANCEL_PAGE, clock.now());
    count += page.cancelled;
    progress?.(Math.min(count, total), total);
    if (page.lastId === null) break;
    afterId = page.lastId;
  }
  return { cancel, count };
}

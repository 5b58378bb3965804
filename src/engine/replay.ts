/** A replay by filter, page by page, so that a large one shows progress and holds no long lock. */
import type { Clock } from '../clock.js';
import type { ReplayFilter, Store } from '../store/store.js';

/** Requests per page: one short write transaction each. */
export const REPLAY_PAGE = 500;

export async function replayAll(
  store: Store,
  filter: ReplayFilter,
  actor: string,
  clock: Clock,
  progress?: (done: number, total: number) => void,
): Promise<{ replay: number; count: number }> {
  const total = await store.countReplayable(filter);
  const replay = await store.startReplay(filter, actor, clock.now());
  let count = 0;
  let afterId = 0;
  progress?.(0, total);
  for (;;) {
    const page = await store.replayPage(replay, filter, afterId, REPLAY_PAGE, clock.now());
    count += page.requeued;
    progress?.(Math.min(count, total), total);
    if (page.lastId === null) break;
    afterId = page.lastId;
  }
  return { replay, count };
}

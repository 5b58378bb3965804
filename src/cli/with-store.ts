/** What the commands that work on an existing store share: the configuration, then the store. */
import { loadConfig, type HubConfig } from '../config/load.js';
import type { Store } from '../store/store.js';
import { reportLoadError, type Output } from './commands.js';
import { openStoreOrReport } from './store.js';

/**
 * Loads the configuration and opens its existing store (a command that reads or changes what is
 * stored never creates one), runs `work`, closes the store; a configuration or store that cannot
 * be had is reported on `output` and its exit code returned.
 */
export async function withStore(
  options: { config: string; data: string },
  output: Output,
  work: (store: Store, config: HubConfig) => Promise<number>,
): Promise<number> {
  let config: HubConfig;
  try {
    config = await loadConfig(options.config);
  } catch (error) {
    return reportLoadError(error, options.config, output);
  }
  const store = await openStoreOrReport(config, options.data, output);
  if (typeof store === 'number') return store;
  try {
    return await work(store, config);
  } finally {
    await store.close();
  }
}

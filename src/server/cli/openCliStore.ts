import type { StoreLocation } from '../../shared/api';
import type { Logger } from '../log';
import { openStore, type Store } from '../store';

/** Opens the store for a command, saying on the log when it waits for another process holding it. */
export function openCliStore(where: StoreLocation, log: Logger): Promise<Store> {
  return openStore(where, { log, onWait: (owner) => log.info(`the store is in use by ${owner}; waiting for it`) });
}

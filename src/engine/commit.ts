/**
 * The commit layer: every write a transfer makes to the store goes through here, under the
 * transfer's claim — its outcome with its effects (finish), a hub change with its fan-out
 * (applyHubChange), a child started under it (startChild), and an echo expected before a write.
 */
import type { ActivityEntry, DataType, TransferRequest } from '../domain/types.js';
import type { FinishEffects, HubChange, NewTransfer, TransferOutcome } from '../store/store.js';
import type { EngineDeps } from './run-transfer.js';

export class Commit {
  constructor(
    private readonly deps: EngineDeps,
    private readonly transfer: TransferRequest,
  ) {}

  /** Ends the attempt; false (nothing written) when the claim went to another worker. */
  finish(outcome: TransferOutcome, activity: readonly ActivityEntry[], effects: FinishEffects): Promise<boolean> {
    const { store, worker, clock } = this.deps;
    return store.finishTransfer(worker, this.transfer.id, outcome, activity, effects, clock.now());
  }

  /** A to_hub change with its fan-out; null when the claim went to another worker. */
  applyHubChange(change: HubChange): Promise<{ hubId: number; fanOut: number[] } | null> {
    const { store, worker, clock } = this.deps;
    return store.applyHubChange(worker, this.transfer.id, change, clock.now());
  }

  /** A child request, stored already running under this transfer's claim. */
  startChild(child: NewTransfer): Promise<TransferRequest> {
    const { store, worker, clock, leaseMs } = this.deps;
    return store.startChild(worker, child, clock.now(), leaseMs);
  }

  /** One more echo expected from this record, until the echo window ends. */
  registerEcho(connection: string, type: DataType, externalId: string): Promise<void> {
    const { store, clock } = this.deps;
    const now = clock.now();
    return store.registerEcho(connection, type, externalId, this.echoUntil(now), now);
  }

  echoUntil(now = this.deps.clock.now()): number {
    return now + this.deps.config.engine.echoWindowMs;
  }
}

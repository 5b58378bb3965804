/**
 * The commit layer: every write a transfer makes to the store goes through here, under the
 * transfer's claim — its outcome with its effects (finish), a hub change with its fan-out
 * (applyHubChange), a child started under it (startChild), and an echo expected before a write.
 * The store refuses the first three once the claim no longer holds (taken over after its lease).
 */
import type { ActivityEntry, DataType } from '../domain/types.js';
import type { ClaimedTransfer, FinishEffects, HubChange, NewTransfer, TransferOutcome } from '../store/store.js';
import type { EngineDeps } from './deps.js';

export class Commit {
  constructor(
    private readonly deps: EngineDeps,
    private readonly transfer: ClaimedTransfer,
  ) {}

  /** Ends the attempt; false (nothing written) when the claim went to another worker. */
  finish(outcome: TransferOutcome, activity: readonly ActivityEntry[], effects: FinishEffects): Promise<boolean> {
    const { store, clock } = this.deps;
    return store.finishTransfer(this.transfer.claim, outcome, activity, effects, clock.now());
  }

  /** A to_hub change with its fan-out; null when the claim went to another worker. */
  applyHubChange(change: HubChange): Promise<{ hubId: number; fanOut: number[] } | null> {
    const { store, clock } = this.deps;
    return store.applyHubChange(this.transfer.claim, change, clock.now());
  }

  /** A child request, stored already running under this transfer's claim; null when the claim is lost. */
  startChild(child: NewTransfer): Promise<ClaimedTransfer | null> {
    const { store, clock, leaseMs } = this.deps;
    return store.startChild(this.transfer.claim, child, clock.now(), leaseMs);
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

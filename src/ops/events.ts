/**
 * Operational events: what the engine and ingest tell the operator's side — logs, alerts and
 * metrics — without knowing who listens. Emitting is synchronous and cheap (a loop over a few
 * listeners); a listener does its slow work (an alert's HTTP call) off the caller's path, and a
 * listener that throws is reported to `onListenerError`, never to the engine.
 */
import type { HookAnswer, HookAnswered } from '../ingest/types.js';
import type { ClaimedTransfer, TransferOutcome } from '../store/store.js';

export type { HookAnswer };

export type OpsEvent =
  | ({ type: 'hook.received' } & HookAnswered)
  | {
      /** One run of a transfer request ended and its outcome was written (retrying included). */
      type: 'transfer.finished';
      transfer: Pick<ClaimedTransfer, 'id' | 'connection' | 'direction' | 'scope' | 'type' | 'externalId' | 'hubId' | 'hookId' | 'attempts'>;
      outcome: TransferOutcome;
      ms: number;
    }
  | { type: 'circuit.opened'; connection: string; /** When the first probe may go out. */ until: number }
  | { type: 'circuit.closed'; connection: string }
  | { type: 'feed.failed'; connection: string; dataType: string; kind: 'poll' | 'init'; error: string }
  | {
      /** A retention pass removed rows (src/engine/pruner.ts): how many transfer requests and hooks. */
      type: 'retention.pruned';
      transfers: number;
      hooks: number;
    };

export type OpsEventType = OpsEvent['type'];
export type OpsListener = (event: OpsEvent) => void;

export class OpsEvents {
  private listeners: OpsListener[] = [];

  constructor(private readonly onListenerError: (error: unknown, event: OpsEvent) => void = () => {}) {}

  /** Adds a listener; returns the function that removes it. */
  on(listener: OpsListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  emit(event: OpsEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }
}

/**
 * Operational events: what the engine and ingest tell the operator's side — logs, alerts and
 * metrics — without knowing who listens. Emitting is synchronous and cheap (a loop over a few
 * listeners); a listener does its slow work (an alert's HTTP call) off the caller's path, and a
 * listener that throws is reported to `onListenerError`, never to the engine.
 */
import type { ClaimedTransfer, TransferOutcome } from '../store/store.js';

/** How ingest answered one hook. */
export type HookAnswer = 'accepted' | 'duplicate' | 'ping' | 'rejected';

export type OpsEvent =
  | {
      type: 'hook.received';
      /** The configured connection, or null when the URL named none (never the URL's text: it is the sender's). */
      connection: string | null;
      answer: HookAnswer;
      /** The HTTP status sent. */
      status: number;
      /** The HY_ERR_* code of a rejection, else null. */
      code: string | null;
      /** Time from the request's arrival to the answer (the acknowledgement, after the commit). */
      ms: number;
    }
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

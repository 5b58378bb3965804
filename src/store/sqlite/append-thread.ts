/**
 * The main thread's side of the append thread (append-thread.mjs): sends each group-commit batch
 * and resolves with its ids once the thread has committed it.
 */
import { Worker } from 'node:worker_threads';
import type { IncomingHook } from '../../domain/types.js';
import type { Appended } from '../store.js';

export class AppendThread {
  private readonly worker: Worker;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (appended: Appended[]) => void; reject: (error: Error) => void }>();
  private failed: Error | null = null;

  constructor(
    file: string,
    durability: 'full' | 'normal',
    private readonly retentionMs: number,
  ) {
    this.worker = new Worker(new URL('./append-thread.mjs', import.meta.url), { workerData: { file, durability } });
    this.worker.on('message', (message: { seq: number; appended?: Appended[]; error?: string }) => {
      const waiter = this.waiting.get(message.seq);
      if (!waiter) return;
      this.waiting.delete(message.seq);
      if (message.appended) waiter.resolve(message.appended);
      else waiter.reject(new Error(`appending hooks failed: ${message.error}`));
    });
    // A dead append thread fails every batch in flight and every later one: nothing is answered 202.
    const fail = (error: Error) => {
      this.failed = error;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the append thread exited (code ${code})`)));
  }

  append(hooks: readonly IncomingHook[], now: number): Promise<Appended[]> {
    if (this.failed) return Promise.reject(this.failed);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.worker.postMessage({ seq, now, retentionMs: this.retentionMs, hooks });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

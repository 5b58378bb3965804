/**
 * Bodies parsed at ingest, kept for the resolver: ingest parses every JSON body once to refuse a
 * malformed one with a 4xx, and the resolver needs the same value moments later. A body is kept
 * under its hook's id from its commit until the resolver takes it, within a bound on the bytes
 * kept (the oldest go first); a hook not found here (a replay, a restart, another process) is
 * parsed from its stored bytes as before.
 */
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024; // 32 MiB of body text: a few seconds of backlog at full speed

export class ParsedBodies {
  private readonly kept = new Map<number, { value: unknown; bytes: number }>();
  private bytes = 0;

  constructor(private readonly maxBytes = DEFAULT_MAX_BYTES) {}

  /** Keeps the parsed body of hook `id`, `bytes` long as received. */
  put(id: number, value: unknown, bytes: number): void {
    if (bytes > this.maxBytes || this.kept.has(id)) return;
    this.kept.set(id, { value, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.kept) {
      if (this.bytes <= this.maxBytes) break;
      this.kept.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  /** The parsed body of hook `id`, once: `{ value }`, or undefined when it is not kept. */
  take(id: number): { value: unknown } | undefined {
    const entry = this.kept.get(id);
    if (!entry) return undefined;
    this.kept.delete(id);
    this.bytes -= entry.bytes;
    return { value: entry.value };
  }

  get size(): number {
    return this.kept.size;
  }
}

/**
 * Contexts for calling integration code directly, as the engine would: plain objects that record
 * log lines and the child requests handed to transfer/resolveWith. Presets get their declared
 * defaults, as a connection would have them.
 */
import { createServer } from 'node:net';
import { expect } from 'vitest';
import type { DataType, ScopeAction, ScopeName } from '../../src/domain/types.js';
import { TransferError } from '../../src/integrations/errors.js';
import type { ChildOutcome, ChildRequest, Integration, PrerequisiteContext, WriteContext } from '../../src/integrations/types.js';

export interface Recorded {
  logs: Array<{ step: string; detail: string | undefined }>;
  children: ChildRequest[];
}

export function writeContext(
  settings: Record<string, unknown>,
  options: { idempotencyKey?: string; hubId?: number; connection?: string } = {},
): WriteContext & Recorded {
  const logs: Recorded['logs'] = [];
  return {
    connection: options.connection ?? 'conn',
    settings,
    presets: {},
    log: (step, detail) => void logs.push({ step, detail }),
    hubId: options.hubId ?? 1,
    idempotencyKey: options.idempotencyKey ?? `conn:${options.hubId ?? 1}`,
    logs,
    children: [],
  };
}

export function prerequisiteContext(
  integration: Integration,
  presets: Record<string, string> = {},
  connection = 'erp',
): PrerequisiteContext & Recorded {
  const logs: Recorded['logs'] = [];
  const children: ChildRequest[] = [];
  const values: Record<string, string> = {};
  for (const preset of integration.presets) {
    const value = presets[preset.name] ?? preset.default;
    if (value !== undefined) values[preset.name] = value;
  }
  const run = (child: ChildRequest): ChildOutcome => {
    children.push(child);
    return { id: children.length + 100, status: 'succeeded', reason: null, hubId: 7 };
  };
  return {
    connection,
    settings: {},
    presets: values,
    log: (step, detail) => void logs.push({ step, detail }),
    findMatchingType: (value) => integration.presets.find((p) => p.type !== undefined && values[p.name] === value)?.type ?? null,
    scopeFor: (type: DataType, action: ScopeAction) => `${type}/${action}` as ScopeName,
    transfer: async (child) => run(child),
    resolveWith: async (child) => ({ resolvedBy: run(child) }),
    logs,
    children,
  };
}

/** The TransferError a promise rejects with; fails the test when it resolves or throws something else. */
export async function rejection(promise: Promise<unknown>): Promise<TransferError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransferError);
  return error as TransferError;
}

/** A local URL where nothing listens: a port that was free a moment ago. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** The integration's transfer methods, which these integrations must have. */
export function methodsOf(integration: Integration) {
  const { get, create, update, delete: remove } = integration;
  if (!get || !create || !update || !remove) throw new Error(`${integration.id} lacks get/create/update/delete`);
  return { get, create, update, delete: remove };
}

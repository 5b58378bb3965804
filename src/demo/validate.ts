/**
 * Field readers for untrusted input. API bodies arrive as unknown JSON and merchant methods take
 * typed input; both pass through these, so a wrong type from either becomes the same 422.
 * `fallback` is used when the value is missing; without one, a missing value is an error.
 */
import { invalid } from './demo-error.js';

export function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(field, 'must be an object');
  return value as Record<string, unknown>;
}

export function text(value: unknown, field: string, fallback?: string): string {
  if (value === undefined || value === null) return required(fallback, field);
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  return value;
}

/** A non-empty string, e.g. a product title. */
export function nonBlank(value: unknown, field: string, fallback?: string): string {
  const result = text(value, field, fallback);
  if (result.trim() === '') throw invalid(field, "can't be blank");
  return result;
}

export function integer(value: unknown, field: string, fallback?: number): number {
  if (value === undefined || value === null) return required(fallback, field);
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(field, 'must be an integer');
  return value;
}

/** A non-negative amount given as a number or a decimal string. */
export function amount(value: unknown, field: string, fallback?: number): number {
  if (value === undefined || value === null) return required(fallback, field);
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < 0) {
    throw invalid(field, 'must be a non-negative amount');
  }
  return parsed;
}

/** Money the way Shopify writes it: a string with two decimals. */
export function money(value: unknown, field: string, fallback?: string): string {
  return formatCents(Math.round(amount(value, field, fallback === undefined ? undefined : Number(fallback)) * 100));
}

export function formatCents(cents: number): string {
  return (cents / 100).toFixed(2);
}

export function boolean(value: unknown, field: string, fallback?: boolean): boolean {
  if (value === undefined || value === null) return required(fallback, field);
  if (typeof value !== 'boolean') throw invalid(field, 'must be true or false');
  return value;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string, fallback?: T): T {
  if (value === undefined || value === null) return required(fallback, field);
  if (!allowed.includes(value as T)) throw invalid(field, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

export function list(value: unknown, field: string, fallback?: unknown[]): unknown[] {
  if (value === undefined || value === null) return required(fallback, field);
  if (!Array.isArray(value)) throw invalid(field, 'must be a list');
  return value;
}

function required<T>(fallback: T | undefined, field: string): T {
  if (fallback === undefined) throw invalid(field, "can't be blank");
  return fallback;
}

/**
 * Parsers for the CLI's flag values. Each refuses a bad value with a message that says what it
 * expected and what it got (`expected a whole number from 1 to 500, got "abc"`); commander puts the
 * flag in front, and the command exits with USAGE_EXIT_CODE before it opens anything.
 */
import { InvalidArgumentError } from 'commander';

/** The exit code of a command line that cannot be run as given (a bad flag, a missing argument), as sysexits' EX_USAGE-minded tools use 2. */
export const USAGE_EXIT_CODE = 2;

/** commander error codes that mean the command line itself is wrong. */
export const USAGE_ERRORS: ReadonlySet<string> = new Set([
  'commander.invalidArgument',
  'commander.unknownOption',
  'commander.unknownCommand',
  'commander.missingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.optionMissingArgument',
  'commander.excessArguments',
  'commander.conflictingOption',
]);

function invalid(expected: string, value: string): InvalidArgumentError {
  return new InvalidArgumentError(`expected ${expected}, got ${JSON.stringify(value)}`);
}

/** A whole number from `min` to `max`, e.g. --limit. */
export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const text = value.trim();
    const n = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) throw invalid(`a whole number from ${min} to ${max}`, value);
    return n;
  };
}

/** A TCP port; 0 lets the OS pick a free one. */
export const port = (value: string): number => wholeNumber(0, 65_535)(value);

/** A row id: a whole number from 1. */
export const id = (value: string): number => wholeNumber(1, Number.MAX_SAFE_INTEGER)(value);

/** One of `values`, case as given. */
export function oneOf<T extends string>(values: readonly T[]): (value: string) => T {
  return (value) => {
    const found = values.find((v) => v === value.trim());
    if (found === undefined) throw invalid(`one of ${values.join(', ')}`, value);
    return found;
  };
}

/**
 * An ISO 8601 time with a date and a time of day and a zone (`2026-03-01T09:00:00Z`,
 * `2026-03-01T10:00+01:00`), or a date alone (`2026-03-01`, midnight UTC); kept as the ISO text
 * of that instant.
 */
export function isoTime(value: string): string {
  const text = value.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const full = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text);
  const ms = Date.parse(dateOnly ? `${text}T00:00:00Z` : text);
  if ((!dateOnly && !full) || Number.isNaN(ms)) throw invalid('an ISO 8601 time such as 2026-03-01T09:00:00Z or a date such as 2026-03-01', value);
  return new Date(ms).toISOString();
}

/** A collecting parser for a repeatable flag. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

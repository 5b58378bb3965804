/**
 * The process log of `hookyard serve` and `hookyard demo`: pino, one JSON object per line on
 * stdout for log collectors, or readable lines (pino-pretty) when a person watches a terminal.
 *
 * LOG_LEVEL picks the level (default info); LOG_FORMAT=json|pretty forces a format, else it is
 * pretty on a terminal and JSON otherwise. Both are read once, at start; a bad value stops the
 * start with a message naming the values allowed.
 */
import { pino, type Logger } from 'pino';
import PinoPretty from 'pino-pretty';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogSettings {
  level: LogLevel;
  format: LogFormat;
}

/** LOG_LEVEL and LOG_FORMAT from `env`; a string is the problem, to print before exiting. */
export function logSettingsFrom(env: Record<string, string | undefined>, stdoutIsTerminal: boolean): LogSettings | string {
  const level = (env.LOG_LEVEL ?? '').trim().toLowerCase() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    return `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${env.LOG_LEVEL}"`;
  }
  const format = (env.LOG_FORMAT ?? '').trim().toLowerCase() || (stdoutIsTerminal ? 'pretty' : 'json');
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    return `LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')} (default: pretty on a terminal, json otherwise), not "${env.LOG_FORMAT}"`;
  }
  return { level: level as LogLevel, format: format as LogFormat };
}

/**
 * A logger writing to stdout. Writes are synchronous: `hookyard serve` exits with process.exit
 * once stopped, and the last lines (why it stopped, what was handed back) must not be lost.
 */
export function createLogger(settings: LogSettings, destination: number = 1): Logger {
  const options = {
    level: settings.level,
    // The admin token and a hook sender's credentials never reach the log.
    redact: ['req.headers.authorization', 'req.headers["x-hookyard-admin-token"]'],
  };
  if (settings.format === 'json') return pino(options, pino.destination({ fd: destination, sync: true }));
  const pretty = PinoPretty({
    destination,
    sync: true,
    colorize: destination === 1 && process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    singleLine: true,
  });
  return pino(options, pretty);
}

/**
 * compose.yaml as data, for the tests that check it and for the multi-process test that runs the
 * same commands its services run, with local addresses in place of the containers'.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from './process.js';

export interface ComposeService {
  image?: string;
  build?: string | { context?: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
}

export interface Compose {
  services: Record<string, ComposeService>;
}

/** compose.yaml with its `<<:` merge keys applied, as compose reads it. */
export function readCompose(): Compose {
  return parse(readFileSync(resolve(projectRoot, 'compose.yaml'), 'utf8'), { merge: true }) as Compose;
}

/** `${NAME:-default}` → default, `${NAME}` → '' (what compose makes of them with nothing set). */
export function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}/g, (_match, fallback: string | undefined) => fallback ?? '');
}

/** The value after `option` in a command, or undefined. */
export function optionOf(command: readonly string[], option: string): string | undefined {
  const i = command.indexOf(option);
  return i >= 0 ? command[i + 1] : undefined;
}

/** The command with defaults in place and the given options set to local values (added when missing). */
export function localCommand(command: readonly string[], values: Record<string, string>): string[] {
  const args = command.map(withDefaults);
  for (const [option, value] of Object.entries(values)) {
    const i = args.indexOf(option);
    if (i >= 0) args[i + 1] = value;
    else args.push(option, value);
  }
  return args;
}

/** The services that run `hookyard serve --role <role>`, by name. */
export function servicesWithRole(compose: Compose, role: string): Array<[string, ComposeService]> {
  return Object.entries(compose.services).filter(([, service]) => service.command?.[0] === 'serve' && optionOf(service.command, '--role') === role);
}

/** A path in the image (under WORKDIR /app) as the path of the same file in this checkout. */
export function checkoutPath(imagePath: string): string {
  if (!imagePath.startsWith('/app/')) throw new Error(`${imagePath} is not under the image's /app`);
  return resolve(projectRoot, imagePath.slice('/app/'.length));
}

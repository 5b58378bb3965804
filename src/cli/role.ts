/** `hookyard serve --role`: what this process of the hub does (src/server.ts, docs/scaling.md). */
import { InvalidArgumentError } from 'commander';
import { HUB_ROLES, type HubRole } from '../server.js';

export const ROLE_HELP = 'all: hooks and workers; ingest: answers hooks, runs no worker; worker: runs the workers, takes no hooks';

export function parseRole(value: string): HubRole {
  const role = HUB_ROLES.find((r) => r === value.trim().toLowerCase());
  if (!role) throw new InvalidArgumentError(`a role is one of ${HUB_ROLES.join(', ')} — ${ROLE_HELP}`);
  return role;
}

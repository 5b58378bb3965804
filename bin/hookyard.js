#!/usr/bin/env node
// The CLI entry point. hookyard ships as TypeScript and runs it through tsx's loader, so a
// fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const CLI = resolve(ROOT, 'dist', 'cli.js');
export const SERVER = resolve(ROOT, 'dist', 'server.js');

/** These tests run the bundles a user runs; `npm test` builds them first. */
export function requireBuilt(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: run "npm run build" first`);
  return path;
}

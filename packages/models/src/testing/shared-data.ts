/**
 * Test access to ../shared (real vocabularies and reference fixtures that are not the project's
 * to commit). CI always has it beside the clone and sets CI=true: there a missing file fails the
 * run. On a newcomer's clone without it, the suites that need it are skipped with a message
 * naming what is missing, so a fresh clone still passes.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

/** ../shared next to the repository root (override with GLIMPSE_SHARED). */
export const SHARED_DIR = process.env['GLIMPSE_SHARED'] ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared');

export function sharedPath(relative: string): string {
  return join(SHARED_DIR, relative);
}

/** `describe` that runs when every listed ../shared file exists, fails in CI when one is missing, and otherwise skips saying why. */
export function describeWithShared(name: string, files: readonly string[], fn: () => void): void {
  const missing = files.filter((f) => !existsSync(sharedPath(f)));
  if (missing.length === 0) {
    describe(name, fn);
    return;
  }
  const message = `${name}: needs ${missing.map(sharedPath).join(', ')} (the shared data beside the clone)`;
  if (process.env['CI']) throw new Error(`${message}; CI must have it`);
  console.warn(`skipping ${message}`);
  describe.skipIf(true)(name, fn);
}

/**
 * Runs every bench/*.bench.ts, one after another, each in a fresh Node process: a benchmark's
 * JIT state and heap would otherwise colour the numbers of the next one.
 * Run with `pnpm bench` from the root (tsx with the '@glimpse/source' condition, so
 * @glimpse/* packages resolve to their TypeScript sources without a build).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2); // optional names, e.g. `pnpm bench matmul`
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((name) => f.startsWith(name)))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n▶ ${file}`);
  // process.execArgv carries tsx's loader and the --conditions flag into the child.
  const run = spawnSync(process.execPath, [...process.execArgv, join(here, file)], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.error(`✗ ${file} exited with ${run.status ?? run.signal}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;

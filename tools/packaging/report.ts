/**
 * Prints each package's packed size and runtime dependencies as a Markdown table (the one in the
 * README's "Import one package" section): builds with `tsc -b`, packs with `pnpm pack` into a
 * temporary directory, and reads the packed manifests.
 *
 *   npx tsx tools/packaging/report.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWorkspace, formatBytes, packWorkspace, removeOrphanedOutputs } from './pack.js';
import { listPackages } from './workspace.js';

const dest = mkdtempSync(join(tmpdir(), 'glimpse-report-'));
try {
  await buildWorkspace();
  removeOrphanedOutputs(listPackages());
  const packed = await packWorkspace(dest);
  console.log('| package | packed | unpacked | files | runtime dependencies |');
  console.log('|---|---|---|---|---|');
  for (const p of packed) {
    const deps = Object.entries(p.manifest.dependencies ?? {}).map(([name, range]) => `\`${name}\` ${range}`);
    console.log(`| \`${p.name}\` | ${formatBytes(p.packedBytes)} | ${formatBytes(p.unpackedBytes)} | ${p.fileCount} | ${deps.join(', ') || '—'} |`);
  }
} finally {
  rmSync(dest, { recursive: true, force: true });
}

// @ts-check
/**
 * TypeDoc for every package: `pnpm docs` writes the API reference to docs/api/.
 *
 * The entry points are read from each packages/<name>/package.json `exports` (the
 * '@glimpse/source' condition), so a new package or export entry is documented without editing
 * this file. Every exported symbol must have a doc comment: tools/docs/require-docs.mjs reports
 * each one that lacks it as a validation warning, and validation warnings are errors here, so
 * the build fails (tools/docs/docs.test.ts runs the same check in the test suite).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const packagesDir = join(root, 'packages');

const packages = readdirSync(packagesDir)
  .filter((dir) => existsSync(join(packagesDir, dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private);

const entryPoints = packages.flatMap(({ dir, manifest }) =>
  Object.values(manifest.exports ?? {}).flatMap((target) => {
    const source = typeof target === 'object' && target ? target['@glimpse/source'] : undefined;
    return typeof source === 'string' ? [join(packagesDir, dir, source)] : [];
  }),
);

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'Glimpse',
  entryPoints,
  tsconfig: join(root, 'tools/docs/tsconfig.json'),
  out: join(root, 'docs/api'),
  readme: 'none',
  disableSources: true,
  skipErrorChecking: true, // `tsc -b` type-checks; TypeDoc only reads
  excludePrivate: true,
  excludeInternal: true,
  plugin: [join(root, 'tools/docs/require-docs.mjs')],
  // TypeDoc's own notDocumented check would also demand a comment on every method and field;
  // the plugin above checks the exported symbols themselves.
  packagesRequiringDocumentation: packages.map(({ manifest }) => manifest.name),
  validation: { notExported: true, invalidLink: true, invalidPath: true, rewrittenLink: true, notDocumented: false, unusedMergeModuleWith: true },
  treatValidationWarningsAsErrors: true,
};

/**
 * Browser entries stay free of Node: no import of `node:*` / `fs` / `path` / `worker_threads` /
 * any other Node built-in may be reachable from a package's main entry (or any export entry not
 * named `./node`), and none may reach another package's `./node` entry. A static scan of the
 * TypeScript sources; a failure names the file and the chain of imports that reaches it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { browserViolations, isNodeBuiltin, listPackages } from './workspace.js';

const pkgs = listPackages();
const browserEntries = pkgs.flatMap((p) => p.entries.filter((e) => !e.nodeOnly));

describe('browser entries import nothing from Node', () => {
  it('finds the packages and their entries', () => {
    expect(pkgs.map((p) => p.manifest.name)).toEqual(expect.arrayContaining(['@glimpse/tensor', '@glimpse/autograd', '@glimpse/models']));
    expect(browserEntries.length).toBeGreaterThanOrEqual(pkgs.length);
  });

  it.each(browserEntries.map((e) => [e.specifier, e] as const))('%s', (_name, entry) => {
    const violations = browserViolations(entry, pkgs);
    expect(violations, `Node-only imports reachable from a browser entry (move them behind a './node' entry):\n${violations.join('\n')}`).toEqual([]);
  });
});

describe('the scan itself', () => {
  const root = mkdtempSync(join(tmpdir(), 'glimpse-scan-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const manifest = (name: string, exportsField: Record<string, string>): string =>
    JSON.stringify({
      name,
      version: '0.0.0',
      exports: Object.fromEntries(Object.entries(exportsField).map(([k, v]) => [k, { '@glimpse/source': v }])),
    });
  write('packages/a/package.json', manifest('@glimpse/a', { '.': './src/index.ts', './node': './src/node.ts' }));
  write('packages/a/src/index.ts', "export * from './core.js';\nexport type { T } from './types.js';\n");
  // `import { type X }` still loads the module under verbatimModuleSyntax; `import type` does not.
  write('packages/a/src/core.ts', "import { type Stats } from 'node:fs';\nexport const x = 1;\n");
  write('packages/a/src/types.ts', "import type * as Fs from 'node:fs';\nexport type T = typeof Fs | import('node:path').ParsedPath;\nexport const computed = (s: string) => import(s);\n");
  write('packages/a/src/node.ts', "import { readFileSync } from 'fs';\nexport const y = readFileSync;\n");
  write('packages/b/package.json', manifest('@glimpse/b', { '.': './src/index.ts' }));
  write('packages/b/src/index.ts', "export { y } from '@glimpse/a/node';\nexport const z = await import('worker_threads');\n");

  it('names the file that imports a Node built-in, through re-exports and across packages, and lets erased type imports pass', () => {
    const fixture = listPackages(root);
    const a = fixture.find((p) => p.manifest.name === '@glimpse/a')!;
    const b = fixture.find((p) => p.manifest.name === '@glimpse/b')!;
    const [aMain, aNode] = a.entries;
    expect(aNode!.nodeOnly).toBe(true);
    expect(browserViolations(aMain!, fixture, root)).toEqual([
      "packages/a/src/core.ts imports 'node:fs', a Node built-in (reached from @glimpse/a: packages/a/src/index.ts → packages/a/src/core.ts)",
    ]);
    const bViolations = browserViolations(b.entries[0]!, fixture, root);
    expect(bViolations).toHaveLength(3);
    expect(bViolations.join('\n')).toContain("packages/b/src/index.ts imports '@glimpse/a/node', a Node-only entry");
    expect(bViolations.join('\n')).toContain("packages/b/src/index.ts imports 'worker_threads'");
    expect(bViolations.join('\n')).toContain("packages/a/src/node.ts imports 'fs'");
  });

  it('knows the built-ins by both spellings', () => {
    for (const s of ['node:fs', 'fs', 'fs/promises', 'path', 'worker_threads', 'node:worker_threads', 'crypto']) expect(isNodeBuiltin(s), s).toBe(true);
    for (const s of ['ndarray', '@glimpse/tensor', 'pngjs', 'fsevents']) expect(isNodeBuiltin(s), s).toBe(false);
  });
});

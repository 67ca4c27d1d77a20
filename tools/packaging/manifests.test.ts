/**
 * Each package's package.json and tsconfig.json describe a package that can be published and
 * imported on its own: ESM, `exports` with the source/types/import conditions in that order and
 * pointing at files that `tsc -b` builds, `files` that ship dist without tests,
 * `sideEffects: false`, every import of the shipped code declared in `dependencies`, and the
 * TypeScript project references that make `tsc -b` build the packages in order.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { isNodeBuiltin, listPackages, packageNameOf, rel, ROOT, walkImports, type WorkspacePackage } from './workspace.js';

const pkgs = listPackages();

function readTsconfig(dir: string): { compilerOptions?: Record<string, unknown>; references?: { path: string }[]; include?: string[]; exclude?: string[] } {
  const { config, error } = ts.readConfigFile(join(dir, 'tsconfig.json'), ts.sys.readFile);
  if (error) throw new Error(`${rel(join(dir, 'tsconfig.json'))}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  return config;
}

describe.each(pkgs.map((p) => [p.manifest.name, p] as const))('%s', (name, pkg: WorkspacePackage) => {
  const m = pkg.manifest;
  const where = rel(join(pkg.dir, 'package.json'));

  it('is an ES module package with side-effect-free files', () => {
    expect(m.type, `${where}: "type"`).toBe('module');
    // false, or the list of built files that must run when imported (an entry that registers a backend).
    const sideEffectsOk = m.sideEffects === false || (Array.isArray(m.sideEffects) && m.sideEffects.every((f) => /^(\.\/)?dist\//.test(f)));
    expect(sideEffectsOk, `${where}: "sideEffects" must be false (so bundlers drop unused modules) or list files under dist/, got ${JSON.stringify(m.sideEffects)}`).toBe(true);
    expect(m.version, `${where}: "version"`).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("exports each entry as '@glimpse/source' → src/X.ts, then types → dist/X.d.ts, then import → dist/X.js", () => {
    expect(m.exports?.['.'], `${where}: exports["."]`).toBeDefined();
    for (const entry of pkg.entries) {
      const at = `${where}: exports["${entry.subpath}"]`;
      const keys = Object.keys(entry.conditions);
      expect(keys.slice(0, 3), `${at}: condition order (the source condition must win in the workspace; types before import)`).toEqual(['@glimpse/source', 'types', 'import']);
      const src = entry.conditions['@glimpse/source']!;
      expect(src, `${at}: source`).toMatch(/^\.\/src\/.+\.ts$/);
      expect(existsSync(join(pkg.dir, src)), `${at}: ${src} does not exist`).toBe(true);
      const stem = src.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '');
      expect(entry.conditions['types'], `${at}: types`).toBe(`${stem}.d.ts`);
      expect(entry.conditions['import'], `${at}: import`).toBe(`${stem}.js`);
    }
    const main = pkg.entries.find((e) => e.subpath === '.')!;
    expect(m.main, `${where}: "main" (for tools that ignore exports)`).toBe(main.conditions['import']);
    expect(m.types, `${where}: "types" (for tools that ignore exports)`).toBe(main.conditions['types']);
  });

  it('ships dist and no tests', () => {
    const files = m.files ?? [];
    expect(files, `${where}: "files"`).toContain('dist');
    if (files.includes('src')) expect(files, `${where}: "files" ships src, so it must leave the tests out`).toContain('!src/**/*.test.ts');
  });

  it('declares in dependencies every package its shipped code imports, and workspace packages as workspace:*', () => {
    const deps = m.dependencies ?? {};
    const peers = m.peerDependencies ?? {};
    const dev = m.devDependencies ?? {};
    const walk = walkImports(
      pkg.entries.flatMap((e) => (e.source ? [e.source] : [])),
      pkgs,
      { followWorkspace: false },
    );
    const problems: string[] = walk.unresolved.map((e) => `${rel(e.from)}: cannot resolve '${e.specifier}'`);
    for (const e of [...walk.external, ...walk.workspace]) {
      if (isNodeBuiltin(e.specifier)) continue;
      const dep = packageNameOf(e.specifier);
      if (dep === m.name) problems.push(`${rel(e.from)}: imports its own package '${e.specifier}' (use a relative import)`);
      else if (!(dep in deps) && !(dep in peers)) {
        problems.push(`${rel(e.from)}: imports '${e.specifier}' but ${where} does not list '${dep}' in dependencies${dep in dev ? ' (only in devDependencies)' : ''}`);
      }
    }
    for (const [dep, range] of Object.entries(deps)) {
      if (dep.startsWith('@glimpse/') && range !== 'workspace:*') problems.push(`${where}: dependency ${dep} should be "workspace:*", is "${range}"`);
    }
    for (const dep of Object.keys(dev)) {
      if (dep.startsWith('@glimpse/')) problems.push(`${where}: ${dep} is a devDependency; the packages it is built with are runtime dependencies`);
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('builds with tsc -b from src to dist after the workspace packages it depends on', () => {
    const tsconfig = readTsconfig(pkg.dir);
    const at = rel(join(pkg.dir, 'tsconfig.json'));
    expect(tsconfig.compilerOptions?.['rootDir'], `${at}: rootDir`).toBe('src');
    expect(tsconfig.compilerOptions?.['outDir'], `${at}: outDir`).toBe('dist');
    expect(tsconfig.compilerOptions?.['composite'], `${at}: composite`).toBe(true);
    expect(tsconfig.exclude ?? [], `${at}: exclude`).toContain('src/**/*.test.ts');
    const referenced = new Set((tsconfig.references ?? []).map((r) => join(pkg.dir, r.path)));
    const needed = pkgs.filter((p) => p.manifest.name in (m.dependencies ?? {}));
    const missing = needed.filter((p) => !referenced.has(p.dir)).map((p) => relative(pkg.dir, p.dir));
    expect(missing, `${at}: "references" must list ${missing.join(', ')}`).toEqual([]);
  });
});

it('the root tsconfig.json references every package, so `tsc -b` builds them all', () => {
  const root = readTsconfig(ROOT);
  const referenced = new Set((root.references ?? []).map((r) => join(ROOT, r.path)));
  const missing = pkgs.filter((p) => !referenced.has(p.dir)).map((p) => rel(p.dir));
  expect(missing, `tsconfig.json: add { "path": "<dir>" } to "references" for ${missing.join(', ')}`).toEqual([]);
});

it('the published package names match their directories', () => {
  for (const p of pkgs) expect(p.manifest.name, rel(join(p.dir, 'package.json'))).toBe(`@glimpse/${p.dirName}`);
});

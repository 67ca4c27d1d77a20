/**
 * What the packaging checks know about the workspace, read from the files themselves so that a
 * new `packages/<name>` is covered the day it appears: the publishable packages, their export
 * entries (source, types, JS), which entries are Node-only, and the import graph of the sources.
 *
 * Convention: an export subpath named `./node` (or ending in `/node`) is Node-only (it may use
 * `node:fs` and friends); every other entry must run in a browser.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  type?: string;
  main?: string;
  types?: string;
  exports?: Record<string, unknown>;
  files?: string[];
  sideEffects?: boolean | string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export interface ExportEntry {
  /** The subpath as written in `exports` ('.', './node', …). */
  subpath: string;
  /** The specifier a consumer imports ('@glimpse/models', '@glimpse/models/node'). */
  specifier: string;
  /** Conditions → target, as written ('@glimpse/source', 'types', 'import', …). */
  conditions: Record<string, string>;
  /** Absolute path of the TypeScript source ('@glimpse/source' condition), if given. */
  source: string | undefined;
  nodeOnly: boolean;
}

export interface WorkspacePackage {
  /** Directory name under packages/ ('tensor'). */
  dirName: string;
  /** Absolute directory. */
  dir: string;
  manifest: PackageJson;
  entries: ExportEntry[];
}

export function isNodeOnlySubpath(subpath: string): boolean {
  return subpath === './node' || subpath.endsWith('/node');
}

/** Every publishable (non-private) package under packages/, sorted so dependencies come first. */
export function listPackages(root = ROOT): WorkspacePackage[] {
  const base = join(root, 'packages');
  const found: WorkspacePackage[] = [];
  for (const dirName of readdirSync(base).sort()) {
    const dir = join(base, dirName);
    const manifestPath = join(dir, 'package.json');
    if (!statSync(dir).isDirectory() || !existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PackageJson;
    if (manifest.private) continue;
    found.push({ dirName, dir, manifest, entries: exportEntries(dir, manifest) });
  }
  return topoSort(found);
}

function exportEntries(dir: string, manifest: PackageJson): ExportEntry[] {
  const exportsField = manifest.exports ?? {};
  return Object.entries(exportsField).map(([subpath, target]) => {
    const conditions: Record<string, string> =
      typeof target === 'string' ? { default: target } : Object.fromEntries(Object.entries(target as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const src = conditions['@glimpse/source'];
    return {
      subpath,
      specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.replace(/^\.\//, '')}`,
      conditions,
      source: src ? resolve(dir, src) : undefined,
      nodeOnly: isNodeOnlySubpath(subpath),
    };
  });
}

function topoSort(pkgs: WorkspacePackage[]): WorkspacePackage[] {
  const byName = new Map(pkgs.map((p) => [p.manifest.name, p]));
  const out: WorkspacePackage[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (p: WorkspacePackage): void => {
    const s = state.get(p.manifest.name);
    if (s === 'done') return;
    if (s === 'visiting') throw new Error(`dependency cycle through ${p.manifest.name}`);
    state.set(p.manifest.name, 'visiting');
    for (const dep of Object.keys(p.manifest.dependencies ?? {})) {
      const d = byName.get(dep);
      if (d) visit(d);
    }
    state.set(p.manifest.name, 'done');
    out.push(p);
  };
  for (const p of pkgs) visit(p);
  return out;
}

const BUILTINS = new Set(builtinModules);

/** True for `node:x` and for bare names of Node's built-in modules (`fs`, `fs/promises`, `worker_threads`). */
export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!);
}

/** The package name of a bare specifier ('@scope/pkg/sub' → '@scope/pkg', 'pkg/sub' → 'pkg'). */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

export interface ImportRef {
  specifier: string;
  /**
   * True when the import is erased from the JavaScript (`import type`, `export type … from`,
   * `import('x').T` in a type): with `verbatimModuleSyntax` only these are dropped — an
   * `import { type X }` still loads the module.
   */
  typeOnly: boolean;
}

/**
 * Every module a TypeScript file mentions with a string literal: static imports, `export … from`,
 * dynamic `import('x')`, `require('x')`, and type-only imports (flagged). A dynamic import of a
 * computed specifier cannot be followed statically and is not listed.
 */
export function importsOf(file: string): ImportRef[] {
  const key = `${file}@${statSync(file).mtimeMs}`;
  const cached = importCache.get(key);
  if (cached) return cached;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const found: ImportRef[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly ?? false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isImport || isRequire) found.push({ specifier: (node.arguments[0] as ts.StringLiteralLike).text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  importCache.set(key, found);
  return found;
}

const importCache = new Map<string, ImportRef[]>();

/** Resolves a relative specifier of a TS source (`./x.js` → `./x.ts`, `./dir` → `./dir/index.ts`). */
export function resolveRelative(fromFile: string, specifier: string): string | undefined {
  const target = resolve(dirname(fromFile), specifier);
  const candidates = [target, target.replace(/\.(m|c)?js$/, '.$1ts'), `${target}.ts`, join(target, 'index.ts')];
  return candidates.find((c) => c.endsWith('ts') && existsSync(c) && statSync(c).isFile());
}

export interface ImportEdge extends ImportRef {
  /** The importing file (absolute). */
  from: string;
}

export interface GraphWalk {
  /** Source files reached, with the chain of files that leads to each (entry first). */
  files: Map<string, string[]>;
  /** Imports that leave the workspace sources: builtins and third-party packages. */
  external: ImportEdge[];
  /** Imports of another workspace package's export entry. */
  workspace: (ImportEdge & { entry: ExportEntry })[];
  /** Relative imports that do not resolve to a file, and workspace imports of entries that do not exist. */
  unresolved: ImportEdge[];
}

/**
 * Walks the import graph from the given source files, following relative imports and imports of
 * other workspace packages' entries (through their '@glimpse/source' files). `runtimeOnly` skips
 * the imports that TypeScript erases, i.e. walks what a browser would actually load.
 */
export function walkImports(
  starts: readonly string[],
  pkgs: readonly WorkspacePackage[],
  opts: { followWorkspace?: boolean; runtimeOnly?: boolean } = {},
): GraphWalk {
  const followWorkspace = opts.followWorkspace ?? true;
  const byName = new Map(pkgs.map((p) => [p.manifest.name, p]));
  const walk: GraphWalk = { files: new Map(), external: [], workspace: [], unresolved: [] };
  const queue: [string, string[]][] = starts.map((s) => [s, [s]]);
  while (queue.length) {
    const [file, chain] = queue.shift()!;
    if (walk.files.has(file)) continue;
    walk.files.set(file, chain);
    for (const ref of importsOf(file)) {
      if (opts.runtimeOnly && ref.typeOnly) continue;
      const { specifier } = ref;
      const edge = { ...ref, from: file };
      if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier);
        if (target) queue.push([target, [...chain, target]]);
        else walk.unresolved.push(edge);
        continue;
      }
      const pkg = byName.get(packageNameOf(specifier));
      if (!pkg) {
        walk.external.push(edge);
        continue;
      }
      const subpath = specifier === pkg.manifest.name ? '.' : `./${specifier.slice(pkg.manifest.name.length + 1)}`;
      const entry = pkg.entries.find((e) => e.subpath === subpath);
      if (!entry) {
        walk.unresolved.push(edge);
        continue;
      }
      walk.workspace.push({ ...edge, entry });
      if (followWorkspace && entry.source) queue.push([entry.source, [...chain, entry.source]]);
    }
  }
  return walk;
}

/** A path relative to the repository root, for messages. */
export function rel(path: string): string {
  return relative(ROOT, path);
}

/**
 * Why an entry would not run in a browser: each import of a Node built-in, or of another
 * package's Node-only entry, that the entry's runtime import graph reaches — naming the importing
 * file and the chain of imports from the entry. Empty when the entry is browser-safe. Type-only
 * imports (`import type * as fs from 'node:fs'`) are erased from the JavaScript and allowed.
 */
export function browserViolations(entry: ExportEntry, pkgs: readonly WorkspacePackage[], root = ROOT): string[] {
  if (!entry.source) return [`${entry.specifier}: no '@glimpse/source' condition, so its sources cannot be scanned`];
  const walk = walkImports([entry.source], pkgs, { runtimeOnly: true });
  const r = (p: string): string => relative(root, p);
  const via = (from: string): string => (walk.files.get(from) ?? [from]).map(r).join(' → ');
  return [
    ...walk.external
      .filter((e) => isNodeBuiltin(e.specifier))
      .map((e) => `${r(e.from)} imports '${e.specifier}', a Node built-in (reached from ${entry.specifier}: ${via(e.from)})`),
    ...walk.workspace
      .filter((e) => e.entry.nodeOnly)
      .map((e) => `${r(e.from)} imports '${e.specifier}', a Node-only entry (reached from ${entry.specifier}: ${via(e.from)})`),
  ];
}

/**
 * Each package installs and imports on its own, as a user would get it from the registry:
 * build with `tsc -b`, `pnpm pack` every package, `npm install` the tarballs into a fresh project
 * outside the workspace (isolated node_modules, so an undeclared dependency fails), then
 *   - in plain `node` (no tsx, no custom conditions): import every export entry of every package
 *     in its own process, and run each package's smoke computation (tools/packaging/smoke/);
 *   - type-check a consumer against the packed .d.ts files (strict, skipLibCheck off);
 *   - bundle the browser entries with esbuild (platform: browser) and run the same smoke
 *     computations in headless Chromium, expecting the numbers Node got.
 *
 * A new package needs one file: tools/packaging/smoke/<dir>.mjs (and <dir>.node.mjs when it
 * has a './node' entry); the test fails until it exists.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWorkspace, cleanEnv, formatBytes, packWorkspace, removeOrphanedOutputs, run, type PackedPackage } from './pack.js';
import { listPackages, ROOT, type ExportEntry } from './workspace.js';

const SMOKE_DIR = join(ROOT, 'tools', 'packaging', 'smoke');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const pkgs = listPackages();
const work = mkdtempSync(join(tmpdir(), 'glimpse-packaging-'));
const tarballs = join(work, 'tarballs');
const consumer = join(work, 'consumer');
const timings: Record<string, number> = {};
let packed: PackedPackage[] | undefined;
let installed = false;
const nodeResults: Record<string, unknown> = {};

const README_SECTION = 'Import one package';

/** The ```js blocks of the README's "Import one package" section. */
function readmeExamples(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${README_SECTION}`);
  if (start < 0) throw new Error(`README.md has no "## ${README_SECTION}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** Runs `fn`, recording how long it took under `name` (printed at the end). */
async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t = Date.now();
  try {
    return await fn();
  } finally {
    timings[name] = Date.now() - t;
  }
}

/** Differences between two JSON values, numbers compared to a relative 1e-6 (V8 in Chromium vs Node). */
function jsonDiff(a: unknown, b: unknown, path = '$'): string[] {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-6 * (1 + Math.abs(b)) ? [] : [`${path}: ${a} vs ${b}`];
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: length ${a.length} vs ${b.length}`];
    return a.flatMap((v, i) => jsonDiff(v, b[i], `${path}[${i}]`));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => jsonDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return a === b ? [] : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

/** An entry may export nothing only when it is imported for its side effects, which package.json must then declare. */
function sideEffectOnlyAllowed(entry: ExportEntry): boolean {
  const pkg = pkgs.find((p) => p.entries.includes(entry))!;
  const declared = pkg.manifest.sideEffects;
  const target = entry.conditions['import']?.replace(/^\.\//, '');
  return Array.isArray(declared) && declared.some((f) => f.replace(/^\.\//, '') === target);
}

function needInstalled(): void {
  if (!installed) throw new Error('the tarballs were not installed (an earlier step failed)');
}

afterAll(() => {
  console.log(`packaging timings (ms): ${JSON.stringify(timings)}`);
  if (packed) console.log(`packed: ${packed.map((p) => `${p.name} ${formatBytes(p.packedBytes)}`).join(', ')}`);
  rmSync(work, { recursive: true, force: true });
});

describe('packages installed from their tarballs', () => {
  it('build with tsc -b', { timeout: 300_000 }, async () => {
    await timed('tsc -b', buildWorkspace);
    const removed = removeOrphanedOutputs(pkgs);
    if (removed.length) console.warn(`removed build outputs whose source is gone: ${removed.join(', ')}`);
    for (const pkg of pkgs) {
      for (const e of pkg.entries) {
        for (const target of [e.conditions['types'], e.conditions['import']]) {
          expect(existsSync(join(pkg.dir, target ?? '-')), `${e.specifier}: ${target} not built`).toBe(true);
        }
      }
    }
  });

  it('pack with pnpm pack, replacing workspace:* by versions and shipping no tests', { timeout: 120_000 }, async () => {
    packed = await timed('pnpm pack', () => packWorkspace(tarballs));
    for (const p of packed) {
      const deps = JSON.stringify(p.manifest.dependencies ?? {});
      expect(deps, `${p.name}: packed dependencies`).not.toContain('workspace:');
      expect(p.fileCount, `${p.name}: files in the tarball`).toBeGreaterThan(1);
    }
  });

  it('install into a fresh project outside the workspace with npm', { timeout: 180_000 }, async () => {
    expect(packed, 'packing failed').toBeDefined();
    const files = Object.fromEntries(packed!.map((p) => [p.name, `file:${p.tarball}`]));
    cpSync(SMOKE_DIR, join(consumer, 'smoke'), { recursive: true });
    // Peer dependencies (gpu.js, optional, for @glimpse/tensor/gpu) are installed as a user of those
    // entries installs them; gpu.js's unused hard dependency webgpu (84 MB) becomes an empty stub, as
    // the workspace's pnpm override removes it, and its optional native `gl` is left out (--omit=optional).
    const peers: Record<string, string> = Object.assign({}, ...packed!.map((p) => p.manifest.peerDependencies ?? {}));
    mkdirSync(join(consumer, 'stubs', 'webgpu'), { recursive: true });
    writeFileSync(join(consumer, 'stubs', 'webgpu', 'package.json'), JSON.stringify({ name: 'webgpu', version: '0.0.0' }));
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'glimpse-consumer', private: true, type: 'module', dependencies: { ...files, ...peers }, overrides: { ...files, webgpu: 'file:./stubs/webgpu' } }, null, 2),
    );
    // linked: each package sees only what it declares (as pnpm does), so a missing dependency fails.
    await timed('npm install', () =>
      run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--omit=optional', '--install-strategy=linked', '--loglevel=error'], {
        cwd: consumer,
        env: cleanEnv(),
        timeoutMs: 180_000,
      }),
    );
    for (const p of packed!) expect(existsSync(join(consumer, 'node_modules', p.name, 'package.json')), `${p.name} installed`).toBe(true);
    installed = true;
  });

  it.each(pkgs.map((p) => [p.manifest.name, p] as const))('%s: every export entry imports alone in plain node', { timeout: 60_000 }, async (_name, pkg) => {
    needInstalled();
    const script = [
      'const [allowed, ...specifiers] = process.argv.slice(1);',
      'for (const s of specifiers) {',
      '  const m = await import(s);',
      `  if (Object.keys(m).length === 0 && !JSON.parse(allowed).includes(s)) throw new Error(s + ' exports nothing (an entry imported for its side effects must be listed in package.json "sideEffects")');`,
      '}',
    ].join('\n');
    const allowed = JSON.stringify(pkg.entries.filter(sideEffectOnlyAllowed).map((e) => e.specifier));
    await timed(`import ${pkg.manifest.name}`, () =>
      run(process.execPath, ['--input-type=module', '-e', script, allowed, ...pkg.entries.map((e) => e.specifier)], { cwd: consumer, env: cleanEnv(), timeoutMs: 60_000 }),
    );
  });

  it('every package has a smoke computation in tools/packaging/smoke/', () => {
    const smokes = new Set(readdirSync(SMOKE_DIR));
    for (const pkg of pkgs) {
      expect(smokes.has(`${pkg.dirName}.mjs`), `add tools/packaging/smoke/${pkg.dirName}.mjs: a small real computation with ${pkg.manifest.name}`).toBe(true);
      if (pkg.entries.some((e) => e.nodeOnly)) {
        expect(smokes.has(`${pkg.dirName}.node.mjs`), `add tools/packaging/smoke/${pkg.dirName}.node.mjs: a computation through ${pkg.manifest.name}'s Node-only entry`).toBe(true);
      }
    }
  });

  const smokeFiles = pkgs.flatMap((p) => [`${p.dirName}.mjs`, `${p.dirName}.node.mjs`]).filter((f) => existsSync(join(SMOKE_DIR, f)));
  it.each(smokeFiles)('smoke/%s computes the right numbers in plain node', { timeout: 60_000 }, async (file) => {
    needInstalled();
    const script = `const m = await import(${JSON.stringify(`./smoke/${file}`)}); console.log(JSON.stringify(await m.default()));`;
    const result = await timed(`node ${file}`, () => run(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer, env: cleanEnv(), timeoutMs: 60_000 }));
    nodeResults[file] = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
  });

  it(`runs the README's "${README_SECTION}" examples in plain node, one per package`, { timeout: 60_000 }, async () => {
    needInstalled();
    const blocks = readmeExamples();
    for (const pkg of pkgs) {
      expect(blocks.some((b) => b.includes(`from '${pkg.manifest.name}'`)), `README.md "${README_SECTION}": add an example that imports ${pkg.manifest.name}`).toBe(true);
    }
    await timed('README examples', () =>
      Promise.all(
        blocks.map((code, i) => {
          writeFileSync(join(consumer, `readme-${i}.mjs`), code);
          return run(process.execPath, [`readme-${i}.mjs`], { cwd: consumer, env: cleanEnv(), timeoutMs: 60_000 }).catch((e: Error) => {
            throw new Error(`README example ${i + 1}:\n${code}\n${e.message}`);
          });
        }),
      ),
    );
  });

  it('type-checks a strict consumer against the packed .d.ts files', { timeout: 120_000 }, async () => {
    needInstalled();
    const lines = pkgs.flatMap((p) => p.entries.map((e, i) => `import * as ${p.dirName}_${i} from '${e.specifier}';\nexport const use_${p.dirName}_${i} = Object.keys(${p.dirName}_${i});`));
    writeFileSync(join(consumer, 'consumer.ts'), `${lines.join('\n')}\n`);
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true,
          skipLibCheck: false, types: [], lib: ['ES2022', 'DOM'],
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await timed('tsc consumer', () => run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: consumer, env: cleanEnv(), allowFailure: true, timeoutMs: 120_000 }));
    expect(result.code, `type errors in the packed declarations:\n${result.stdout}${result.stderr}`).toBe(0);
  });

  describe('in a browser', () => {
    const haveChromium = existsSync(CHROMIUM);
    if (!haveChromium) {
      const why = `${CHROMIUM} not found (apt-get install -y chromium, or set CHROMIUM_PATH)`;
      if (process.env['CI']) it('has Chromium', () => expect.fail(`${why}; CI must have it (.ci/run installs it)`));
      else console.warn(`skipping the browser checks: ${why}`);
    }
    let bundle: string | undefined;
    const browserEntries = pkgs.flatMap((p) => p.entries.filter((e) => !e.nodeOnly));
    const browserSmokes = pkgs.filter((p) => existsSync(join(SMOKE_DIR, `${p.dirName}.mjs`)));

    it('bundles every browser entry and its smoke computation with esbuild (platform: browser)', { timeout: 60_000 }, async () => {
      needInstalled();
      const esbuild = await import('esbuild');
      const entry = join(consumer, 'smoke', 'browser-entry.mjs');
      writeFileSync(
        entry,
        [
          ...browserEntries.map((e, i) => `import * as entry${i} from '${e.specifier}';`),
          ...browserSmokes.map((p, i) => `import smoke${i} from './${p.dirName}.mjs';`),
          `globalThis.__glimpseEntries = { ${browserEntries.map((e, i) => `${JSON.stringify(e.specifier)}: Object.keys(entry${i}).length`).join(', ')} };`,
          `globalThis.__glimpseSmoke = async () => ({ ${browserSmokes.map((p, i) => `${JSON.stringify(`${p.dirName}.mjs`)}: await smoke${i}()`).join(', ')} });`,
        ].join('\n'),
      );
      const result = await timed('esbuild', () =>
        esbuild.build({
          entryPoints: [entry], bundle: true, platform: 'browser', format: 'iife', target: 'es2022',
          write: false, absWorkingDir: consumer, logLevel: 'silent',
        }),
      );
      expect(result.errors).toEqual([]);
      bundle = result.outputFiles[0]!.text;
      console.log(`browser bundle: ${formatBytes(bundle.length)} for ${browserEntries.map((e) => e.specifier).join(', ')}`);
    });

    it.skipIf(!haveChromium)('runs the smoke computations in headless Chromium with the same numbers as Node', { timeout: 90_000 }, async () => {
      expect(bundle, 'bundling failed').toBeDefined();
      const { chromium } = await import('playwright-core');
      const started = Date.now();
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
      timings['chromium launch'] = Date.now() - started;
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        const results = await timed('chromium run', async () => {
          await page.setContent('<!doctype html><title>glimpse</title>');
          await page.addScriptTag({ content: bundle! });
          const entries = await page.evaluate(() => (globalThis as unknown as { __glimpseEntries: Record<string, number> }).__glimpseEntries);
          const sideEffectOnly = new Set(browserEntries.filter(sideEffectOnlyAllowed).map((e) => e.specifier));
          for (const [specifier, count] of Object.entries(entries)) {
            if (!sideEffectOnly.has(specifier)) expect(count, `${specifier} exports nothing in the browser`).toBeGreaterThan(0);
          }
          return page.evaluate(() => (globalThis as unknown as { __glimpseSmoke: () => Promise<Record<string, unknown>> }).__glimpseSmoke());
        });
        expect(errors, errors.join('\n')).toEqual([]);
        for (const p of browserSmokes) {
          const file = `${p.dirName}.mjs`;
          expect(results[file], `${file} returned nothing in Chromium`).toBeDefined();
          if (file in nodeResults) expect(jsonDiff(results[file], nodeResults[file]), `${file}: Chromium vs Node`).toEqual([]);
        }
        expect(Object.keys(results)).toEqual(expect.arrayContaining(['tensor.mjs', 'autograd.mjs']));
      } finally {
        await browser.close();
      }
    });
  });
});

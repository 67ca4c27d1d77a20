/**
 * Headless Chromium for tests, shareable: `launchChromium()` starts Debian's Chromium through
 * playwright-core, `bundleWorkspace()` bundles a TypeScript entry that imports the workspace
 * packages (from their sources, as the '@glimpse/source' condition does) into one browser script,
 * and `runInPage()` loads it into a blank page and returns what its global function resolves to,
 * failing on any page error.
 *
 * With `{ webgl: true }` Chromium gets WebGL2 on SwiftShader (Chromium's CPU Vulkan device under
 * ANGLE): `--use-gl=swiftshader --enable-unsafe-swiftshader`, measured to give
 * 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)' with
 * EXT_color_buffer_float, which gpu.js's float textures need. Without it, `--disable-gpu`.
 *
 * `chromiumMissing()` says why Chromium cannot run here (for CI to fail and elsewhere to skip).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const COMMON_ARGS = [
  '--headless', '--no-sandbox', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const WEBGL_ARGS = ['--use-gl=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'];

/** Why Chromium cannot be launched here, or undefined. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found (apt-get install -y chromium, or set CHROMIUM_PATH)`;
}

export interface LaunchOptions {
  /** WebGL2 on SwiftShader (default false: --disable-gpu). */
  webgl?: boolean;
}

/** Launches headless Chromium (close it with `browser.close()`). */
export async function launchChromium(opts: LaunchOptions = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [...COMMON_ARGS, ...(opts.webgl ? WEBGL_ARGS : ['--disable-gpu'])],
    timeout: 60_000,
  });
}

/** The workspace packages' entries, mapped to their TypeScript sources. */
function workspaceAliases(): Record<string, string> {
  const src = (pkg: string, file: string) => join(ROOT, 'packages', pkg, 'src', file);
  return {
    '@glimpse/tensor/gpu': src('tensor', 'gpu/index.ts'),
    '@glimpse/tensor': src('tensor', 'index.ts'),
    '@glimpse/autograd': src('autograd', 'index.ts'),
    '@glimpse/models': src('models', 'index.ts'),
  };
}

/**
 * Bundles `entry` (a .ts file) for the browser: one IIFE, workspace packages from their sources
 * (imports between packages resolve through their node_modules with the '@glimpse/source'
 * condition), npm packages through their "browser" fields (gpu.js → dist/gpu-browser.js).
 */
export async function bundleWorkspace(entry: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    conditions: ['@glimpse/source'],
    alias: workspaceAliases(),
    write: false,
    logLevel: 'silent',
  });
  if (result.errors.length) throw new Error(`bundling ${entry}: ${result.errors.map((e) => e.text).join('; ')}`);
  return result.outputFiles[0]!.text;
}

type Browser = Awaited<ReturnType<typeof launchChromium>>;

/** Loads `bundle` into a blank page and returns `await globalThis[fn]()`; page errors fail it. */
export async function runInPage<T>(browser: Browser, bundle: string, fn: string): Promise<T> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  try {
    await page.setContent('<!doctype html><title>glimpse</title>');
    await page.addScriptTag({ content: bundle });
    const result = await page.evaluate(async (name) => (globalThis as unknown as Record<string, () => Promise<unknown>>)[name]!(), fn);
    if (errors.length) throw new Error(`errors in the page:\n${errors.join('\n')}`);
    return result as T;
  } finally {
    await page.close();
  }
}

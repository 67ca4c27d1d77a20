/**
 * Build and pack the workspace packages the way they would be published: `tsc -b`, then
 * `pnpm pack` (which turns `workspace:*` into real versions) into a directory of tarballs.
 * Used by the packaging test and by `report.ts` (the sizes in the README).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { listPackages, ROOT, type PackageJson, type WorkspacePackage } from './workspace.js';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs a command without a shell and collects its output; rejects with the output when it fails
 * (unless `allowFailure`) or runs past `timeoutMs`.
 */
export function run(
  command: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; allowFailure?: boolean } = {},
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(' ')}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code, stdout, stderr, ms: Date.now() - started };
      if ((code === 0 && !signal) || opts.allowFailure) resolvePromise(result);
      else {
        const why = signal ? `was killed (${signal}${signal === 'SIGKILL' ? ', timeout' : ''})` : `exited with ${code}`;
        reject(new Error(`\`${command} ${args.join(' ')}\` in ${opts.cwd ?? ROOT} ${why}\n${stdout}\n${stderr}`.trim()));
      }
    });
  });
}

/** The environment for tools run outside the workspace: no npm/pnpm settings or NODE_OPTIONS leak in from `pnpm test`. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|NODE_OPTIONS$|NODE_PATH$|VITEST|TSX_)/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** `tsc -b` over the root tsconfig.json (every package, in reference order). */
export async function buildWorkspace(): Promise<RunResult> {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  return run(process.execPath, [tsc, '-b'], { timeoutMs: 300_000 });
}

/**
 * Build outputs left in a package's dist/ by a source file that no longer exists (`tsc -b` never
 * deletes them, and they would be packed).
 */
export function orphanedOutputs(pkg: WorkspacePackage): string[] {
  const dist = join(pkg.dir, 'dist');
  if (!existsSync(dist)) return [];
  const orphans: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const stem = relative(dist, path).replace(/(\.d\.ts|\.js|\.js\.map|\.d\.ts\.map)$/, '');
        if (stem === relative(dist, path)) continue;
        if (!['.ts', '.tsx', '.mts'].some((ext) => existsSync(join(pkg.dir, 'src', stem + ext)))) orphans.push(path);
      }
    }
  };
  walk(dist);
  return orphans;
}

export function removeOrphanedOutputs(pkgs: readonly WorkspacePackage[]): string[] {
  const removed = pkgs.flatMap(orphanedOutputs);
  for (const f of removed) rmSync(f, { force: true });
  return removed.map((f) => relative(ROOT, f));
}

/** The pnpm the project pins (`packageManager` in the root package.json), run through npx. */
export function pnpmCommand(): [string, string[]] {
  const pinned = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { packageManager?: string }).packageManager ?? 'pnpm';
  return ['npx', ['-y', pinned]];
}

export interface PackedPackage {
  name: string;
  version: string;
  dirName: string;
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Size of the .tgz in bytes. */
  packedBytes: number;
  /** Sum of the file sizes inside the tarball. */
  unpackedBytes: number;
  fileCount: number;
  /** The manifest as packed (workspace:* replaced by versions). */
  manifest: PackageJson;
}

/** `pnpm pack` of every package under packages/ into `dest`. */
export async function packWorkspace(dest: string): Promise<PackedPackage[]> {
  const pkgs = listPackages();
  const [cmd, pre] = pnpmCommand();
  const filters = pkgs.flatMap((p) => ['--filter', p.manifest.name]);
  const result = await run(cmd, [...pre, '-r', ...filters, 'pack', '--pack-destination', dest, '--json'], { timeoutMs: 120_000 });
  const start = result.stdout.search(/^[[{]/m);
  if (start < 0) throw new Error(`pnpm pack printed no JSON:\n${result.stdout}\n${result.stderr}`);
  const json = JSON.parse(result.stdout.slice(start)) as { name: string; filename: string } | { name: string; filename: string }[];
  const packed = Array.isArray(json) ? json : [json];
  return pkgs.map((pkg) => {
    const hit = packed.find((p) => p.name === pkg.manifest.name);
    if (!hit) throw new Error(`pnpm pack did not pack ${pkg.manifest.name}:\n${result.stdout}\n${result.stderr}`);
    const tarball = hit.filename.startsWith('/') ? hit.filename : join(dest, hit.filename);
    const entries = readTarGz(tarball);
    const manifestEntry = entries.find((e) => e.path === 'package/package.json');
    if (!manifestEntry) throw new Error(`${tarball} has no package/package.json`);
    return {
      name: pkg.manifest.name,
      version: pkg.manifest.version,
      dirName: pkg.dirName,
      tarball,
      packedBytes: statSync(tarball).size,
      unpackedBytes: entries.reduce((n, e) => n + e.data.length, 0),
      fileCount: entries.length,
      manifest: JSON.parse(manifestEntry.data.toString('utf8')) as PackageJson,
    };
  });
}

/** The regular files of a .tgz (ustar, as npm and pnpm write it). */
export function readTarGz(file: string): { path: string; data: Buffer }[] {
  const tar = gunzipSync(readFileSync(file));
  const out: { path: string; data: Buffer }[] = [];
  let longName: string | undefined;
  for (let off = 0; off + 512 <= tar.length; ) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number) => header.subarray(start, start + len).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    const data = tar.subarray(off + 512, off + 512 + size);
    if (type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
    else if (type === '0' || type === '') out.push({ path: name, data: Buffer.from(data) });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** '12.3 kB' (decimal, as npm prints sizes). */
export function formatBytes(n: number): string {
  return n < 1000 ? `${n} B` : n < 1e6 ? `${(n / 1e3).toFixed(1)} kB` : `${(n / 1e6).toFixed(2)} MB`;
}

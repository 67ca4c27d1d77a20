/**
 * The API reference builds and every exported symbol is documented: runs TypeDoc with the
 * project's typedoc.config.mjs and no HTML output (`--emit none`), as `pnpm docs` would before
 * writing docs/api/. A failure lists each undocumented export with its file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../packaging/pack.js';
import { ROOT } from '../packaging/workspace.js';

const TYPEDOC = join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

async function typedoc(args: string[], cwd = ROOT) {
  const result = await run(process.execPath, [TYPEDOC, '--emit', 'none', ...args], { cwd, allowFailure: true, timeoutMs: 120_000 });
  return { code: result.code, output: strip(result.stdout + result.stderr), ms: result.ms };
}

describe('API reference (TypeDoc)', () => {
  it('documents every exported symbol of every package', { timeout: 120_000 }, async () => {
    const { code, output, ms } = await typedoc([]);
    console.log(`typedoc validation: ${ms} ms`);
    const undocumented = output.split('\n').filter((l) => l.includes('is exported without a doc comment')).map((l) => l.replace(/^\[warning\]\s*/, '').replace(/ is exported without.*/, ''));
    expect(undocumented, `exported without a doc comment (add a one- or two-sentence /** … */ saying what it is, with shapes and dtypes):\n${undocumented.join('\n')}`).toEqual([]);
    expect(code, `typedoc failed:\n${output}`).toBe(0);
  });

  describe('the check itself', () => {
    const root = mkdtempSync(join(tmpdir(), 'glimpse-docs-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const write = (path: string, text: string): void => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write('packages/x/package.json', JSON.stringify({ name: '@glimpse/x', version: '0.0.0', type: 'module', exports: { '.': { '@glimpse/source': './src/index.ts' } } }));
    write(
      'packages/x/src/index.ts',
      [
        '/** Adds one. */',
        'export function documented(a: number): number { return a + 1; }',
        'export function forgotten(a: number): number { return a - 1; }',
        'export interface Bare { x: number }',
        '/** A helper arrow. */',
        'export const arrow = (a: number) => a;',
        'export const undocumentedArrow = (a: number) => a;',
        '',
      ].join('\n'),
    );
    write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, types: [] }, include: ['packages/*/src'] }));
    write(
      'typedoc.json',
      JSON.stringify({
        entryPoints: ['packages/x/src/index.ts'],
        tsconfig: 'tsconfig.json',
        plugin: [join(ROOT, 'tools/docs/require-docs.mjs')],
        packagesRequiringDocumentation: ['@glimpse/x'],
        validation: { notDocumented: false },
        treatValidationWarningsAsErrors: true,
        skipErrorChecking: true,
        disableSources: true,
        readme: 'none',
      }),
    );

    it('fails the build naming each undocumented export', { timeout: 60_000 }, async () => {
      const { code, output } = await typedoc(['--options', join(root, 'typedoc.json')], root);
      expect(code).not.toBe(0);
      const flagged = output.split('\n').filter((l) => l.includes('is exported without a doc comment'));
      // (one entry point: TypeDoc names the symbols without a module prefix)
      expect(flagged.map((l) => l.replace(/^\[warning\]\s*/, '').split(' ')[0]).sort()).toEqual(['Bare', 'forgotten', 'undocumentedArrow']);
      expect(flagged.join('\n')).toContain('@glimpse/x/src/index.ts');
    });
  });
});

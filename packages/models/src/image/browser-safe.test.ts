/**
 * The image modules exported from the main entry must bundle for a browser: no static import
 * of Node built-ins or of pngjs (which needs Node's zlib/stream). Decoding (decode.ts,
 * read-image.ts) is exported from `@glimpse/models/node` only.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const DIR = new URL('./', import.meta.url);
const NODE_ONLY = new Set(['decode.ts', 'read-image.ts']);

function staticImports(file: string): string[] {
  const text = readFileSync(new URL(file, DIR), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
}

describe('image modules in the main entry are browser-safe', () => {
  const core = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !NODE_ONLY.has(f));

  it.each(core)('%s imports no Node built-in and no pngjs', (file) => {
    for (const spec of staticImports(file)) {
      expect(spec, `${file} imports ${spec}`).not.toMatch(/^(node:|pngjs|fs$|path$|zlib$|stream$)/);
      if (spec.startsWith('./')) expect(NODE_ONLY.has(spec.replace(/^\.\//, '').replace(/\.js$/, '.ts')), `${file} imports ${spec}`).toBe(false);
    }
  });

  it('the main entry exports no node-only module', () => {
    const index = readFileSync(new URL('../index.ts', DIR), 'utf8');
    expect(index).not.toMatch(/image\/(decode|read-image)\.js/);
    expect(index).toMatch(/image\/processor\.js/);
  });
});

/**
 * The engine in a browser on the gpu backend: the workspace packages bundled with esbuild (gpu.js
 * through its browser build), loaded into headless Chromium with WebGL2 on SwiftShader, run
 * forward + backward of a small attention block (attention-block.ts) on the gpu backend and on
 * the cpu backend, and the two must agree. The gpu kernels must be gpu.js's WebGL2Kernel: a
 * silent fallback to its CPU or WebAssembly kernels fails the test.
 *
 * Tolerance ('scaled', float32 device against the cpu): |gpu − cpu| ≤ 1e-4 · max|cpu| + 1e-6
 * per compared tensor, as gradcheckAgainstCpu. Chromium missing: fails in CI, skips elsewhere.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockResult } from './attention-block.js';
import { bundleWorkspace, chromiumMissing, launchChromium, ROOT, runInPage } from './chromium.js';

interface PageResult {
  info: { kernel: string; mode: string; renderer: string };
  memory: { storages: number; textures: number };
  gpu: BlockResult;
  cpu: BlockResult;
  userAgent: string;
}

/** Worst |got − want| over the bound 1e-4·max|want| + 1e-6 (≤ 1 passes). */
function excess(got: number[], want: number[]): number {
  const scale = Math.max(...want.map(Math.abs));
  const bound = 1e-4 * scale + 1e-6;
  return Math.max(...want.map((w, i) => Math.abs(got[i]! - w) / bound));
}

const missing = chromiumMissing();
if (missing && !process.env['CI']) console.warn(`skipping the browser gpu test: ${missing}`);

describe('the engine in headless Chromium on WebGL2 (SwiftShader)', () => {
  if (missing && process.env['CI']) it('has Chromium', () => expect.fail(`${missing}; CI must have it (.ci/run installs it)`));
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let result: PageResult | undefined;

  beforeAll(async () => {
    if (missing) return;
    const bundle = await bundleWorkspace(join(ROOT, 'tools', 'browser', 'attention-block.ts'));
    browser = await launchChromium({ webgl: true });
    result = await runInPage<PageResult>(browser, bundle, '__glimpseAttention');
  }, 120_000);
  afterAll(async () => browser?.close());

  it.skipIf(!!missing)('runs the gpu backend on gpu.js WebGL2 kernels', () => {
    expect(result!.info.mode).toBe('webgl2');
    expect(result!.info.kernel).toBe('WebGL2Kernel');
    expect(result!.info.renderer).toMatch(/SwiftShader/);
    console.log(`browser gpu: ${result!.info.kernel} on ${result!.info.renderer}; ${result!.memory.storages} live storages, ${result!.memory.textures} GL textures`);
  });

  it.skipIf(!!missing)('forward and backward of an attention block match the cpu backend', () => {
    const { gpu, cpu } = result!;
    expect(Math.abs(gpu.loss - cpu.loss)).toBeLessThanOrEqual(1e-4 * Math.abs(cpu.loss) + 1e-6);
    expect(excess(gpu.out, cpu.out), 'block output').toBeLessThanOrEqual(1);
    expect(Object.keys(gpu.grads)).toEqual(Object.keys(cpu.grads));
    expect(Object.keys(cpu.grads)).toEqual(expect.arrayContaining(['input', 'self_attn.q_proj.weight', 'mlp.fc2.bias', 'layer_norm1.weight']));
    const worst = Object.fromEntries(Object.keys(cpu.grads).map((k) => [k, excess(gpu.grads[k]!, cpu.grads[k]!)]));
    for (const [k, v] of Object.entries(worst)) expect(v, `gradient of ${k}`).toBeLessThanOrEqual(1);
  });
});

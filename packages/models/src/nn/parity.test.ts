/**
 * PyTorch parity of the attention blocks: tools/oracle/nn.py stores, for each case, weights
 * under Hugging Face names, inputs, torch's output and the gradients of a random upstream
 * gradient w.r.t. every input and weight (conventions in that script's docstring). Here the
 * weights go in through loadStateDict (strict, so the names must match exactly), and forward +
 * backward must reproduce torch.
 *
 * Error measure, per tensor: max|ours − torch| / max|torch| (the max-norm relative error, so
 * tiny entries of a tensor are judged against its scale). Bounds: float32 1e-5, float64 1e-10.
 * One exception: the gradient of a key bias is exactly zero in theory (softmax ignores a shift
 * shared by all keys), so both sides hold rounding noise; it is judged against the scale of the
 * key weight's gradient instead. `PARITY_REPORT=1 npx vitest run <this file>` prints each case's worst.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Variable } from '@glimpse/autograd';
import { parseSafetensors, type Tensor } from '@glimpse/tensor';
import { Attention } from './attention.js';
import { BertLayer, type BertLayerConfig } from './bert-layer.js';
import type { Module } from './module.js';
import { PreLNBlock, type PreLNBlockConfig } from './pre-ln-block.js';

const TOLERANCE = { f32: 1e-5, f64: 1e-10 } as const;

interface Case {
  module: 'Attention' | 'PreLNBlock' | 'BertLayer';
  config: Record<string, unknown>;
  forward: Record<string, string | boolean>;
}

interface Runnable {
  module: Module;
  run: (x: Variable, opts: Record<string, unknown>) => Variable;
}

function build(c: Case, dtype: 'float32' | 'float64'): Runnable {
  const init = { dtype };
  switch (c.module) {
    case 'Attention': {
      const { dim, numHeads, ...opts } = c.config as { dim: number; numHeads: number };
      const m = new Attention(dim, numHeads, { ...opts, ...init });
      return { module: m, run: (x, o) => m.forward(x, o) };
    }
    case 'PreLNBlock': {
      const m = new PreLNBlock(c.config as unknown as PreLNBlockConfig, init);
      return { module: m, run: (x, o) => m.forward(x, o) };
    }
    case 'BertLayer': {
      const m = new BertLayer(c.config as unknown as BertLayerConfig, init).eval();
      return { module: m, run: (x, o) => m.forward(x, o) };
    }
  }
}

function relError(ours: Tensor, ref: Tensor, scaleOf: Tensor = ref): number {
  expect(ours.shape).toEqual(ref.shape);
  const scale = scaleOf.abs().max().item();
  return ours.to('float64').sub(ref.to('float64')).abs().max().item() / (scale || 1);
}

const KEY_BIAS = /(^|\.)(k_proj|key)\.bias$/;

const FILES = ['attention', 'pre_ln_block', 'bert_layer'];

describe.each(FILES)('PyTorch parity: fixtures/nn/%s.safetensors', (file) => {
  const path = fileURLToPath(new URL(`../../../../fixtures/nn/${file}.safetensors`, import.meta.url));
  const { tensors, metadata } = parseSafetensors(readFileSync(path), path);
  const cases = Object.keys(metadata).filter((k) => !k.startsWith('_'));

  it.each(cases)('%s: output and every gradient match torch', (name) => {
    const c = JSON.parse(metadata[name]!) as Case;
    const suffix = name.endsWith('.f32') ? 'f32' : 'f64';
    const get = (key: string) => {
      const t = tensors[`${name}/${key}`];
      if (!t) throw new Error(`${file}: ${name} has no tensor '${key}'`);
      return t;
    };
    const keysUnder = (prefix: string) =>
      Object.keys(tensors)
        .filter((k) => k.startsWith(`${name}/${prefix}`))
        .map((k) => k.slice(name.length + 1 + prefix.length));

    const { module, run } = build(c, suffix === 'f32' ? 'float32' : 'float64');
    module.loadStateDict(Object.fromEntries(keysUnder('param/').map((k) => [k, get(`param/${k}`)])));
    // Inputs torch differentiated become Variables; masks stay Tensors.
    const inputs = Object.fromEntries(
      keysUnder('input/').map((label) => {
        const t = get(`input/${label}`);
        return [label, tensors[`${name}/grad/input/${label}`] ? new Variable(t, { requiresGrad: true }) : t];
      }),
    );
    const opts = Object.fromEntries(Object.entries(c.forward).map(([k, v]) => [k, typeof v === 'string' ? inputs[v] : v]));
    const out = run(inputs['x'] as Variable, opts);
    out.backward(get('upstream'));

    const errors: [string, number][] = [['out', relError(out.data, get('out'))]];
    for (const label of keysUnder('grad/input/')) errors.push([`∂${label}`, relError((inputs[label] as Variable).grad!, get(`grad/input/${label}`))]);
    const params = Object.fromEntries(module.namedParameters());
    for (const key of keysUnder('grad/param/')) {
      const scale = KEY_BIAS.test(key) ? get(`grad/param/${key.replace(/bias$/, 'weight')}`) : undefined;
      errors.push([`∂${key}`, relError(params[key]!.grad!, get(`grad/param/${key}`), scale)]);
    }
    if (process.env['PARITY_REPORT']) console.log(name, Math.max(...errors.map(([, e]) => e)), errors.reduce((a, b) => (b[1] > a[1] ? b : a))[0]);
    expect(errors.length).toBe(1 + keysUnder('grad/input/').length + module.namedParameters().length);
    const bad = errors.filter(([, e]) => !(e <= TOLERANCE[suffix]));
    expect(bad, `relative errors above ${TOLERANCE[suffix]}`).toEqual([]);
  });
});

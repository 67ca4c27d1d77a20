/**
 * Optimizers against torch.optim: tools/oracle/optim.py runs SGD (plain, momentum + dampening +
 * weight decay, Nesterov), Adam (with L2) and AdamW (open_clip's settings, and defaults) for six
 * steps on fixed float64 gradients and stores every intermediate parameter. Glimpse must follow
 * the same trajectory to 1e-12 relative.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Parameter } from '@glimpse/autograd';
import { parseSafetensors } from '@glimpse/tensor';
import { Adam, AdamW } from './adam.js';
import { SGD } from './sgd.js';

const path = fileURLToPath(new URL('../../../../fixtures/train/optim.safetensors', import.meta.url));
const { tensors, metadata } = parseSafetensors(readFileSync(path), path);
const cases = Object.keys(metadata).filter((k) => !k.startsWith('_'));
const OPTIMIZERS = { SGD, Adam, AdamW } as const;

describe('optimizers vs torch.optim', () => {
  it('covers every case of the fixture', () => expect(cases.length).toBe(7));

  it.each(cases)('%s', (name) => {
    const { optimizer, options, steps } = JSON.parse(metadata[name]!) as { optimizer: keyof typeof OPTIMIZERS; options: { lr: number }; steps: number };
    const params = { w: new Parameter(tensors[`${name}/init/w`]!), b: new Parameter(tensors[`${name}/init/b`]!) };
    const opt = new OPTIMIZERS[optimizer](Object.values(params), options);
    for (let step = 0; step < steps; step++) {
      for (const [p, param] of Object.entries(params)) param.grad = tensors[`${name}/grad/${step}/${p}`]!;
      opt.step();
      for (const [p, param] of Object.entries(params)) {
        const expected = tensors[`${name}/after/${step}/${p}`]!;
        const err = param.data.sub(expected).abs().max().item() / expected.abs().max().item();
        expect(err, `${name} step ${step} ${p}`).toBeLessThan(1e-12);
      }
    }
  });
});

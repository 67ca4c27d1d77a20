import { describe, expect, it } from 'vitest';
import { CLIPModel } from '@glimpse/models';
import { concat, randn, tensor } from '@glimpse/tensor';
import { accumulateContrastive, type CLIPBatch } from './accumulate.js';

describe('contrastive gradient accumulation', () => {
  it('gives the full-batch gradient of every parameter (float64)', () => {
    const model = CLIPModel.create({
      projection_dim: 8,
      text_config: { vocab_size: 32, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, max_position_embeddings: 5, eos_token_id: 31 },
      vision_config: { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, image_size: 8, patch_size: 4 },
    }, { dtype: 'float64', seed: 1 });
    const ids = tensor([[30, 3, 31, 0, 0], [30, 4, 5, 31, 0], [30, 9, 31, 0, 0], [30, 1, 2, 3, 31], [30, 7, 31, 0, 0], [30, 8, 8, 31, 0]], { dtype: 'int32' });
    const pixels = randn([6, 3, 8, 8], { dtype: 'float64', seed: 2 });
    const full: CLIPBatch = { pixelValues: pixels, inputIds: ids, attentionMask: ids.ne(0).to('int32') };
    const fullLoss = model.forward({ ...full, returnLoss: true }).loss!;
    fullLoss.backward();
    const expected = model.namedParameters().map(([n, p]) => [n, p.grad!] as const);
    model.zeroGrad();

    const micro = [0, 2, 4].map((start) => ({
      pixelValues: pixels.narrow(0, start, 2),
      inputIds: ids.narrow(0, start, 2),
      attentionMask: full.attentionMask!.narrow(0, start, 2),
    }));
    const loss = accumulateContrastive(model, micro);
    expect(loss).toBeCloseTo(fullLoss.item(), 12);
    // Per-tensor relative error, floored at 1e-6 of the largest gradient: key-bias gradients are
    // zero in theory (softmax ignores a shift shared by all keys) and hold only rounding noise.
    const floor = 1e-6 * Math.max(...expected.map(([, g]) => g.abs().max().item()));
    for (const [name, grad] of expected) {
      const got = model.namedParameters().find(([n]) => n === name)![1].grad!;
      const err = got.sub(grad).abs().max().item() / Math.max(grad.abs().max().item(), floor);
      expect(err, name).toBeLessThan(1e-10);
    }
    expect(concat(micro.map((m) => m.inputIds), 0).toArray()).toEqual(ids.toArray());
  });
});

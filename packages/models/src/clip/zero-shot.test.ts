import { describe, expect, it } from 'vitest';
import { noGrad } from '@glimpse/autograd';
import { randn, tensor } from '@glimpse/tensor';
import { CLIPModel, l2Normalize } from './clip-model.js';
import { classEmbeddings, retrieve, zeroShotClassify, type TextBatcher } from './zero-shot.js';

const model = CLIPModel.create({
  projection_dim: 8,
  text_config: { vocab_size: 64, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, max_position_embeddings: 16, eos_token_id: 63 },
  vision_config: { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, image_size: 8, patch_size: 4 },
});

/** A stand-in tokenizer: one id per character (mod 60), then EOT (63), padded with 0. */
const chars: TextBatcher = {
  call(texts) {
    const rows = texts.map((t) => [...[...t].slice(0, 15).map((c) => 1 + (c.charCodeAt(0) % 60)), 63]);
    const T = Math.max(...rows.map((r) => r.length));
    const pad = (r: number[]) => [...r, ...Array(T - r.length).fill(0)];
    return {
      inputIds: tensor(rows.map(pad), { dtype: 'int32' }),
      attentionMask: tensor(rows.map((r) => pad(r.map(() => 1))), { dtype: 'int32' }),
    };
  },
};

describe('zero-shot classification and retrieval', () => {
  const pixels = randn([3, 3, 8, 8], { seed: 1 });

  it('ensembles prompts: normalise each, average, normalise again', () => {
    const templates = ['a {}.', 'the {} here'];
    const classes = classEmbeddings(model, chars, ['cat', 'dog'], templates);
    expect(classes.shape).toEqual([2, 8]);
    const manual = noGrad(() => {
      const { inputIds, attentionMask } = chars.call(['a cat.', 'the cat here']);
      return l2Normalize(l2Normalize(model.getTextFeatures(inputIds, attentionMask)).mean(0, true)).data;
    });
    expect(classes.select(0, 0).sub(manual.select(0, 0)).abs().max().item()).toBeLessThan(1e-6);
    expect(() => classEmbeddings(model, chars, ['cat'], ['no slot'])).toThrow(/every template needs a \{\}/);
  });

  it('returns per-image label probabilities that sum to 1, best first, with topK', () => {
    const results = zeroShotClassify(model, chars, pixels, ['cat', 'dog', 'bird'], { templates: ['a photo of a {}.'] });
    expect(results).toHaveLength(3);
    for (const r of results) {
      expect(r.reduce((s, x) => s + x.probability, 0)).toBeCloseTo(1, 5);
      expect(r[0]!.probability).toBeGreaterThanOrEqual(r[1]!.probability);
    }
    expect(zeroShotClassify(model, chars, pixels, ['cat', 'dog', 'bird'], { topK: 1 })[0]).toHaveLength(1);
  });

  it('ranks a gallery by cosine similarity; an image finds itself first', () => {
    const hits = retrieve(model, chars, { pixelValues: pixels }, { pixelValues: pixels });
    expect(hits.map((h) => h[0]!.index)).toEqual([0, 1, 2]);
    expect(hits[0]![0]!.score).toBeCloseTo(1, 5);
    const textToImage = retrieve(model, chars, { texts: ['a cat', 'a dog'] }, { pixelValues: pixels }, { topK: 2 });
    expect(textToImage.map((h) => h.length)).toEqual([2, 2]);
    expect(textToImage[0]![0]!.score).toBeGreaterThanOrEqual(textToImage[0]![1]!.score);
  });
});

import { describe, expect, it } from 'vitest';
import { noGrad } from '@glimpse/autograd';
import { randn, type Tensor } from '@glimpse/tensor';
import { BlipForConditionalGeneration } from '../blip/hf-models.js';
import { BertTokenizer } from '../tokenizers/wordpiece.js';
import { beamSearch } from './beam-search.js';
import { caption, captionWithDetails, promptIds } from './caption.js';
import { groundedDecoder } from './grounded-decoder.js';
import { greedySearch, sample } from './search.js';

// A tiny word-level vocabulary: specials 0–4, words, then BLIP's [DEC] and [ENC].
const WORDS = ['a', 'picture', 'of', 'red', 'blue', 'green', 'circle', 'square', 'on', 'the', 'left', 'right', 'and', 'small', 'big'];
const tinyTokenizer = () => new BertTokenizer(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...WORDS]);

/** A tiny BLIP captioner in float64, so the cached and uncached paths agree to rounding. */
function tinyCaptioner(seed = 0): BlipForConditionalGeneration {
  const tok = tinyTokenizer();
  return BlipForConditionalGeneration.create(
    {
      vision_config: { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, image_size: 16, patch_size: 8 },
      text_config: {
        vocab_size: tok.size, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 2, num_attention_heads: 2, max_position_embeddings: 32,
        pad_token_id: tok.padId, bos_token_id: tok.decId!, sep_token_id: tok.sepId,
      },
    },
    { seed, dtype: 'float64' },
  ).eval();
}

const pixels = (n: number, seed = 1): Tensor => randn([n, 3, 16, 16], { seed, dtype: 'float64' });

describe('generation with a BLIP decoder (BERT layers with cross-attention, KV caches)', () => {
  const model = tinyCaptioner(3);
  const tok = tinyTokenizer();
  const images = noGrad(() => model.encodeImage(pixels(3)));
  const prompt = promptIds(tok, 'a picture of ', 3);
  const opts = { eosTokenId: tok.sepId, padTokenId: tok.padId, maxLength: 14 };

  it('a cached step gives the logits of a full uncached pass', () => {
    const decoder = groundedDecoder(model.text_decoder, images);
    const cache = decoder.newCache();
    const ids = prompt.toArray() as number[][];
    noGrad(() => {
      decoder.step(prompt, cache);
      const next = greedySearch(decoder, prompt, { ...opts, maxLength: 5 }).sequences;
      const cached = decoder.step(next.narrow(1, 4, 1), cache);
      const full = decoder.step(next);
      expect(cached.sub(full).abs().max().item()).toBeLessThan(1e-12);
      expect(ids[0]).toEqual([tok.decId, ...tok.encode('a picture of', { addSpecialTokens: false })]);
    });
  });

  it('cached and uncached decoding give identical tokens: greedy, beam, sampling', () => {
    const decoder = groundedDecoder(model.text_decoder, images);
    const runs = [
      (useCache: boolean) => greedySearch(decoder, prompt, { ...opts, minLength: 6, useCache }),
      (useCache: boolean) => beamSearch(decoder, prompt, { ...opts, numBeams: 3, minLength: 6, repetitionPenalty: 1.3, useCache }),
      (useCache: boolean) => beamSearch(decoder, prompt, { ...opts, numBeams: 4, lengthPenalty: 0.5, earlyStopping: true, useCache }),
      (useCache: boolean) => sample(decoder, prompt, { ...opts, topP: 0.9, topK: 8, repetitionPenalty: 1.1, seed: 4, useCache }),
    ];
    for (const run of runs) {
      const [a, b] = [run(true), run(false)];
      expect(a.sequences.toArray()).toEqual(b.sequences.toArray());
      a.logProbs.forEach((lp, i) => expect(lp).toBeCloseTo(b.logProbs[i]!, 9));
    }
  });

  it('beam search with one beam is greedy search on the real decoder', () => {
    const decoder = groundedDecoder(model.text_decoder, images);
    const o = { ...opts, minLength: 7, repetitionPenalty: 1.2 };
    expect(beamSearch(decoder, prompt, { ...o, numBeams: 1 }).sequences.toArray()).toEqual(greedySearch(decoder, prompt, o).sequences.toArray());
  });
});

describe('caption', () => {
  const model = tinyCaptioner(5);
  const tok = tinyTokenizer();

  it('starts from [DEC] + the prompt and returns only the words after it, batched', () => {
    const px = pixels(2, 7);
    const out = captionWithDetails(model, px, tok, { maxLength: 12 });
    expect(out.captions).toHaveLength(2);
    const prompt = [tok.decId!, ...tok.encode('a picture of ', { addSpecialTokens: false })];
    for (const [i, row] of (out.sequences.toArray() as number[][]).entries()) {
      expect(row.slice(0, 4)).toEqual(prompt);
      expect(out.captions[i]).toBe(tok.decode(out.tokens[i]!, { skipSpecialTokens: true }));
    }
    // BLIP's evaluation defaults: 3 beams, max 20, min 5.
    const beams = beamSearch(groundedDecoder(model.text_decoder, model.encodeImage(px)), promptIds(tok, 'a picture of ', 2), { eosTokenId: tok.sepId, minLength: 5, maxLength: 20 });
    expect(captionWithDetails(model, px, tok).tokens).toEqual(beams.tokens);
  });

  it('greedy with numBeams 1; nucleus sampling fixed by the seed', () => {
    const px = pixels(3, 8);
    const greedy = captionWithDetails(model, px, tok, { numBeams: 1 });
    const decoder = groundedDecoder(model.text_decoder, model.encodeImage(px));
    expect(greedy.tokens).toEqual(greedySearch(decoder, promptIds(tok, 'a picture of ', 3), { eosTokenId: tok.sepId, minLength: 5, maxLength: 20 }).tokens);
    const s1 = caption(model, px, tok, { sample: true, seed: 1 });
    expect(caption(model, px, tok, { sample: true, seed: 1 })).toEqual(s1);
    expect([2, 3, 4].some((seed) => caption(model, px, tok, { sample: true, seed }).join('|') !== s1.join('|'))).toBe(true);
  });
});

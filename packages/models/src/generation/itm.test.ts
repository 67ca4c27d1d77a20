import { describe, expect, it } from 'vitest';
import { noGrad } from '@glimpse/autograd';
import { randn, type Tensor } from '@glimpse/tensor';
import { BlipForImageTextRetrieval } from '../blip/hf-models.js';
import { BlipPretrain } from '../blip/pretrain.js';
import { caption } from './caption.js';
import { BertTokenizer } from '../tokenizers/wordpiece.js';
import { itmScore, retrieveWithItm } from './itm.js';

const tok = new BertTokenizer(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'a', 'red', 'blue', 'circle', 'square', 'dog', 'on', 'grass']);
const model = BlipForImageTextRetrieval.create(
  {
    vision_config: { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, image_size: 16, patch_size: 8 },
    text_config: { vocab_size: tok.size, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 2, num_attention_heads: 2, max_position_embeddings: 40 },
    image_text_hidden_size: 8,
  },
  { seed: 2, dtype: 'float64' },
).eval();
const pixels = (n: number, seed: number): Tensor => randn([n, 3, 16, 16], { seed, dtype: 'float64' });
const texts = ['a red circle', 'a blue square on grass', 'a dog', 'red dog on a blue square'];

/** HF's forward on explicit pairs: ITM logits [B, 2]. */
function hfItm(px: Tensor, t: readonly string[], firstTokenId?: number): number[][] {
  const enc = tok.call(t);
  return noGrad(() => model.forward({ pixelValues: px, inputIds: enc.inputIds, attentionMask: enc.attentionMask, firstTokenId }).itmScore.data.toArray() as number[][]);
}
const softmax1 = ([a, b]: number[]) => 1 / (1 + Math.exp(a! - b!));

describe('itmScore', () => {
  it('is the softmax probability of "match" of the ITM head, pair by pair, as the HF class computes it', () => {
    const px = pixels(4, 3);
    const got = itmScore(model, px, texts, tok);
    hfItm(px, texts).forEach((l, i) => expect(got[i]).toBeCloseTo(softmax1(l), 12));
    expect(got.every((p) => p > 0 && p < 1)).toBe(true);
    // The original BLIP's [ENC] first token changes what ITM reads.
    const enc = itmScore(model, px, texts, tok, { firstTokenId: tok.encId });
    hfItm(px, texts, tok.encId).forEach((l, i) => expect(enc[i]).toBeCloseTo(softmax1(l), 12));
    expect(enc[0]).not.toBeCloseTo(got[0]!, 6);
  });

  it('scores one image against many texts', () => {
    const one = pixels(1, 4);
    const many = itmScore(model, one, texts, tok);
    texts.forEach((t, i) => expect(many[i]).toBeCloseTo(itmScore(model, one, [t], tok)[0]!, 12));
    expect(() => itmScore(model, pixels(2, 5), texts, tok)).toThrow(/2 images and 4 texts/);
  });
});

describe('retrieveWithItm', () => {
  const px = pixels(5, 6);
  const cosines = noGrad(() => {
    const enc = tok.call(texts);
    return model.forward({ pixelValues: px, inputIds: enc.inputIds, attentionMask: enc.attentionMask, useItmHead: false }).itmScore.data.toArray() as number[][];
  });

  it('text→image: ITC picks the top k, ITM re-ranks them by match logit + cosine', () => {
    const hits = retrieveWithItm(model, tok, { texts }, { pixelValues: px }, { k: 3 });
    hits.forEach((row, t) => {
      const byCosine = [0, 1, 2, 3, 4].sort((a, b) => cosines[b]![t]! - cosines[a]![t]!).slice(0, 3);
      expect(row.map((h) => h.index).sort()).toEqual(byCosine.sort());
      for (const h of row) {
        const logits = hfItm(px.narrow(0, h.index, 1), [texts[t]!])[0]!;
        expect(h.cosine).toBeCloseTo(cosines[h.index]![t]!, 12);
        expect(h.score).toBeCloseTo(logits[1]! + h.cosine, 10);
        expect(h.match).toBeCloseTo(softmax1(logits), 10);
      }
      expect(row.map((h) => h.score)).toEqual([...row.map((h) => h.score)].sort((a, b) => b - a));
    });
  });

  it('image→text the same way, and refuses same-modality pairs', () => {
    const hits = retrieveWithItm(model, tok, { pixelValues: px }, { texts }, { k: 2 });
    expect(hits).toHaveLength(5);
    hits.forEach((row, i) => {
      expect(row).toHaveLength(2);
      for (const h of row) expect(h.score).toBeCloseTo(hfItm(px.narrow(0, i, 1), [texts[h.index]!])[0]![1]! + cosines[i]![h.index]!, 10);
    });
    expect(() => retrieveWithItm(model, tok, { texts }, { texts })).toThrow(/one side must be texts/);
  });
});

describe('the helpers on a pre-trained BlipPretrain (shared-weight decoder)', () => {
  it('captions, scores and retrieves without converting to the HF heads', () => {
    const withDec = new BertTokenizer(tok.tokens.slice(0, tok.vocabSize));
    const pretrain = BlipPretrain.create(
      {
        vision_config: { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, image_size: 16, patch_size: 8 },
        text_config: { vocab_size: withDec.size, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, max_position_embeddings: 40, bos_token_id: withDec.decId!, sep_token_id: withDec.sepId },
        image_text_hidden_size: 8,
      },
      { seed: 3, dtype: 'float64' },
    ).eval();
    const px = pixels(2, 9);
    expect(caption(pretrain, px, withDec, { maxLength: 10 })).toHaveLength(2);
    const p = itmScore(pretrain, px, texts.slice(0, 2), withDec);
    expect(p.every((x) => x > 0 && x < 1)).toBe(true);
    expect(retrieveWithItm(pretrain, withDec, { texts }, { pixelValues: px }, { k: 1 }).map((r) => r.length)).toEqual([1, 1, 1, 1]);
  });
});

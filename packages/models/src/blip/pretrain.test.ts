import { describe, expect, it } from 'vitest';
import { gradcheck, type Parameter } from '@glimpse/autograd';
import { Generator, randn, tensor, type Tensor } from '@glimpse/tensor';
import { blipPretrainConfig, type PartialBlipPretrainConfig } from './config.js';
import { BlipForConditionalGeneration, BlipForImageTextRetrieval } from './hf-models.js';
import { itcLoss } from './losses.js';
import { BlipMomentumEncoders, FeatureQueue } from './momentum.js';
import { BlipPretrain } from './pretrain.js';
import { withFirstToken } from './text-model.js';
import { loadSharedStateDict } from './weights.js';

const ENC = 15;
const DEC = 14;
const tiny: PartialBlipPretrainConfig = {
  image_text_hidden_size: 4,
  vision_config: { hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, image_size: 8, patch_size: 4, layer_norm_eps: 1e-6 },
  text_config: { vocab_size: 16, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 2, num_attention_heads: 2, max_position_embeddings: 8, bos_token_id: DEC },
  enc_token_id: ENC,
};
// Pre-training defaults to the original's 0.1 dropouts; comparisons below run in eval mode.
const create = (opts: { seed?: number; dtype?: 'float32' | 'float64' } = {}) => BlipPretrain.create(tiny, opts).eval();
const inputIds = tensor([
  [1, 5, 6, 2, 0],
  [1, 7, 2, 0, 0],
  [1, 8, 9, 10, 2],
], { dtype: 'int32' });
const attentionMask = inputIds.ne(0).to('int32');
const pixels = (dtype: 'float32' | 'float64' = 'float32') => randn([3, 3, 8, 8], { dtype, seed: 5 });
const negatives = { imageForText: tensor([2, 0, 1], { dtype: 'int32' }), textForImage: tensor([1, 2, 0], { dtype: 'int32' }) };
const maxDiff = (a: Tensor, b: Tensor) => a.sub(b).abs().max().item();

describe('BlipPretrain', () => {
  it('shares every decoder parameter object with the encoder except the self-attention (by identity)', () => {
    const model = create();
    const enc = model.text_encoder;
    const dec = model.text_decoder.bert;
    expect(dec.embeddings).toBe(enc.embeddings);
    dec.encoder.layer.forEach((layer, i) => {
      const source = enc.encoder.layer[i]!;
      expect(layer.crossattention).toBe(source.crossattention);
      expect(layer.intermediate).toBe(source.intermediate);
      expect(layer.output).toBe(source.output);
      expect(layer.attention).not.toBe(source.attention);
    });
    const predictions = model.text_decoder.cls.predictions;
    expect(predictions.decoder.weight).toBe(enc.embeddings.word_embeddings.weight);
    expect(predictions.decoder.bias).toBe(predictions.bias);

    // Parameter by parameter: the decoder's own are exactly its self-attention and the LM head.
    const encoderParams = new Set(enc.parameters());
    const own = model.text_decoder.namedParameters().filter(([, p]) => !encoderParams.has(p)).map(([n]) => n);
    expect(own.every((n) => /^bert\.encoder\.layer\.\d+\.attention\./.test(n) || /^cls\.predictions\.(bias|transform\.)/.test(n))).toBe(true);
    expect(own.filter((n) => n.includes('.attention.')).length).toBe(2 * 10); // 2 layers × (q, k, v, dense, LayerNorm) × (weight, bias)
  });

  it('shows the sharing in namedParameters (once) and stateDict (under every name), as PyTorch', () => {
    const model = create();
    const state = model.stateDict();
    const names = model.namedParameters().map(([n]) => n);
    expect(state['text_decoder.bert.embeddings.word_embeddings.weight']).toBe(state['text_encoder.embeddings.word_embeddings.weight']);
    expect(state['text_decoder.cls.predictions.decoder.weight']).toBe(state['text_encoder.embeddings.word_embeddings.weight']);
    expect(state['text_decoder.bert.encoder.layer.1.crossattention.self.key.weight']).toBe(state['text_encoder.encoder.layer.1.crossattention.self.key.weight']);
    expect(names).toContain('text_decoder.bert.encoder.layer.0.attention.self.query.weight');
    expect(names).not.toContain('text_decoder.bert.encoder.layer.0.crossattention.self.query.weight');
    expect(names).not.toContain('text_decoder.bert.embeddings.word_embeddings.weight');
    expect(names).toContain('temp');
    expect(Object.keys(state).length).toBeGreaterThan(names.length);
  });

  it('returns {lossItc, lossItm, lossLm, loss} with loss = Σ λ·L and the pinned negatives', () => {
    const model = create();
    const out = model.forward({ pixelValues: pixels(), inputIds, attentionMask, negatives });
    expect(out.negatives).toBe(negatives);
    expect(out.itmLogits.shape).toEqual([9, 2]);
    expect(out.lmLogits!.shape).toEqual([3, 5, 16]);
    const sum = out.lossItc.item() + out.lossItm.item() + out.lossLm!.item();
    expect(out.loss.item()).toBeCloseTo(sum, 5);
    const weighted = model.forward({ pixelValues: pixels(), inputIds, attentionMask, negatives, weights: { itc: 2, itm: 0.5, lm: 0.25 } });
    expect(weighted.loss.item()).toBeCloseTo(2 * out.lossItc.item() + 0.5 * out.lossItm.item() + 0.25 * out.lossLm!.item(), 5);
    // λ_lm = 0 skips the decoder: no LM term, and its own self-attention gets no gradient.
    const filter = model.forward({ pixelValues: pixels(), inputIds, attentionMask, negatives, weights: { itc: 2, itm: 0.5, lm: 0 } });
    expect(filter.lossLm).toBeUndefined();
    expect(filter.lmLogits).toBeUndefined();
    expect(filter.loss.item()).toBeCloseTo(2 * out.lossItc.item() + 0.5 * out.lossItm.item(), 5);
    model.zeroGrad();
    filter.loss.backward();
    expect(model.text_decoder.bert.encoder.layer[0]!.attention.self.query.weight.grad).toBeUndefined();
    expect(model.text_encoder.encoder.layer[0]!.attention.self.query.weight.grad).toBeDefined();
    expect(out.lossItc.item()).toBeCloseTo(itcLoss(...featuresOf(model), model.temp).item(), 6);
  });

  it('draws its hard negatives from a seeded generator: reproducible, never the positive', () => {
    const model = create();
    const draw = (seed: number) => {
      const out = model.forward({ pixelValues: pixels(), inputIds, attentionMask, generator: new Generator(seed) });
      return [...out.negatives.imageForText.dataSync(), ...out.negatives.textForImage.dataSync()];
    };
    expect(draw(3)).toEqual(draw(3));
    for (let seed = 0; seed < 5; seed++) draw(seed).forEach((j, k) => expect(j).not.toBe(k % 3));
    expect(() => model.forward({ pixelValues: pixels(), inputIds, attentionMask, negatives: { ...negatives, textForImage: tensor([0, 2, 1], { dtype: 'int32' }) } })).toThrow(
      /negatives\.textForImage\[0\] = 0 is the positive itself/,
    );
  });

  it("defaults to the original's pre-training settings where they differ from HF's", () => {
    const c = blipPretrainConfig();
    expect([c.text_config.num_attention_heads, c.text_config.hidden_dropout_prob, c.text_config.attention_probs_dropout_prob]).toEqual([12, 0.1, 0.1]);
    expect([c.vision_config.image_size, c.vision_config.layer_norm_eps, c.image_text_hidden_size, c.temp_init, c.lm_label_smoothing]).toEqual([224, 1e-6, 256, 0.07, 0.1]);
    expect([c.text_config.vocab_size, c.text_config.bos_token_id, c.enc_token_id]).toEqual([30524, 30522, 30523]);
  });

  it('clamps temp to [0.001, 0.5] at the start of forward, as BLIP', () => {
    const model = create();
    model.temp.assign(tensor(3));
    model.forward({ pixelValues: pixels(), inputIds, attentionMask, negatives });
    expect(model.temp.item()).toBeCloseTo(0.5, 7);
    model.temp.assign(tensor(0));
    model.forward({ pixelValues: pixels(), inputIds, attentionMask, negatives });
    expect(model.temp.item()).toBeCloseTo(0.001, 7);
  });

  it('gradchecks end to end in float64 (ITC + ITM + LM) on parameters of every part, shared ones included', () => {
    const model = create({ dtype: 'float64', seed: 1 });
    const enc = model.text_encoder.encoder.layer;
    const params: Parameter[] = [
      model.temp,
      model.itm_head.bias!,
      model.vision_proj.bias!,
      model.text_proj.bias!,
      model.vision_model.embeddings.patch_embedding.bias!,
      model.vision_model.encoder.layers[0]!.layer_norm2.bias,
      enc[0]!.attention.self.value.bias!, // encoder only
      model.text_decoder.bert.encoder.layer[1]!.attention.self.query.bias!, // decoder only
      enc[1]!.crossattention!.output.dense.bias!, // shared: ITM and LM
      enc[0]!.output.LayerNorm.weight, // shared: ITC, ITM and LM
      model.text_decoder.cls.predictions.bias,
    ];
    const pixelValues = pixels('float64');
    gradcheck(() => model.forward({ pixelValues, inputIds, attentionMask, negatives }).loss, [], { params });
  });

  it('its state dict loads into the Hugging Face heads, which reproduce its ITM and LM outputs', () => {
    const model = create({ seed: 4 });
    const out = model.forward({ pixelValues: pixels(), inputIds, attentionMask, negatives });
    const state = model.stateDict();
    const retrieval = new BlipForImageTextRetrieval(model.config);
    const captioning = new BlipForConditionalGeneration(model.config);
    retrieval.eval();
    captioning.eval();
    for (const head of [retrieval, captioning]) {
      const wanted = new Set(Object.keys(head.stateDict()));
      loadSharedStateDict(head, Object.fromEntries(Object.entries(state).filter(([k]) => wanted.has(k))));
    }
    const itm = retrieval.forward({ pixelValues: pixels(), inputIds, attentionMask, firstTokenId: ENC }).itmScore;
    expect(maxDiff(itm.data, out.itmLogits.data.narrow(0, 0, 3))).toBeLessThan(1e-6);
    const lm = captioning.forward({ pixelValues: pixels(), inputIds: withFirstToken(inputIds, DEC), attentionMask }).logits;
    expect(maxDiff(lm.data, out.lmLogits!.data)).toBeLessThan(1e-6);
  });
});

describe('momentum distillation', () => {
  it('copies the unimodal encoders under the model’s own names, without gradient', () => {
    const model = create();
    const momentum = BlipMomentumEncoders.copyOf(model);
    const modelState = model.stateDict();
    for (const [name, p] of momentum.namedParameters()) {
      expect(p.requiresGrad).toBe(false);
      expect(maxDiff(p.data, modelState[name]!)).toBe(0); // emaUpdate(momentum, model, m) finds every name
      expect(p.data).not.toBe(modelState[name]);
    }
    expect(momentum.namedParameters().length).toBe(model.vision_model.parameters().length + model.text_encoder.parameters().length + 4);
  });

  it('with α = 0 and fresh copies, ITC equals the in-batch loss; queues receive the momentum features', () => {
    const model = create();
    const plain = model.forward({ pixelValues: pixels(), inputIds, attentionMask, negatives });
    const encoders = BlipMomentumEncoders.copyOf(model).eval();
    const [imageQueue, textQueue] = [new FeatureQueue(6, 4, { generator: new Generator(1) }), new FeatureQueue(6, 4, { generator: new Generator(2) })];
    const withM = model.forward({ pixelValues: pixels(), inputIds, attentionMask, negatives, momentum: { encoders, alpha: 0 } });
    expect(withM.lossItc.item()).toBeCloseTo(plain.lossItc.item(), 5);
    const queued = model.forward({ pixelValues: pixels(), inputIds, attentionMask, negatives, momentum: { encoders, imageQueue, textQueue, alpha: 0.4 } });
    expect(queued.simI2T.shape).toEqual([3, 9]);
    expect(imageQueue.ptr).toBe(3);
    const m = encoders.features(pixels(), inputIds, attentionMask);
    expect(maxDiff(imageQueue.features.narrow(0, 0, 3), m.imageFeat)).toBe(0);
    expect(maxDiff(textQueue.features.narrow(0, 0, 3), m.textFeat)).toBe(0);
    queued.loss.backward();
    expect(encoders.parameters().every((p) => p.grad === undefined)).toBe(true);
    expect(() => new FeatureQueue(7, 4).enqueue(m.imageFeat)).toThrow(/queue size 7 must be a multiple of the batch size 3/);
  });
});

function featuresOf(model: BlipPretrain) {
  const { imageFeat, textFeat } = model.encode(pixels(), inputIds, attentionMask);
  return [imageFeat, textFeat] as const;
}

describe('BlipPretrain save/load', () => {
  it('round-trips through savePretrained / fromPretrained with sharing intact', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-blip-'));
    const model = BlipPretrain.create({
      image_text_hidden_size: 8,
      text_config: { vocab_size: 40, hidden_size: 16, encoder_hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, max_position_embeddings: 8 },
      vision_config: { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, image_size: 8, patch_size: 4 },
    }, { seed: 3 });
    await model.savePretrained(dir);
    const loaded = await BlipPretrain.fromPretrained(dir);
    expect(loaded.config).toEqual(model.config);
    const a = model.stateDict();
    const b = loaded.stateDict();
    for (const k of Object.keys(a)) expect(Array.from(b[k]!.dataSync()), k).toEqual(Array.from(a[k]!.dataSync()));
    expect(loaded.text_decoder.bert.encoder.layer[0]!.intermediate).toBe(loaded.text_encoder.encoder.layer[0]!.intermediate);
  });
});

/**
 * PyTorch parity of BLIP: tools/oracle/blip.py writes a tiny BLIP pre-training model (weights,
 * inputs, the pinned hard negatives, the three losses and every gradient, float32 and float64 of
 * the same weights), a momentum-distillation ITC case, and two Hugging Face directories
 * (BlipForImageTextRetrieval, BlipForConditionalGeneration) with their outputs. Glimpse must
 * match all: float32 to 1e-5, float64 to 1e-10 (max-norm relative error, testing/parity.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Variable } from '@glimpse/autograd';
import { Generator, parseSafetensors, type Tensor } from '@glimpse/tensor';
import { gradientScale, maxNormRelError } from '../testing/parity.js';
import type { PartialBlipPretrainConfig } from './config.js';
import { sampleHardNegatives } from './hard-negatives.js';
import { BlipForConditionalGeneration, BlipForImageTextRetrieval } from './hf-models.js';
import { itcLoss, momentumTargets } from './losses.js';
import { BlipPretrain } from './pretrain.js';
import { loadSharedStateDict } from './weights.js';

const FIXTURES = fileURLToPath(new URL('../../../../fixtures/blip/', import.meta.url));
const F32 = 1e-5;
const F64 = 1e-10;
const report = (label: string, errors: (readonly [string, number])[]) => {
  if (process.env['PARITY_REPORT']) console.log(label, errors.reduce((worst, e) => (e[1] > worst[1] ? e : worst)));
};

function read(name: string) {
  const path = `${FIXTURES}${name}`;
  return parseSafetensors(readFileSync(path), path);
}

describe('PyTorch parity: tiny BLIP pre-training (ITC + ITM with pinned hard negatives + LM)', () => {
  const { tensors: ref, metadata } = read('pretrain_reference.safetensors');
  const config = JSON.parse(metadata['config']!) as PartialBlipPretrainConfig;
  const weights = Object.fromEntries(Object.entries(ref).filter(([k]) => k.startsWith('weight/')).map(([k, t]) => [k.slice('weight/'.length), t]));
  const negatives = { imageForText: ref['negatives/image_for_text']!, textForImage: ref['negatives/text_for_image']! };
  const inputs = (dtype: 'float32' | 'float64') => ({
    pixelValues: ref['input/pixel_values']!.to(dtype),
    inputIds: ref['input/input_ids']!,
    attentionMask: ref['input/attention_mask']!,
    negatives,
  });
  const build = (dtype: 'float32' | 'float64') => {
    const model = BlipPretrain.create(config, { dtype });
    loadSharedStateDict(model, weights);
    return model;
  };
  const gradErrors = (model: BlipPretrain, prefix: string) =>
    model.namedParameters().map(([name, p]) => [name, maxNormRelError(p.grad!, ref[`${prefix}grad/${name}`]!, gradientScale(name, (n) => ref[`${prefix}grad/${n}`]))] as const);

  const model = build('float32');
  const out = model.forward(inputs('float32'));
  out.loss.backward();

  it('loads the torch weights (shared decoder parameters given once) and has exactly its parameters', () => {
    const names = model.namedParameters().map(([n]) => n);
    expect(names.sort()).toEqual(Object.keys(ref).filter((k) => k.startsWith('grad/')).map((k) => k.slice(5)).sort());
  });

  it('computes the hard-negative weights as BLIP (softmax + 1e-4, zero diagonal) from matching ITC similarities', () => {
    expect(maxNormRelError(out.simI2T.data, ref['out/sim_i2t']!)).toBeLessThan(F32);
    const drawn = sampleHardNegatives(out.simI2T, out.simT2I, new Generator(0));
    expect(maxNormRelError(drawn.weightsT2I, ref['negatives/weights_t2i']!)).toBeLessThan(F32);
    expect(maxNormRelError(drawn.weightsI2T, ref['negatives/weights_i2t']!)).toBeLessThan(F32);
  });

  it('matches the three losses, their sum, and the ITM / LM logits (float32)', () => {
    const pairs: [Tensor, string][] = [
      [out.lossItc.data, 'out/loss_itc'],
      [out.lossItm.data, 'out/loss_itm'],
      [out.lossLm!.data, 'out/loss_lm'],
      [out.loss.data, 'out/loss'],
      [out.itmLogits.data, 'out/itm_logits'],
      [out.lmLogits!.data, 'out/lm_logits'],
    ];
    const errors = pairs.map(([ours, key]) => [key, maxNormRelError(ours, ref[key]!)] as const);
    report('blip f32 outputs', errors);
    expect(errors.filter(([, e]) => !(e < F32))).toEqual([]);
  });

  it('matches the gradient of every parameter, shared ones summed over encoder and decoder (float32)', () => {
    const errors = gradErrors(model, '');
    report('blip f32 grads', errors);
    expect(errors.filter(([, e]) => !(e < F32))).toEqual([]);
  });

  it('matches torch in float64 too (same weights): losses and every gradient to 1e-10', () => {
    const model64 = build('float64');
    const out64 = model64.forward(inputs('float64'));
    out64.loss.backward();
    const losses = (['itc', 'itm', 'lm'] as const).map((k) => [k, maxNormRelError(out64[`loss${k[0]!.toUpperCase()}${k.slice(1)}` as 'lossItc'].data, ref[`f64/out/loss_${k}`]!)] as const);
    report('blip f64 losses', [...losses]);
    expect(losses.filter(([, e]) => !(e < F64))).toEqual([]);
    expect(maxNormRelError(out64.loss.data, ref['f64/out/loss']!)).toBeLessThan(F64);
    const errors = gradErrors(model64, 'f64/');
    report('blip f64 grads', errors);
    expect(errors.filter(([, e]) => !(e < F64))).toEqual([]);
  });

  it('matches BLIP momentum distillation: queues, α-blended soft targets, loss and gradients (float64)', () => {
    const m = (k: string) => ref[`momentum/${k}`]!;
    const target = momentumTargets(m('image_feat_m'), m('text_feat_m'), 0.07, 0.4, { image: m('image_queue'), text: m('text_queue') });
    expect(maxNormRelError(target.softTargets.i2t, m('i2t_targets'))).toBeLessThan(F64);
    expect(maxNormRelError(target.softTargets.t2i, m('t2i_targets'))).toBeLessThan(F64);
    const [image, text] = [new Variable(m('image_feat'), { requiresGrad: true }), new Variable(m('text_feat'), { requiresGrad: true })];
    const temp = new Variable(ref['momentum/grad_temp']!.mul(0).add(0.07), { requiresGrad: true });
    const loss = itcLoss(image, text, temp, { softTargets: target.softTargets, imageBank: target.imageBank, textBank: target.textBank });
    loss.backward();
    expect(maxNormRelError(loss.data, m('loss'))).toBeLessThan(F64);
    expect(maxNormRelError(image.grad!, m('grad_image_feat'))).toBeLessThan(F64);
    expect(maxNormRelError(text.grad!, m('grad_text_feat'))).toBeLessThan(F64);
    expect(maxNormRelError(temp.grad!, m('grad_temp'))).toBeLessThan(F64);
  });
});

describe('PyTorch parity: Hugging Face BLIP directories', async () => {
  const { tensors: ref } = read('hf_reference.safetensors');
  const retrieval = await BlipForImageTextRetrieval.fromPretrained(`${FIXTURES}retrieval-tiny`);
  const captioning = await BlipForConditionalGeneration.fromPretrained(`${FIXTURES}captioning-tiny`);
  const pixelValues = ref['input/pixel_values']!;
  const inputIds = ref['input/input_ids']!;
  const attentionMask = ref['input/attention_mask']!;

  it('reads every eps and size from config.json', () => {
    expect(retrieval.vision_model.post_layernorm.eps).toBe(1e-6);
    expect(retrieval.text_encoder.encoder.layer[0]!.crossattention!.self.key.inFeatures).toBe(12);
    expect(retrieval.vision_proj.outFeatures).toBe(8);
    expect(captioning.config.text_config.label_smoothing).toBe(0.05);
  });

  it('BlipForImageTextRetrieval: ITM logits at the first token as HF ([CLS]) and with [ENC], ITC cosine, HF pooler', () => {
    const itm = retrieval.forward({ pixelValues, inputIds, attentionMask }).itmScore;
    const itmEnc = retrieval.forward({ pixelValues, inputIds, attentionMask, firstTokenId: 39 }).itmScore;
    const cosine = retrieval.forward({ pixelValues, inputIds, attentionMask, useItmHead: false }).itmScore;
    const pooled = retrieval.vision_model.forward(pixelValues).pooled;
    const errors = [
      ['itm', maxNormRelError(itm.data, ref['retrieval/itm']!)],
      ['itm_enc', maxNormRelError(itmEnc.data, ref['retrieval/itm_enc']!)],
      ['cosine', maxNormRelError(cosine.data, ref['retrieval/cosine']!)],
      ['pooler', maxNormRelError(pooled.data, ref['retrieval/vision_pooler_output']!)],
    ] as const;
    report('hf retrieval', [...errors]);
    expect(errors.filter(([, e]) => !(e < F32))).toEqual([]);
    expect(cosine.shape).toEqual([4, 4]);
  });

  it('BlipForConditionalGeneration: logits and the label-smoothed LM loss (ids and labels used as given)', () => {
    const out = captioning.forward({ pixelValues, inputIds: ref['input/decoder_input_ids']!, attentionMask, labels: ref['input/labels']! });
    const errors = [
      ['logits', maxNormRelError(out.logits.data, ref['captioning/logits']!)],
      ['loss', maxNormRelError(out.loss!.data, ref['captioning/loss']!)],
    ] as const;
    report('hf captioning', [...errors]);
    expect(errors.filter(([, e]) => !(e < F32))).toEqual([]);
  });
});

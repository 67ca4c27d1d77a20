/**
 * PyTorch parity of the whole CLIPModel: tools/oracle/clip.py writes a tiny CLIP as a Hugging Face
 * directory (fixtures/clip/tiny) plus its inputs, outputs, loss and every parameter's gradient.
 * CLIPModel.fromPretrained must load it strictly and reproduce all of them in float32 to 1e-5
 * (max-norm relative error, testing/parity.ts), and, converted to float64, torch's float64 run of
 * the same weights to 1e-10 (where float32 rounding cannot hide a real difference).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSafetensors } from '@glimpse/tensor';
import { gradientScale, maxNormRelError } from '../testing/parity.js';
import { CLIPModel } from './clip-model.js';

const FIXTURES = fileURLToPath(new URL('../../../../fixtures/clip/', import.meta.url));
const TOLERANCE = 1e-5;

describe('PyTorch parity: tiny CLIP (fixtures/clip)', async () => {
  const model = await CLIPModel.fromPretrained(`${FIXTURES}tiny`);
  const path = `${FIXTURES}tiny_reference.safetensors`;
  const ref = parseSafetensors(readFileSync(path), path).tensors;
  const out = model.forward({
    pixelValues: ref['input/pixel_values']!,
    inputIds: ref['input/input_ids']!,
    attentionMask: ref['input/attention_mask']!,
    returnLoss: true,
  });
  out.loss!.backward();

  it('matches logits, embeddings and loss', () => {
    expect(maxNormRelError(out.logitsPerImage.data, ref['out/logits_per_image']!)).toBeLessThan(TOLERANCE);
    expect(maxNormRelError(out.imageEmbeds.data, ref['out/image_embeds']!)).toBeLessThan(TOLERANCE);
    expect(maxNormRelError(out.textEmbeds.data, ref['out/text_embeds']!)).toBeLessThan(TOLERANCE);
    expect(maxNormRelError(out.loss!.data, ref['out/loss']!)).toBeLessThan(TOLERANCE);
  });

  it('matches the gradient of every parameter', () => {
    const named = model.namedParameters();
    expect(named.length).toBe(Object.keys(ref).filter((k) => k.startsWith('grad/')).length);
    const errors = named.map(([name, p]) => {
      const scale = gradientScale(name, (n) => ref[`grad/${n}`])!;
      return [name, maxNormRelError(p.grad!, ref[`grad/${name}`]!, scale)] as const;
    });
    if (process.env['PARITY_REPORT']) console.log(errors.reduce((worst, e) => (e[1] > worst[1] ? e : worst)));
    expect(errors.filter(([, e]) => !(e < TOLERANCE))).toEqual([]);
  });

  it('matches torch in float64 too (same weights), loss and every gradient to 1e-10', async () => {
    const model64 = (await CLIPModel.fromPretrained(`${FIXTURES}tiny`)).to('float64');
    const out64 = model64.forward({
      pixelValues: ref['input/pixel_values']!.to('float64'),
      inputIds: ref['input/input_ids']!,
      attentionMask: ref['input/attention_mask']!,
      returnLoss: true,
    });
    out64.loss!.backward();
    expect(maxNormRelError(out64.logitsPerImage.data, ref['f64/out/logits_per_image']!)).toBeLessThan(1e-10);
    expect(maxNormRelError(out64.loss!.data, ref['f64/out/loss']!)).toBeLessThan(1e-10);
    const errors = model64.namedParameters().map(([name, p]) => [name, maxNormRelError(p.grad!, ref[`f64/grad/${name}`]!, gradientScale(name, (n) => ref[`f64/grad/${n}`]))] as const);
    if (process.env['PARITY_REPORT']) console.log(errors.reduce((worst, e) => (e[1] > worst[1] ? e : worst)));
    expect(errors.filter(([, e]) => !(e < 1e-10))).toEqual([]);
  });
});

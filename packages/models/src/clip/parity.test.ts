/**
 * PyTorch parity of the whole CLIPModel: tools/oracle/clip.py writes a tiny CLIP as a Hugging Face
 * directory (fixtures/clip/tiny) plus its inputs, outputs, loss and every parameter's gradient.
 * CLIPModel.fromPretrained must load it strictly and reproduce all of them in float32 to 1e-5
 * (max-norm relative error, testing/parity.ts).
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
});

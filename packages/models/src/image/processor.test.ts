import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rgbImage } from './image.js';
import { BlipImageProcessor, CLIPImageProcessor, imageProcessorFromConfig, imageProcessorKind, loadImageProcessor } from './processor.js';

const MEAN = [0.48145466, 0.4578275, 0.40821073];
const STD = [0.26862954, 0.26130258, 0.27577711];

// openai/clip-vit-base-patch32 (an old CLIPFeatureExtractor file: int size and crop_size).
const OPENAI_CLIP = { crop_size: 224, do_center_crop: true, do_normalize: true, do_resize: true, feature_extractor_type: 'CLIPFeatureExtractor', image_mean: MEAN, image_std: STD, resample: 3, size: 224 };
// A newer CLIPImageProcessor file (dict sizes, rescale fields).
const NEW_CLIP = {
  crop_size: { height: 224, width: 224 }, do_center_crop: true, do_convert_rgb: true, do_normalize: true, do_rescale: true, do_resize: true,
  image_mean: MEAN, image_processor_type: 'CLIPImageProcessor', image_std: STD, resample: 3, rescale_factor: 0.00392156862745098, size: { shortest_edge: 224 },
};
// Salesforce/blip-image-captioning-base.
const BLIP = { do_normalize: true, do_resize: true, image_mean: MEAN, image_processor_type: 'BlipImageProcessor', image_std: STD, processor_class: 'BlipProcessor', resample: 3, size: 384 };

describe('preprocessor_config.json reader', () => {
  it('reads old and new CLIP files to the same options (int size = shortest edge for CLIP)', () => {
    const a = new CLIPImageProcessor(OPENAI_CLIP).options;
    const b = new CLIPImageProcessor(NEW_CLIP).options;
    expect(a).toEqual(b);
    expect(a).toMatchObject({
      doResize: true, size: { shortestEdge: 224 }, resample: 'bicubic', doCenterCrop: true, cropSize: { height: 224, width: 224 }, cropRounding: 'hf',
      doRescale: true, rescaleFactor: 1 / 255, doNormalize: true, imageMean: MEAN, imageStd: STD, doConvertRgb: true,
    });
  });

  it("uses HF's defaults for missing fields", () => {
    expect(new CLIPImageProcessor().options).toEqual(new CLIPImageProcessor(NEW_CLIP).options);
    const blip = new BlipImageProcessor().options;
    expect(blip).toMatchObject({ size: { height: 384, width: 384 }, resample: 'bicubic', doCenterCrop: false, doRescale: true, imageMean: MEAN, imageStd: STD });
  });

  it('BLIP: int size = square, {height, width} kept, crop fields ignored (HF BLIP has no crop step)', () => {
    expect(new BlipImageProcessor(BLIP).options.size).toEqual({ height: 384, width: 384 });
    expect(new BlipImageProcessor({ size: { height: 224, width: 200 } }).options.size).toEqual({ height: 224, width: 200 });
    const p = new BlipImageProcessor({ size: 8, do_center_crop: true, crop_size: 4 });
    expect(p.options.doCenterCrop).toBe(false);
    expect(p.process(rgbImage(3, 2, new Uint8Array(18))).pixelValues.shape).toEqual([1, 3, 8, 8]);
  });

  it('reads the other fields: flags, bilinear, scalar mean/std, {height, width} resize for CLIP', () => {
    const p = new CLIPImageProcessor({ do_resize: false, do_center_crop: false, do_rescale: false, do_normalize: false, resample: 2, image_mean: 0.5, image_std: 0.25, rescale_factor: 0.5, do_convert_rgb: false });
    expect(p.options).toMatchObject({ doResize: false, doCenterCrop: false, doRescale: false, doNormalize: false, resample: 'bilinear', imageMean: [0.5, 0.5, 0.5], imageStd: [0.25, 0.25, 0.25], rescaleFactor: 0.5, doConvertRgb: false });
    const raw = p.process(rgbImage(1, 1, new Uint8Array([1, 2, 3]))).pixelValues;
    expect(Array.from(raw.dataSync())).toEqual([1, 2, 3]); // nothing applied
    expect(new CLIPImageProcessor({ size: { height: 5, width: 7 }, do_center_crop: false }).process(rgbImage(2, 2, new Uint8Array(12))).pixelValues.shape).toEqual([1, 3, 5, 7]);
    const scaled = new CLIPImageProcessor({ do_resize: false, do_center_crop: false, do_normalize: false, rescale_factor: 0.5 });
    expect(Array.from(scaled.process(rgbImage(1, 1, new Uint8Array([2, 4, 6]))).pixelValues.dataSync())).toEqual([1, 2, 3]);
  });

  it('names the file and the field of a bad value', () => {
    const bad = (config: object) => () => new CLIPImageProcessor(config, 'ckpt/preprocessor_config.json');
    expect(bad({ resample: 1 })).toThrow(/CLIPImageProcessor: ckpt\/preprocessor_config\.json: field "resample" = 1 \(PIL LANCZOS\) is not supported \(2 = bilinear, 3 = bicubic\)/);
    expect(bad({ resample: 0 })).toThrow(/PIL NEAREST/);
    expect(bad({ size: { longest_edge: 1333, shortest_edge: 800 } })).toThrow(/field "size" must be \{"shortest_edge": n\} or \{"height": h, "width": w\}/);
    expect(bad({ size: -3 })).toThrow(/field "size" must be a positive integer, got -3/);
    expect(bad({ size: { shortest_edge: 22.5 } })).toThrow(/field "size.shortest_edge" must be a positive integer/);
    expect(bad({ crop_size: { height: 3 } })).toThrow(/field "crop_size" must be an integer or \{"height": h, "width": w\}/);
    expect(bad({ do_resize: 'yes' })).toThrow(/field "do_resize" must be true or false, got "yes"/);
    expect(bad({ image_mean: [0.5, 0.5] })).toThrow(/field "image_mean" must be a number or 3 numbers/);
    expect(bad({ image_std: [0.5, 0, 0.5] })).toThrow(/field "image_std" must not contain 0/);
    expect(bad({ rescale_factor: '1/255' })).toThrow(/field "rescale_factor" must be a finite number/);
    expect(() => new CLIPImageProcessor([] as never, 'x.json')).toThrow(/CLIPImageProcessor: x\.json: expected a JSON object, got an array/);
  });

  it('ignores fields it does not use', () => {
    expect(() => new BlipImageProcessor({ ...BLIP, image_processor_type: 'BlipImageProcessor', feature_extractor_type: 'x', some_future_field: [1] })).not.toThrow();
  });

  it('refuses to process nothing, or images of different sizes without resize/crop', () => {
    const p = new CLIPImageProcessor({ do_resize: false, do_center_crop: false });
    expect(() => p.process([])).toThrow(/CLIPImageProcessor\.process: no images/);
    expect(() => p.process([rgbImage(1, 1, new Uint8Array(3)), rgbImage(2, 1, new Uint8Array(6))])).toThrow(/image 1 is 2x1, image 0 is 1x1/);
    expect(() => p.process({ width: 1, height: 1, data: new Uint8Array(2) })).toThrow(/CLIPImageProcessor\.process \(image 0\): image data has 2 bytes/);
  });
});

describe('choosing and loading a processor', () => {
  it('picks the class from image_processor_type or feature_extractor_type', () => {
    expect(imageProcessorKind(OPENAI_CLIP)).toBe('clip');
    expect(imageProcessorKind(NEW_CLIP)).toBe('clip');
    expect(imageProcessorKind({ image_processor_type: 'CLIPImageProcessorFast' })).toBe('clip');
    expect(imageProcessorKind(BLIP)).toBe('blip');
    expect(imageProcessorKind({ image_processor_type: 'ViTImageProcessor' })).toBeUndefined();
    expect(imageProcessorFromConfig(BLIP)).toBeInstanceOf(BlipImageProcessor);
    expect(imageProcessorFromConfig({ size: 10 }, 'cfg', 'clip')).toBeInstanceOf(CLIPImageProcessor);
    expect(() => imageProcessorFromConfig({ image_processor_type: 'ViTImageProcessor' }, 'vit/preprocessor_config.json')).toThrow(
      /vit\/preprocessor_config\.json: image_processor_type "ViTImageProcessor" is not CLIP's or BLIP's; pass kind 'clip' or 'blip'/,
    );
    expect(() => imageProcessorFromConfig({}, 'cfg')).toThrow(/cfg: names no image_processor_type/);
    expect(() => imageProcessorFromConfig(null as never, 'cfg')).toThrow(/cfg: expected a JSON object, got null/);
  });

  const dir = mkdtempSync(join(tmpdir(), 'glimpse-proc-'));
  const clipDir = join(dir, 'clip-vit-base-patch32');
  mkdirSync(clipDir);
  writeFileSync(join(clipDir, 'preprocessor_config.json'), JSON.stringify(OPENAI_CLIP, null, 2));
  writeFileSync(join(dir, 'blip.json'), JSON.stringify(BLIP));
  writeFileSync(join(dir, 'broken.json'), '{"size": 224,');

  it('fromPretrained reads <folder>/preprocessor_config.json, or a .json path', async () => {
    const clip = await CLIPImageProcessor.fromPretrained(clipDir);
    expect(clip.options.size).toEqual({ shortestEdge: 224 });
    const blip = await BlipImageProcessor.fromPretrained(join(dir, 'blip.json'));
    expect(blip.options.size).toEqual({ height: 384, width: 384 });
    expect(await loadImageProcessor(clipDir)).toBeInstanceOf(CLIPImageProcessor);
  });

  it('names the file that is missing, not JSON, or wrong', async () => {
    await expect(loadImageProcessor(join(dir, 'nowhere'))).rejects.toThrow(/cannot read .*nowhere\/preprocessor_config\.json/);
    await expect(loadImageProcessor(join(dir, 'broken.json'))).rejects.toThrow(/broken\.json is not valid JSON/);
    writeFileSync(join(dir, 'lanczos.json'), JSON.stringify({ ...NEW_CLIP, resample: 1 }));
    await expect(CLIPImageProcessor.fromPretrained(join(dir, 'lanczos.json'))).rejects.toThrow(/CLIPImageProcessor: .*lanczos\.json: field "resample" = 1/);
  });
});

/**
 * From a decoded image to what the model sees, in two steps:
 *   geometry (uint8): train = RandomResizedCrop + flip (augment.ts); eval = the processor's own
 *                     resize and center crop (what `ImageProcessor.prepare` does);
 *   collation:        rescale and normalise with the processor's numbers → float32 [B, 3, H, W].
 * The geometric step is described by plain data (`ImageTransform`) so that a worker thread can
 * run it; collation is cheap and stays on the main thread. Pure (no Node imports).
 */
import { centerCrop, resize, shortestSideSize, toTensorBatch, type ImageProcessor, type ImageProcessorOptions, type RgbImage } from '@glimpse/models';
import type { Tensor } from '@glimpse/tensor';
import { Generator } from '@glimpse/tensor';
import { augmentImage, type AugmentOptions } from './augment.js';

/** The geometric step as plain data (it crosses to worker threads). */
export type ImageTransform =
  | { readonly kind: 'train'; readonly size: { readonly height: number; readonly width: number }; readonly augment: AugmentOptions }
  | { readonly kind: 'eval'; readonly processor: ImageProcessorOptions };

/** The processor's options, whether given a processor or its options. */
export function processorOptions(p: ImageProcessor | ImageProcessorOptions): ImageProcessorOptions {
  return 'options' in p ? p.options : p;
}

/** The (height, width) a processor outputs: its crop, else its fixed size; a bare shortest edge gives a square. */
export function outputSize(o: ImageProcessorOptions): { height: number; width: number } {
  if (o.doCenterCrop) return { height: o.cropSize.height, width: o.cropSize.width };
  if ('shortestEdge' in o.size) return { height: o.size.shortestEdge, width: o.size.shortestEdge };
  return { height: o.size.height, width: o.size.width };
}

/** `ImageProcessor.prepare` from its options alone: resize (shortest edge or fixed size), then center crop. */
export function prepareWithOptions(img: RgbImage, o: ImageProcessorOptions): RgbImage {
  let out = img;
  if (o.doResize) {
    const target = 'shortestEdge' in o.size ? shortestSideSize(img.width, img.height, o.size.shortestEdge) : o.size;
    if (target.width !== out.width || target.height !== out.height) out = resize(out, target.width, target.height, o.resample);
  }
  if (o.doCenterCrop) out = centerCrop(out, o.cropSize, o.cropRounding);
  return out;
}

/** Runs the geometric step; `seed` feeds the augmentation's generator (ignored by 'eval'). */
export function applyTransform(img: RgbImage, t: ImageTransform, seed: number): { image: RgbImage; flipped: boolean } {
  if (t.kind === 'eval') return { image: prepareWithOptions(img, t.processor), flipped: false };
  const { image, flipped } = augmentImage(img, t.size, new Generator(seed), t.augment);
  return { image, flipped };
}

/** Images of one size → pixel values [B, 3, H, W] with the processor's rescale and normalisation. */
export function collateImages(images: readonly RgbImage[], o: ImageProcessorOptions): Tensor {
  return toTensorBatch(images, {
    rescaleFactor: o.doRescale ? o.rescaleFactor : null,
    mean: o.doNormalize ? o.imageMean : null,
    std: o.doNormalize ? o.imageStd : null,
  });
}

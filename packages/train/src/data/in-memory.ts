/** Decodes every image file of a dataset once, for evaluation passes that score all images together. */
import { readImage } from '@glimpse/models/node';
import type { CaptionDataset } from './dataset.js';

/** The same dataset with its image files decoded into memory (images already in memory are kept). */
export function imagesInMemory(ds: CaptionDataset): CaptionDataset {
  return { ...ds, images: ds.images.map((img) => ('image' in img.ref ? img : { ...img, ref: { image: readImage(img.ref.path) } })) };
}

/**
 * Image–caption datasets, whatever their source: a list of images, each with one or more
 * captions. Keeping the captions grouped by image is what retrieval metrics need (an image
 * query is right when *any* of its captions ranks high); training flattens them into pairs.
 * Pure data (no Node imports): file-backed images are paths, decoded later by the loader.
 */
import type { RgbImage } from '@glimpse/models';
import type { DataIssue } from './issues.js';

/** Where a caption came from: its file and line (CSV/JSONL) or position (JSON). */
export interface DataOrigin {
  readonly file: string;
  readonly line?: number;
  readonly at?: string;
}

/** Where an image's pixels come from: a file (decoded when needed) or pixels already in memory. */
export type ImageRef = { readonly path: string } | { readonly image: RgbImage };

/** One image and its captions. */
export interface CaptionedImage {
  /** Stable id: the file name, COCO's image id, the emoji's code point, … */
  readonly id: string;
  readonly ref: ImageRef;
  readonly captions: readonly string[];
  /** Where each caption came from, for messages about this image (e.g. when it cannot be decoded). */
  readonly origins?: readonly DataOrigin[];
  /** Labels for zero-shot evaluation and analysis (category, colour, …). */
  readonly meta?: Readonly<Record<string, string>>;
}

/** A named list of captioned images plus the problems met while reading it. */
export interface CaptionDataset {
  readonly name: string;
  readonly images: readonly CaptionedImage[];
  /** Rows or images skipped while loading (each already reported once). */
  readonly issues: readonly DataIssue[];
}

/** One training example: caption `caption` of image `image`. */
export interface CaptionPair {
  readonly image: number;
  readonly caption: number;
}

/** Every (image, caption) pair, image by image: the examples of one epoch over all captions. */
export function captionPairs(ds: CaptionDataset): CaptionPair[] {
  return ds.images.flatMap((img, image) => img.captions.map((_, caption) => ({ image, caption })));
}

/** All captions in order and the image each belongs to: the inputs of `retrievalMetrics`. */
export function retrievalTargets(ds: CaptionDataset): { texts: string[]; textToImage: number[] } {
  const texts: string[] = [];
  const textToImage: number[] = [];
  ds.images.forEach((img, i) => {
    for (const c of img.captions) {
      texts.push(c);
      textToImage.push(i);
    }
  });
  return { texts, textToImage };
}

/** The distinct values of `meta[key]` (sorted) and each image's index into them: inputs of `topKAccuracy`. */
export function metaLabels(ds: CaptionDataset, key: string): { classes: string[]; labels: number[] } {
  const values = ds.images.map((img, i) => {
    const v = img.meta?.[key];
    if (v === undefined) throw new Error(`metaLabels: image ${i} (${img.id}) of ${ds.name} has no meta.${key}`);
    return v;
  });
  const classes = [...new Set(values)].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  return { classes, labels: values.map((v) => index.get(v)!) };
}

/** A dataset with only the images at `indices` (in that order). */
export function subsetDataset(ds: CaptionDataset, indices: readonly number[], name = ds.name): CaptionDataset {
  return {
    name,
    issues: ds.issues,
    images: indices.map((i) => {
      const img = ds.images[i];
      if (img === undefined) throw new Error(`subsetDataset: ${ds.name} has no image ${i} (it has ${ds.images.length})`);
      return img;
    }),
  };
}

/** Reading an image file (Node only, like the decoders; exported from `@glimpse/models/node`). */
import { readFileSync } from 'node:fs';
import { decodeImage } from './decode.js';
import type { RgbImage } from './image.js';

/** Reads and decodes a PNG or JPEG file; errors name the path. */
export function readImage(path: string): RgbImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`readImage: cannot read ${path}: ${(e as Error).message}`);
  }
  return decodeImage(bytes, path);
}

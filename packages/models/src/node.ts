/**
 * @glimpse/models/node — file access for Node.js. Kept out of the main entry so the models
 * bundle for the browser without `fs`.
 */
import * as fs from 'node:fs';
import { parseSafetensors, serializeSafetensors, type Tensor } from '@glimpse/tensor';
import { writeFileAtomic } from './io/node-fs.js';

export { writeFileAtomic };

/** Writes tensors to a .safetensors file atomically (temp file + rename). */
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): void {
  writeFileAtomic(path, serializeSafetensors(tensors, metadata));
}

/** Reads every tensor of a .safetensors file; a corrupt or truncated file is an error naming it. */
export function loadSafetensors(path: string): Record<string, Tensor> {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(path);
  } catch (e) {
    throw new Error(`loadSafetensors: cannot read ${path}: ${(e as Error).message}`);
  }
  return parseSafetensors(bytes, path).tensors;
}

// Image decoding needs pngjs, which needs Node's zlib: Node entry only (see image/decode.ts).
export { decodeImage, sniffImageFormat, type ImageFormat } from './image/decode.js';
export { readImage } from './image/read-image.js';

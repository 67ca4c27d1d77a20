/**
 * Test access to fixtures/images (written by tools/oracle/images.py): the source files and
 * reference.safetensors with PIL's uint8 results. @glimpse/tensor has no uint8 dtype, so this
 * reads the safetensors layout directly (8-byte header length, JSON header, data).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const IMAGE_FIXTURES = fileURLToPath(new URL('../../../../fixtures/images/', import.meta.url));

export interface RefTensor {
  dtype: 'U8' | 'F32';
  shape: number[];
  data: Uint8Array | Float32Array;
}

export interface ImageReference {
  tensors: Record<string, RefTensor>;
  /** __metadata__ values parsed as JSON (case → {source, config, resized, box, box_tv, …}). */
  meta: Record<string, any>;
}

let cached: ImageReference | undefined;

export function imageReference(): ImageReference {
  if (cached) return cached;
  const file = readFileSync(IMAGE_FIXTURES + 'reference.safetensors');
  const n = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + n).toString('utf8')) as Record<string, any>;
  const body = file.subarray(8 + n);
  const meta: Record<string, any> = {};
  for (const [k, v] of Object.entries((header['__metadata__'] ?? {}) as Record<string, string>)) meta[k] = JSON.parse(v);
  delete header['__metadata__'];
  const tensors: Record<string, RefTensor> = {};
  for (const [name, info] of Object.entries(header)) {
    const [begin, end] = info.data_offsets as [number, number];
    const bytes = new Uint8Array(body.subarray(begin, end)); // a copy: aligned for Float32Array
    if (info.dtype === 'U8') tensors[name] = { dtype: 'U8', shape: info.shape, data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
    else if (info.dtype === 'F32') tensors[name] = { dtype: 'F32', shape: info.shape, data: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) };
    else throw new Error(`imageReference: tensor ${name} has dtype ${info.dtype}`);
  }
  cached = { tensors, meta };
  return cached;
}

/** A fixture file's bytes as a plain Uint8Array (a Buffer's slice() would share memory). */
export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(IMAGE_FIXTURES + name));
}

/** Largest |a − b| and the mean, over equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; mean: number } {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths ${a.length} and ${b.length}`);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > max) max = d;
    sum += d;
  }
  return { max, mean: a.length ? sum / a.length : 0 };
}

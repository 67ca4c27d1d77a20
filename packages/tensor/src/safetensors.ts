/**
 * The safetensors format (https://github.com/huggingface/safetensors), on bytes only, so that
 * this package still bundles for the browser; reading and writing files is the caller's job.
 *
 * A file is:
 *   8 bytes   N, the header length, an unsigned 64-bit little-endian integer
 *   N bytes   a UTF-8 JSON object, starting with `{`, maybe padded at the end with spaces:
 *             { "__metadata__": { "k": "v", … },              (optional, string → string)
 *               "name": { "dtype": "F32", "shape": [2, 3], "data_offsets": [BEGIN, END] }, … }
 *   the rest  the byte buffer: each tensor's elements, row-major, little-endian, at
 *             [BEGIN, END) counted from the start of this buffer. The tensors must cover the
 *             buffer exactly: no overlaps, no holes, nothing after the last one.
 *
 * Reading maps F32, F64, I32 and BOOL one to one; F16 and BF16 widen to float32 (exactly);
 * I64 narrows to int32 and throws, naming the tensor, for any value outside int32. Writing
 * produces F32, F64, I32 and BOOL, and I64 for int32 tensors when asked: Hugging Face
 * checkpoints keep integer buffers (e.g. CLIP's `position_ids`) as I64, PyTorch's index type.
 */
import { fromArray } from './ops/create.js';
import type { DType, TypedArray } from './dtype.js';
import { fmtShape, sizeOf } from './shape.js';
import type { Tensor } from './tensor.js';

/** The safetensors dtypes this module reads, with their size in bytes. */
const ITEM_SIZE = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, BOOL: 1 } as const;
type FileDType = keyof typeof ITEM_SIZE;

/** The safetensors dtype each Glimpse dtype is written as (int32 may become I64 on request). */
const WRITE_DTYPE: Record<DType, FileDType> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };

/** The reference implementation's limit on the header, to fail fast on garbage lengths. */
const MAX_HEADER_BYTES = 100_000_000;

/** What `parseSafetensors` returns: the tensors by name and the metadata strings. */
export interface SafetensorsContents {
  /** The tensors by name (an object without prototype, so any name is safe as a key). */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` strings ({} when the file has none). */
  metadata: Record<string, string>;
}

/** Options of `serializeSafetensors`. */
export interface SerializeSafetensorsOptions {
  /**
   * Which int32 tensors to write as I64 (as Hugging Face checkpoints store integer buffers):
   * `true` for all of them, or a list of names (each must name an int32 tensor).
   */
  int64?: boolean | readonly string[];
}

// TextEncoder/TextDecoder exist in every browser and in Node; declared here because this
// package compiles without DOM or Node typings.
interface Utf8Decoder { decode(bytes: Uint8Array): string }
interface Utf8Encoder { encode(text: string): Uint8Array }
const codecs = globalThis as unknown as {
  TextDecoder: new (label: string, options: { fatal: boolean }) => Utf8Decoder;
  TextEncoder: new () => Utf8Encoder;
};

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

interface Entry {
  name: string;
  dtype: FileDType;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Reads a safetensors file held in `bytes`. `source` (a file name, a URL) only labels errors.
 *
 * F32, F64 and I32 tensors whose data lies aligned in memory are views of `bytes`, not copies
 * (a checkpoint need not be held twice): do not modify `bytes` afterwards. Unaligned data,
 * and every converted dtype, is copied.
 */
export function parseSafetensors(bytes: Uint8Array, source = 'safetensors'): SafetensorsContents {
  const fail = (msg: string): never => {
    throw new Error(`parseSafetensors: ${source}: ${msg}`);
  };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32;
  if (headerLength > bytes.length - 8) fail(`header length ${headerLength} goes beyond the end of the file (${bytes.length} bytes, so at most ${bytes.length - 8})`);
  if (headerLength > MAX_HEADER_BYTES) fail(`header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const dataStart = 8 + headerLength;
  const bufferLength = bytes.length - dataStart;

  let headerText = '';
  try {
    headerText = new codecs.TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart));
  } catch {
    fail('header is not valid UTF-8');
  }
  if (!headerText.startsWith('{')) fail(`header must be a JSON object starting with '{', got ${JSON.stringify(headerText.slice(0, 20))}`);
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (e) {
    fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) fail('header is not a JSON object');
  const fields = header as Record<string, unknown>;

  const metadata = Object.create(null) as Record<string, string>;
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(fields)) {
    if (name === '__metadata__') {
      if (!isPlainObject(info)) fail('__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__ entry '${k}' must be a string, got ${JSON.stringify(v)}`);
        metadata[k] = v as string;
      }
      continue;
    }
    const bad = (msg: string) => fail(`tensor '${name}' ${msg}`);
    if (!isPlainObject(info)) bad('must be described by an object with dtype, shape and data_offsets');
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
    if (typeof dtype !== 'string' || !Object.hasOwn(ITEM_SIZE, dtype)) {
      bad(`has unknown or unsupported dtype ${JSON.stringify(dtype)} (readable: ${Object.keys(ITEM_SIZE).join(', ')})`);
    }
    if (!Array.isArray(shape) || !shape.every(isCount)) bad(`has invalid shape ${JSON.stringify(shape)} (expected an array of integers ≥ 0)`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
      bad(`has invalid data_offsets ${JSON.stringify(offsets)} (expected [begin, end], integers ≥ 0)`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin) bad(`has data_offsets [${begin}, ${end}] that end before they begin`);
    if (end > bufferLength) bad(`has data_offsets [${begin}, ${end}] beyond the ${bufferLength}-byte data buffer`);
    const fileDType = dtype as FileDType;
    const expected = sizeOf(shape as number[]) * ITEM_SIZE[fileDType];
    if (end - begin !== expected) {
      bad(`has ${end - begin} bytes (data_offsets [${begin}, ${end}]) but shape ${fmtShape(shape as number[])} of ${fileDType} needs ${expected}`);
    }
    entries.push({ name, dtype: fileDType, shape: shape as number[], begin, end });
  }

  // The tensors must tile the buffer: sorted by position, each starts where the last ended.
  const byPosition = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: Entry | undefined;
  for (const e of byPosition) {
    if (e.begin < cursor) fail(`tensor '${e.name}' [${e.begin}, ${e.end}) overlaps tensor '${previous!.name}' [${previous!.begin}, ${previous!.end})`);
    if (e.begin > cursor) fail(`data buffer has a hole at bytes [${cursor}, ${e.begin}) before tensor '${e.name}'`);
    cursor = e.end;
    previous = e;
  }
  if (cursor !== bufferLength) fail(`data buffer has ${bufferLength - cursor} unused bytes after the last tensor (bytes [${cursor}, ${bufferLength}))`);

  const tensors = Object.create(null) as Record<string, Tensor>;
  for (const e of entries) {
    tensors[e.name] = fromArray(decode(bytes, dataStart + e.begin, e, fail), e.shape);
  }
  return { tensors, metadata };
}

/** The elements of one tensor as the TypedArray of its Glimpse dtype. */
function decode(bytes: Uint8Array, at: number, e: Entry, fail: (msg: string) => never): TypedArray {
  const n = sizeOf(e.shape);
  const length = e.end - e.begin;
  const dv = new DataView(bytes.buffer, bytes.byteOffset + at, length);
  switch (e.dtype) {
    case 'F32':
    case 'F64':
    case 'I32': {
      const Ctor = e.dtype === 'F32' ? Float32Array : e.dtype === 'F64' ? Float64Array : Int32Array;
      if (LITTLE_ENDIAN_HOST) {
        const absolute = bytes.byteOffset + at;
        if (absolute % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(bytes.buffer as ArrayBuffer, absolute, n);
        return new Ctor(bytes.slice(at, at + length).buffer, 0, n); // slice copies into a fresh, aligned buffer
      }
      const out = new Ctor(n);
      const get = e.dtype === 'F32' ? (i: number) => dv.getFloat32(4 * i, true) : e.dtype === 'F64' ? (i: number) => dv.getFloat64(8 * i, true) : (i: number) => dv.getInt32(4 * i, true);
      for (let i = 0; i < n; i++) out[i] = get(i);
      return out;
    }
    case 'I64': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const lo = dv.getInt32(8 * i, true);
        const hi = dv.getInt32(8 * i + 4, true);
        if (hi !== lo >> 31) {
          fail(`tensor '${e.name}' (I64, shape ${fmtShape(e.shape)}) holds ${dv.getBigInt64(8 * i, true)} at element ${i}, which does not fit in int32`);
        }
        out[i] = lo;
      }
      return out;
    }
    case 'F16': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(dv.getUint16(2 * i, true));
      return out;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32: shift the bits back into place.
      const bits = new Uint32Array(n);
      for (let i = 0; i < n; i++) bits[i] = dv.getUint16(2 * i, true) << 16;
      return new Float32Array(bits.buffer);
    }
    case 'BOOL': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = bytes[at + i] ? 1 : 0;
      return out;
    }
  }
}

/** IEEE 754 binary16 → number (exact: every half is a float32). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/**
 * Writes tensors (any layout, any backend) and optional `__metadata__` strings as a
 * safetensors file. Header keys are sorted by name and the header is padded with spaces to a
 * multiple of 8 bytes; the data is laid out widest dtype first (then by name), as the
 * reference implementation does, so every tensor starts aligned to its element size.
 */
export function serializeSafetensors(
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
  opts: SerializeSafetensorsOptions = {},
): Uint8Array {
  const fail = (msg: string): never => {
    throw new Error(`serializeSafetensors: ${msg}`);
  };
  const names = Object.keys(tensors).sort();
  const int64 = new Set<string>();
  if (opts.int64 === true) {
    for (const n of names) if (tensors[n]!.dtype === 'int32') int64.add(n);
  } else if (Array.isArray(opts.int64)) {
    for (const n of opts.int64 as readonly string[]) {
      if (!Object.hasOwn(tensors, n)) fail(`int64 names tensor '${n}', which is not among the tensors`);
      if (tensors[n]!.dtype !== 'int32') fail(`int64 names tensor '${n}', which is ${tensors[n]!.dtype}, not int32`);
      int64.add(n);
    }
  }
  for (const [k, v] of Object.entries(metadata ?? {})) {
    if (typeof v !== 'string') fail(`metadata '${k}' must be a string, got ${typeof v}`);
  }

  const plan = names.map((name) => {
    if (name === '__metadata__') fail(`'__metadata__' is reserved and cannot name a tensor`);
    const t = tensors[name]!;
    const dtype: FileDType = int64.has(name) ? 'I64' : WRITE_DTYPE[t.dtype];
    return { name, tensor: t, dtype, bytes: t.size * ITEM_SIZE[dtype], begin: 0 };
  });
  let total = 0;
  for (const p of [...plan].sort((a, b) => ITEM_SIZE[b.dtype] - ITEM_SIZE[a.dtype] || (a.name < b.name ? -1 : 1))) {
    p.begin = total;
    total += p.bytes;
  }

  // Built by hand so the key order is exactly the sorted one (a JS object would move
  // integer-like names such as "0" to the front).
  const parts: string[] = [];
  if (metadata && Object.keys(metadata).length > 0) {
    const sorted = Object.keys(metadata).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`);
    parts.push(`"__metadata__":{${sorted.join(',')}}`);
  }
  for (const p of plan) {
    const info = { dtype: p.dtype, shape: p.tensor.shape, data_offsets: [p.begin, p.begin + p.bytes] };
    parts.push(`${JSON.stringify(p.name)}:${JSON.stringify(info)}`);
  }
  const json = new codecs.TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const dataStart = 8 + headerLength;

  const out = new Uint8Array(dataStart + total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, headerLength % 2 ** 32, true);
  dv.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, dataStart);
  for (const p of plan) {
    const values = p.tensor.dataSync();
    const at = dataStart + p.begin;
    const n = values.length;
    if (LITTLE_ENDIAN_HOST && p.dtype !== 'I64' && p.dtype !== 'BOOL') {
      out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), at); // same bytes already
      continue;
    }
    switch (p.dtype) {
      case 'F32': for (let i = 0; i < n; i++) dv.setFloat32(at + 4 * i, values[i]!, true); break;
      case 'F64': for (let i = 0; i < n; i++) dv.setFloat64(at + 8 * i, values[i]!, true); break;
      case 'I32': for (let i = 0; i < n; i++) dv.setInt32(at + 4 * i, values[i]!, true); break;
      case 'I64':
        for (let i = 0; i < n; i++) {
          dv.setInt32(at + 8 * i, values[i]!, true);
          dv.setInt32(at + 8 * i + 4, values[i]! < 0 ? -1 : 0, true);
        }
        break;
      case 'BOOL': for (let i = 0; i < n; i++) out[at + i] = values[i] ? 1 : 0; break;
      default: fail(`cannot write dtype ${p.dtype}`);
    }
  }
  return out;
}

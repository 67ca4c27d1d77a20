import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { arange, randn, tensor } from './ops/create.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';
import type { Tensor } from './tensor.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/safetensors/', import.meta.url));

/** A safetensors file from a header (object or raw JSON text) and a data buffer. */
function build(header: object | string, data: Uint8Array | number[] = [], pad = true): Uint8Array {
  let json = typeof header === 'string' ? header : JSON.stringify(header);
  if (pad) json += ' '.repeat((8 - (json.length % 8)) % 8);
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setUint32(0, text.length, true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

function headerOf(bytes: Uint8Array): { length: number; text: string } {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  return { length, text: new TextDecoder().decode(bytes.subarray(8, 8 + length)) };
}

const values = (t: Tensor) => Array.from(t.dataSync());

describe('serializeSafetensors / parseSafetensors round trip', () => {
  it('keeps every writable dtype, shape and value', () => {
    const tensors = {
      f32: randn([3, 4], { seed: 1 }),
      f64: randn([2, 2, 3], { seed: 2, dtype: 'float64' }),
      i32: tensor([[-2147483648, -1, 0], [1, 42, 2147483647]], { dtype: 'int32' }),
      mask: tensor([[true, false], [false, true]]),
      scalar: tensor(2.5, { dtype: 'float64' }),
      empty: tensor([], { dtype: 'float32', shape: [0, 5] }),
      special: tensor([NaN, Infinity, -Infinity, -0, 1e-45], { dtype: 'float32' }),
    };
    const back = parseSafetensors(serializeSafetensors(tensors));
    expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const u = back.tensors[name]!;
      expect(u.dtype, name).toBe(t.dtype);
      expect(u.shape, name).toEqual(t.shape);
      expect(values(u), name).toEqual(values(t)); // toEqual tells -0 from 0 and matches NaN
    }
    expect(back.metadata).toEqual({});
  });

  it('writes non-contiguous views in logical (row-major) order', () => {
    const x = arange(12, { dtype: 'float32' }).reshape([3, 4]);
    const views = { t: x.transpose(), s: x.slice(1, 1, 4, 2), e: tensor([1, 2, 3]).expand([2, 3]) };
    const back = parseSafetensors(serializeSafetensors(views)).tensors;
    for (const [name, v] of Object.entries(views)) {
      expect(back[name]!.shape).toEqual(v.shape);
      expect(back[name]!.toArray()).toEqual(v.toArray());
    }
  });

  it('round-trips metadata', () => {
    const metadata = { format: 'pt', note: 'ünïcödé ✓ "quoted"', empty: '' };
    const back = parseSafetensors(serializeSafetensors({ w: tensor([1]) }, metadata));
    expect(back.metadata).toEqual(metadata);
  });

  it('writes int32 as I64 on request (all, or by name) and reads I64 back as int32', () => {
    const ids = tensor([0, -1, 49407, -2147483648, 2147483647], { dtype: 'int32' });
    const other = tensor([5, 6], { dtype: 'int32' });
    const all = serializeSafetensors({ ids, other, w: tensor([1.5]) }, undefined, { int64: true });
    expect(headerOf(all).text).toContain('"ids":{"dtype":"I64","shape":[5],');
    expect(headerOf(all).text).toContain('"other":{"dtype":"I64"');
    expect(headerOf(all).text).toContain('"w":{"dtype":"F32"');
    const named = serializeSafetensors({ ids, other }, undefined, { int64: ['ids'] });
    expect(headerOf(named).text).toContain('"ids":{"dtype":"I64"');
    expect(headerOf(named).text).toContain('"other":{"dtype":"I32"');
    for (const bytes of [all, named]) {
      const back = parseSafetensors(bytes).tensors;
      expect(back.ids!.dtype).toBe('int32');
      expect(values(back.ids!)).toEqual(values(ids));
      expect(values(back.other!)).toEqual([5, 6]);
    }
    // The I64 bytes are two's complement, sign-extended.
    const one = serializeSafetensors({ x: tensor([-2], { dtype: 'int32' }) }, undefined, { int64: true });
    expect(Array.from(one.subarray(-8))).toEqual([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  });
});

describe('serializeSafetensors follows the format', () => {
  const bytes = serializeSafetensors(
    { b: tensor([true, false, true]), '10': tensor([1, 2], { dtype: 'float64' }), '2': tensor([3], { dtype: 'int32' }), a: tensor([[1, 2, 3]]) },
    { z: '1', a: '2' },
  );
  const { length, text } = headerOf(bytes);

  it('pads the header with spaces to a multiple of 8 bytes, and the length covers the padding', () => {
    expect(length % 8).toBe(0);
    expect(text.trimEnd().endsWith('}')).toBe(true);
    expect(text.slice(text.trimEnd().length)).toMatch(/^ *$/);
    expect(bytes.length).toBe(8 + length + 3 + 16 + 4 + 12);
  });

  it('puts __metadata__ first and sorts the other keys (integer-like names included)', () => {
    expect(text.trimEnd()).toBe(
      '{"__metadata__":{"a":"2","z":"1"},' +
        '"10":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},' +
        '"2":{"dtype":"I32","shape":[1],"data_offsets":[16,20]},' +
        '"a":{"dtype":"F32","shape":[1,3],"data_offsets":[20,32]},' +
        '"b":{"dtype":"BOOL","shape":[3],"data_offsets":[32,35]}}',
    );
  });

  it('lays data out widest dtype first, so every tensor is aligned to its element size', () => {
    const header = JSON.parse(text) as Record<string, { dtype?: string; data_offsets?: [number, number] }>;
    const size: Record<string, number> = { F64: 8, F32: 4, I32: 4, BOOL: 1 };
    for (const info of Object.values(header)) {
      if (info.data_offsets) expect((8 + length + info.data_offsets[0]) % size[info.dtype!]!).toBe(0);
    }
  });

  it('omits __metadata__ when there is none', () => {
    expect(headerOf(serializeSafetensors({ x: tensor([1]) })).text).not.toContain('__metadata__');
    expect(headerOf(serializeSafetensors({ x: tensor([1]) }, {})).text).not.toContain('__metadata__');
  });

  it('writes an empty file as an 8-byte-aligned empty object', () => {
    const empty = serializeSafetensors({});
    expect(headerOf(empty).text).toBe('{}      ');
    expect(parseSafetensors(empty)).toEqual({ tensors: {}, metadata: {} });
  });
});

describe('parseSafetensors reads every dtype', () => {
  it('F16, including zero, -0, subnormals, the largest half, infinities and NaN', () => {
    const halves = [0x0000, 0x8000, 0x3c00, 0xc100, 0x7bff, 0x0400, 0x0001, 0x03ff, 0x7c00, 0xfc00, 0x7e00, 0x3555];
    const data = new Uint8Array(new Uint16Array(halves).buffer);
    const t = parseSafetensors(build({ h: { dtype: 'F16', shape: [12], data_offsets: [0, 24] } }, data)).tensors.h!;
    expect(t.dtype).toBe('float32');
    const expected = [0, -0, 1, -2.5, 65504, 2 ** -14, 2 ** -24, 1023 * 2 ** -24, Infinity, -Infinity, NaN, 0.333251953125];
    expect(values(t)).toEqual(expected);
  });

  it('BF16 as the top half of a float32', () => {
    const bf = [0x0000, 0x8000, 0x3f80, 0xc020, 0x7f7f, 0x0001, 0x7f80, 0xff80, 0x7fc0, 0x3eab];
    const data = new Uint8Array(new Uint16Array(bf).buffer);
    const t = parseSafetensors(build({ h: { dtype: 'BF16', shape: [2, 5], data_offsets: [0, 20] } }, data)).tensors.h!;
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([2, 5]);
    const f = new Float32Array(new Uint32Array(bf.map((b) => b << 16)).buffer);
    expect(values(t)).toEqual(Array.from(f));
    expect(values(t).slice(0, 4)).toEqual([0, -0, 1, -2.5]);
  });

  it('BOOL bytes other than 0 read as true (1)', () => {
    const t = parseSafetensors(build({ m: { dtype: 'BOOL', shape: [4], data_offsets: [0, 4] } }, [0, 1, 2, 255])).tensors.m!;
    expect(t.dtype).toBe('bool');
    expect(values(t)).toEqual([0, 1, 1, 1]);
  });

  it('I64 values outside int32 are an error naming the source, tensor and value', () => {
    for (const big of [2n ** 31n, -(2n ** 31n) - 1n, 2n ** 40n]) {
      const data = new Uint8Array(16);
      new DataView(data.buffer).setBigInt64(8, big, true);
      const bytes = build({ ids: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, data);
      expect(() => parseSafetensors(bytes, 'ckpt.safetensors')).toThrow(
        `parseSafetensors: ckpt.safetensors: tensor 'ids' (I64, shape [2]) holds ${big} at element 1, which does not fit in int32`,
      );
    }
  });

  it('reads unaligned data (a 3-byte BOOL first) by copying', () => {
    const data = new Uint8Array(3 + 8 + 16 + 8);
    data.set([1, 0, 1]);
    const dv = new DataView(data.buffer);
    dv.setFloat32(3, 1.5, true);
    dv.setFloat32(7, -2.25, true);
    dv.setFloat64(11, Math.PI, true);
    dv.setFloat64(19, -Math.E, true);
    dv.setInt32(27, -7, true);
    dv.setInt32(31, 123456789, true);
    const header = {
      m: { dtype: 'BOOL', shape: [3], data_offsets: [0, 3] },
      f: { dtype: 'F32', shape: [2], data_offsets: [3, 11] },
      d: { dtype: 'F64', shape: [2], data_offsets: [11, 27] },
      i: { dtype: 'I32', shape: [2], data_offsets: [27, 35] },
    };
    const { tensors } = parseSafetensors(build(header, data));
    expect(values(tensors.m!)).toEqual([1, 0, 1]);
    expect(values(tensors.f!)).toEqual([1.5, -2.25]);
    expect(values(tensors.d!)).toEqual([Math.PI, -Math.E]);
    expect(values(tensors.i!)).toEqual([-7, 123456789]);
  });

  it('reads a file that starts at an odd byte offset of its buffer (e.g. a pooled Node Buffer)', () => {
    const file = serializeSafetensors({ a: randn([5], { seed: 3 }), b: randn([3], { seed: 4, dtype: 'float64' }) });
    const host = new Uint8Array(file.length + 1);
    host.set(file, 1);
    const back = parseSafetensors(host.subarray(1)).tensors;
    expect(values(back.a!)).toEqual(values(randn([5], { seed: 3 })));
    expect(values(back.b!)).toEqual(values(randn([3], { seed: 4, dtype: 'float64' })));
  });

  it('shares memory with the bytes when the data is aligned (no copy)', () => {
    const file = serializeSafetensors({ w: randn([4, 4], { seed: 5 }) });
    const w = parseSafetensors(file).tensors.w!;
    expect((w.storage as Float32Array).buffer).toBe(file.buffer);
  });

  it('accepts a header without padding and names like __proto__', () => {
    const header = '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    const bytes = build(header, new Uint8Array(new Float32Array([7]).buffer), false);
    const { tensors } = parseSafetensors(bytes);
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(values(tensors['__proto__']!)).toEqual([7]);
  });

  it('reads the file written by tools/oracle/safetensors_io.py (PyTorch)', () => {
    const bytes = readFileSync(FIXTURES + 'from_python.safetensors');
    const expected = JSON.parse(readFileSync(FIXTURES + 'from_python.json', 'utf8')) as Record<
      string,
      { dtype: string; shape: number[]; values: (number | string)[] }
    >;
    const { tensors, metadata } = parseSafetensors(bytes, 'from_python.safetensors');
    expect(metadata.format).toBe('pt');
    expect(metadata.torch).toMatch(/^\d+\.\d+/);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected).sort());
    const glimpse: Record<string, string> = { F32: 'float32', F64: 'float64', I32: 'int32', I64: 'int32', F16: 'float32', BF16: 'float32', BOOL: 'bool' };
    for (const [name, e] of Object.entries(expected)) {
      const t = tensors[name]!;
      expect(t.dtype, name).toBe(glimpse[e.dtype]);
      expect(t.shape, name).toEqual(e.shape);
      const want = e.values.map((v) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number)));
      expect(values(t), name).toEqual(want);
    }
  });
});

describe('parseSafetensors rejects malformed files, naming the source and the tensor', () => {
  const src = 'bad.safetensors';
  const f32 = (begin: number, end: number, shape = [(end - begin) / 4]) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });
  const cases: [string, Uint8Array, string][] = [
    ['a file shorter than 8 bytes', new Uint8Array(5), 'file is 5 bytes, too short for the 8-byte header length'],
    ['a header length beyond the file', (() => { const b = build({}); b[0] = 200; return b; })(), 'header length 200 goes beyond the end of the file (16 bytes, so at most 8)'],
    ['a header length above 2^32', (() => { const b = build({}); b[4] = 1; return b; })(), 'header length 4294967304 goes beyond the end of the file'],
    ['invalid UTF-8', build('{"\xff":1}', [], true).map((v, i) => (i === 10 ? 0xff : v)), 'header is not valid UTF-8'],
    ['bad JSON', build('{"a": {"dtype": "F32",'), 'header is not valid JSON'],
    ['a header that is not an object', build('[1, 2, 3]'), "header must be a JSON object starting with '{'"],
    ['leading whitespace', build(' {}'), "header must be a JSON object starting with '{'"],
    ['non-string metadata', build({ __metadata__: { epoch: 3 } }), "__metadata__ entry 'epoch' must be a string, got 3"],
    ['metadata that is not an object', build({ __metadata__: 'x' }), '__metadata__ must be an object of strings'],
    ['a tensor entry that is not an object', build({ w: 5 }), "tensor 'w' must be described by an object"],
    ['an unknown dtype', build({ w: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, [0]), `tensor 'w' has unknown or unsupported dtype "F8_E4M3" (readable: F64, I64, F32, I32, F16, BF16, BOOL)`],
    ['a missing dtype', build({ w: { shape: [1], data_offsets: [0, 4] } }, [0, 0, 0, 0]), "tensor 'w' has unknown or unsupported dtype undefined"],
    ['a bad shape', build({ w: { dtype: 'F32', shape: [2, -1], data_offsets: [0, 8] } }, new Uint8Array(8)), "tensor 'w' has invalid shape [2,-1]"],
    ['bad data_offsets', build({ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }, new Uint8Array(4)), "tensor 'w' has invalid data_offsets [0]"],
    ['data_offsets that end before they begin', build({ w: f32(8, 4, [1]) }, new Uint8Array(8)), "tensor 'w' has data_offsets [8, 4] that end before they begin"],
    ['data_offsets beyond the buffer', build({ w: f32(0, 12) }, new Uint8Array(8)), "tensor 'w' has data_offsets [0, 12] beyond the 8-byte data buffer"],
    ['a size that does not match shape × dtype', build({ w: f32(0, 8, [3]) }, new Uint8Array(8)), "tensor 'w' has 8 bytes (data_offsets [0, 8]) but shape [3] of F32 needs 12"],
    ['overlapping tensors', build({ a: f32(0, 8), b: f32(4, 12) }, new Uint8Array(12)), "tensor 'b' [4, 12) overlaps tensor 'a' [0, 8)"],
    ['a zero-size tensor inside another', build({ a: f32(0, 8), z: f32(4, 4, [0]) }, new Uint8Array(8)), "tensor 'z' [4, 4) overlaps tensor 'a' [0, 8)"],
    ['a hole between tensors', build({ a: f32(0, 4), b: f32(8, 12) }, new Uint8Array(12)), "data buffer has a hole at bytes [4, 8) before tensor 'b'"],
    ['a hole at the start', build({ a: f32(4, 8) }, new Uint8Array(8)), "data buffer has a hole at bytes [0, 4) before tensor 'a'"],
    ['bytes after the last tensor', build({ a: f32(0, 4) }, new Uint8Array(6)), 'data buffer has 2 unused bytes after the last tensor (bytes [4, 6))'],
  ];
  it.each(cases)('%s', (_, bytes, message) => {
    expect(() => parseSafetensors(bytes, src)).toThrow(`parseSafetensors: ${src}: ${message}`);
  });

  it('labels errors "safetensors" when no source is given', () => {
    expect(() => parseSafetensors(new Uint8Array(3))).toThrow('parseSafetensors: safetensors: file is 3 bytes');
  });
});

describe('serializeSafetensors validates its input', () => {
  it('rejects int64 names that are missing or not int32', () => {
    const t = { ids: tensor([1, 2], { dtype: 'int32' }), w: tensor([1]) };
    expect(() => serializeSafetensors(t, undefined, { int64: ['nope'] })).toThrow("serializeSafetensors: int64 names tensor 'nope', which is not among the tensors");
    expect(() => serializeSafetensors(t, undefined, { int64: ['w'] })).toThrow("serializeSafetensors: int64 names tensor 'w', which is float32, not int32");
  });

  it('rejects __metadata__ as a tensor name and non-string metadata', () => {
    expect(() => serializeSafetensors({ __metadata__: tensor([1]) })).toThrow("'__metadata__' is reserved");
    expect(() => serializeSafetensors({ w: tensor([1]) }, { n: 3 as unknown as string })).toThrow("metadata 'n' must be a string, got number");
  });
});

/**
 * Data types. float32 is for training, float64 for gradient checks and reference comparisons,
 * int32 for ids and indices, bool for masks (what comparisons return, what `where` reads).
 */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** The TypedArray that holds each dtype on the host. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

/** Allocates a zero-filled host array of `size` elements of `dtype`. */
export function allocArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** The dtype a TypedArray holds (Uint8Array is read as bool). */
export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

/** True for float32 and float64. */
export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function assertDType(dtype: string, op: string): asserts dtype is DType {
  if (!(DTYPES as readonly string[]).includes(dtype)) {
    throw new Error(`${op}: unknown dtype '${dtype}' (expected one of ${DTYPES.join(', ')})`);
  }
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/**
 * PyTorch type promotion for two tensors: bool < int32 < float32 < float64.
 * (Plain JS numbers are "weak" scalars and are handled by `scalarResultType`.)
 */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The dtype of `tensor op scalar`, as PyTorch does it: a scalar never widens a float tensor,
 * a fractional scalar turns an integer/bool tensor into float32, an integer scalar turns a
 * bool tensor into int32.
 */
export function scalarResultType(t: DType, scalar: number): DType {
  if (isFloat(t)) return t;
  if (!Number.isInteger(scalar)) return 'float32';
  return t === 'bool' ? 'int32' : t;
}

const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };
const CATEGORY_DEFAULT: DType[] = ['bool', 'int32', 'float32'];

/**
 * The dtype of an op on two tensors, with PyTorch's rule for 0-d tensors: a 0-d operand does not
 * widen a dimensioned one of the same or a lower category (float32 tensor + 0-d float64 →
 * float32); from a higher category it brings that category's default (int32 tensor + 0-d
 * float64 → float32). Two 0-d or two dimensioned tensors promote normally.
 */
export function resultType(a: { dtype: DType; rank: number }, b: { dtype: DType; rank: number }): DType {
  if ((a.rank === 0) === (b.rank === 0)) return promoteTypes(a.dtype, b.dtype);
  const [scalar, dimensioned] = a.rank === 0 ? [a, b] : [b, a];
  if (CATEGORY[scalar.dtype] <= CATEGORY[dimensioned.dtype]) return dimensioned.dtype;
  return CATEGORY_DEFAULT[CATEGORY[scalar.dtype]]!;
}


/** Interop with scijs `ndarray`: both are strided views, so no data is copied on the cpu backend. */
import ndarray, { type NdArray } from 'ndarray';
import { getBackend } from './backend.js';
import { dtypeOfArray, type TypedArray } from './dtype.js';
import { Tensor } from './tensor.js';

/** A tensor viewing an ndarray's data (float32/float64/int32/uint8→bool arrays; shares memory on cpu). */
export function fromNdarray(a: NdArray, backend?: string): Tensor {
  const data = a.data as unknown;
  if (!(data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array || data instanceof Uint8Array)) {
    throw new Error(`fromNdarray: unsupported ndarray dtype '${a.dtype}' (expected float32, float64, int32 or uint8)`);
  }
  const b = getBackend(backend);
  if (b.name !== 'cpu') return new Tensor(getBackend('cpu').fromArray(data), dtypeOfArray(data), a.shape, a.stride, a.offset, getBackend('cpu')).to(b.name);
  return new Tensor(b.fromArray(data), dtypeOfArray(data), a.shape, a.stride, a.offset, b);
}

/** An ndarray over the tensor's elements (a view of the storage on cpu, a host copy elsewhere). */
export function toNdarray(t: Tensor): NdArray<TypedArray> {
  if (t.backend.name === 'cpu') return ndarray(t.storage as TypedArray, [...t.shape], [...t.strides], t.offset);
  return ndarray(t.dataSync(), [...t.shape]);
}

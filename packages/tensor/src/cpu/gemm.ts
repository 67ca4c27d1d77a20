/**
 * C[M,N] = A[M,K] @ B[K,N] for one matrix of a batch, with arbitrary strides on A and B, so
 * transposed operands need no copy by the caller. C is contiguous (row stride N) at cOffset.
 */
import type { TypedArray } from '../dtype.js';

export interface MatrixRef {
  data: TypedArray;
  offset: number;
  rowStride: number;
  colStride: number;
}

export function gemm(M: number, N: number, K: number, a: MatrixRef, b: MatrixRef, c: TypedArray, cOffset: number): void {
  const A = a.data;
  const B = b.data;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      let pa = a.offset + i * a.rowStride;
      let pb = b.offset + j * b.colStride;
      for (let k = 0; k < K; k++) {
        acc += A[pa]! * B[pb]!;
        pa += a.colStride;
        pb += b.rowStride;
      }
      c[cOffset + i * N + j] = acc;
    }
  }
}

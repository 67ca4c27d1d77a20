/**
 * The gpu backend: the same primitives as the cpu backend, as gpu.js kernels on WebGL
 * (headless-gl in Node, WebGL2/WebGL in a browser). A storage is one float texture; results stay
 * on the device and only `read` (behind dataSync / toArray / item) brings values back.
 *
 * Precision: WebGL computes in float32. float32 tensors are exact to float32 arithmetic (GLSL's
 * exp/log/pow are a few ulp); float64 tensors keep their dtype (so the same program runs on both
 * backends) but hold float32 values on the gpu; int32 and bool are stored as floats, exact for
 * integers up to 2^24. `maxFloatBits: 32` says so to code that picks tolerances.
 */
import type { Backend, BinaryOp, ReduceOp, Storage, UnaryOp, View } from '../backend.js';
import { allocArray, type DType, type TypedArray } from '../dtype.js';
import { contiguousStrides, type Shape } from '../shape.js';
import * as K from './codegen.js';
import { GpuDevice, type GpuDeviceInfo, type GpuMemoryInfo } from './device.js';
import type { GpuTexture } from './gpujs.js';

const sizeOf = (shape: Shape) => shape.reduce((a, b) => a * b, 1);

/** Reductions up to this many positions run in one pass; longer ones in two (see reduce). */
const SINGLE_PASS = 256;
/** The longest inner dim one matmul launch walks (well below codegen's LOOP_LIMIT). */
const MATMUL_SLICE = 16384;

/** A gpu storage: one texture of `length` floats (none when empty), until disposed. */
export class GpuStorage implements Storage {
  constructor(
    public texture: GpuTexture | undefined,
    readonly length: number,
  ) {}
  disposed = false;
}

/** Host array → the float32 values a texture holds (bool as 0/1). */
function toFloat32(data: TypedArray): Float32Array {
  return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
}

export class GpuBackend implements Backend {
  readonly name = 'gpu';
  readonly maxFloatBits = 32;
  private dev: GpuDevice | undefined;
  private failure: Error | undefined;
  private live = 0;
  private liveElements = 0;
  /** A one-element texture that stands in for an empty operand (kernels need a texture in every slot). */
  private dummy: GpuStorage | undefined;

  /** Opens the GL device on first use; throws (every time) with the reason when there is none. */
  ready(): void {
    this.device();
  }

  private device(): GpuDevice {
    if (this.dev) return this.dev;
    if (this.failure) throw this.failure;
    try {
      this.dev = new GpuDevice();
      return this.dev;
    } catch (e) {
      this.failure = e instanceof Error ? e : new Error(String(e));
      throw this.failure;
    }
  }

  /** What runs the kernels (opens the device if needed). */
  info(): GpuDeviceInfo {
    return this.device().info;
  }

  memory(): GpuMemoryInfo {
    const d = this.device();
    return { storages: this.live, elements: this.liveElements, textures: d.textures, kernels: d.kernelCount };
  }

  // ---- storage bookkeeping ----

  private wrap(texture: GpuTexture | undefined, length: number): GpuStorage {
    this.live++;
    this.liveElements += length;
    return new GpuStorage(texture, length);
  }

  private texture(s: Storage, op: string): GpuTexture {
    if (!(s instanceof GpuStorage)) throw new Error(`gpu ${op}: got a storage of another backend`);
    if (s.disposed) throw new Error(`gpu ${op}: this tensor's storage was freed (by dispose() or at the end of a tidy scope) and cannot be used`);
    if (s.texture) return s.texture;
    // An empty storage: any texture does, nothing is read from it.
    this.dummy ??= this.upload(new Float32Array(1));
    return this.dummy.texture!;
  }

  private upload(data: Float32Array): GpuStorage {
    if (data.length === 0) return this.wrap(undefined, 0);
    this.assertFits(data.length, 'fromArray');
    const d = this.device();
    return this.wrap(d.run(d.kernel(K.uploadKernel()), data.length, [data]), data.length);
  }

  private assertFits(n: number, op: string): void {
    if (n > K.MAX_ELEMENTS) throw new Error(`gpu ${op}: ${n} elements exceed the gpu backend's limit of ${K.MAX_ELEMENTS} per tensor (float32 index arithmetic)`);
  }

  /** Runs `src` over `n` output elements; an empty output runs nothing. */
  private launch(op: string, src: K.KernelSource, n: number, args: (Storage | number)[]): GpuStorage {
    if (n === 0) return this.wrap(undefined, 0);
    this.assertFits(n, op);
    const textures = args.map((a) => (typeof a === 'number' ? a : this.texture(a, op)));
    const d = this.device();
    return this.wrap(d.run(d.kernel(src), n, textures), n);
  }

  private rankOk(op: string, rank: number): void {
    if (rank > K.MAX_RANK) throw new Error(`gpu ${op}: rank ${rank} after merging contiguous dims exceeds the gpu kernels' ${K.MAX_RANK}`);
  }

  /** An element-wise map over views of one shape: coalesce, then one kernel launch. */
  private map(op: string, views: readonly View[], make: (rank: number) => K.KernelSource): GpuStorage {
    const shape = views[0]!.shape;
    const c = K.coalesce(shape, views.map((v) => v.strides));
    this.rankOk(op, c.shape.length);
    const args = [...views.map((v) => v.storage), ...c.shape, ...views.flatMap((v, k) => [v.offset, ...c.strides[k]!])];
    return this.launch(op, make(c.shape.length), sizeOf(shape), args);
  }

  // ---- the primitives ----

  fromArray(data: TypedArray): Storage {
    return this.upload(toFloat32(data));
  }

  read(x: View): TypedArray {
    const n = sizeOf(x.shape);
    const out = allocArray(x.dtype, n);
    if (n === 0) return out;
    const whole = x.offset === 0 && x.storage.length === n && isRowMajor(x.shape, x.strides);
    const src = whole ? (x.storage as GpuStorage) : (this.copy(x, x.dtype) as GpuStorage);
    try {
      const values = this.texture(src, 'read').toArray();
      out.set(values.length === n ? values : values.subarray(0, n));
    } finally {
      if (src !== x.storage) this.dispose(src);
    }
    return out;
  }

  copy(x: View, dtype: DType): Storage {
    return this.map('copy', [x], (r) => K.copyKernel(r, dtype));
  }

  unary(op: UnaryOp, x: View, dtype: DType): Storage {
    return this.map(op, [x], (r) => K.unaryKernel(op, r, dtype));
  }

  binary(op: BinaryOp, a: View, b: View, dtype: DType): Storage {
    return this.map(op, [a, b], (r) => K.binaryKernel(op, r, dtype));
  }

  where(cond: View, a: View, b: View, dtype: DType): Storage {
    return this.map('where', [cond, a, b], (r) => K.whereKernel(r, dtype));
  }

  reduce(op: ReduceOp, x: View, axes: readonly number[], dtype: DType): Storage {
    const keptAxes = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
    const keptShape = keptAxes.map((d) => x.shape[d]!);
    const kept = K.coalesce(keptShape, [keptAxes.map((d) => x.strides[d]!)]);
    const reduced = K.coalesce(axes.map((d) => x.shape[d]!), [axes.map((d) => x.strides[d]!)]);
    const n = sizeOf(axes.map((d) => x.shape[d]!));
    const q = sizeOf(keptShape);
    if ((op === 'argmax' || op === 'argmin') && n === 0) throw new Error(`${op}: cannot reduce an empty axis`);
    this.rankOk(op, Math.max(kept.shape.length, reduced.shape.length));
    const init = { sum: 0, prod: 1, max: -Infinity, min: Infinity, argmax: 0, argmin: 0 }[op];
    const pass = (o: ReduceOp, P: number, C: number, out: DType) => {
      const args = [x.storage, ...kept.shape, x.offset, ...kept.strides[0]!, n, ...reduced.shape, ...reduced.strides[0]!, init, P, C];
      return this.launch(o, K.reduceKernel(o, kept.shape.length, reduced.shape.length, out), q * P, args);
    };
    if (n <= SINGLE_PASS) return pass(op, 1, Math.max(n, 1), dtype);
    // Two passes: P chunks of C ≈ √n positions each, then the P partial results. Keeps every
    // loop far below llvmpipe's LOOP_LIMIT and the float32 sum's error near √n·ε instead of n·ε.
    const C = Math.ceil(Math.sqrt(n));
    const P = Math.ceil(n / C);
    const partial = (s: Storage): View => ({ storage: s, dtype: 'float32', shape: [q, P], strides: [P, 1], offset: 0 });
    if (op === 'argmax' || op === 'argmin') {
      const best = pass(op === 'argmax' ? 'max' : 'min', P, C, 'float32');
      const at = pass(op, P, C, 'float32');
      const chunk = this.reduce(op, partial(best), [1], 'int32');
      try {
        const idx = { storage: chunk, dtype: 'int32' as const, shape: [q, 1], strides: [1, 1], offset: 0 };
        return this.gather(partial(at), 1, idx, false);
      } finally {
        for (const s of [best, at, chunk]) this.dispose(s);
      }
    }
    const parts = pass(op, P, C, 'float32');
    try {
      return this.reduce(op, partial(parts), [1], dtype);
    } finally {
      this.dispose(parts);
    }
  }

  matmul(a: View, b: View, dtype: DType): Storage {
    const r = a.shape.length;
    const [M, K_, N] = [a.shape[r - 2]!, a.shape[r - 1]!, b.shape[r - 1]!];
    const batch = K.coalesce(a.shape.slice(0, r - 2), [a.strides.slice(0, r - 2), b.strides.slice(0, r - 2)]);
    this.rankOk('matmul', batch.shape.length);
    const n = sizeOf(batch.shape) * M * N;
    const [ar, ac, br, bc] = [a.strides[r - 2]!, a.strides[r - 1]!, b.strides[r - 2]!, b.strides[r - 1]!];
    const slice = (k0: number, len: number, out: DType) => {
      const args = [
        a.storage, b.storage, M, N, len, ...batch.shape,
        a.offset + k0 * ac, ...batch.strides[0]!, ar, ac,
        b.offset + k0 * br, ...batch.strides[1]!, br, bc,
      ];
      return this.launch('matmul', K.matmulKernel(batch.shape.length, out), n, args);
    };
    if (K_ <= MATMUL_SLICE) return slice(0, K_, dtype);
    // A long inner dim in slices (llvmpipe's loop limit), summed as they come.
    let acc: Storage | undefined;
    const view = (s: Storage): View => ({ storage: s, dtype: 'float32', shape: [n], strides: [1], offset: 0 });
    for (let k0 = 0; k0 < K_; k0 += MATMUL_SLICE) {
      const part = slice(k0, Math.min(MATMUL_SLICE, K_ - k0), 'float32');
      if (!acc) acc = part;
      else {
        const sum = this.binary('add', view(acc), view(part), 'float32');
        this.dispose(acc);
        this.dispose(part);
        acc = sum;
      }
    }
    if (dtype === 'float32' || dtype === 'float64') return acc!;
    const out = this.copy(view(acc!), dtype);
    this.dispose(acc!);
    return out;
  }

  gather(x: View, axis: number, index: View, checked = true): Storage {
    if (checked) this.checkIndex('gather', index, x.shape[axis]!, axis);
    const xStrides = x.strides.map((s, d) => (d === axis ? 0 : s));
    const c = K.coalesce(index.shape, [xStrides, index.strides]);
    this.rankOk('gather', c.shape.length);
    const args = [x.storage, index.storage, ...c.shape, x.offset, ...c.strides[0]!, index.offset, ...c.strides[1]!, x.strides[axis]!];
    return this.launch('gather', K.gatherKernel(c.shape.length), sizeOf(index.shape), args);
  }

  scatterAdd(x: View, axis: number, index: View, src: View): Storage {
    this.checkIndex('scatterAdd', index, x.shape[axis]!, axis);
    const rank = x.shape.length;
    if (index.shape[axis]! > K.LOOP_LIMIT) {
      throw new Error(`gpu scatterAdd: ${index.shape[axis]} index positions along axis ${axis} exceed the ${K.LOOP_LIMIT} loop iterations a software-GL kernel may run`);
    }
    this.rankOk('scatterAdd', rank);
    const args = [
      x.storage, index.storage, src.storage, ...x.shape,
      x.offset, ...x.strides, index.offset, ...index.strides, src.offset, ...src.strides, ...index.shape,
    ];
    return this.launch('scatterAdd', K.scatterAddKernel(rank, axis), sizeOf(x.shape), args);
  }

  concat(xs: readonly View[], axis: number, outShape: Shape): Storage {
    // Joined two at a time; the intermediate results are contiguous and freed as they are used.
    const rank = outShape.length;
    this.rankOk('concat', rank);
    let acc: View = xs[0]!;
    let owned: Storage | undefined;
    for (let i = 1; i < xs.length; i++) {
      const b = xs[i]!;
      const shape = acc.shape.map((n, d) => (d === axis ? n + b.shape[d]! : n));
      const args = [acc.storage, b.storage, ...shape, acc.offset, ...acc.strides, b.offset, ...b.strides, acc.shape[axis]!];
      const out = this.launch('concat', K.concatKernel(rank, axis), sizeOf(shape), args);
      if (owned) this.dispose(owned);
      owned = out;
      acc = { storage: out, dtype: acc.dtype, shape, strides: contiguousStrides(shape), offset: 0 };
    }
    return owned ?? this.copy(acc, acc.dtype);
  }

  dispose(storage: Storage): void {
    if (!(storage instanceof GpuStorage) || storage.disposed) return;
    storage.disposed = true;
    this.live--;
    this.liveElements -= storage.length;
    storage.texture?.delete();
    storage.texture = undefined;
  }

  /**
   * Index bounds, checked before a gather/scatter as the cpu does while it runs: the min and
   * max of the index come back to the host (two one-element reads: a sync point, like item()).
   */
  private checkIndex(op: string, index: View, size: number, axis: number): void {
    if (sizeOf(index.shape) === 0) return;
    const all = index.shape.map((_, d) => d);
    const lo = this.reduce('min', index, all, 'float32');
    const hi = this.reduce('max', index, all, 'float32');
    const scalar = (s: Storage): number => {
      try {
        return this.texture(s, op).toArray()[0]!;
      } finally {
        this.dispose(s);
      }
    };
    const [min, max] = [scalar(lo), scalar(hi)];
    if (min < 0 || max >= size) throw new Error(`${op}: index ${min < 0 ? min : max} is out of range for axis ${axis} of size ${size}`);
  }
}

function isRowMajor(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

/**
 * The part of gpu.js this backend uses, typed by hand. gpu.js ships declarations, but they are
 * wrong in places (`input`, the kernel run shortcut's return type, `Texture.toArray` in pipeline
 * mode, the kernel classes' statics), so the module is imported once here as `unknown` and seen
 * through these interfaces only. Nothing here is exported from the package: the public API of
 * `@glimpse/tensor/gpu` never mentions a gpu.js type, so users' type checks do not need gpu.js.
 */
import gpujsModule from 'gpu.js';

/** A float texture that a pipeline kernel returned (gpu.js's GLTextureFloat). */
export interface GpuTexture {
  /** Reads the texture back to the host (a sync point: the GL pipeline drains first). */
  toArray(): Float32Array;
  /** Frees the GL texture (reference counted inside gpu.js; idempotent). */
  delete(): void;
  readonly output: readonly number[];
  readonly size: ArrayLike<number>;
}

/** A compiled kernel's run shortcut: call it with textures and numbers. */
export interface GpuKernel {
  (...args: (GpuTexture | Float32Array | number)[]): GpuTexture;
  setOutput(output: number[]): GpuKernel;
  destroy(removeCanvasReferences?: boolean): void;
  /** The Kernel instance that runs (replaced when gpu.js switches or falls back). */
  readonly kernel: {
    readonly constructor: KernelClass;
    readonly compiledFragmentShader?: string;
    /**
     * The kernel's arguments once built. A texture argument remembers (as `prevArg`) the last
     * input that was the kernel's own output texture, and an immutable kernel renders a later
     * such call into that texture when nothing else holds it (gpu.js's in-place reuse).
     */
    readonly kernelArguments?: readonly { prevArg?: GpuTexture | null }[];
  };
}

/** A gpu.js Kernel class (HeadlessGLKernel, WebGL2Kernel, WebGLKernel, WebAssemblyKernel, CPUKernel). */
export interface KernelClass {
  readonly name: string;
  readonly mode: string;
  readonly isSupported: boolean;
  readonly features: { readonly isFloatRead: boolean; readonly isTextureFloat: boolean; readonly maxTextureSize?: number } | null;
  readonly testContext?: unknown;
}

export interface KernelSettings {
  output: number[];
  precision: 'single';
  pipeline: true;
  immutable: true;
  dynamicOutput: true;
  dynamicArguments: true;
  tactic: 'precision';
  loopMaxIterations: number;
  /** A float value that is a whole number must stay a float uniform (never an int). */
  strictIntegers: false;
}

export interface GpuInstance {
  /** The Kernel class gpu.js chose for this instance (for mode 'headlessgl' / 'webgl2' / 'webgl'). */
  readonly Kernel: KernelClass;
  readonly context: unknown;
  createKernel(source: string, settings: KernelSettings): GpuKernel;
  destroy(): Promise<void>;
}

export interface GpuJs {
  GPU: {
    new (settings: { mode: string; canvas?: unknown; context?: unknown }): GpuInstance;
    readonly isHeadlessGLSupported: boolean;
    readonly isWebGL2Supported: boolean;
    readonly isWebGLSupported: boolean;
    readonly isCanvasSupported: boolean;
  };
  HeadlessGLKernel: KernelClass;
  WebGL2Kernel: KernelClass;
  WebGLKernel: KernelClass;
}

export const gpujs = gpujsModule as unknown as GpuJs;

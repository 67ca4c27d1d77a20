/**
 * The GL device behind the gpu backend: one gpu.js instance on one WebGL context, made on first
 * use, and the compiled kernels. gpu.js quietly runs kernels on the CPU or WebAssembly when it
 * cannot get a GL context (mode 'gpu' without a display becomes a WebAssembly kernel); here a
 * missing context is an error that names the cause, and every kernel call checks that the class
 * that ran is the GL class the device was opened with.
 */
import { gpujs, type GpuInstance, type GpuKernel, type GpuTexture, type KernelClass } from './gpujs.js';
import type { KernelSource } from './codegen.js';

/** What runs the gpu backend's kernels here. */
export interface GpuDeviceInfo {
  /** The gpu.js kernel class: 'HeadlessGLKernel' (Node, headless-gl), 'WebGL2Kernel' or 'WebGLKernel' (browsers). */
  readonly kernel: string;
  /** The gpu.js mode the device was opened with ('headlessgl', 'webgl2', 'webgl'). */
  readonly mode: string;
  /** The GL renderer string (unmasked where the context tells it), e.g. 'ANGLE (… SwiftShader …)'. */
  readonly renderer: string;
  /** The GL version string, e.g. 'WebGL 1.0 (OpenGL ES 2.0 …)'. */
  readonly version: string;
  readonly maxTextureSize: number;
}

/** Live GPU memory: what a training loop checks for leaks. */
export interface GpuMemoryInfo {
  /** Tensor storages on the gpu that have not been disposed (each is one texture). */
  readonly storages: number;
  /** Elements held by those storages (4 bytes each on the device, in an RGBA32F texel). */
  readonly elements: number;
  /** Every WebGL texture alive in the context: the storages plus the kernels' own (argument uploads, output buffers). */
  readonly textures: number;
  /** Kernels compiled so far. */
  readonly kernels: number;
}

type Env = {
  process?: { versions?: { node?: string }; env?: Record<string, string | undefined>; platform?: string };
  document?: unknown;
  WorkerGlobalScope?: unknown;
};
const env = globalThis as Env;
const inNode = typeof env.process?.versions?.node === 'string' && env.document === undefined && env.WorkerGlobalScope === undefined;

const XVFB = 'xvfb-run -a -s "-ac -screen 0 1280x1024x24"';

/** Why no GL context could be made, as precisely as can be told from here. */
function noContextReason(): string {
  if (inNode) {
    const display = env.process?.env?.['DISPLAY'];
    const platform = env.process?.platform;
    if (!display && platform !== 'win32' && platform !== 'darwin') {
      return (
        'gpu backend: no GL context in Node: DISPLAY is not set, and headless-gl (the "gl" package gpu.js loads) needs an X server. ' +
        `Run under ${XVFB} … (Debian: apt-get install xvfb xauth libgl1-mesa-dri).`
      );
    }
    return (
      `gpu backend: no GL context in Node (DISPLAY=${display ?? ''}): either headless-gl (the optional "gl" package gpu.js loads) is missing ` +
      'or failed to build — it compiles with node-gyp and needs apt packages build-essential python3 pkg-config libxi-dev libglu1-mesa-dev ' +
      'libglew-dev libx11-dev libxext-dev plus npm_config_nodedir=/usr, and pnpm still exits 0 when this optional build fails — or the X server ' +
      'refused a GLX context (Debian: apt-get install libgl1-mesa-dri).'
    );
  }
  return 'gpu backend: this browser gives no WebGL2 or WebGL context (WebGL disabled, no GPU process, or a worker without OffscreenCanvas).';
}

/** Picks the gpu.js mode for this environment, or throws why there is none. */
function chooseMode(): { mode: string; Kernel: KernelClass } {
  if (inNode) {
    if (gpujs.GPU.isHeadlessGLSupported) return { mode: 'headlessgl', Kernel: gpujs.HeadlessGLKernel };
  } else {
    if (gpujs.GPU.isWebGL2Supported) return { mode: 'webgl2', Kernel: gpujs.WebGL2Kernel };
    if (gpujs.GPU.isWebGLSupported) return { mode: 'webgl', Kernel: gpujs.WebGLKernel };
  }
  throw new Error(noContextReason());
}

interface GLContext {
  createTexture(): unknown;
  deleteTexture(t: unknown): void;
  getParameter(p: number): unknown;
  getExtension(name: string): unknown;
  readonly RENDERER: number;
  readonly VERSION: number;
  readonly MAX_TEXTURE_SIZE: number;
}

export class GpuDevice {
  readonly info: GpuDeviceInfo;
  private readonly gpu: GpuInstance;
  private readonly Kernel: KernelClass;
  private readonly kernels = new Map<string, GpuKernel>();
  private readonly outputs = new WeakMap<GpuKernel, number>();
  private liveTextures = 0;

  constructor() {
    const { mode, Kernel } = chooseMode();
    const features = Kernel.features;
    if (!features?.isTextureFloat || !features.isFloatRead) {
      throw new Error(`gpu backend: the ${Kernel.name} context cannot store or read float textures (OES_texture_float / float render targets), which the gpu backend needs`);
    }
    this.Kernel = Kernel;
    this.gpu = new gpujs.GPU({ mode });
    if (this.gpu.Kernel !== Kernel) throw new Error(`gpu backend: gpu.js chose ${this.gpu.Kernel?.name} for mode '${mode}', expected ${Kernel.name}`);
    // The first kernel makes the context; from then on every texture it creates or deletes is counted.
    const probe = this.kernel({ source: 'function (a) { return a[this.thread.x] * 2.0; }', params: ['a'] });
    const out = this.run(probe, 1, [new Float32Array([21])]);
    const value = out.toArray()[0];
    out.delete();
    if (value !== 42) throw new Error(`gpu backend: the ${Kernel.name} probe kernel computed ${value} instead of 42`);
    const gl = this.gpu.context as GLContext;
    const create = gl.createTexture.bind(gl);
    const del = gl.deleteTexture.bind(gl);
    const live = new Set<unknown>();
    Object.assign(gl, {
      createTexture: () => {
        const t = create();
        live.add(t);
        this.liveTextures = live.size;
        return t;
      },
      deleteTexture: (t: unknown) => {
        live.delete(t);
        this.liveTextures = live.size;
        del(t);
      },
    });
    const debug = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null;
    const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    const version = String(gl.getParameter(gl.VERSION));
    this.info = { kernel: Kernel.name, mode, renderer, version, maxTextureSize: Number(gl.getParameter(gl.MAX_TEXTURE_SIZE)) };
  }

  /** GL textures created since the device opened and not yet deleted (kernels' own included). */
  get textures(): number {
    return this.liveTextures;
  }

  get kernelCount(): number {
    return this.kernels.size;
  }

  /** The compiled kernel for a source (compiled on first request, then cached). */
  kernel(src: KernelSource): GpuKernel {
    let k = this.kernels.get(src.source);
    if (!k) {
      k = this.gpu.createKernel(src.source, {
        output: [1],
        precision: 'single',
        pipeline: true,
        immutable: true,
        dynamicOutput: true,
        dynamicArguments: true,
        tactic: 'precision',
        loopMaxIterations: 1 << 24,
        strictIntegers: false,
      });
      this.kernels.set(src.source, k);
    }
    return k;
  }

  /** Runs a kernel over `n` output elements and returns its fresh output texture. */
  run(k: GpuKernel, n: number, args: (GpuTexture | Float32Array | number)[]): GpuTexture {
    // Resizing rebuilds the kernel's output buffer: only when the size changes.
    if (this.outputs.get(k) !== n) {
      k.setOutput([n]);
      this.outputs.set(k, n);
      // gpu.js reuses a remembered argument texture (prevArg) as the output of the next call whose
      // input is the kernel's own output, once nothing else holds it (e.g. after a tidy freed it).
      // It never checks the size: after a resize that texture has the old one, and the kernel
      // would render an n-element result into a texture laid out for another size (wrong values,
      // silently: `tidy(() => keep(x.mul(x).mul(x)))` on 32 elements after 256). Forget them.
      for (const arg of k.kernel.kernelArguments ?? []) {
        if (arg.prevArg) {
          arg.prevArg.delete();
          arg.prevArg = null;
        }
      }
    }
    const out = k(...args);
    const ran = k.kernel.constructor;
    if (ran !== this.Kernel) {
      out?.delete?.();
      throw new Error(`gpu backend: gpu.js ran this kernel with ${ran.name} instead of ${this.Kernel.name} (it falls back silently when a GL kernel fails to build); kernel source:\n${k.kernel.compiledFragmentShader ?? ''}`);
    }
    return out;
  }
}

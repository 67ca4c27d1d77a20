/**
 * @glimpse/tensor/gpu — the `gpu` backend: the tensor primitives as gpu.js WebGL kernels
 * (headless-gl in Node, WebGL2 or WebGL in a browser). Importing this module registers it:
 *
 * ```ts
 * import { randn, setBackend, tidy } from '@glimpse/tensor';
 * import { gpuInfo } from '@glimpse/tensor/gpu';
 * setBackend('gpu');                  // throws, naming the cause, if no GL context can be made
 * console.log(gpuInfo().kernel);      // 'HeadlessGLKernel' in Node, 'WebGL2Kernel' in Chromium
 * const y = tidy(() => randn([256, 256]).matmul(randn([256, 256])).relu().sum());
 * y.item();                           // the only read back to the host
 * ```
 *
 * A separate entry, so that the core package neither loads nor depends on gpu.js: gpu.js is an
 * optional peer dependency (`npm install gpu.js`; in Node it also needs its optional native
 * "gl" package built, and an X display — see the README). Nothing is opened at import: the GL
 * context is made on first use, so importing this where there is no GL is harmless, and
 * `setBackend('gpu')`, `.to('gpu')` or `{ backend: 'gpu' }` is where the missing context is
 * reported.
 */
import { registerBackend } from '../backend.js';
import { GpuBackend } from './backend.js';

export type { GpuDeviceInfo, GpuMemoryInfo } from './device.js';

/** The registered gpu backend instance. */
export const gpuBackend = new GpuBackend();
registerBackend(gpuBackend);

/** What runs the gpu kernels here (the gpu.js kernel class, mode, GL renderer); throws if no GL context can be made. */
export const gpuInfo = () => gpuBackend.info();

/** Live gpu storages and GL textures: equal counts before and after a tidy step mean no leak. */
export const gpuMemory = () => gpuBackend.memory();

/** True if the gpu backend can run here (a GL context could be made); never throws. */
export function gpuAvailable(): boolean {
  try {
    gpuBackend.ready();
    return true;
  } catch {
    return false;
  }
}

/** Why the gpu backend cannot run here, or undefined if it can. */
export function gpuUnavailableReason(): string | undefined {
  try {
    gpuBackend.ready();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

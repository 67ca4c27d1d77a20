import { Parameter, type Variable } from '@glimpse/autograd';
import { Module } from '../nn/module.js';
import { normal, zeros, type InitOptions } from '../nn/init.js';

/**
 * Cuts an image into p×p patches and projects each to `dim` — a Conv2d with kernel = stride = p,
 * written as what it is: reshape/permute the pixels into rows of patches, then one matmul.
 * Weights keep the Conv2d layout [dim, channels, p, p] (HF `patch_embedding.weight`).
 */
export class PatchEmbedding extends Module {
  weight: Parameter;
  bias: Parameter | undefined;

  constructor(readonly channels: number, readonly dim: number, readonly patch: number, opts: InitOptions & { bias?: boolean; std?: number } = {}) {
    super();
    this.weight = new Parameter(normal([dim, channels, patch, patch], opts.std ?? 0.02, opts));
    this.bias = opts.bias ? new Parameter(zeros([dim], opts)) : undefined;
  }

  /** pixels [B, C, H, W] → patch vectors [B, (H/p)·(W/p), dim], patches in row-major order. */
  forward(pixels: Variable): Variable {
    const [B, C, H, W] = pixels.shape as [number, number, number, number];
    const p = this.patch;
    if (pixels.rank !== 4 || C !== this.channels || H % p !== 0 || W % p !== 0) {
      throw new Error(`PatchEmbedding: expected pixels [B, ${this.channels}, H, W] with H and W multiples of ${p}, got [${pixels.shape.join(',')}]`);
    }
    const rows = pixels
      .reshape([B, C, H / p, p, W / p, p])
      .permute([0, 2, 4, 1, 3, 5]) // [B, H/p, W/p, C, p, p]: one patch per (row, col), laid out like the kernel
      .reshape([B, (H / p) * (W / p), C * p * p]);
    const out = rows.matmul(this.weight.reshape([this.dim, C * p * p]).transpose());
    return this.bias ? out.add(this.bias) : out;
  }
}

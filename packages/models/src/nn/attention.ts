/**
 * Multi-head attention, the one implementation behind every attention in Glimpse: CLIP's
 * self-attention (and causal text self-attention), BERT's self- and cross-attention, BLIP's ViT.
 *
 *   q, k, v [B, T, D] → split heads [B, H, T, dh] → scores = q·kᵀ/√dh [B, H, Tq, Tk]
 *   → masks → softmax over keys → (dropout) → weights·v [B, H, Tq, dh] → merge heads [B, Tq, D]
 *
 * Projections are the caller's: `Attention` below (CLIP names q_proj/k_proj/v_proj/out_proj),
 * the BERT layer (query/key/value, output projection outside), a fused qkv.
 */
import { where, type Variable } from '@glimpse/autograd';
import { resolveMask, type AttentionMask } from './attention-mask.js';
import { Dropout } from './dropout.js';
import type { InitOptions } from './init.js';
import type { KVCache } from './kv-cache.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

/** Options of `multiHeadAttention`: head count, padding/additive mask, causal masking, KV cache and dropout. */
export interface MultiHeadAttentionOptions {
  numHeads: number;
  /** See AttentionMask: bool/int32 [B, Tk] key padding (1 = attend), or a float additive mask. */
  mask?: AttentionMask;
  /** Hide later keys: query i sees keys ≤ i + (Tk − Tq), i.e. ≤ i + past length with a cache. */
  causal?: boolean;
  /** Keys/values of earlier steps; k/v are this step's (none once a cross cache is frozen). */
  cache?: KVCache;
  /** Applied to the attention weights (active in training mode only). */
  dropout?: Dropout;
  /** Names the caller in error messages. */
  name?: string;
}

/** What attention returns: the mixed values [B, Tq, H·dh] and the softmax weights [B, H, Tq, Tk]. */
export interface AttentionResult {
  /** [B, Tq, H·dh] */
  output: Variable;
  /** Softmax weights [B, H, Tq, Tk] (before dropout): attention maps, Grad-CAM. */
  weights: Variable;
}

const fmt = (shape: readonly number[]) => `[${shape.join(',')}]`;

/** The most negative finite value: exp(lowest − max) is exactly 0, yet lowest − lowest is 0, not NaN. */
const LOWEST = { float32: -3.4028234663852886e38, float64: -Number.MAX_VALUE } as const;

/** [B, T, H·dh] → [B, H, T, dh] (a view). */
export function splitHeads(x: Variable, numHeads: number): Variable {
  const [B, T, D] = x.shape as [number, number, number];
  return x.reshape([B, T, numHeads, D / numHeads]).permute([0, 2, 1, 3]);
}

/** [B, H, T, dh] → [B, T, H·dh]. */
export function mergeHeads(x: Variable): Variable {
  const [B, H, T, dh] = x.shape as [number, number, number, number];
  return x.permute([0, 2, 1, 3]).reshape([B, T, H * dh]);
}

function checkInputs(name: string, q: Variable, k: Variable | undefined, v: Variable | undefined, H: number): void {
  const shapes = `q ${fmt(q.shape)}` + (k ? `, k ${fmt(k.shape)}` : '') + (v ? `, v ${fmt(v.shape)}` : '');
  const bad = (why: string) => new Error(`${name}: ${why} (${shapes}, ${H} heads)`);
  if (!(Number.isInteger(H) && H > 0)) throw bad('the number of heads must be a positive integer');
  for (const [label, x] of [['q', q], ['k', k], ['v', v]] as const) {
    if (!x) continue;
    if (x.rank !== 3) throw bad(`${label} must be [batch, tokens, width]`);
    if (x.shape[2]! % H !== 0) throw bad(`the width of ${label} is not divisible by the number of heads`);
    if (x.shape[0] !== q.shape[0]) throw bad(`${label} has another batch size than q`);
  }
  if (k && k.shape[2] !== q.shape[2]) throw bad('q and k must have the same width');
  if (k && v && k.shape[1] !== v.shape[1]) throw bad('k and v must have the same number of tokens');
  if (!k !== !v) throw bad('give both k and v, or neither (with a frozen cross-attention cache)');
}

/**
 * Attends from q [B, Tq, D] over k [B, Tk, D] / v [B, Tk, Dv] with `numHeads` heads.
 * A query that sees no key at all (every key hidden by the bool mask and/or `causal`, e.g. a
 * fully padded sequence) gets all-zero weights, hence a zero output and no gradient, where a
 * plain softmax would give NaN (PyTorch with −∞) or a uniform average (HF's finite −10000).
 * Keys hidden only by an additive mask follow the softmax: −∞ everywhere gives NaN, as in PyTorch.
 */
export function multiHeadAttention(q: Variable, k: Variable | undefined, v: Variable | undefined, opts: MultiHeadAttentionOptions): AttentionResult {
  const { numHeads: H, mask, causal = false, cache, dropout, name = 'multiHeadAttention' } = opts;
  checkInputs(name, q, k, v, H);
  const qh = splitHeads(q, H);
  let kh = k && splitHeads(k, H);
  let vh = v && splitHeads(v, H);
  if (cache) [kh, vh] = cache.update(name, kh, vh);
  if (!kh || !vh) throw new Error(`${name}: k and v are needed without a frozen cross-attention cache (q ${fmt(q.shape)})`);
  if (kh.shape[0] !== qh.shape[0] || kh.shape[3] !== qh.shape[3]) {
    throw new Error(`${name}: cached keys ${fmt(kh.shape)} do not fit queries ${fmt(qh.shape)} (batch and head size must match)`);
  }

  const [B, , Tq, dh] = qh.shape as [number, number, number, number];
  const Tk = kh.shape[2]!;
  // Scaling q rather than the scores costs Tq·dh multiplications instead of Tq·Tk.
  let scores = qh.mul(1 / Math.sqrt(dh)).matmul(kh.transpose(-2, -1));
  const { keep, additive } = resolveMask(name, [B, H, Tq, Tk], mask, causal, scores.data);
  if (additive) scores = scores.add(additive);
  if (keep) scores = where(keep, scores, LOWEST[scores.dtype as keyof typeof LOWEST]);
  let weights = scores.softmax(-1);
  // Hidden keys already weigh exactly 0; this only zeroes the rows that saw no key at all.
  if (keep) weights = where(keep, weights, 0);
  const mixed = (dropout ? dropout.forward(weights) : weights).matmul(vh);
  return { output: mergeHeads(mixed), weights };
}

/** Options of the `Attention` module: cross-attention key/value width, projection biases, attention dropout, and initialisation. */
export interface AttentionOptions extends InitOptions {
  /** Width of the keys/values input for cross-attention (default: `dim`). */
  kvDim?: number;
  /** Biases on q/k/v projections (default true, as CLIP). */
  qkvBias?: boolean;
  /** Bias on out_proj (default true). */
  outBias?: boolean;
  /** Dropout on the attention weights (HF `attention_dropout`, default 0). */
  dropout?: number;
}

/** Per-call options of `Attention.forward`: the cross-attention context [B, Tk, kvDim], mask, causal masking and KV cache. */
export interface AttentionForwardOptions {
  /** Keys/values source [B, Tk, kvDim] for cross-attention (default: x itself). */
  context?: Variable;
  mask?: AttentionMask;
  causal?: boolean;
  cache?: KVCache;
}

/** Throws unless x is [batch, tokens, width]. */
export function checkWidth(name: string, label: string, x: Variable, width: number): void {
  if (x.rank !== 3 || x.shape[2] !== width) throw new Error(`${name}: ${label} must be [batch, tokens, ${width}], got ${fmt(x.shape)}`);
}

/** Attention with its own projections, named as Hugging Face CLIP's `self_attn`. */
export class Attention extends Module {
  q_proj: Linear;
  k_proj: Linear;
  v_proj: Linear;
  out_proj: Linear;
  dropout: Dropout;
  readonly kvDim: number;

  constructor(readonly dim: number, readonly numHeads: number, opts: AttentionOptions = {}) {
    super();
    this.kvDim = opts.kvDim ?? dim;
    if (!(Number.isInteger(numHeads) && numHeads > 0 && dim % numHeads === 0)) {
      throw new Error(`Attention: width ${dim} is not divisible into ${numHeads} heads`);
    }
    const bias = opts.qkvBias ?? true;
    this.q_proj = new Linear(dim, dim, { ...opts, bias });
    this.k_proj = new Linear(this.kvDim, dim, { ...opts, bias });
    this.v_proj = new Linear(this.kvDim, dim, { ...opts, bias });
    this.out_proj = new Linear(dim, dim, { ...opts, bias: opts.outBias ?? true });
    this.dropout = Dropout.seeded(opts.dropout ?? 0, opts);
  }

  /** x [B, Tq, dim] → [B, Tq, dim]. */
  forward(x: Variable, opts: AttentionForwardOptions = {}): Variable {
    const { context, cache, ...rest } = opts;
    const name = `Attention(dim ${this.dim}, ${this.numHeads} heads${this.kvDim !== this.dim ? `, kvDim ${this.kvDim}` : ''})`;
    checkWidth(name, 'input', x, this.dim);
    // A frozen cross-attention cache already holds the projected encoder keys/values.
    let k: Variable | undefined;
    let v: Variable | undefined;
    if (!cache?.frozen) {
      const source = context ?? x;
      if (context) checkWidth(name, 'context', context, this.kvDim);
      else if (this.kvDim !== this.dim) throw new Error(`${name}: cross-attention needs a context of width ${this.kvDim}`);
      k = this.k_proj.forward(source);
      v = this.v_proj.forward(source);
    }
    const { output } = multiHeadAttention(this.q_proj.forward(x), k, v, { ...rest, cache, numHeads: this.numHeads, dropout: this.dropout, name });
    return this.out_proj.forward(output);
  }
}

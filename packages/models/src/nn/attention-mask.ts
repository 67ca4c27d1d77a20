/**
 * Attention masks, resolved against the scores [B, H, Tq, Tk] into two parts:
 *  - `keep` (bool, broadcastable): which keys each query may see. Built from a bool/int mask
 *    (Hugging Face `attention_mask`: 1 = real token, 0 = padding) and from `causal`.
 *  - `additive` (float, rank 4): added to the scores as given (HF's extended masks, ALiBi-like
 *    biases, −∞ or −10000 entries).
 * Keeping the two apart lets hidden keys get exactly zero weight, and lets a query that sees no
 * key at all get zero output instead of NaN (see multiHeadAttention).
 */
import { arange, isFloat, type Tensor } from '@glimpse/tensor';

/**
 * bool or int32 [B, Tk] (key padding, 1/true = attend) or rank 4 broadcastable to
 * [B, H, Tq, Tk] (1/true = attend); or float rank 4 broadcastable to [B, H, Tq, Tk] (added).
 */
export type AttentionMask = Tensor;

export interface ResolvedMask {
  keep?: Tensor;
  additive?: Tensor;
}

const fmt = (shape: readonly number[]) => `[${shape.join(',')}]`;

function broadcastsTo(shape: readonly number[], target: readonly number[]): boolean {
  return shape.length === target.length && shape.every((n, i) => n === 1 || n === target[i]);
}

/**
 * `causal` hides key j from query i when j > i + (Tk − Tq): queries are the last Tq positions
 * of the Tk keys, which is exactly the situation of a KV cache holding Tk − Tq past positions.
 * `like` (the scores) gives the dtype of an additive mask and the backend of the causal one.
 */
export function resolveMask(
  where: string,
  scores: readonly [number, number, number, number],
  mask: AttentionMask | undefined,
  causal: boolean,
  like: Tensor,
): ResolvedMask {
  const [B, H, Tq, Tk] = scores;
  const out: ResolvedMask = {};
  if (mask !== undefined) {
    if (isFloat(mask.dtype)) {
      if (!broadcastsTo(mask.shape, scores)) {
        throw new Error(
          `${where}: an additive (float) mask must have rank 4 and broadcast to the scores [B,H,Tq,Tk] = ${fmt(scores)}, got ${fmt(mask.shape)}` +
            ' (for key padding pass a bool/int32 [B, Tk] mask; a float [B, Tk] would broadcast against the wrong dims)',
        );
      }
      out.additive = mask.to(like.dtype);
    } else if (mask.dtype === 'bool' || mask.dtype === 'int32') {
      const keep = mask.dtype === 'bool' ? mask : mask.ne(0);
      if (mask.rank === 2 && mask.shape[0] === B && mask.shape[1] === Tk) out.keep = keep.reshape([B, 1, 1, Tk]);
      else if (broadcastsTo(mask.shape, scores)) out.keep = keep;
      else {
        throw new Error(`${where}: a padding mask must be [B, Tk] = [${B},${Tk}] or broadcast to the scores [B,H,Tq,Tk] = ${fmt(scores)}, got ${fmt(mask.shape)}`);
      }
    } else {
      throw new Error(`${where}: mask must be bool/int32 (1 = attend) or float (additive), got ${mask.dtype}`);
    }
  }
  if (causal) {
    if (Tk < Tq) throw new Error(`${where}: causal attention needs at least as many keys as queries, got ${Tq} queries and ${Tk} keys`);
    const i = arange(Tq, { dtype: 'int32', backend: like.backend.name }).unsqueeze(1);
    const j = arange(Tk, { dtype: 'int32', backend: like.backend.name });
    const past = j.sub(i).le(Tk - Tq).reshape([1, 1, Tq, Tk]);
    out.keep = out.keep ? out.keep.logicalAnd(past) : past;
  }
  return out;
}

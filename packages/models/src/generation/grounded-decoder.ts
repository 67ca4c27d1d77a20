/**
 * A causal language model that reads encoder states through cross-attention (BLIP's
 * `text_decoder`, Hugging Face's BlipTextLMHeadModel), bound to one batch of those states (image
 * tokens) as a StepDecoder. Described by shape, so any model with these three methods fits.
 */
import type { Variable } from '@glimpse/autograd';
import type { Tensor } from '@glimpse/tensor';
import type { AttentionMask } from '../nn/attention-mask.js';
import type { DecoderCache, StepDecoder } from './decoder.js';

/** What a cross-attending decoder reads besides its own tokens. */
export interface EncoderStates {
  /** [B, N, encoder width], e.g. the ViT's last hidden state. */
  encoderHidden?: Variable;
  /** Padding of the encoder states, bool/int32 [B, N] (default: all real). */
  encoderMask?: AttentionMask;
}

/** The decoding surface of a cross-attending causal LM (BlipTextLMHeadModel has it). */
export interface CrossAttentionLM<C extends DecoderCache = DecoderCache> {
  newCache(): C;
  /** New ids [B, Tnew] against the cache → next-token logits [B, V]; encoder states needed on the first call only. */
  step(inputIds: Tensor, cache: C, opts: EncoderStates): Variable;
  /** The whole sequence at once, no cache → logits [B, T, V]. */
  forward(inputIds: Tensor, opts: EncoderStates): { logits: Variable };
}

/**
 * `lm` conditioned on `encoderHidden` [B, N, W] (and its padding mask). With a cache, the encoder
 * states go in on the first step only: their keys/values are projected once into the cache.
 */
export function groundedDecoder<C extends DecoderCache>(lm: CrossAttentionLM<C>, encoderHidden: Variable, encoderMask?: AttentionMask): StepDecoder {
  if (encoderHidden.rank !== 3) throw new Error(`groundedDecoder: encoder states must be [batch, tokens, width], got [${encoderHidden.shape.join(',')}]`);
  const B = encoderHidden.shape[0]!;
  if (encoderMask && encoderMask.shape[0] !== B) throw new Error(`groundedDecoder: encoder mask [${encoderMask.shape.join(',')}] does not match ${B} encoder rows`);
  return {
    batchSize: B,
    newCache: () => lm.newCache(),
    step(ids: Tensor, cache?: DecoderCache): Tensor {
      if (!cache) {
        const { logits } = lm.forward(ids, { encoderHidden, encoderMask });
        return logits.data.select(1, logits.shape[1]! - 1);
      }
      // The mask still applies every step: cached cross-attention keys include padded image tokens.
      const states = cache.length === 0 ? { encoderHidden, encoderMask } : { encoderMask };
      return lm.step(ids, cache as C, states).data;
    },
    select: (index: Tensor) => groundedDecoder(lm, encoderHidden.indexSelect(0, index), encoderMask?.indexSelect(0, index)),
  };
}

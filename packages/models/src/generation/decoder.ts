/**
 * What generation needs of a model: one decoding step. Greedy search, beam search and sampling
 * only ever ask "given these new tokens (and what you cached), what are the next-token logits?",
 * so any autoregressive model fits behind `StepDecoder`: BLIP's image-grounded text decoder, the
 * toy lookup-table decoder of the tests, a future CLIP-text or GPT-style decoder.
 *
 * The image (or any other conditioning) is bound into the decoder when it is made, so the search
 * code never sees it; `select` moves that conditioning along when the search regroups its rows
 * (one row per beam, finished rows dropped).
 */
import type { Tensor } from '@glimpse/tensor';

/** Decoding state kept between steps, indexed by batch row. */
export interface DecoderCache {
  /** Number of positions already processed (the next step's first position). */
  readonly length: number;
  /** Keeps batch rows `index` (int32 [B']) in that order: surviving beams, unfinished rows. */
  reorder(index: Tensor): void;
}

/** One decoding step of an autoregressive model, conditioned on a batch of rows; see the file comment. */
export interface StepDecoder {
  /** Rows of the batch this decoder is conditioned on. */
  readonly batchSize: number;
  /** An empty cache for `step`. */
  newCache(): DecoderCache;
  /**
   * ids: int32 [B, Tnew], the tokens at positions past … past + Tnew − 1 where past is
   * `cache.length` (0 without a cache). Returns the logits [B, V] for the position after the last
   * one and, with a cache, appends this step's keys/values to it. Without a cache the caller
   * passes the whole sequence every step (the slow reference path the tests compare against).
   */
  step(ids: Tensor, cache?: DecoderCache): Tensor;
  /** The same decoder conditioned on rows `index` (int32 [B']) of this one's conditioning, in that order. */
  select(index: Tensor): StepDecoder;
}

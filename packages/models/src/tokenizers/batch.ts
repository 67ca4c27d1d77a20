/**
 * Batch padding shared by the tokenizers: ragged id lists → `{ inputIds, attentionMask }`, both
 * int32 [B, T], padded on the right (BERT and CLIP both pad right; the mask says which positions
 * are real). Truncation is not here: each tokenizer truncates its own way before adding its
 * special tokens, so the closing token ([SEP], end-of-text) survives.
 */
import { fromArray, type Tensor } from '@glimpse/tensor';

/** A padded batch of token ids with its attention mask, both int32 [B, T]. */
export interface BatchEncoding {
  /** int32 [B, T] token ids, pad id after each sequence's end. */
  inputIds: Tensor;
  /** int32 [B, T]: 1 on real tokens, 0 on padding. */
  attentionMask: Tensor;
}

/** 'longest': pad to the longest in the batch; 'max_length': pad to maxLength; false: all must be equally long. */
export type Padding = 'longest' | 'max_length' | false;

/** Options of `padBatch`: the padding rule, the pad id, the length for 'max_length', and the caller named in errors. */
export interface PadOptions {
  padding: Padding;
  padId: number;
  /** Required by 'max_length'. */
  maxLength?: number;
  /** Names the caller in errors, e.g. 'BertTokenizer.call'. */
  caller?: string;
}

/** Pads ragged id lists on the right into `{ inputIds, attentionMask }`, int32 [B, T]; with 'max_length', a longer sequence is an error (truncate first). */
export function padBatch(sequences: readonly (readonly number[])[], { padding, padId, maxLength, caller = 'padBatch' }: PadOptions): BatchEncoding {
  const lengths = sequences.map((s) => s.length);
  const longest = lengths.reduce((m, n) => Math.max(m, n), 0);
  let width: number;
  if (padding === 'max_length') {
    if (maxLength === undefined || !Number.isInteger(maxLength) || maxLength < 0) throw new Error(`${caller}: padding 'max_length' needs a non-negative integer maxLength (got ${maxLength})`);
    const over = lengths.findIndex((n) => n > maxLength);
    if (over >= 0) throw new Error(`${caller}: sequence ${over} has ${lengths[over]} tokens, more than maxLength ${maxLength}; pass truncation: true to cut it`);
    width = maxLength;
  } else if (padding === 'longest') {
    width = longest;
  } else {
    const odd = lengths.findIndex((n) => n !== longest);
    if (odd >= 0) throw new Error(`${caller}: padding is off but the sequences differ in length (${lengths.join(', ')}); a [B, T] tensor needs padding: 'longest' or 'max_length'`);
    width = longest;
  }
  const ids = new Int32Array(sequences.length * width).fill(padId);
  const mask = new Int32Array(sequences.length * width);
  sequences.forEach((seq, b) => {
    ids.set(seq, b * width);
    mask.fill(1, b * width, b * width + seq.length);
  });
  return { inputIds: fromArray(ids, [sequences.length, width]), attentionMask: fromArray(mask, [sequences.length, width]) };
}

/**
 * Options and results shared by greedy search, sampling and beam search. Lengths count the whole
 * sequence, prompt included, as Hugging Face's `max_length` / `min_length` do: BLIP's "max 20,
 * min 5" for captions starting with "[DEC] a picture of" (4 tokens) assume that.
 */
import { fromArray, type Tensor } from '@glimpse/tensor';

/** Options every decoding method takes. */
export interface GenerationOptions {
  /** Longest sequence, prompt included (default 20). */
  maxLength?: number;
  /** EOS is forbidden while the sequence (prompt included) is shorter than this (default 0). */
  minLength?: number;
  /** Ends a sequence (default 102, BERT's [SEP], as BLIP). */
  eosTokenId?: number;
  /** Fills `sequences` after a row's end (default 0, BERT's [PAD]). */
  padTokenId?: number;
  /** CTRL repetition penalty on tokens already in the sequence, prompt included; 1 = off (default). */
  repetitionPenalty?: number;
  /**
   * Keep keys/values between steps (default true). false re-runs the decoder over the whole
   * sequence every step: slow, but the reference the cached path is tested against.
   */
  useCache?: boolean;
}

/** What every decoding method returns, one entry per prompt row. */
export interface GenerationOutput {
  /** int32 [B, T]: prompt + generated tokens (EOS included when reached), then padTokenId. */
  sequences: Tensor;
  /** The generated tokens of each row, after the prompt, EOS included when reached, no padding. */
  tokens: number[][];
  /**
   * Σ log p(token | prefix) over each row's generated tokens, under the model's own distribution
   * (raw logits: no penalty, length limit, temperature or filtering), to compare decoding methods.
   */
  logProbs: number[];
}

/** GenerationOptions with every default filled in. */
export interface ResolvedGeneration {
  maxLength: number;
  minLength: number;
  eosTokenId: number;
  padTokenId: number;
  repetitionPenalty: number;
  useCache: boolean;
}

/** Defaults filled in and checked against the prompt int32 [B, P]; errors name the caller. */
export function resolveGeneration(caller: string, prompt: Tensor, opts: GenerationOptions): ResolvedGeneration {
  if (prompt.dtype !== 'int32' || prompt.rank !== 2 || prompt.shape[1] === 0) {
    throw new Error(`${caller}: the prompt must be int32 [batch, tokens] with at least one token (e.g. [DEC]), got ${prompt.dtype} [${prompt.shape.join(',')}]`);
  }
  const r: ResolvedGeneration = {
    maxLength: opts.maxLength ?? 20,
    minLength: opts.minLength ?? 0,
    eosTokenId: opts.eosTokenId ?? 102,
    padTokenId: opts.padTokenId ?? 0,
    repetitionPenalty: opts.repetitionPenalty ?? 1,
    useCache: opts.useCache ?? true,
  };
  const P = prompt.shape[1]!;
  if (!Number.isInteger(r.maxLength) || r.maxLength <= P) {
    throw new Error(`${caller}: maxLength ${r.maxLength} leaves no room after the ${P}-token prompt (lengths count the prompt, as Hugging Face's max_length)`);
  }
  if (!Number.isInteger(r.minLength) || r.minLength < 0 || r.minLength > r.maxLength) throw new Error(`${caller}: minLength ${r.minLength} must be an integer in [0, maxLength ${r.maxLength}]`);
  if (!(r.repetitionPenalty > 0)) throw new Error(`${caller}: repetitionPenalty must be positive, got ${r.repetitionPenalty}`);
  return r;
}

/** Rows of ids → int32 [B, T] padded on the right with padId. */
export function padRows(rows: readonly (readonly number[])[], padId: number): Tensor {
  const T = rows.reduce((m, r) => Math.max(m, r.length), 0);
  const data = new Int32Array(rows.length * T).fill(padId);
  rows.forEach((r, i) => data.set(r, i * T));
  return fromArray(data, [rows.length, T]);
}

/** The last token of each row, or whole rows when `full`, as the next step's int32 input. */
export function stepInput(rows: readonly (readonly number[])[], full: boolean): Tensor {
  if (full) return padRows(rows, 0);
  return fromArray(Int32Array.from(rows, (r) => r[r.length - 1]!), [rows.length, 1]);
}

/** ids → int32 [n], e.g. a reorder index. */
export function int32(ids: readonly number[]): Tensor {
  return fromArray(Int32Array.from(ids), [ids.length]);
}

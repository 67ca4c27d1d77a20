/**
 * Greedy search and sampling: one sequence per prompt row, one token per step. They differ only
 * in how a row of logits becomes a token, so they share one loop. A row stops at EOS; the rows
 * still running are kept together and the finished ones dropped from the batch (caches and
 * conditioning included), so a short caption costs nothing after its end.
 */
import { noGrad } from '@glimpse/autograd';
import { getDefaultGenerator, Generator, type RandomOptions, type Tensor } from '@glimpse/tensor';
import type { StepDecoder } from './decoder.js';
import { applyTemperature, argmax, forbid, logitRows, logSumExp, penalizeRepeats, sampleToken, topKFilter, topPFilter } from './logits.js';
import { int32, padRows, resolveGeneration, stepInput, type GenerationOptions, type GenerationOutput, type ResolvedGeneration } from './options.js';

/** Options of `sample`: the shared ones, the warpers, and where the random numbers come from. */
export interface SampleOptions extends GenerationOptions, RandomOptions {
  /** Keep only the k most likely tokens; 0 = off (default). */
  topK?: number;
  /** Keep the smallest set of likely tokens whose probability reaches p; 1 = off (default). */
  topP?: number;
  /** Logits are divided by it before top-k/top-p (default 1). */
  temperature?: number;
}

/** Checks that the decoder is conditioned on one row per prompt row. */
export function checkBatch(caller: string, decoder: StepDecoder, prompt: Tensor): void {
  if (decoder.batchSize !== prompt.shape[0]) {
    throw new Error(`${caller}: the decoder is conditioned on ${decoder.batchSize} rows but the prompt has ${prompt.shape[0]}`);
  }
}

/**
 * The loop shared by greedy search and sampling. `choose` turns a row of processed logits (repeats
 * penalised, EOS forbidden before minLength) into the next token.
 */
function decodeRows(caller: string, decoder: StepDecoder, prompt: Tensor, opts: ResolvedGeneration, choose: (row: Float64Array) => number): GenerationOutput {
  checkBatch(caller, decoder, prompt);
  return noGrad(() => {
    const seqs = prompt.toArray() as number[][];
    const P = seqs[0]!.length;
    const logProbs = seqs.map(() => 0);
    const cache = opts.useCache ? decoder.newCache() : undefined;
    let active = seqs.map((_, b) => b);
    let dec = decoder;
    for (let len = P; len < opts.maxLength && active.length > 0; len++) {
      // With a cache the prompt goes in once, then one token per step; without, everything each time.
      const rows = logitRows(dec.step(stepInput(active.map((b) => seqs[b]!), !cache || len === P), cache));
      const running: number[] = [];
      active.forEach((b, i) => {
        const row = rows[i]!;
        const lse = logSumExp(row);
        const raw = row.slice();
        penalizeRepeats(row, seqs[b]!, opts.repetitionPenalty);
        if (len < opts.minLength) forbid(row, opts.eosTokenId);
        const token = choose(row);
        seqs[b]!.push(token);
        logProbs[b]! += raw[token]! - lse;
        if (token !== opts.eosTokenId) running.push(i);
      });
      if (running.length < active.length && running.length > 0) {
        const index = int32(running);
        cache?.reorder(index);
        dec = dec.select(index);
      }
      active = running.map((i) => active[i]!);
    }
    return { sequences: padRows(seqs, opts.padTokenId), tokens: seqs.map((s) => s.slice(P)), logProbs };
  });
}

/** Greedy search: the most likely token every step (the first one on ties). */
export function greedySearch(decoder: StepDecoder, prompt: Tensor, options: GenerationOptions = {}): GenerationOutput {
  return decodeRows('greedySearch', decoder, prompt, resolveGeneration('greedySearch', prompt, options), argmax);
}

/**
 * Sampling: each step draws the next token from the model's distribution after temperature,
 * top-k and top-p (nucleus sampling with topP < 1), with numbers from a seeded generator (`seed`,
 * or `generator`, or the default one), so the same seed gives the same sequences.
 */
export function sample(decoder: StepDecoder, prompt: Tensor, options: SampleOptions = {}): GenerationOutput {
  const { topK = 0, topP = 1, temperature = 1, seed, generator } = options;
  if (!(Number.isInteger(topK) && topK >= 0)) throw new Error(`sample: topK must be a non-negative integer (0 = off), got ${topK}`);
  if (!(topP > 0 && topP <= 1)) throw new Error(`sample: topP must lie in (0, 1], got ${topP}`);
  if (!(temperature > 0)) throw new Error(`sample: temperature must be positive, got ${temperature}`);
  if (seed !== undefined && generator) throw new Error('sample: give either seed or generator, not both');
  const rng = seed !== undefined ? new Generator(seed) : (generator ?? getDefaultGenerator());
  return decodeRows('sample', decoder, prompt, resolveGeneration('sample', prompt, options), (row) => {
    applyTemperature(row, temperature);
    topKFilter(row, topK);
    topPFilter(row, topP);
    return sampleToken(row, rng);
  });
}

/**
 * Beam search, with Hugging Face's bookkeeping (BLIP evaluates captions with it: 3 beams).
 *
 * Each prompt row (an "item") keeps `numBeams` live beams. Every step, each beam's next-token
 * log-probabilities are added to its running score and the best 2·numBeams (beam, token)
 * candidates of the item are read in order: an EOS candidate ranked within the first numBeams
 * closes a finished hypothesis, any other token extends a live beam, until numBeams live beams
 * exist. A hypothesis is ranked by  score / length^lengthPenalty  with the length counted in
 * generated tokens, EOS included (current transformers; the 4.15 that BLIP pinned divided by the
 * whole length with the prompt and without the EOS). lengthPenalty > 0 thus favours longer
 * sequences (a mean log-probability at 1), < 0 shorter ones.
 *
 * When an item stops (`earlyStopping`, HF semantics):
 *  - true: as soon as it has numBeams finished hypotheses;
 *  - false (default, as BLIP): when it has numBeams and the worst of them scores at least the
 *    best live candidate's score divided by the current length^lengthPenalty. That is the
 *    highest a live beam can reach if it ended now; with lengthPenalty > 0 a longer ending could
 *    still score higher, so this is a heuristic;
 *  - 'never': the bound is exact, dividing by the longest possible length when lengthPenalty > 0.
 * Items still open at maxLength add their live beams as hypotheses. The best hypothesis wins.
 *
 * Where Glimpse differs: the repetition penalty acts on the logits, as CTRL defines it, before the
 * log-softmax; Hugging Face's beam search applies it to the log-probabilities (all negative, so
 * always multiplied). Glimpse's choice keeps numBeams = 1 exactly greedy search in every setting.
 *
 * Caches and rows: the first step runs the prompt once per item (not once per beam: the beams
 * would be identical), then rows are regrouped through `DecoderCache.reorder` with the source row
 * of every new beam; an item that stops leaves the batch. The conditioning (the image) is only
 * re-selected when items join or leave: beams of one item share it.
 */
import { noGrad } from '@glimpse/autograd';
import type { Tensor } from '@glimpse/tensor';
import type { StepDecoder } from './decoder.js';
import { forbid, logitRows, logSoftmax, logSumExp, penalizeRepeats } from './logits.js';
import { int32, padRows, resolveGeneration, stepInput, type GenerationOptions, type GenerationOutput } from './options.js';
import { checkBatch } from './search.js';

/** Options of `beamSearch` on top of the shared ones. */
export interface BeamSearchOptions extends GenerationOptions {
  /** Live beams per prompt row (default 3, as BLIP's evaluation). */
  numBeams?: number;
  /** Exponent of the length that divides a hypothesis' summed log-probability (default 1). */
  lengthPenalty?: number;
  /** When a row stops searching; see the file comment (default false). */
  earlyStopping?: boolean | 'never';
}

/** What `beamSearch` returns: the best hypothesis of each prompt row. */
export interface BeamSearchOutput extends GenerationOutput {
  /** The score that chose each row's hypothesis: Σ log-probability / length^lengthPenalty. */
  scores: number[];
}

interface Hypothesis {
  tokens: number[];
  score: number;
  logProb: number;
}

/** The numBeams best finished hypotheses of one item (HF BeamHypotheses). */
class Hypotheses {
  readonly list: Hypothesis[] = [];
  private worst = Infinity;

  constructor(
    private readonly numBeams: number,
    private readonly lengthPenalty: number,
    private readonly earlyStopping: boolean | 'never',
    private readonly longest: number,
  ) {}

  add(tokens: number[], sumLogProbs: number, generated: number, logProb: number): void {
    const score = sumLogProbs / generated ** this.lengthPenalty;
    if (this.list.length >= this.numBeams && score <= this.worst) return;
    this.list.push({ tokens, score, logProb });
    if (this.list.length > this.numBeams) {
      let at = 0;
      this.list.forEach((h, i) => {
        if (h.score < this.list[at]!.score) at = i;
      });
      this.list.splice(at, 1);
      this.worst = Math.min(...this.list.map((h) => h.score));
    } else this.worst = Math.min(this.worst, score);
  }

  /** `best` is the highest candidate score of this step, `generated` the length it would have. */
  isDone(best: number, generated: number): boolean {
    if (this.list.length < this.numBeams) return false;
    if (this.earlyStopping === true) return true;
    const length = this.earlyStopping === 'never' && this.lengthPenalty > 0 ? this.longest : generated;
    return this.worst >= best / length ** this.lengthPenalty;
  }

  best(): Hypothesis {
    return this.list.reduce((a, h) => (h.score >= a.score ? h : a));
  }
}

interface Beam {
  item: number;
  tokens: number[];
  /** Σ processed log-probabilities: what the search ranks. */
  score: number;
  /** Σ raw log-probabilities (see GenerationOutput.logProbs). */
  logProb: number;
}

interface Candidate {
  value: number;
  row: number;
  token: number;
}

/** The best `n` (row, token) pairs by value, in order; ties go to the earlier row, then token. */
function topCandidates(scores: readonly Float64Array[], rows: readonly number[], n: number): Candidate[] {
  const top: Candidate[] = [];
  for (const row of rows) {
    const s = scores[row]!;
    for (let token = 0; token < s.length; token++) {
      const value = s[token]!;
      if (top.length === n && !(value > top[n - 1]!.value)) continue;
      let at = top.length;
      while (at > 0 && top[at - 1]!.value < value) at--;
      top.splice(at, 0, { value, row, token });
      if (top.length > n) top.pop();
    }
  }
  return top;
}

/**
 * Beam search from prompt int32 [B, P] (see the file comment for the rules): the best of each
 * row's hypotheses, as `sequences` [B, T] padded after EOS, plus their tokens, log-probabilities
 * and scores.
 */
export function beamSearch(decoder: StepDecoder, prompt: Tensor, options: BeamSearchOptions = {}): BeamSearchOutput {
  const opts = resolveGeneration('beamSearch', prompt, options);
  const { numBeams: K = 3, lengthPenalty = 1, earlyStopping = false } = options;
  if (!(Number.isInteger(K) && K >= 1)) throw new Error(`beamSearch: numBeams must be a positive integer, got ${K}`);
  if (!Number.isFinite(lengthPenalty)) throw new Error(`beamSearch: lengthPenalty must be finite, got ${lengthPenalty}`);
  checkBatch('beamSearch', decoder, prompt);
  return noGrad(() => {
    const prompts = prompt.toArray() as number[][];
    const P = prompts[0]!.length;
    const hyps = prompts.map(() => new Hypotheses(K, lengthPenalty, earlyStopping, opts.maxLength - P));
    // The first step has one row per item; afterwards K rows per open item, item-major.
    let beams: Beam[] = prompts.map((tokens, item) => ({ item, tokens, score: 0, logProb: 0 }));
    const cache = opts.useCache ? decoder.newCache() : undefined;
    let dec = decoder;
    for (let len = P; len < opts.maxLength && beams.length > 0; len++) {
      const rows = logitRows(dec.step(stepInput(beams.map((b) => b.tokens), !cache || len === P), cache));
      if (rows[0]!.length <= K) throw new Error(`beamSearch: ${K} beams need a vocabulary of more than ${K} tokens, got ${rows[0]!.length}`);
      const rawLse = rows.map(logSumExp);
      const raw = rows.map((r) => r.slice());
      const scores = rows.map((row, r) => {
        penalizeRepeats(row, beams[r]!.tokens, opts.repetitionPenalty);
        if (len < opts.minLength) forbid(row, opts.eosTokenId);
        return logSoftmax(row).map((v) => v + beams[r]!.score);
      });
      const next: Beam[] = [];
      const sources: number[] = [];
      const generated = len + 1 - P;
      for (let start = 0; start < beams.length; ) {
        const item = beams[start]!.item;
        const rowsOfItem: number[] = [];
        while (start < beams.length && beams[start]!.item === item) rowsOfItem.push(start++);
        const candidates = topCandidates(scores, rowsOfItem, 2 * K);
        const extended: Beam[] = [];
        const from: number[] = [];
        for (let rank = 0; rank < candidates.length && extended.length < K; rank++) {
          const { value, row, token } = candidates[rank]!;
          const beam = beams[row]!;
          const logProb = beam.logProb + raw[row]![token]! - rawLse[row]!;
          if (token === opts.eosTokenId) {
            // An EOS ranked below numBeams would not have been among the beams, so HF drops it.
            if (rank < K) hyps[item]!.add([...beam.tokens, token], value, generated, logProb);
          } else {
            extended.push({ item, tokens: [...beam.tokens, token], score: value, logProb });
            from.push(row);
          }
        }
        if (hyps[item]!.isDone(candidates[0]!.value, generated)) continue;
        next.push(...extended);
        sources.push(...from);
      }
      const itemsChanged = len === P || new Set(next.map((b) => b.item)).size !== new Set(beams.map((b) => b.item)).size;
      if (next.length > 0) {
        const index = int32(sources);
        cache?.reorder(index);
        if (itemsChanged) dec = dec.select(index);
      }
      beams = next;
    }
    // Rows still open at maxLength: their live beams compete with the finished hypotheses.
    for (const b of beams) hyps[b.item]!.add(b.tokens, b.score, b.tokens.length - P, b.logProb);
    const best = hyps.map((h) => h.best());
    return {
      sequences: padRows(best.map((h) => h.tokens), opts.padTokenId),
      tokens: best.map((h) => h.tokens.slice(P)),
      logProbs: best.map((h) => h.logProb),
      scores: best.map((h) => h.score),
    };
  });
}

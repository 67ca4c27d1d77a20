/**
 * BLIP's image-grounded text decoder, Hugging Face's BlipTextLMHeadModel: `bert` (a BlipTextModel
 * run in 'decoder' mode: causal self-attention + cross-attention) and the BERT LM head
 * `cls.predictions`:
 *
 *   logits = decoder( LayerNorm( GELU( transform.dense(h) ) ) ) + bias
 *
 * where `decoder.weight` is the word-embedding matrix itself (tied, unless the config says
 * tie_word_embeddings: false) and `decoder.bias` is the same parameter as `predictions.bias`
 * (HF ties those too). Both names therefore appear in the state dict, as in PyTorch.
 *
 * Decoding API for generation (greedy, beam, nucleus): `newCache()` and
 * `step(ids, cache, {encoderHidden})` → next-token logits [B, vocab].
 */
import { Parameter, type Variable } from '@glimpse/autograd';
import type { Tensor } from '@glimpse/tensor';
import { activation, type Activation } from '../nn/activation.js';
import type { AttentionMask } from '../nn/attention-mask.js';
import { normal, zeros, type InitOptions } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import type { BlipTextConfig } from './config.js';
import { lmLoss } from './losses.js';
import { BlipTextModel, type BlipTextCache } from './text-model.js';

/** HF BlipTextPredictionHeadTransform: dense → activation → LayerNorm. */
export class BlipTextPredictionHeadTransform extends Module {
  dense: Linear;
  LayerNorm: LayerNorm;
  private readonly act: Activation;

  constructor(config: BlipTextConfig, opts: InitOptions = {}) {
    super();
    this.dense = new Linear(config.hidden_size, config.hidden_size, opts);
    this.act = activation(config.hidden_act);
    this.LayerNorm = new LayerNorm(config.hidden_size, config.layer_norm_eps, opts);
  }

  forward(h: Variable): Variable {
    return this.LayerNorm.forward(this.act(this.dense.forward(h)));
  }
}

/** The vocabulary projection: a Linear whose weight and bias are parameters owned elsewhere. */
export class TiedLinear extends Module {
  constructor(
    public weight: Parameter,
    public bias: Parameter,
  ) {
    super();
  }

  forward(h: Variable): Variable {
    return h.matmul(this.weight.transpose()).add(this.bias);
  }
}

/** HF BlipTextLMPredictionHead (`cls.predictions`). */
export class BlipTextLMPredictionHead extends Module {
  transform: BlipTextPredictionHeadTransform;
  /** Output-only bias per token; `decoder.bias` is this same parameter. */
  bias: Parameter;
  decoder: TiedLinear;

  constructor(config: BlipTextConfig, wordEmbeddings: Parameter, opts: InitOptions = {}) {
    super();
    this.transform = new BlipTextPredictionHeadTransform(config, opts);
    this.bias = new Parameter(zeros([config.vocab_size], opts));
    const weight = config.tie_word_embeddings ? wordEmbeddings : new Parameter(normal([config.vocab_size, config.hidden_size], 0.02, opts));
    this.decoder = new TiedLinear(weight, this.bias);
  }

  forward(h: Variable): Variable {
    return this.decoder.forward(this.transform.forward(h));
  }
}

/** HF BlipTextOnlyMLMHead (`cls`). */
export class BlipTextOnlyMLMHead extends Module {
  predictions: BlipTextLMPredictionHead;

  constructor(config: BlipTextConfig, wordEmbeddings: Parameter, opts: InitOptions = {}) {
    super();
    this.predictions = new BlipTextLMPredictionHead(config, wordEmbeddings, opts);
  }
}

/** Options of BlipTextLMHeadModel.forward: masks, the image tokens, a decoding cache and the LM labels. */
export interface BlipDecoderForwardOptions {
  /** [B, T] (1 = token); with a cache, [B, past + T]. */
  attentionMask?: AttentionMask;
  /** Image tokens [B, N, encoder_hidden_size]; not needed once the cache holds them. */
  encoderHidden?: Variable;
  /** Padding of the image tokens [B, N] (default: all real). */
  encoderMask?: AttentionMask;
  /** Keys/values of earlier steps; filled in place. */
  cache?: BlipTextCache;
  /** Next-token targets aligned with the input ids (-100 = ignored); the loss shifts them (see lmLoss). */
  labels?: Tensor;
  /** Label smoothing of the loss (default: the config's label_smoothing). */
  labelSmoothing?: number;
}

/** What BlipTextLMHeadModel.forward returns: vocabulary logits, the hidden states they came from, and the LM loss given labels. */
export interface BlipDecoderOutput {
  /** [B, T, vocab] */
  logits: Variable;
  /** [B, T, hidden_size] */
  lastHiddenState: Variable;
  /** Scalar LM loss, present only when `labels` were given. */
  loss?: Variable;
}

/** HF BlipTextLMHeadModel (`text_decoder`): `bert` + `cls`. */
export class BlipTextLMHeadModel extends Module {
  bert: BlipTextModel;
  cls: BlipTextOnlyMLMHead;

  constructor(readonly config: BlipTextConfig, opts: InitOptions = {}) {
    super();
    this.bert = new BlipTextModel(config, opts);
    this.cls = new BlipTextOnlyMLMHead(config, this.bert.embeddings.word_embeddings.weight, opts);
  }

  /** Re-points a tied vocabulary projection at the current word embeddings (after they were swapped for shared ones). */
  retie(): void {
    if (this.config.tie_word_embeddings) this.cls.predictions.decoder.weight = this.bert.embeddings.word_embeddings.weight;
  }

  /** Causal pass over ids [B, T] reading the image tokens; with `labels`, also the LM loss. */
  forward(inputIds: Tensor, opts: BlipDecoderForwardOptions = {}): BlipDecoderOutput {
    const { labels, labelSmoothing = this.config.label_smoothing, ...rest } = opts;
    const { lastHiddenState } = this.bert.forward(inputIds, { ...rest, mode: 'decoder' });
    const logits = this.cls.predictions.forward(lastHiddenState);
    const out: BlipDecoderOutput = { logits, lastHiddenState };
    if (labels) out.loss = lmLoss(logits, labels, { labelSmoothing });
    return out;
  }

  /** An empty decoding cache (one self + one cross KV cache per layer). */
  newCache(): BlipTextCache {
    return this.bert.newCache();
  }

  /**
   * One decoding step for generation: runs the new ids [B, Tnew] (the prompt on the first call,
   * then one token per call) against everything in `cache`, appends their keys/values, and
   * returns the logits of the last position [B, vocab]. Pass `encoderHidden` on the first call;
   * its keys/values are projected once and reused. `attentionMask`, if any, covers past + new ids.
   */
  step(inputIds: Tensor, cache: BlipTextCache, opts: Omit<BlipDecoderForwardOptions, 'cache' | 'labels' | 'labelSmoothing'> = {}): Variable {
    const { lastHiddenState } = this.bert.forward(inputIds, { ...opts, cache, mode: 'decoder' });
    const last = lastHiddenState.narrow(1, lastHiddenState.shape[1]! - 1, 1);
    const logits = this.cls.predictions.forward(last);
    return logits.reshape([logits.shape[0]!, logits.shape[2]!]);
  }
}

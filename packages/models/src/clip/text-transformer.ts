import { Variable } from '@glimpse/autograd';
import { arange, type Tensor } from '@glimpse/tensor';
import { Embedding } from '../nn/embedding.js';
import { Encoder } from '../nn/encoder.js';
import type { InitOptions } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Module } from '../nn/module.js';
import { PreLNBlock } from '../nn/pre-ln-block.js';
import type { CLIPTextConfig } from './config.js';

export class CLIPTextEmbeddings extends Module {
  token_embedding: Embedding;
  position_embedding: Embedding;

  constructor(readonly config: CLIPTextConfig, opts: InitOptions = {}) {
    super();
    this.token_embedding = new Embedding(config.vocab_size, config.hidden_size, opts);
    this.position_embedding = new Embedding(config.max_position_embeddings, config.hidden_size, opts);
  }

  /** ids [B, T] → token + position embeddings [B, T, D]. */
  forward(inputIds: Tensor): Variable {
    const T = inputIds.shape[1]!;
    if (T > this.config.max_position_embeddings) {
      throw new Error(`CLIPTextEmbeddings: ${T} tokens exceed max_position_embeddings ${this.config.max_position_embeddings} (truncate with the tokenizer)`);
    }
    const positions = arange(T, { backend: inputIds.backend.name });
    return this.token_embedding.forward(inputIds).add(this.position_embedding.forward(positions));
  }
}

/** What CLIP's text transformer returns: per-token states [B, T, D], the pooled end-of-text state [B, D], and optionally every layer's states. */
export interface TextOutput {
  /** Every token's hidden state after final_layer_norm [B, T, D] (what Stable Diffusion conditions on). */
  lastHiddenState: Variable;
  /** The hidden state at each sequence's end-of-text token [B, D]. */
  pooled: Variable;
  /** The embeddings and each layer's output (before final_layer_norm), when asked for. */
  hiddenStates?: Variable[];
}

/**
 * CLIP's text encoder: a causal pre-LN transformer, read out at the end-of-text token, which
 * has seen the whole caption because attention only looks backwards.
 */
export class CLIPTextTransformer extends Module {
  embeddings: CLIPTextEmbeddings;
  encoder: Encoder<PreLNBlock>;
  final_layer_norm: LayerNorm;

  constructor(readonly config: CLIPTextConfig, opts: InitOptions = {}) {
    super();
    this.embeddings = new CLIPTextEmbeddings(config, opts);
    this.encoder = new Encoder(Array.from({ length: config.num_hidden_layers }, () => new PreLNBlock(config, opts)));
    this.final_layer_norm = new LayerNorm(config.hidden_size, config.layer_norm_eps, opts);
  }

  /** ids int32 [B, T]; attentionMask [B, T] (1 = token, 0 = padding) on top of the causal mask. */
  forward(inputIds: Tensor, attentionMask?: Tensor, opts: { outputHiddenStates?: boolean } = {}): TextOutput {
    if (inputIds.dtype !== 'int32' || inputIds.rank !== 2) {
      throw new Error(`CLIPTextTransformer: inputIds must be int32 [batch, tokens], got ${inputIds.dtype} [${inputIds.shape.join(',')}]`);
    }
    let h = this.embeddings.forward(inputIds);
    const hiddenStates = opts.outputHiddenStates ? [h] : undefined;
    h = this.encoder.forward(h, { causal: true, ...(attentionMask ? { mask: attentionMask } : {}) }, (out) => hiddenStates?.push(out));
    const last = this.final_layer_norm.forward(h);
    return { lastHiddenState: last, pooled: poolAtEndOfText(last, inputIds, this.config.eos_token_id), ...(hiddenStates ? { hiddenStates } : {}) };
  }
}

/**
 * Picks each row's hidden state at its end-of-text token. Legacy configs (eos_token_id 2) take
 * the largest id, which is EOT in OpenAI's vocabulary; newer ones the first eos_token_id.
 */
export function poolAtEndOfText(hidden: Variable, inputIds: Tensor, eosTokenId: number): Variable {
  const [B, , D] = hidden.shape as [number, number, number];
  const position = eosTokenId === 2 ? inputIds.argmax(1) : inputIds.eq(eosTokenId).to('int32').argmax(1);
  if (eosTokenId !== 2) {
    const found = inputIds.eq(eosTokenId).sum(1).min().item();
    if (found === 0) throw new Error(`CLIPTextTransformer: a sequence has no end-of-text token (id ${eosTokenId}) to pool at`);
  }
  return hidden.gather(1, position.reshape([B, 1, 1]).expand([B, 1, D])).reshape([B, D]);
}

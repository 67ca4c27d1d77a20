/**
 * BLIP configuration, mirroring Hugging Face's config.json field for field (snake_case kept so a
 * checkpoint's config.json parses as is). Defaults are HF's current ones (BLIP ViT-B/16, 384 px,
 * BERT-base text side), which differ from the original in a few places — see each field.
 *
 * `BlipPretrainConfig` adds what only pre-training needs (the original's yaml/argument values):
 * the ITC temperature, the [ENC] id, LM label smoothing, momentum-distillation settings.
 */
import type { BertLayerConfig } from '../nn/bert-layer.js';
import type { VisionTransformerConfig } from '../vision/vision-transformer.js';
import { pickKnown } from '../config-fields.js';

/** Hugging Face BlipVisionConfig: the ViT image encoder (sizes, heads, patching, activation, LayerNorm eps). */
export interface BlipVisionConfig {
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_channels: number;
  image_size: number;
  patch_size: number;
  /** 'gelu' (exact), as timm's ViT. */
  hidden_act: string;
  /** HF's default 1e-5; the original BLIP ViT uses 1e-6. Always read from config.json. */
  layer_norm_eps: number;
  attention_dropout: number;
}

/** Hugging Face BlipTextConfig: the BERT-style MED text model shared by the encoder and the decoder, and its special token ids. */
export interface BlipTextConfig {
  /** 30524 = bert-base-uncased's 30522 + [DEC] + [ENC]. */
  vocab_size: number;
  hidden_size: number;
  /** Width of the image tokens cross-attention reads (the ViT's hidden_size). */
  encoder_hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  /** HF's default is 8 (sic; BERT-base and the released checkpoints use 12, read it from config.json). */
  num_attention_heads: number;
  max_position_embeddings: number;
  hidden_act: string;
  layer_norm_eps: number;
  hidden_dropout_prob: number;
  attention_probs_dropout_prob: number;
  pad_token_id: number;
  /** [DEC] = 30522: the decoder's first token. */
  bos_token_id: number;
  eos_token_id: number;
  /** [SEP] = 102, the end of a generated caption. */
  sep_token_id: number;
  /** LM loss smoothing of HF's BlipForConditionalGeneration (0 in current HF; older HF fixed 0.1). */
  label_smoothing: number;
  /** The LM head's vocabulary projection is the word-embedding matrix (HF default true). */
  tie_word_embeddings: boolean;
}

/** Hugging Face BlipConfig (`model_type: 'blip'`). */
export interface BlipConfig {
  text_config: BlipTextConfig;
  vision_config: BlipVisionConfig;
  /** Width of the ITC space of vision_proj / text_proj (BLIP's embed_dim, 256). */
  image_text_hidden_size: number;
  /** Used by HF's BlipModel only (projection without bias, CLIP-style); kept so configs round-trip. */
  projection_dim: number;
  logit_scale_init_value: number;
  model_type: 'blip';
}

/** Pre-training extras on top of BlipConfig (the original BLIP's settings). */
export interface BlipPretrainConfig extends BlipConfig {
  /** Initial ITC temperature (0.07); a learned parameter, clamped to [temp_min, temp_max] in forward. */
  temp_init: number;
  temp_min: number;
  temp_max: number;
  /** [ENC] = 30523: replaces the first token for the image-grounded encoder (ITM). */
  enc_token_id: number;
  /** BLIP pre-training uses 0.1 on its LM loss. */
  lm_label_smoothing: number;
  /** Momentum distillation (used when momentum encoders are passed to forward). */
  momentum: number;
  alpha: number;
  queue_size: number;
}

/** HF's BlipVisionConfig defaults: ViT-B/16 (768 wide, 12 layers, 12 heads) on 384-px RGB images, LayerNorm eps 1e-5. */
export const BLIP_VISION_DEFAULTS: BlipVisionConfig = {
  hidden_size: 768,
  intermediate_size: 3072,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  num_channels: 3,
  image_size: 384,
  patch_size: 16,
  hidden_act: 'gelu',
  layer_norm_eps: 1e-5,
  attention_dropout: 0,
};

/**
 * HF's BlipTextConfig defaults: BERT-base sizes with vocabulary 30524 ([DEC] = 30522), but HF's 8 heads
 * and no dropout; the pre-training defaults change the heads and dropouts back to BERT's.
 */
export const BLIP_TEXT_DEFAULTS: BlipTextConfig = {
  vocab_size: 30524,
  hidden_size: 768,
  encoder_hidden_size: 768,
  intermediate_size: 3072,
  num_hidden_layers: 12,
  num_attention_heads: 8,
  max_position_embeddings: 512,
  hidden_act: 'gelu',
  layer_norm_eps: 1e-12,
  hidden_dropout_prob: 0,
  attention_probs_dropout_prob: 0,
  pad_token_id: 0,
  bos_token_id: 30522,
  eos_token_id: 2,
  sep_token_id: 102,
  label_smoothing: 0,
  tie_word_embeddings: true,
};

const TOP_DEFAULTS = { image_text_hidden_size: 256, projection_dim: 512, logit_scale_init_value: 2.6592 };

const PRETRAIN_DEFAULTS = {
  temp_init: 0.07,
  temp_min: 0.001,
  temp_max: 0.5,
  enc_token_id: 30523,
  lm_label_smoothing: 0.1,
  momentum: 0.995,
  alpha: 0.4,
  queue_size: 57600,
};

/** A BlipConfig with every field optional, the two sub-configs too (e.g. a checkpoint's config.json); `blipConfig` fills the rest. */
export type PartialBlipConfig = Partial<Omit<BlipConfig, 'text_config' | 'vision_config'>> & {
  text_config?: Partial<BlipTextConfig>;
  vision_config?: Partial<BlipVisionConfig>;
};

/** PartialBlipConfig plus the optional pre-training extras of BlipPretrainConfig; `blipPretrainConfig` fills the rest. */
export type PartialBlipPretrainConfig = PartialBlipConfig & Partial<Omit<BlipPretrainConfig, keyof BlipConfig>>;

/** Fills HF defaults (ignoring fields Glimpse does not read) and checks the numbers that must agree. */
export function blipConfig(partial: PartialBlipConfig = {}): BlipConfig {
  const vision_config = { ...BLIP_VISION_DEFAULTS, ...pickKnown(partial.vision_config, BLIP_VISION_DEFAULTS) };
  const config: BlipConfig = {
    ...TOP_DEFAULTS,
    ...pickKnown(partial, TOP_DEFAULTS),
    model_type: 'blip',
    // Older configs lack encoder_hidden_size: cross-attention then reads the ViT's width.
    text_config: { ...BLIP_TEXT_DEFAULTS, encoder_hidden_size: vision_config.hidden_size, ...pickKnown(partial.text_config, BLIP_TEXT_DEFAULTS) },
    vision_config,
  };
  const { text_config: t, vision_config: v } = config;
  for (const [name, c] of [['text_config', t], ['vision_config', v]] as const) {
    if (c.hidden_size % c.num_attention_heads !== 0) {
      throw new Error(`blipConfig: ${name}.hidden_size ${c.hidden_size} is not divisible by num_attention_heads ${c.num_attention_heads}`);
    }
  }
  if (v.image_size % v.patch_size !== 0) throw new Error(`blipConfig: vision_config.image_size ${v.image_size} is not a multiple of patch_size ${v.patch_size}`);
  if (t.encoder_hidden_size !== v.hidden_size) {
    throw new Error(`blipConfig: text_config.encoder_hidden_size ${t.encoder_hidden_size} must equal vision_config.hidden_size ${v.hidden_size} (cross-attention reads the image tokens)`);
  }
  return config;
}

/**
 * Where original BLIP pre-training (configs/med_config.json, vit.py, pretrain.yaml) differs from
 * HF's defaults: BERT-base's 12 heads and 0.1 dropouts, the ViT's LayerNorm eps 1e-6, 224-px images.
 */
const PRETRAIN_TEXT_DEFAULTS: Partial<BlipTextConfig> = { num_attention_heads: 12, hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1 };
const PRETRAIN_VISION_DEFAULTS: Partial<BlipVisionConfig> = { image_size: 224, layer_norm_eps: 1e-6 };

/** blipConfig plus the pre-training extras, with original BLIP's values by default (see above). */
export function blipPretrainConfig(partial: PartialBlipPretrainConfig = {}): BlipPretrainConfig {
  const base = blipConfig({
    ...partial,
    text_config: { ...PRETRAIN_TEXT_DEFAULTS, ...pickKnown(partial.text_config, BLIP_TEXT_DEFAULTS) },
    vision_config: { ...PRETRAIN_VISION_DEFAULTS, ...pickKnown(partial.vision_config, BLIP_VISION_DEFAULTS) },
  });
  const config = { ...base, ...PRETRAIN_DEFAULTS, ...pickKnown(partial, PRETRAIN_DEFAULTS) };
  if (!(config.temp_min > 0 && config.temp_min <= config.temp_init && config.temp_init <= config.temp_max)) {
    throw new Error(`blipPretrainConfig: need 0 < temp_min ≤ temp_init ≤ temp_max, got ${config.temp_min}, ${config.temp_init}, ${config.temp_max}`);
  }
  return config;
}

/** The ViT's config in the shape the shared VisionTransformer reads. */
export function visionTransformerConfig(v: BlipVisionConfig): VisionTransformerConfig {
  return { ...v };
}

/** One MED layer's config: every BLIP text layer has cross-attention (HF builds it when is_decoder, the default). */
export function bertLayerConfig(t: BlipTextConfig): BertLayerConfig {
  return {
    hidden_size: t.hidden_size,
    num_attention_heads: t.num_attention_heads,
    intermediate_size: t.intermediate_size,
    hidden_act: t.hidden_act,
    layer_norm_eps: t.layer_norm_eps,
    hidden_dropout_prob: t.hidden_dropout_prob,
    attention_probs_dropout_prob: t.attention_probs_dropout_prob,
    add_cross_attention: true,
    encoder_width: t.encoder_hidden_size,
  };
}

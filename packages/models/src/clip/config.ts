/**
 * CLIP configuration, mirroring Hugging Face's config.json field for field (snake_case kept so a
 * checkpoint's config.json parses as is). Defaults are HF's (ViT-B/32).
 */
import { pickKnown } from '../config-fields.js';

/** Hugging Face CLIPTextConfig: the text transformer's sizes, activation, LayerNorm eps and special token ids. */
export interface CLIPTextConfig {
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  max_position_embeddings: number;
  hidden_act: string;
  layer_norm_eps: number;
  pad_token_id: number;
  bos_token_id: number;
  /** 2 in legacy configs, where pooling takes the argmax of the ids instead (see CLIPTextTransformer). */
  eos_token_id: number;
  /** Dropout on the attention weights (0 in OpenAI's models). */
  attention_dropout: number;
}

/** CLIP's vision tower configuration, as Hugging Face's `vision_config` (ViT width, depth, heads, image and patch size). */
export interface CLIPVisionConfig {
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_channels: number;
  image_size: number;
  patch_size: number;
  hidden_act: string;
  layer_norm_eps: number;
  attention_dropout: number;
}

/** A whole CLIP configuration as Hugging Face's config.json: both towers, the projection width and the initial logit scale. */
export interface CLIPConfig {
  text_config: CLIPTextConfig;
  vision_config: CLIPVisionConfig;
  projection_dim: number;
  /** ln(1/0.07): the temperature CLIP starts from. */
  logit_scale_init_value: number;
  model_type: 'clip';
}

/** Hugging Face's defaults for `text_config` (ViT-B/32's text tower: width 512, 12 layers, 8 heads, 77 positions). */
export const CLIP_TEXT_DEFAULTS: CLIPTextConfig = {
  vocab_size: 49408,
  hidden_size: 512,
  intermediate_size: 2048,
  num_hidden_layers: 12,
  num_attention_heads: 8,
  max_position_embeddings: 77,
  hidden_act: 'quick_gelu',
  layer_norm_eps: 1e-5,
  pad_token_id: 1,
  bos_token_id: 49406,
  eos_token_id: 49407,
  attention_dropout: 0,
};

/** Hugging Face's defaults for `vision_config` (ViT-B/32: width 768, 12 layers, 12 heads, 224×224 images, 32×32 patches). */
export const CLIP_VISION_DEFAULTS: CLIPVisionConfig = {
  hidden_size: 768,
  intermediate_size: 3072,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  num_channels: 3,
  image_size: 224,
  patch_size: 32,
  hidden_act: 'quick_gelu',
  layer_norm_eps: 1e-5,
  attention_dropout: 0,
};

/** A CLIP config with any field left out (nested ones too), as read from a config.json; `clipConfig` fills the defaults. */
export type PartialCLIPConfig = Partial<Omit<CLIPConfig, 'text_config' | 'vision_config'>> & {
  text_config?: Partial<CLIPTextConfig>;
  vision_config?: Partial<CLIPVisionConfig>;
};

/** Fills HF defaults and checks the numbers that must agree (heads divide widths, patches tile the image). */
export function clipConfig(partial: PartialCLIPConfig = {}): CLIPConfig {
  const config: CLIPConfig = {
    projection_dim: partial.projection_dim ?? 512,
    logit_scale_init_value: partial.logit_scale_init_value ?? Math.log(1 / 0.07),
    model_type: 'clip',
    text_config: { ...CLIP_TEXT_DEFAULTS, ...pickKnown(partial.text_config, CLIP_TEXT_DEFAULTS) },
    vision_config: { ...CLIP_VISION_DEFAULTS, ...pickKnown(partial.vision_config, CLIP_VISION_DEFAULTS) },
  };
  const { text_config: t, vision_config: v } = config;
  for (const [name, c] of [['text_config', t], ['vision_config', v]] as const) {
    if (c.hidden_size % c.num_attention_heads !== 0) {
      throw new Error(`clipConfig: ${name}.hidden_size ${c.hidden_size} is not divisible by num_attention_heads ${c.num_attention_heads}`);
    }
  }
  if (v.image_size % v.patch_size !== 0) throw new Error(`clipConfig: vision_config.image_size ${v.image_size} is not a multiple of patch_size ${v.patch_size}`);
  return config;
}

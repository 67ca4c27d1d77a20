import { Parameter, Variable } from '@glimpse/autograd';
import { Generator, parseSafetensors, serializeSafetensors, tensor, type DType, type Tensor } from '@glimpse/tensor';
import { joinLocation, readBytes, readJson, writeBytes, writeText } from '../io/files.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { VisionTransformer } from '../vision/vision-transformer.js';
import { clipConfig, type CLIPConfig, type PartialCLIPConfig } from './config.js';
import { initCLIPWeights } from './init.js';
import { clipLoss } from './loss.js';
import { CLIPTextTransformer, type TextOutput } from './text-transformer.js';

/** Options of a new `CLIPModel`: the initialisation seed and the parameter dtype. */
export interface CLIPModelOptions {
  /** Seed of the OpenAI-style initialisation (default 0). */
  seed?: number;
  /** Parameter dtype (default float32; float64 for gradient checks). */
  dtype?: DType;
}

/** What `CLIPModel.forward` returns: logits both ways, the unit-length embeddings, and the loss when asked for. */
export interface CLIPOutput {
  /** exp(logit_scale) · cosine similarity [images, texts]. */
  logitsPerImage: Variable;
  /** Its transpose [texts, images]. */
  logitsPerText: Variable;
  /** L2-normalised projected image features [images, projection_dim]. */
  imageEmbeds: Variable;
  /** L2-normalised projected text features [texts, projection_dim]. */
  textEmbeds: Variable;
  /** The symmetric contrastive loss, when `returnLoss`. */
  loss?: Variable;
}

/** exp(logitScale) · imageEmbeds · textEmbedsᵀ [images, texts], for unit-length embeddings. */
export function clipLogits(imageEmbeds: Variable, textEmbeds: Variable, logitScale: Variable): Variable {
  return imageEmbeds.matmul(textEmbeds.transpose()).mul(logitScale.exp());
}

/** x / ‖x‖ along the last dim. */
export function l2Normalize(x: Variable): Variable {
  return x.div(x.mul(x).sum(-1, true).sqrt());
}

/**
 * CLIP (Radford et al. 2021): a ViT and a text transformer projected into one space, where a
 * matching image and caption have the highest cosine similarity in their batch. Parameter names
 * are Hugging Face's, so an HF checkpoint directory loads as is.
 */
export class CLIPModel extends Module {
  text_model: CLIPTextTransformer;
  vision_model: VisionTransformer;
  visual_projection: Linear;
  text_projection: Linear;
  /** log of the inverse temperature; logits are scaled by exp(logit_scale), clamped to ≤ 100 in training. */
  logit_scale: Parameter;

  constructor(readonly config: CLIPConfig, opts: CLIPModelOptions = {}) {
    super();
    const init = { generator: new Generator(opts.seed ?? 0), dtype: opts.dtype ?? 'float32' };
    const { text_config: t, vision_config: v, projection_dim } = config;
    this.text_model = new CLIPTextTransformer(t, init);
    this.vision_model = new VisionTransformer(v, { ...init, layout: 'clip' });
    this.visual_projection = new Linear(v.hidden_size, projection_dim, { ...init, bias: false });
    this.text_projection = new Linear(t.hidden_size, projection_dim, { ...init, bias: false });
    this.logit_scale = new Parameter(tensor(config.logit_scale_init_value, { dtype: init.dtype }));
    initCLIPWeights(this, init);
  }

  /** A fresh model from (part of) an HF config; missing fields take HF's defaults. */
  static create(config: PartialCLIPConfig = {}, opts: CLIPModelOptions = {}): CLIPModel {
    return new CLIPModel(clipConfig(config), opts);
  }

  /**
   * Loads a Hugging Face CLIP directory (a local path, or a URL): `config.json` and
   * `model.safetensors`, strictly — every missing, unexpected or mis-shaped weight is reported.
   */
  static async fromPretrained(location: string, opts: { dtype?: DType } = {}): Promise<CLIPModel> {
    const config = clipConfig(await readJson<PartialCLIPConfig>(joinLocation(location, 'config.json')));
    const model = new CLIPModel(config, opts);
    const file = joinLocation(location, 'model.safetensors');
    const { tensors } = parseSafetensors(await readBytes(file), file);
    // position_ids are buffers HF writes beside the weights; they are always 0..T-1.
    const weights = Object.fromEntries(Object.entries(tensors).filter(([name]) => !name.endsWith('position_ids')));
    try {
      model.loadStateDict(weights);
    } catch (e) {
      throw new Error(`CLIPModel.fromPretrained(${location}): ${(e as Error).message}`);
    }
    return model;
  }

  /** Writes `config.json` + `model.safetensors` (atomically) to a local directory. */
  async savePretrained(dir: string): Promise<void> {
    await writeText(joinLocation(dir, 'config.json'), JSON.stringify(this.config, null, 2) + '\n');
    await writeBytes(joinLocation(dir, 'model.safetensors'), serializeSafetensors(this.stateDict(), { format: 'pt' }));
  }

  /** Projected image features [B, projection_dim] (not normalised, as HF's get_image_features). */
  getImageFeatures(pixelValues: Tensor | Variable): Variable {
    return this.visual_projection.forward(this.vision_model.forward(pixelValues).pooled);
  }

  /** Projected text features [B, projection_dim] (not normalised). */
  getTextFeatures(inputIds: Tensor, attentionMask?: Tensor): Variable {
    return this.text_projection.forward(this.text_model.forward(inputIds, attentionMask).pooled);
  }

  /** The text encoder's per-token states (the conditioning a diffusion model reads). */
  encodeText(inputIds: Tensor, attentionMask?: Tensor, opts: { outputHiddenStates?: boolean } = {}): TextOutput {
    return this.text_model.forward(inputIds, attentionMask, opts);
  }

  forward(inputs: { pixelValues: Tensor | Variable; inputIds: Tensor; attentionMask?: Tensor; returnLoss?: boolean }): CLIPOutput {
    const imageEmbeds = l2Normalize(this.getImageFeatures(inputs.pixelValues));
    const textEmbeds = l2Normalize(this.getTextFeatures(inputs.inputIds, inputs.attentionMask));
    const logitsPerImage = clipLogits(imageEmbeds, textEmbeds, this.logit_scale);
    const logitsPerText = logitsPerImage.transpose();
    const out: CLIPOutput = { logitsPerImage, logitsPerText, imageEmbeds, textEmbeds };
    if (inputs.returnLoss) out.loss = clipLoss(logitsPerImage);
    return out;
  }
}

/**
 * BLIP pre-training (Li et al. 2022, Fig. 3): one ViT, one MED text model used three ways, and
 * three losses on every batch of image–caption pairs.
 *
 *   image ─ ViT ─┬─ [CLS] → vision_proj → f_I ┐
 *                │                            ├─ ITC (temp)
 *   caption ─ text encoder ([CLS], 'text') → text_proj → f_T ┘      → hard negatives
 *                ├─ image-grounded encoder ([ENC], 'multimodal', 3B pairs) → itm_head → ITM
 *                └─ decoder ([DEC], causal + cross) → cls → LM (label smoothing 0.1)
 *
 *   loss = λ_itc·L_itc + λ_itm·L_itm + λ_lm·L_lm      (λ = 1, 1, 1 by default)
 *
 * The decoder (`text_decoder`, HF's BlipTextLMHeadModel layout) shares every parameter object
 * with the text encoder except its self-attention layers: embeddings, cross-attention and
 * feed-forward are the encoder's own Modules (see shareAllButSelfAttention), so `stateDict()`
 * lists them under both names and their gradients add up. Names follow Hugging Face's BLIP
 * classes (`vision_model`, `text_encoder`, `text_decoder.{bert,cls}`, `vision_proj`,
 * `text_proj`, `itm_head`) plus the original's `temp`, so a pre-trained state dict loads into
 * BlipForImageTextRetrieval and BlipForConditionalGeneration as it is.
 */
import { concat as concatVariables, noGrad, Parameter, type Variable } from '@glimpse/autograd';
import { concat, Generator, parseSafetensors, serializeSafetensors, tensor, type DType, type Tensor } from '@glimpse/tensor';
import { joinLocation, readBytes, readJson, writeBytes, writeText } from '../io/files.js';
import { l2Normalize } from '../clip/clip-model.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { blipPretrainConfig, type BlipPretrainConfig, type PartialBlipPretrainConfig } from './config.js';
import { sampleHardNegatives, type HardNegatives } from './hard-negatives.js';
import { initBertWeights, initBlipVision } from './init.js';
import { itcLoss, itcSimilarities, itmLoss, lmLabels, momentumTargets } from './losses.js';
import type { BlipMomentumEncoders, FeatureQueue } from './momentum.js';
import { BlipTextLMHeadModel } from './text-decoder.js';
import { BlipTextModel, shareAllButSelfAttention, withFirstToken } from './text-model.js';
import { BlipVisionModel } from './vision.js';

/** How a fresh BlipPretrain is built: seed and parameter dtype. */
export interface BlipPretrainOptions {
  /** Seed of the initialisation and of the default hard-negative generator (default 0). */
  seed?: number;
  /** Parameter dtype (default float32). */
  dtype?: DType;
}

/**
 * Momentum distillation for one BlipPretrain.forward: the momentum encoders, and optionally the
 * feature queues, whose similarities give ITC its soft targets; the batch's momentum features are enqueued after use.
 */
export interface BlipMomentumInputs {
  /** The momentum copies of the unimodal encoders (kept in step by the caller). */
  encoders: BlipMomentumEncoders;
  /** Past momentum image features [size, E], extra candidates for each text. */
  imageQueue?: FeatureQueue;
  /** Past momentum text features [size, E], extra candidates for each image. */
  textQueue?: FeatureQueue;
  /** Weight of the momentum soft targets (default: config.alpha; BLIP ramps it up over the first epoch). */
  alpha?: number;
}

/** One pre-training batch of B image–caption pairs for BlipPretrain.forward, with the optional negatives, λ weights and momentum distillation. */
export interface BlipPretrainInputs {
  /** [B, 3, H, W] */
  pixelValues: Tensor | Variable;
  /** [B, T] int32 from the tokenizer, first token [CLS] (replaced by [ENC] / [DEC] where needed). */
  inputIds: Tensor;
  /** [B, T] (1 = token, 0 = padding). */
  attentionMask: Tensor;
  /** Pinned negatives (skip sampling), e.g. to compare with a reference. */
  negatives?: HardNegatives;
  /** Draws the negatives when not pinned (default: the model's own seeded generator). */
  generator?: Generator;
  /** λ weights of the total (default 1 each). */
  weights?: { itc?: number; itm?: number; lm?: number };
  /** Momentum distillation for ITC (ALBEF/BLIP); plain in-batch ITC without it. */
  momentum?: BlipMomentumInputs;
}

/** What BlipPretrain.forward returns: the three scalar losses and their weighted sum, the negatives used, and the logits behind each loss. */
export interface BlipPretrainOutput {
  /** Scalar ITC loss. */
  lossItc: Variable;
  /** Scalar ITM loss over the 3B pairs. */
  lossItm: Variable;
  /** Scalar LM loss (label smoothing lm_label_smoothing); undefined when λ_lm = 0, as the decoder then does not run (fine-tuning a filter). */
  lossLm?: Variable;
  /** λ_itc·lossItc + λ_itm·lossItm + λ_lm·lossLm, the one to backpropagate. */
  loss: Variable;
  /** The negatives used (drawn or pinned), with their weights when drawn. */
  negatives: HardNegatives & { weightsT2I?: Tensor; weightsI2T?: Tensor };
  /** ITC similarities (already divided by temp) [B, N]. */
  simI2T: Variable;
  simT2I: Variable;
  /** ITM logits [3B, 2] and LM logits [B, T, vocab] (undefined when λ_lm = 0). */
  itmLogits: Variable;
  lmLogits?: Variable;
}

export class BlipPretrain extends Module {
  vision_model: BlipVisionModel;
  text_encoder: BlipTextModel;
  text_decoder: BlipTextLMHeadModel;
  vision_proj: Linear;
  text_proj: Linear;
  itm_head: Linear;
  /** ITC temperature τ; clamped to [temp_min, temp_max] at the start of every forward, as BLIP. */
  temp: Parameter;
  /** Default source of hard-negative draws. */
  readonly generator: Generator;

  constructor(readonly config: BlipPretrainConfig, opts: BlipPretrainOptions = {}) {
    super();
    const init = { generator: new Generator(opts.seed ?? 0), dtype: opts.dtype ?? 'float32' };
    const { vision_config: v, text_config: t, image_text_hidden_size: E } = config;
    this.vision_model = new BlipVisionModel(v, init);
    this.text_encoder = new BlipTextModel(t, init);
    this.text_decoder = new BlipTextLMHeadModel(t, init);
    shareAllButSelfAttention(this.text_decoder.bert, this.text_encoder);
    this.text_decoder.retie();
    this.vision_proj = new Linear(v.hidden_size, E, init);
    this.text_proj = new Linear(t.hidden_size, E, init);
    this.itm_head = new Linear(t.hidden_size, 2, init);
    this.temp = new Parameter(tensor(config.temp_init, { dtype: init.dtype }));
    initBlipVision(this.vision_model, init);
    const seen = new Set<Parameter>();
    initBertWeights(this.text_encoder, init, seen);
    initBertWeights(this.text_decoder, init, seen); // its own self-attention and LM head; shared parts are done
    this.generator = new Generator((opts.seed ?? 0) + 1);
  }

  /** A fresh model from (part of) a config; missing fields take HF's / BLIP's defaults. */
  static create(config: PartialBlipPretrainConfig = {}, opts: BlipPretrainOptions = {}): BlipPretrain {
    return new BlipPretrain(blipPretrainConfig(config), opts);
  }

  /**
   * Loads a directory written by savePretrained (`config.json` + `model.safetensors`, every name
   * of a shared parameter present), strictly.
   */
  static async fromPretrained(location: string, opts: { dtype?: DType } = {}): Promise<BlipPretrain> {
    const config = blipPretrainConfig(await readJson<PartialBlipPretrainConfig>(joinLocation(location, 'config.json')));
    const model = new BlipPretrain(config, opts);
    const file = joinLocation(location, 'model.safetensors');
    try {
      model.loadStateDict(parseSafetensors(await readBytes(file), file).tensors);
    } catch (e) {
      throw new Error(`BlipPretrain.fromPretrained(${location}): ${(e as Error).message}`);
    }
    return model;
  }

  /** Writes `config.json` + `model.safetensors` (atomically) to a local directory. */
  async savePretrained(dir: string): Promise<void> {
    await writeText(joinLocation(dir, 'config.json'), JSON.stringify(this.config, null, 2) + '\n');
    await writeBytes(joinLocation(dir, 'model.safetensors'), serializeSafetensors(this.stateDict(), { format: 'pt' }));
  }

  /** Normalised ITC features of the batch, and the image tokens the multimodal parts read. */
  encode(pixelValues: Tensor | Variable, inputIds: Tensor, attentionMask?: Tensor): { imageEmbeds: Variable; imageFeat: Variable; textFeat: Variable } {
    const imageEmbeds = this.vision_model.forward(pixelValues).lastHiddenState;
    const imageFeat = l2Normalize(this.vision_proj.forward(imageEmbeds.select(1, 0)));
    const text = this.text_encoder.forward(inputIds, { mode: 'text', attentionMask }).lastHiddenState;
    const textFeat = l2Normalize(this.text_proj.forward(text.select(1, 0)));
    return { imageEmbeds, imageFeat, textFeat };
  }

  forward(inputs: BlipPretrainInputs): BlipPretrainOutput {
    const { pixelValues, inputIds, attentionMask, momentum, weights = {} } = inputs;
    const { temp_min, temp_max, enc_token_id, lm_label_smoothing, text_config: t } = this.config;
    const B = inputIds.shape[0]!;
    if (attentionMask.shape.join() !== inputIds.shape.join()) throw new Error(`BlipPretrain: attentionMask [${attentionMask.shape.join(',')}] must match inputIds [${inputIds.shape.join(',')}]`);
    noGrad(() => this.temp.assign(this.temp.data.clamp(temp_min, temp_max)));
    const { imageEmbeds, imageFeat, textFeat } = this.encode(pixelValues, inputIds, attentionMask);

    // ITC, in-batch or against the momentum features and queues.
    let lossItc: Variable;
    let banks = {};
    if (momentum) {
      const m = momentum.encoders.features(pixelValues, inputIds, attentionMask);
      const target = momentumTargets(m.imageFeat, m.textFeat, this.temp.item(), momentum.alpha ?? this.config.alpha, {
        image: momentum.imageQueue?.features,
        text: momentum.textQueue?.features,
      });
      banks = { imageBank: target.imageBank, textBank: target.textBank };
      lossItc = itcLoss(imageFeat, textFeat, this.temp, { ...banks, softTargets: target.softTargets });
      momentum.imageQueue?.enqueue(m.imageFeat);
      momentum.textQueue?.enqueue(m.textFeat);
    } else {
      lossItc = itcLoss(imageFeat, textFeat, this.temp);
    }
    const { simI2T, simT2I } = noGrad(() => itcSimilarities(imageFeat, textFeat, this.temp, banks));

    // ITM over B positives and 2B hard negatives, read at [ENC].
    const negatives = inputs.negatives ?? sampleHardNegatives(simI2T, simT2I, inputs.generator ?? this.generator);
    checkNegatives(negatives, B);
    const encIds = withFirstToken(inputIds, enc_token_id);
    const ids = concat([encIds, encIds, encIds.indexSelect(0, negatives.textForImage)], 0);
    const masks = concat([attentionMask, attentionMask, attentionMask.indexSelect(0, negatives.textForImage)], 0);
    const images = concatVariables([imageEmbeds, imageEmbeds.indexSelect(0, negatives.imageForText), imageEmbeds], 0);
    const fused = this.text_encoder.forward(ids, { mode: 'multimodal', attentionMask: masks, encoderHidden: images }).lastHiddenState;
    const itmLogits = this.itm_head.forward(fused.select(1, 0));
    const lossItm = itmLoss(itmLogits);

    const loss = lossItc.mul(weights.itc ?? 1).add(lossItm.mul(weights.itm ?? 1));
    const out = { lossItc, lossItm, loss, negatives, simI2T, simT2I, itmLogits };
    // A term weighted 0 would still cost its forward and backward: skip the decoder (a filter's fine-tuning).
    if (weights.lm === 0) return out;

    // LM: [DEC] first, padding ignored, label smoothing 0.1.
    const decIds = withFirstToken(inputIds, t.bos_token_id);
    const labels = lmLabels(decIds, { padTokenId: t.pad_token_id });
    const decoded = this.text_decoder.forward(decIds, { attentionMask, encoderHidden: imageEmbeds, labels, labelSmoothing: lm_label_smoothing });
    const lossLm = decoded.loss!;
    return { ...out, lossLm, loss: loss.add(lossLm.mul(weights.lm ?? 1)), lmLogits: decoded.logits };
  }
}

function checkNegatives(n: HardNegatives, B: number): void {
  for (const [name, idx] of [['imageForText', n.imageForText], ['textForImage', n.textForImage]] as const) {
    if (idx.dtype !== 'int32' || idx.rank !== 1 || idx.shape[0] !== B) throw new Error(`BlipPretrain: negatives.${name} must be int32 [${B}], got ${idx.dtype} [${idx.shape.join(',')}]`);
    const values = Array.from(idx.dataSync());
    values.forEach((j, i) => {
      if (!(j >= 0 && j < B)) throw new Error(`BlipPretrain: negatives.${name}[${i}] = ${j} is outside the batch [0, ${B})`);
      if (j === i) throw new Error(`BlipPretrain: negatives.${name}[${i}] = ${i} is the positive itself`);
    });
  }
}

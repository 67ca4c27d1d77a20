/** How one batch becomes losses and gradients, per model family (what `train` calls each step). */
import { lmLabels, withFirstToken, type BlipPretrain, type CLIPModel } from '@glimpse/models';
import type { Tensor } from '@glimpse/tensor';
import { accumulateContrastive, type CLIPBatch } from './accumulate.js';
import { clampLogitScale } from './ema.js';

/**
 * CLIP: the symmetric contrastive loss over the batch; with `accumFreq` k > 1 the batch is cut
 * into k micro-batches whose gradients still equal the full batch's (accumulate.ts). After each
 * optimizer step the logit scale is clamped to ln 100.
 */
export function clipTask(model: CLIPModel, opts: { accumFreq?: number } = {}) {
  const k = opts.accumFreq ?? 1;
  return {
    step(batch: CLIPBatch): Record<string, number> {
      if (k === 1) {
        const loss = model.forward({ ...batch, returnLoss: true }).loss!;
        loss.backward();
        return { loss: loss.item(), scale: Math.exp(model.logit_scale.item()) };
      }
      const n = batch.inputIds.shape[0]!;
      if (n % k !== 0) throw new Error(`clipTask: batch of ${n} does not split into accumFreq ${k} equal micro-batches`);
      const size = n / k;
      const micro = Array.from({ length: k }, (_, i) => ({
        pixelValues: batch.pixelValues.narrow(0, i * size, size),
        inputIds: batch.inputIds.narrow(0, i * size, size),
        ...(batch.attentionMask ? { attentionMask: batch.attentionMask.narrow(0, i * size, size) } : {}),
      }));
      return { loss: accumulateContrastive(model, micro), scale: Math.exp(model.logit_scale.item()) };
    },
    afterStep: () => clampLogitScale(model.logit_scale),
    batchSize: (batch: CLIPBatch) => batch.inputIds.shape[0]!,
  };
}

/** λ weights of BLIP's three losses (default 1 each); 0 turns a loss off, as fine-tuning a captioner (LM) or a filter (ITC + ITM) does. */
export interface BLIPLossWeights {
  itc?: number;
  itm?: number;
  lm?: number;
}

/**
 * BLIP pre-training: ITC + ITM (hard negatives mined from the batch's ITC similarities with the
 * model's seeded generator, checkpointed with the run) + LM, summed with the λ weights
 * (`opts.weights`, default 1 each). With λ_itc = λ_itm = 0 (fine-tuning a captioner) only the
 * image encoder and the decoder run: the same LM term as `BlipPretrain.forward`, without
 * computing the two terms it would multiply by 0; with λ_lm = 0 (fine-tuning a filter) the
 * decoder does not run and no `lm` term is logged.
 */
export function blipTask(model: BlipPretrain, opts: { weights?: BLIPLossWeights } = {}) {
  const w = opts.weights;
  const lmOnly = w !== undefined && w.itc === 0 && w.itm === 0;
  return {
    step(batch: { pixelValues: Tensor; inputIds: Tensor; attentionMask: Tensor }): Record<string, number> {
      if (lmOnly) {
        const { text_config: t, lm_label_smoothing } = model.config;
        const images = model.vision_model.forward(batch.pixelValues).lastHiddenState;
        const decIds = withFirstToken(batch.inputIds, t.bos_token_id);
        const labels = lmLabels(decIds, { padTokenId: t.pad_token_id });
        const lm = model.text_decoder.forward(decIds, { attentionMask: batch.attentionMask, encoderHidden: images, labels, labelSmoothing: lm_label_smoothing }).loss!;
        const loss = lm.mul(w.lm ?? 1);
        loss.backward();
        return { loss: loss.item(), lm: lm.item() };
      }
      const out = model.forward(w ? { ...batch, weights: w } : batch);
      out.loss.backward();
      return { loss: out.loss.item(), itc: out.lossItc.item(), itm: out.lossItm.item(), ...(out.lossLm ? { lm: out.lossLm.item() } : {}) };
    },
    batchSize: (batch: { inputIds: Tensor }) => batch.inputIds.shape[0]!,
    generators: { 'blip.negatives': model.generator },
  };
}

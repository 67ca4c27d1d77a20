/** How one batch becomes losses and gradients, per model family (what `train` calls each step). */
import type { BlipPretrain, CLIPModel } from '@glimpse/models';
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

/**
 * BLIP pre-training: ITC + ITM (hard negatives mined from the batch's ITC similarities with the
 * model's seeded generator, checkpointed with the run) + LM, summed with the model's λ weights.
 */
export function blipTask(model: BlipPretrain) {
  return {
    step(batch: { pixelValues: Tensor; inputIds: Tensor; attentionMask: Tensor }): Record<string, number> {
      const out = model.forward(batch);
      out.loss.backward();
      return { loss: out.loss.item(), itc: out.lossItc.item(), itm: out.lossItm.item(), lm: out.lossLm.item() };
    },
    batchSize: (batch: { inputIds: Tensor }) => batch.inputIds.shape[0]!,
    generators: { 'blip.negatives': model.generator },
  };
}

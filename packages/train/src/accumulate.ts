/**
 * Gradient accumulation for a contrastive loss (open_clip's `accum_freq`). A contrastive loss
 * couples every pair of the batch, so splitting the batch and summing micro-batch losses would
 * change the objective. Instead:
 *   1. embed every micro-batch without gradients and keep the features;
 *   2. for each micro-batch j, embed it again with gradients and compute the FULL-batch loss
 *      with j's fresh features and the cached features of the others, then backward.
 * Since ∂L/∂θ = Σⱼ (∂L/∂fⱼ)(∂fⱼ/∂θ), the summed gradients equal the full-batch gradient exactly,
 * while only one micro-batch's activations are alive at a time.
 *
 * One difference from open_clip: the temperature takes part in every pass there, so its gradient
 * is counted k times; here it is live in the first pass only, so it too equals the full-batch one.
 */
import { Variable, concat, noGrad } from '@glimpse/autograd';
import { clipLogits, clipLoss, l2Normalize, type CLIPModel } from '@glimpse/models';
import type { Tensor } from '@glimpse/tensor';

/** A CLIP training batch: pixelValues [B, 3, H, W], int32 inputIds [B, T] and an optional int32 attentionMask [B, T]. */
export interface CLIPBatch {
  pixelValues: Tensor;
  inputIds: Tensor;
  attentionMask?: Tensor;
}

function embed(model: CLIPModel, batch: CLIPBatch): [Variable, Variable] {
  return [l2Normalize(model.getImageFeatures(batch.pixelValues)), l2Normalize(model.getTextFeatures(batch.inputIds, batch.attentionMask))];
}

/** Accumulates into `.grad` the gradient of the CLIP loss over all micro-batches together; returns that loss. */
export function accumulateContrastive(model: CLIPModel, microBatches: readonly CLIPBatch[]): number {
  if (microBatches.length === 0) throw new Error('accumulateContrastive: no micro-batches');
  const cached = noGrad(() => microBatches.map((b) => embed(model, b).map((v) => v.data) as [Tensor, Tensor]));
  let loss = NaN;
  microBatches.forEach((batch, j) => {
    const [image, text] = embed(model, batch);
    const join = (k: 0 | 1, live: Variable) => concat(cached.map((c, i) => (i === j ? live : new Variable(c[k]))), 0);
    const scale = j === 0 ? model.logit_scale : model.logit_scale.detach();
    const total = clipLoss(clipLogits(join(0, image), join(1, text), scale));
    total.backward();
    loss = total.item();
  });
  return loss;
}

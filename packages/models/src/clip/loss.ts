import { arange } from '@glimpse/tensor';
import { crossEntropy, type Variable } from '@glimpse/autograd';

/**
 * CLIP's contrastive loss (ITC, symmetric InfoNCE). Row i of `logitsPerImage` [N, N] scores
 * image i against every text of the batch; its match is text i, so the targets are 0..N-1:
 *
 *   loss = ( CE(logitsPerImage, 0..N-1) + CE(logitsPerImageᵀ, 0..N-1) ) / 2
 *
 * The first term classifies each image among the texts, the second each text among the images.
 */
export function clipLoss(logitsPerImage: Variable): Variable {
  const [n, m] = logitsPerImage.shape;
  if (logitsPerImage.rank !== 2 || n !== m) throw new Error(`clipLoss: expected square logits [N, N], got [${logitsPerImage.shape.join(',')}]`);
  const targets = arange(n!, { backend: logitsPerImage.data.backend.name });
  return crossEntropy(logitsPerImage, targets).add(crossEntropy(logitsPerImage.transpose(), targets)).div(2);
}

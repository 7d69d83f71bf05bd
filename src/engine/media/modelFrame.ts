import type { SamplingPlan } from '../../shared/video';
import { resizeRgb } from './rgbResize';
import { withBand } from './timestampBand';

/**
 * One decoded frame as the model sees it: resized from full-size RGB with the rule's kernel, the timestamp band
 * under it, and the processor's own resize when the checkpoint's pixel bounds change the size.
 */
export function modelFrame(full: Uint8Array, plan: SamplingPlan, band?: Uint8Array): Uint8Array {
  let data = resizeRgb({ width: plan.source_width, height: plan.source_height, data: full }, plan.resized_width, plan.resized_height, plan.resize_kernel);
  let height = plan.resized_height;
  if (plan.band_height > 0) {
    if (!band) throw new Error('the plan has a timestamp band but no band was rendered');
    data = withBand(data, plan.resized_width, height, band, plan.band_height);
    height += plan.band_height;
  }
  if (plan.width !== plan.resized_width || plan.height !== height) data = resizeRgb({ width: plan.resized_width, height, data }, plan.width, plan.height, 'torchvision');
  return data;
}

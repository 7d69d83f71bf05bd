// How well the critic's violation times agree with labelled ones: one-to-one matching by temporal IoU.

export interface Interval {
  start_s: number;
  end_s: number;
  category: string;
}

export function temporalIoU(a: Interval, b: Interval): number {
  const intersection = Math.max(0, Math.min(a.end_s, b.end_s) - Math.max(a.start_s, b.start_s));
  const union = Math.max(a.end_s, b.end_s) - Math.min(a.start_s, b.start_s);
  if (union <= 0) return a.start_s === b.start_s ? 1 : 0;
  return intersection / union;
}

/** Greedy one-to-one matching, highest IoU first: the pairs at or above `threshold`. */
export function matchIntervals(predicted: readonly Interval[], labelled: readonly Interval[], threshold: number): Array<{ p: number; l: number; iou: number }> {
  const candidates: Array<{ p: number; l: number; iou: number }> = [];
  predicted.forEach((a, p) =>
    labelled.forEach((b, l) => {
      const iou = temporalIoU(a, b);
      if (iou >= threshold && iou > 0) candidates.push({ p, l, iou });
    }),
  );
  candidates.sort((x, y) => y.iou - x.iou || x.p - y.p || x.l - y.l);
  const usedP = new Set<number>();
  const usedL = new Set<number>();
  const pairs: Array<{ p: number; l: number; iou: number }> = [];
  for (const c of candidates) {
    if (usedP.has(c.p) || usedL.has(c.l)) continue;
    usedP.add(c.p);
    usedL.add(c.l);
    pairs.push(c);
  }
  return pairs;
}

export interface TemporalAtIoU {
  iou: number;
  matched: number;
  predicted: number;
  labelled: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** Among matched pairs: share whose categories agree. */
  category_agreement: number | null;
}

export interface TemporalEvaluation {
  /** Videos with labelled violations (an empty list counts: "no violation here") and a result. */
  videos: number;
  predicted: number;
  labelled: number;
  at_iou: TemporalAtIoU[];
  /** Mean |predicted start − labelled start| in seconds over the pairs matched at the lowest IoU threshold. */
  mean_start_error_s: number | null;
}

export interface TemporalVideo {
  predicted: Interval[];
  labelled: Interval[];
}

/**
 * Precision / recall / F1 of violations over videos, at each IoU threshold; a predicted violation matches at most
 * one labelled one in the same video and the other way round.
 */
export function evaluateTemporal(videos: readonly TemporalVideo[], thresholds: readonly number[] = [0.3, 0.5]): TemporalEvaluation {
  const predicted = videos.reduce((n, v) => n + v.predicted.length, 0);
  const labelled = videos.reduce((n, v) => n + v.labelled.length, 0);
  let startErrorSum = 0;
  let startErrorCount = 0;
  const lowest = Math.min(...thresholds);
  const at_iou = thresholds.map((iou) => {
    let matched = 0;
    let sameCategory = 0;
    for (const v of videos) {
      for (const pair of matchIntervals(v.predicted, v.labelled, iou)) {
        matched++;
        if (v.predicted[pair.p]!.category === v.labelled[pair.l]!.category) sameCategory++;
        if (iou === lowest) {
          startErrorSum += Math.abs(v.predicted[pair.p]!.start_s - v.labelled[pair.l]!.start_s);
          startErrorCount++;
        }
      }
    }
    const precision = predicted ? matched / predicted : null;
    const recall = labelled ? matched / labelled : null;
    const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : precision !== null && recall !== null ? 0 : null;
    return { iou, matched, predicted, labelled, precision, recall, f1, category_agreement: matched ? sameCategory / matched : null };
  });
  return { videos: videos.length, predicted, labelled, at_iou, mean_start_error_s: startErrorCount ? startErrorSum / startErrorCount : null };
}

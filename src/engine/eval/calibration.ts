import type { Scored } from './classification';

export interface ReliabilityBin {
  /** [lower, upper) of the score; the last bin includes 1. */
  lower: number;
  upper: number;
  n: number;
  /** Mean score in the bin (the confidence that a video is good). */
  mean_score: number | null;
  /** Share of good videos in the bin. */
  fraction_good: number | null;
}

export interface CalibrationEvaluation {
  /** Expected calibration error: Σ (nᵦ / N) · |fraction_goodᵦ − mean_scoreᵦ| over equal-width bins. */
  ece: number | null;
  /** Mean squared error of the score as a probability of "good". */
  brier: number | null;
  bins: ReliabilityBin[];
}

/** Reads the score as the probability that a video is good and measures how far that is from the labels. */
export function calibration(items: readonly Scored[], binCount = 10): CalibrationEvaluation {
  const sums = Array.from({ length: binCount }, () => ({ n: 0, score: 0, good: 0 }));
  let brier = 0;
  for (const x of items) {
    const clamped = Math.min(1, Math.max(0, x.score));
    const bin = sums[Math.min(binCount - 1, Math.floor(clamped * binCount))]!;
    bin.n++;
    bin.score += clamped;
    if (x.good) bin.good++;
    brier += (clamped - (x.good ? 1 : 0)) ** 2;
  }
  const n = items.length;
  let ece = 0;
  const bins = sums.map((b, i) => {
    const mean = b.n ? b.score / b.n : null;
    const frac = b.n ? b.good / b.n : null;
    if (b.n) ece += (b.n / n) * Math.abs(frac! - mean!);
    return { lower: i / binCount, upper: (i + 1) / binCount, n: b.n, mean_score: mean, fraction_good: frac };
  });
  return { ece: n ? ece : null, brier: n ? brier / n : null, bins };
}

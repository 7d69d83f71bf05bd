// Agreement of a score with binary labels. Positive class = good (physically plausible); a higher score should mean
// more plausible. Every function here is pure and works on parallel arrays of scores and labels.

export interface Scored {
  score: number;
  good: boolean;
}

export interface CurvePoint {
  threshold: number;
  fpr: number;
  tpr: number;
}

export interface PrPoint {
  threshold: number;
  precision: number;
  recall: number;
}

const orderCache = new WeakMap<readonly Scored[], readonly number[]>();

/** Indices sorted by score, descending (equal scores stay together); worked out once per array. Do not mutate. */
function descending(items: readonly Scored[]): readonly number[] {
  let order = orderCache.get(items);
  if (!order) {
    const scores = Float64Array.from(items, (x) => x.score);
    order = Array.from(items.keys()).sort((a, b) => scores[b]! - scores[a]!);
    orderCache.set(items, order);
  }
  return order;
}

/** Score groups in ascending order: for each sorted position its group, and whether that video is good. */
function ascendingGroups(items: readonly Scored[]): { groupOf: Uint32Array; isGood: Uint8Array; groups: number } {
  const order = descending(items);
  const n = order.length;
  const groupOf = new Uint32Array(n);
  const isGood = new Uint8Array(n);
  let group = 0;
  for (let pos = 0; pos < n; pos++) {
    const k = order[n - 1 - pos]!;
    if (pos > 0 && items[k]!.score !== items[order[n - pos]!]!.score) group++;
    groupOf[pos] = group;
    isGood[pos] = items[k]!.good ? 1 : 0;
  }
  return { groupOf, isGood, groups: n ? group + 1 : 0 };
}

/** The Mann–Whitney count over score groups in ascending order; null when a class is empty. */
function aucOfGroups(good: ArrayLike<number>, bad: ArrayLike<number>, groups: number): number | null {
  let badBelow = 0;
  let goodTotal = 0;
  let numerator = 0;
  for (let g = 0; g < groups; g++) {
    numerator += good[g]! * badBelow + 0.5 * good[g]! * bad[g]!;
    badBelow += bad[g]!;
    goodTotal += good[g]!;
  }
  return goodTotal > 0 && badBelow > 0 ? numerator / (goodTotal * badBelow) : null;
}

/**
 * ROC AUC as the Mann–Whitney U statistic over (good, bad) pairs: the share of pairs where the good video scores
 * higher, ties counting one half. Null when a class is empty.
 */
export function rocAuc(items: readonly Scored[]): number | null {
  const { groupOf, isGood, groups } = ascendingGroups(items);
  const good = new Float64Array(groups);
  const bad = new Float64Array(groups);
  for (let pos = 0; pos < groupOf.length; pos++) (isGood[pos] ? good : bad)[groupOf[pos]!]!++;
  return aucOfGroups(good, bad, groups);
}

/** A small seeded generator (mulberry32), so a bootstrap gives the same interval every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: readonly number[], p: number): number {
  // Linear interpolation between closest ranks (numpy's default).
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!);
}

/**
 * Percentile bootstrap 95 % interval of the ROC AUC: `rounds` resamples of the videos with replacement. The videos
 * are sorted once; each round draws n videos into per-score-group counts and takes one pass over the groups.
 * Resamples holding one class only are skipped.
 */
export function rocAucBootstrap(items: readonly Scored[], rounds: number, seed = 1): { low: number; high: number; rounds: number } | null {
  const n = items.length;
  if (n < 2 || rounds <= 0) return null;
  const { groupOf, isGood, groups } = ascendingGroups(items);
  const good = new Float64Array(groups);
  const bad = new Float64Array(groups);
  // mulberry32 (as seededRandom), inlined: this loop runs rounds × n times.
  let state = seed >>> 0;
  const aucs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    good.fill(0);
    bad.fill(0);
    for (let i = 0; i < n; i++) {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const pos = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n) | 0;
      if (isGood[pos]) good[groupOf[pos]!]!++;
      else bad[groupOf[pos]!]!++;
    }
    const auc = aucOfGroups(good, bad, groups);
    if (auc !== null) aucs.push(auc);
  }
  if (aucs.length === 0) return null;
  aucs.sort((a, b) => a - b);
  return { low: percentile(aucs, 0.025), high: percentile(aucs, 0.975), rounds: aucs.length };
}

/** Predicting good when score ≥ threshold, at each distinct score (highest first), from (0, 0) to (1, 1). */
export function rocCurve(items: readonly Scored[]): CurvePoint[] {
  const order = descending(items);
  const positives = items.filter((x) => x.good).length;
  const negatives = items.length - positives;
  const points: CurvePoint[] = [{ threshold: Number.POSITIVE_INFINITY, fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; ) {
    const score = items[order[i]!]!.score;
    for (; i < order.length && items[order[i]!]!.score === score; i++) items[order[i]!]!.good ? tp++ : fp++;
    points.push({ threshold: score, fpr: negatives ? fp / negatives : 0, tpr: positives ? tp / positives : 0 });
  }
  return points;
}

/** Precision and recall of "good" at each distinct score as threshold (highest first). */
export function prCurve(items: readonly Scored[]): PrPoint[] {
  const order = descending(items);
  const positives = items.filter((x) => x.good).length;
  const points: PrPoint[] = [];
  let tp = 0;
  let predicted = 0;
  for (let i = 0; i < order.length; ) {
    const score = items[order[i]!]!.score;
    for (; i < order.length && items[order[i]!]!.score === score; i++) {
      predicted++;
      if (items[order[i]!]!.good) tp++;
    }
    points.push({ threshold: score, precision: tp / predicted, recall: positives ? tp / positives : 0 });
  }
  return points;
}

/** Average precision (the area under the PR curve as a step function): Σ (Rₖ − Rₖ₋₁) · Pₖ over thresholds. */
export function averagePrecision(items: readonly Scored[]): number | null {
  if (!items.some((x) => x.good)) return null;
  let previousRecall = 0;
  let ap = 0;
  for (const p of prCurve(items)) {
    ap += (p.recall - previousRecall) * p.precision;
    previousRecall = p.recall;
  }
  return ap;
}

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export function confusionAt(items: readonly Scored[], threshold: number): Confusion {
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (const x of items) {
    const predictedGood = x.score >= threshold;
    if (predictedGood) x.good ? c.tp++ : c.fp++;
    else x.good ? c.fn++ : c.tn++;
  }
  return c;
}

export interface BestThreshold {
  threshold: number;
  youden_j: number;
  tpr: number;
  fpr: number;
  balanced_accuracy: number;
}

/** The threshold with the highest Youden's J = TPR − FPR (ties: the higher threshold); balanced accuracy = (1 + J) / 2. */
export function youdenThreshold(items: readonly Scored[]): BestThreshold | null {
  if (!items.some((x) => x.good) || !items.some((x) => !x.good)) return null;
  let best: BestThreshold | null = null;
  for (const p of rocCurve(items).slice(1)) {
    const j = p.tpr - p.fpr;
    if (!best || j > best.youden_j + 1e-12) best = { threshold: p.threshold, youden_j: j, tpr: p.tpr, fpr: p.fpr, balanced_accuracy: (1 + j) / 2 };
  }
  return best;
}

export interface BandCounts {
  good: number;
  bad: number;
}

export interface BandsEvaluation {
  high: number;
  low: number;
  confusion: { high: BandCounts; medium: BandCounts; low: BandCounts };
  /** Share right among the videos the bands decide (high = good, low = bad); medium is "uncertain". */
  accuracy: number | null;
  /** Share of videos in high or low. */
  coverage: number;
  /** Precision of "good" in high and of "bad" in low. */
  precision_high: number | null;
  precision_low: number | null;
}

export function evaluateBands(items: readonly Scored[], high: number, low: number): BandsEvaluation {
  const confusion = { high: { good: 0, bad: 0 }, medium: { good: 0, bad: 0 }, low: { good: 0, bad: 0 } };
  for (const x of items) {
    const band = x.score >= high ? confusion.high : x.score >= low ? confusion.medium : confusion.low;
    x.good ? band.good++ : band.bad++;
  }
  const decided = confusion.high.good + confusion.high.bad + confusion.low.good + confusion.low.bad;
  const highN = confusion.high.good + confusion.high.bad;
  const lowN = confusion.low.good + confusion.low.bad;
  return {
    high,
    low,
    confusion,
    accuracy: decided ? (confusion.high.good + confusion.low.bad) / decided : null,
    coverage: items.length ? decided / items.length : 0,
    precision_high: highN ? confusion.high.good / highN : null,
    precision_low: lowN ? confusion.low.bad / lowN : null,
  };
}

export interface SuggestedBands {
  target_precision: number;
  /** Lowest cut-off whose "high" band (score ≥ it) holds good videos at the target precision; null when none does. */
  high: number | null;
  /** Highest cut-off whose "low" band (score < it) holds bad videos at the target precision; null when none does. */
  low: number | null;
  precision_high: number | null;
  precision_low: number | null;
  coverage_high: number;
  coverage_low: number;
}

/**
 * Band cut-offs for a target precision: `high` as low as it can go while the videos at or above it are good at that
 * precision, `low` as high as it can go while the videos below it are bad at that precision. Never overlapping.
 */
export function suggestBands(items: readonly Scored[], target: number): SuggestedBands {
  const n = items.length;
  const out: SuggestedBands = { target_precision: target, high: null, low: null, precision_high: null, precision_low: null, coverage_high: 0, coverage_low: 0 };
  if (n === 0) return out;
  const order = descending(items);
  // High: walk down from the top; remember the lowest threshold that keeps precision ≥ target.
  let tp = 0;
  let seen = 0;
  for (let i = 0; i < n; ) {
    const score = items[order[i]!]!.score;
    for (; i < n && items[order[i]!]!.score === score; i++) {
      seen++;
      if (items[order[i]!]!.good) tp++;
    }
    if (tp / seen >= target) {
      out.high = score;
      out.precision_high = tp / seen;
      out.coverage_high = seen / n;
    }
  }
  // Low: walk up from the bottom; "score < cut" for a cut just above each group's score, i.e. the next distinct score.
  const up = [...order].reverse();
  let tn = 0;
  seen = 0;
  for (let i = 0; i < n; ) {
    const score = items[up[i]!]!.score;
    for (; i < n && items[up[i]!]!.score === score; i++) {
      seen++;
      if (!items[up[i]!]!.good) tn++;
    }
    const nextScore = i < n ? items[up[i]!]!.score : Number.POSITIVE_INFINITY;
    if (tn / seen >= target && nextScore !== Number.POSITIVE_INFINITY && (out.high === null || nextScore <= out.high)) {
      out.low = nextScore;
      out.precision_low = tn / seen;
      out.coverage_low = seen / n;
    }
  }
  return out;
}

/** At most `max` points of a curve, always keeping the first and last, for plots and JSON of large runs. */
export function thinCurve<T>(points: readonly T[], max = 200): T[] {
  if (points.length <= max) return [...points];
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (points.length - 1)) / (max - 1))]!);
  return out;
}

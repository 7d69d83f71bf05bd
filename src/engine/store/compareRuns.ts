import type { SummaryRow } from '../../shared/summaryRow';

/** Average ranks (ties share the mean rank), 1-based. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]![1]] = rank;
    i = j + 1;
  }
  return out;
}

export function pearson(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  if (n < 2) return null;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/** Spearman's ρ: Pearson correlation of the average ranks. */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  return pearson(ranks(x), ranks(y));
}

/** Kendall's τ-b (tie-corrected), O(n²): fine for the thousands of videos a comparison shows. */
export function kendallTauB(x: readonly number[], y: readonly number[]): number | null {
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i]! - x[j]!);
      const dy = Math.sign(y[i]! - y[j]!);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denom = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denom === 0 ? null : (concordant - discordant) / denom;
}

export interface PairedVideo {
  video: string;
  a: number;
  b: number;
  verdictA: string | null;
  verdictB: string | null;
}

export interface RunComparison {
  paired: number;
  only_a: number;
  only_b: number;
  spearman: number | null;
  kendall_tau_b: number | null;
  verdict_agreement: number | null;
  mean_a: number | null;
  mean_b: number | null;
  /** Largest |a − b| first. */
  disagreements: PairedVideo[];
}

const verdictOf = (r: SummaryRow) => r.anomaly ?? (r.score === null ? null : r.score >= 0.5 ? 'No' : 'Yes');

/** Two runs (models, checkpoints or prompt versions) over the same videos, paired by video path. */
export function compareRuns(a: readonly SummaryRow[], b: readonly SummaryRow[], top = 50): RunComparison {
  const scored = (rows: readonly SummaryRow[]) => new Map(rows.filter((r) => r.status === 'ok' && r.score !== null).map((r) => [r.video, r]));
  const ma = scored(a);
  const mb = scored(b);
  const pairs: PairedVideo[] = [];
  for (const [video, ra] of ma) {
    const rb = mb.get(video);
    if (rb) pairs.push({ video, a: ra.score!, b: rb.score!, verdictA: verdictOf(ra), verdictB: verdictOf(rb) });
  }
  const xs = pairs.map((p) => p.a);
  const ys = pairs.map((p) => p.b);
  const mean = (v: number[]) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : null);
  const withVerdicts = pairs.filter((p) => p.verdictA && p.verdictB);
  return {
    paired: pairs.length,
    only_a: ma.size - pairs.length,
    only_b: mb.size - pairs.length,
    spearman: spearman(xs, ys),
    kendall_tau_b: kendallTauB(xs, ys),
    verdict_agreement: withVerdicts.length ? withVerdicts.filter((p) => p.verdictA === p.verdictB).length / withVerdicts.length : null,
    mean_a: mean(xs),
    mean_b: mean(ys),
    disagreements: [...pairs].sort((p, q) => Math.abs(q.a - q.b) - Math.abs(p.a - p.b)).slice(0, top),
  };
}

export interface RankedRun {
  label: string;
  n: number;
  mean: number;
  /** 95 % confidence interval of the mean (normal approximation with the sample standard error). */
  ci_low: number;
  ci_high: number;
}

/** Checkpoints (or any runs) ranked by mean score, best first, each with a 95 % confidence interval. */
export function rankRuns(runs: ReadonlyArray<{ label: string; rows: readonly SummaryRow[] }>): RankedRun[] {
  return runs
    .map(({ label, rows }) => {
      const scores = rows.filter((r) => r.status === 'ok' && r.score !== null).map((r) => r.score!);
      const n = scores.length;
      const mean = n ? scores.reduce((a, b) => a + b, 0) / n : 0;
      const sd = n > 1 ? Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
      const half = n > 1 ? (1.96 * sd) / Math.sqrt(n) : 0;
      return { label, n, mean, ci_low: Math.max(0, mean - half), ci_high: Math.min(1, mean + half) };
    })
    .sort((p, q) => q.mean - p.mean);
}

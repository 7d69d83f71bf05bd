import { bandWith, DEFAULT_BANDS, type Bands } from '../../src/shared/bands.js';
import type { ResultRowView } from '../../src/shared/resultsMessages.js';

export const HISTOGRAM_BINS = 10;

/** Counts of scores in `bins` equal bins over [0, 1]; 1.0 goes in the last bin, values outside are clamped. */
export function scoreBins(scores: Iterable<number>, bins = HISTOGRAM_BINS): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const score of scores) {
    if (!Number.isFinite(score)) continue;
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(score * bins)));
    counts[bin]!++;
  }
  return counts;
}

/** The band of a score under the bands in force (the default ones unless calibrated bands are set). */
export function bandOfScore(score: number, bands: Bands = DEFAULT_BANDS): 'low' | 'medium' | 'high' {
  return bandWith(score, bands);
}

/** The cut-off values a chart draws, low first. */
export const cutoffValues = (bands: Bands): [number, number] => [bands.low, bands.high];

export interface BandCounts {
  high: number;
  medium: number;
  low: number;
  /** No parsed trial: no score, so in no band. */
  unparsed: number;
  failed: number;
}

export function bandCounts(rows: Iterable<ResultRowView>): BandCounts {
  const counts: BandCounts = { high: 0, medium: 0, low: 0, unparsed: 0, failed: 0 };
  for (const row of rows) {
    if (row.status === 'failed' || row.status === 'unparsed') counts[row.status]++;
    else if (row.band === 'high' || row.band === 'medium' || row.band === 'low') counts[row.band]++;
  }
  return counts;
}

/** How many rows have at least one violation of each category, most frequent first. */
export function categoryCounts(rows: Iterable<ResultRowView>): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    for (const category of row.categories.split(';')) {
      if (category) counts.set(category, (counts.get(category) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export interface Box {
  width: number;
  height: number;
  /** Room left for axis labels: left, right, top, bottom. */
  margin: { left: number; right: number; top: number; bottom: number };
}

export interface HistogramBar {
  x: number;
  y: number;
  width: number;
  height: number;
  count: number;
  from: number;
  to: number;
  band: 'low' | 'medium' | 'high';
}

export interface HistogramLayout {
  bars: HistogramBar[];
  /** x of each cut-off line, with its value. */
  cutoffs: Array<{ value: number; x: number }>;
  /** The baseline's y. */
  baseline: number;
  max: number;
}

export function histogramLayout(bins: readonly number[], box: Box, bands: Bands = DEFAULT_BANDS): HistogramLayout {
  const { left, right, top, bottom } = box.margin;
  const plotWidth = Math.max(1, box.width - left - right);
  const plotHeight = Math.max(1, box.height - top - bottom);
  const max = Math.max(1, ...bins);
  const barWidth = plotWidth / Math.max(1, bins.length);
  const baseline = top + plotHeight;
  const bars = bins.map((count, i) => {
    const height = (count / max) * plotHeight;
    const from = i / bins.length;
    return { x: left + i * barWidth, y: baseline - height, width: barWidth, height, count, from, to: (i + 1) / bins.length, band: bandOfScore(from, bands) };
  });
  return { bars, cutoffs: cutoffValues(bands).map((value) => ({ value, x: left + value * plotWidth })), baseline, max };
}

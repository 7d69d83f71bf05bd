import type { PairedVideo, RankedRun } from '../../src/engine/store/compareRuns.js';
import type { Box } from './histogram.js';

/** Maps [d0, d1] onto [r0, r1] linearly (r0 > r1 flips it, as an SVG y axis needs); outside values are clamped. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (value) => {
    const t = Math.min(1, Math.max(0, (value - d0) / span));
    return r0 + t * (r1 - r0);
  };
}

export interface ScatterPoint {
  x: number;
  y: number;
  pair: PairedVideo;
}

export interface ScatterLayout {
  points: ScatterPoint[];
  /** The y = x line from (0, 0) to (1, 1). */
  diagonal: { x1: number; y1: number; x2: number; y2: number };
  /** Plot area, for axes and grid lines. */
  plot: { left: number; top: number; right: number; bottom: number };
}

/** Paired scores over [0, 1] × [0, 1]: x is run A's score, y run B's (up on screen). */
export function scatterLayout(pairs: readonly PairedVideo[], box: Box): ScatterLayout {
  const plot = { left: box.margin.left, top: box.margin.top, right: box.width - box.margin.right, bottom: box.height - box.margin.bottom };
  const x = linearScale([0, 1], [plot.left, plot.right]);
  const y = linearScale([0, 1], [plot.bottom, plot.top]);
  return {
    points: pairs.map((pair) => ({ x: x(pair.a), y: y(pair.b), pair })),
    diagonal: { x1: x(0), y1: y(0), x2: x(1), y2: y(1) },
    plot,
  };
}

export interface RankMark {
  run: RankedRun;
  /** Centre line of its row. */
  y: number;
  x: number;
  xLow: number;
  xHigh: number;
}

/** One row per run, best first: the mean as a point and the 95 % interval as an error bar, scores on x over [0, 1]. */
export function rankLayout(runs: readonly RankedRun[], box: Box, rowHeight: number): { marks: RankMark[]; height: number; plot: ScatterLayout['plot'] } {
  const height = box.margin.top + box.margin.bottom + runs.length * rowHeight;
  const plot = { left: box.margin.left, top: box.margin.top, right: box.width - box.margin.right, bottom: height - box.margin.bottom };
  const x = linearScale([0, 1], [plot.left, plot.right]);
  const marks = runs.map((run, i) => ({ run, y: plot.top + (i + 0.5) * rowHeight, x: x(run.mean), xLow: x(run.ci_low), xHigh: x(run.ci_high) }));
  return { marks, height, plot };
}

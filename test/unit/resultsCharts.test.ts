import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResultRowView } from '../../src/shared/resultsMessages';
import { bandCounts, bandOfScore, categoryCounts, histogramLayout, scoreBins, type Box } from '../../webview/results/histogram';
import { linearScale, rankLayout, scatterLayout } from '../../webview/results/plotScale';

const box: Box = { width: 120, height: 70, margin: { left: 10, right: 10, top: 5, bottom: 15 } };

function row(score: number | null, band: string | null, categories = ''): ResultRowView {
  return {
    video: '/v/x.mp4', prompt_id: 'p', prompt_version: '1', model: 'm', mode: 'critic', status: score === null ? 'failed' : 'ok', score, band,
    anomaly: null, violations: null, categories, duration_s: null, error: null, result_file: null,
  };
}

describe('score histogram', () => {
  it('puts scores in ten bins over [0, 1], 1.0 in the last, the cut-offs on bin edges', () => {
    assert.deepEqual(scoreBins([0, 0.05, 0.1, 0.29, 0.3, 0.69, 0.7, 0.99, 1]), [2, 1, 1, 1, 0, 0, 1, 1, 0, 2]);
    assert.deepEqual(scoreBins([]), new Array(10).fill(0));
  });

  it('clamps out-of-range scores and skips non-numbers', () => {
    assert.deepEqual(scoreBins([-0.5, 1.5, Number.NaN, Number.POSITIVE_INFINITY], 4), [1, 0, 0, 1]);
  });

  it('bands follow the 0.3 / 0.7 cut-offs', () => {
    assert.deepEqual([0, 0.299, 0.3, 0.699, 0.7, 1].map((x) => bandOfScore(x)), ['low', 'low', 'medium', 'medium', 'high', 'high']);
  });

  it('bands and cut-off lines follow calibrated bands when they are in force', () => {
    const calibrated = { high: 0.55, low: 0.2 };
    assert.deepEqual([0.19, 0.2, 0.54, 0.55].map((x) => bandOfScore(x, calibrated)), ['low', 'medium', 'medium', 'high']);
    const layout = histogramLayout([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], box, calibrated);
    assert.deepEqual(layout.cutoffs.map((c) => [c.value, Math.round(c.x * 1000) / 1000]), [[0.2, 30], [0.55, 65]]);
    assert.deepEqual(layout.bars.map((b) => b.band), ['low', 'low', 'medium', 'medium', 'medium', 'medium', 'high', 'high', 'high', 'high']);
  });

  it('lays out bars under the tallest one and the cut-off lines at 0.3 and 0.7 of the plot', () => {
    const layout = histogramLayout([1, 0, 0, 0, 0, 0, 0, 0, 0, 4], box);
    assert.equal(layout.bars.length, 10);
    assert.equal(layout.baseline, 55);
    assert.equal(layout.bars[9]!.height, 50);
    assert.equal(layout.bars[9]!.y, 5);
    assert.equal(layout.bars[0]!.height, 12.5);
    assert.equal(layout.bars[1]!.height, 0);
    assert.equal(layout.bars[0]!.x, 10);
    assert.equal(layout.bars[0]!.width, 10);
    assert.deepEqual(layout.bars.map((b) => b.band), ['low', 'low', 'low', 'medium', 'medium', 'medium', 'medium', 'high', 'high', 'high']);
    assert.deepEqual(layout.cutoffs.map((c) => [c.value, Math.round(c.x * 1000) / 1000]), [[0.3, 40], [0.7, 80]]);
    assert.equal(histogramLayout(new Array(10).fill(0), box).bars.every((b) => b.height === 0), true);
  });

  it('counts rows by band (failed apart) and by violation category, most frequent first', () => {
    const rows = [row(0.9, 'high', 'gravity'), row(0.5, 'medium', 'collision;gravity'), row(0.1, 'low', 'gravity'), row(null, null)];
    assert.deepEqual(bandCounts(rows), { high: 1, medium: 1, low: 1, unparsed: 0, failed: 1 });
    assert.deepEqual(categoryCounts(rows), [['gravity', 3], ['collision', 1]]);
  });

  it('counts an unparsed critique on its own, in no band and not as failed', () => {
    const rows = [row(0.1, 'low'), { ...row(null, null), status: 'unparsed' as const }, row(null, null)];
    assert.deepEqual(bandCounts(rows), { high: 0, medium: 0, low: 1, unparsed: 1, failed: 1 });
    assert.deepEqual(scoreBins(rows.map((r) => r.score).filter((s): s is number => s !== null)), [0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('scatter and rank scaling', () => {
  it('maps linearly, flips for a y axis and clamps', () => {
    const x = linearScale([0, 1], [10, 110]);
    assert.equal(x(0.5), 60);
    assert.equal(x(2), 110);
    const y = linearScale([0, 1], [100, 0]);
    assert.equal(y(0.25), 75);
    assert.equal(linearScale([1, 1], [0, 10])(1), 0);
  });

  it('puts run A across and run B up, with the diagonal from (0, 0) to (1, 1)', () => {
    const square: Box = { width: 120, height: 120, margin: { left: 10, right: 10, top: 10, bottom: 10 } };
    const layout = scatterLayout([{ video: 'a', a: 0, b: 1, verdictA: 'Yes', verdictB: 'No' }, { video: 'b', a: 0.5, b: 0.25, verdictA: null, verdictB: null }], square);
    assert.deepEqual(layout.points.map((p) => [p.x, p.y]), [[10, 10], [60, 85]]);
    assert.deepEqual(layout.diagonal, { x1: 10, y1: 110, x2: 110, y2: 10 });
    assert.equal(layout.points[1]!.pair.video, 'b');
  });

  it('lays ranked runs out one per row with the interval around the mean', () => {
    const wide: Box = { width: 300, height: 0, margin: { left: 100, right: 0, top: 10, bottom: 20 } };
    const { marks, height } = rankLayout(
      [{ label: 'ckpt-2', n: 10, mean: 0.8, ci_low: 0.7, ci_high: 0.9 }, { label: 'ckpt-1', n: 10, mean: 0.5, ci_low: 0.4, ci_high: 0.6 }],
      wide,
      20,
    );
    assert.equal(height, 70);
    assert.deepEqual(marks.map((m) => [m.run.label, m.y, m.x, m.xLow, m.xHigh].map((v) => (typeof v === 'number' ? Math.round(v) : v))), [
      ['ckpt-2', 20, 260, 240, 280],
      ['ckpt-1', 40, 200, 180, 220],
    ]);
  });
});

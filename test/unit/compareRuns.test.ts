import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SummaryRow } from '../../src/engine/jobs/batchFiles';
import { compareRuns, kendallTauB, rankRuns, ranks, spearman } from '../../src/engine/store/compareRuns';

const row = (video: string, score: number | null, status: 'ok' | 'failed' = 'ok'): SummaryRow => ({
  video, prompt_id: 'reward', prompt_version: '1', model: 'm', mode: 'reward', status, score,
  band: null, anomaly: score === null ? null : score >= 0.5 ? 'No' : 'Yes', violations: 0, categories: '', duration_s: 1, error: null, result_file: null,
});

describe('rank statistics (values worked out by hand / with scipy semantics)', () => {
  it('average ranks share ties', () => {
    assert.deepEqual(ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
  });
  it('Spearman: 1 for monotone, −1 reversed, 0.9 for one swap among five', () => {
    assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
    assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
    assert.ok(Math.abs(spearman([1, 2, 3, 4, 5], [2, 1, 3, 4, 5])! - 0.9) < 1e-12);
  });
  it('Kendall τ-b with and without ties', () => {
    // 10 pairs, one discordant: (9 − 1) / 10
    assert.ok(Math.abs(kendallTauB([1, 2, 3, 4, 5], [2, 1, 3, 4, 5])! - 0.8) < 1e-12);
    // scipy.stats.kendalltau([1,2,2,3],[1,2,3,3]) = 0.8
    assert.ok(Math.abs(kendallTauB([1, 2, 2, 3], [1, 2, 3, 3])! - 0.8) < 1e-12);
    assert.equal(kendallTauB([1, 1], [2, 3]), null);
  });
});

describe('compareRuns / rankRuns', () => {
  it('pairs by video, measures agreement and lists the biggest disagreements first', () => {
    const a = [row('v1', 0.9), row('v2', 0.2), row('v3', 0.6), row('v4', 0.1), row('v5', null, 'failed')];
    const b = [row('v1', 0.8), row('v2', 0.7), row('v3', 0.55), row('v6', 0.5)];
    const c = compareRuns(a, b);
    assert.equal(c.paired, 3);
    assert.equal(c.only_a, 1);
    assert.equal(c.only_b, 1);
    assert.equal(c.verdict_agreement, 2 / 3);
    assert.deepEqual(c.disagreements.map((d) => d.video), ['v2', 'v1', 'v3']);
  });
  it('ranks runs by mean with a 95 % interval', () => {
    const ranked = rankRuns([
      { label: 'ckpt-1000', rows: [row('a', 0.2), row('b', 0.4)] },
      { label: 'ckpt-2000', rows: [row('a', 0.8), row('b', 0.6)] },
    ]);
    assert.deepEqual(ranked.map((r) => r.label), ['ckpt-2000', 'ckpt-1000']);
    const half = (1.96 * Math.SQRT1_2 * 0.2) / Math.SQRT2; // sd = 0.1414…, n = 2
    assert.ok(Math.abs(ranked[0]!.ci_low - (0.7 - half)) < 1e-9);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EvalReport } from '../../src/engine/eval/evaluateLabels';
import { evaluateLabels, trimmedForView } from '../../src/engine/eval/evaluateLabels';
import { parseFromResultsMessage, parseResultsState, parseToResultsMessage } from '../../src/shared/resultsMessages';

function report(): EvalReport {
  const results = ['a', 'b', 'c', 'd'].map((name, i) => ({
    video: `/v/${name}.mp4`, result_file: `results/${name}.json`, prompt_id: 'reward', prompt_version: '1', model: 'm', mode: 'reward',
    score: [0.9, 0.2, 0.6, 0.4][i]!, unscored_reason: null, violations: [], frame_gap_s: 0.25, created_at: '',
  }));
  const labels = ['a good', 'b bad', 'c bad', 'd good'].map((s, i) => ({ video: `${s.split(' ')[0]}.mp4`, line: i + 2, good: s.endsWith('good'), score5: null, violations: null }));
  return evaluateLabels({ dir: '/r', videos_root: '/v', results, skipped: [] }, { file: '/l.csv', format: 'cosmos', labels }, { bootstrapRounds: 50 });
}

describe('results browser: calibration messages', () => {
  it('passes an evaluation through and refuses a malformed one', () => {
    const r = report();
    const message = parseToResultsMessage(JSON.parse(JSON.stringify({ type: 'calibration', report: r, message: null })));
    assert.equal(message?.type, 'calibration');
    assert.equal(message?.type === 'calibration' && message.report?.runs[0]!.roc_auc, 0.75);
    assert.deepEqual(parseToResultsMessage({ type: 'calibration', report: null, message: 'no labels' }), { type: 'calibration', report: null, message: 'no labels' });
    const broken = JSON.parse(JSON.stringify(r)) as { runs: Array<{ disagreements: unknown[] }> };
    broken.runs[0]!.disagreements = [{ video: 1 }];
    assert.equal(parseToResultsMessage({ type: 'calibration', report: broken, message: null }), undefined);
    assert.equal(parseToResultsMessage({ type: 'calibration', report: { schema: 'other' }, message: null }), undefined);
  });
  it('cuts long lists for the view and keeps the counts whole', () => {
    const r = report();
    const many = { ...r, results_without_label: Array.from({ length: 500 }, (_, i) => `/v/x${i}.mp4`), counts: { ...r.counts, results_without_label: 500 } };
    const view = trimmedForView(many, 200);
    assert.equal(view.results_without_label.length, 200);
    assert.equal(view.counts.results_without_label, 500);
    assert.equal(parseToResultsMessage({ type: 'calibration', report: view, message: null })?.type, 'calibration');
  });
  it('accepts the requests the tab sends, and keeps the tab across reloads', () => {
    assert.deepEqual(parseFromResultsMessage({ type: 'chooseLabels', path: '/etc/passwd' }), { type: 'chooseLabels' });
    assert.deepEqual(parseFromResultsMessage({ type: 'saveBands', run: 1 }), { type: 'saveBands', run: 1 });
    assert.equal(parseFromResultsMessage({ type: 'saveBands', run: -1 }), undefined);
    assert.equal(parseResultsState({ tab: 'calibration' }).tab, 'calibration');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_RESULTS_STATE,
  isResultRowView,
  parseFromResultsMessage,
  parseResultsState,
  parseToResultsMessage,
  type ResultRowView,
} from '../../src/shared/resultsMessages';

const row: ResultRowView = {
  video: '/v/ball.mp4', prompt_id: 'reward', prompt_version: '1', model: 'Cosmos-Reason1-7B-Reward-fp16', mode: 'reward', status: 'ok',
  score: 0.82, band: 'high', anomaly: 'No', violations: 0, categories: '', duration_s: 2.4, error: null, result_file: 'results/ball.mp4.reward-v1.m.json',
};

describe('results browser messages', () => {
  it('accepts rows as summary.jsonl writes them, and drops unknown fields', () => {
    assert.ok(isResultRowView(row));
    const parsed = parseToResultsMessage({ type: 'data', sources: [{ id: 0, label: 'here', dir: '/ws/.cosmos-critic', rows: [{ ...row, extra: '<script>' }], more: 1 }] });
    assert.deepEqual(parsed, { type: 'data', sources: [{ id: 0, label: 'here', dir: '/ws/.cosmos-critic', rows: [row] }] });
  });

  it('accepts failed rows with nulls', () => {
    const failed = { ...row, status: 'failed', score: null, band: null, anomaly: null, violations: null, duration_s: null, error: 'no video stream', result_file: null };
    assert.ok(isResultRowView(failed));
  });

  it('rejects malformed rows and messages', () => {
    for (const bad of [
      { ...row, status: 'done' },
      { ...row, score: '0.8' },
      { ...row, score: Number.NaN },
      { ...row, video: undefined },
      { ...row, categories: null },
      { ...row, violations: Number.POSITIVE_INFINITY },
    ]) {
      assert.equal(isResultRowView(bad), false, JSON.stringify(bad));
      assert.equal(parseToResultsMessage({ type: 'data', sources: [{ id: 0, label: '', dir: '/', rows: [bad] }] }), undefined);
    }
    assert.equal(parseToResultsMessage({ type: 'data', sources: [{ id: -1, label: '', dir: '/', rows: [] }] }), undefined);
    assert.equal(parseToResultsMessage({ type: 'data', sources: {} }), undefined);
    assert.equal(parseToResultsMessage({ type: 'nope' }), undefined);
    assert.equal(parseToResultsMessage(null), undefined);
    assert.deepEqual(parseToResultsMessage({ type: 'status', message: null, busy: false }), { type: 'status', message: null, busy: false });
    assert.equal(parseToResultsMessage({ type: 'status', message: 3, busy: false }), undefined);
  });

  it('carries the bands in force and the metric columns with the rows, and checks them', () => {
    const withMetrics = { ...row, metrics: { sampson_error: 1.5, fvd: 300 } };
    const data = { type: 'data', sources: [{ id: 0, label: 'here', dir: '/r', rows: [withMetrics] }], bands: { high: 0.62, low: 0.25, file: '/ws/bands.json' }, metrics: { file: '/ws/m.csv', columns: ['sampson_error', 'fvd'] } };
    assert.deepEqual(parseToResultsMessage(data), data);
    for (const bad of [
      { ...data, bands: { high: 0.2, low: 0.5, file: null } },
      { ...data, bands: { high: 1.5, low: 0.5, file: null } },
      { ...data, bands: { high: 0.7, low: 0.3 } },
      { ...data, metrics: { file: '/m.csv', columns: [''] } },
      { ...data, sources: [{ id: 0, label: 'here', dir: '/r', rows: [{ ...row, metrics: { fvd: 'high' } }] }] },
      { ...data, sources: [{ id: 0, label: 'here', dir: '/r', rows: [{ ...row, metrics: { fvd: Number.NaN } }] }] },
    ]) assert.equal(parseToResultsMessage(bad), undefined, JSON.stringify(bad));
  });

  it('restores a sort by a metric column', () => {
    assert.deepEqual(parseResultsState({ sort: { column: 'metric:fvd', descending: true } }).sort, { column: 'metric:fvd', descending: true });
    assert.deepEqual(parseResultsState({ sort: { column: 'nope', descending: true } }).sort, { column: 'score', descending: true });
  });

  it('validates what the webview sends', () => {
    assert.deepEqual(parseFromResultsMessage({ type: 'ready', junk: 1 }), { type: 'ready' });
    for (const type of ['refresh', 'addFolder', 'exportReport', 'critiqueWorkspace'] as const) assert.deepEqual(parseFromResultsMessage({ type }), { type });
    assert.deepEqual(parseFromResultsMessage({ type: 'openVideo', source: 0, video: '/v/ball.mp4', resultFile: null }), { type: 'openVideo', source: 0, video: '/v/ball.mp4', resultFile: null });
    assert.deepEqual(parseFromResultsMessage({ type: 'openVideo', source: 1, video: '/v/b.mp4', resultFile: 'results/b.json' }), { type: 'openVideo', source: 1, video: '/v/b.mp4', resultFile: 'results/b.json' });
    assert.equal(parseFromResultsMessage({ type: 'openVideo', source: 0, video: '', resultFile: null }), undefined);
    assert.equal(parseFromResultsMessage({ type: 'openVideo', source: 0.5, video: '/v', resultFile: null }), undefined);
    assert.equal(parseFromResultsMessage({ type: 'openVideo', source: 0, video: '/v' }), undefined);
    assert.deepEqual(parseFromResultsMessage({ type: 'removeFolder', source: 2 }), { type: 'removeFolder', source: 2 });
    assert.equal(parseFromResultsMessage({ type: 'removeFolder', source: 0 }), undefined, 'the workspace folder cannot be removed');
    assert.equal(parseFromResultsMessage({ type: 'runCommand', command: 'x' }), undefined);
    assert.equal(parseFromResultsMessage('ready'), undefined);
  });

  it('restores saved state field by field', () => {
    assert.deepEqual(parseResultsState(undefined), DEFAULT_RESULTS_STATE);
    const state = parseResultsState({ dir: '/ws/.cosmos-critic', tab: 'compare', filterText: 'ball', band: 'low', group: 'g', sort: { column: 'violations', descending: true }, scrollTop: 480, compareA: 'a', compareB: 'b', rankScope: 'r' });
    assert.deepEqual(state, { dir: '/ws/.cosmos-critic', tab: 'compare', filterText: 'ball', band: 'low', group: 'g', sort: { column: 'violations', descending: true }, scrollTop: 480, compareA: 'a', compareB: 'b', rankScope: 'r' });
    const odd = parseResultsState({ tab: 'settings', band: 'purple', sort: { column: 'size', descending: 'yes' }, scrollTop: -3, filterText: 7 });
    assert.equal(odd.tab, 'table');
    assert.equal(odd.band, '');
    assert.deepEqual(odd.sort, { column: 'score', descending: false });
    assert.equal(odd.scrollTop, 0);
    assert.equal(odd.filterText, '');
  });
});

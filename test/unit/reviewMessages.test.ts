import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelKeyOf, reviewEntries } from '../../src/extension/review/reviewOrder';
import { parseFromReviewMessage, parseToReviewMessage } from '../../src/shared/reviewMessages';
import { parseFromResultsMessage } from '../../src/shared/resultsMessages';
import type { SummaryRow } from '../../src/shared/summaryRow';

const row = (video: string, status: 'ok' | 'failed', result_file: string | null, prompt_id = 'critic-detailed'): SummaryRow => ({
  video, prompt_id, prompt_version: '1', model: 'm', mode: 'critic', status, score: status === 'ok' ? 0.5 : null, band: null, anomaly: null, violations: 0, categories: '', duration_s: 2, error: null, result_file,
});

describe('review messages', () => {
  it('accepts a label to save, and a null that takes it away', () => {
    const label = { label: 'bad', violations: [{ start_s: 1, end_s: 2, category: 'gravity', source: 'critic', critic_index: 0, description: 'floats' }], rejected: [] };
    assert.deepEqual(parseFromReviewMessage({ type: 'save', index: 2, label }), { type: 'save', index: 2, label });
    assert.deepEqual(parseFromReviewMessage({ type: 'save', index: 0, label: null }), { type: 'save', index: 0, label: null });
    assert.deepEqual(parseFromReviewMessage({ type: 'save', index: 0, label: { label: 4, violations: [], rejected: [] } }), { type: 'save', index: 0, label: { label: 4, violations: [], rejected: [] } });
  });

  it('rejects labels and times that cannot be right', () => {
    for (const label of [
      { label: 'maybe', violations: [], rejected: [] },
      { label: 6, violations: [], rejected: [] },
      { label: 'bad', violations: [{ start_s: 2, end_s: 1, category: 'gravity' }], rejected: [] },
      { label: 'bad', violations: [{ start_s: -1, end_s: 1, category: 'gravity' }], rejected: [] },
      { label: 'bad', violations: [{ start_s: 1, end_s: 1, category: ' ' }], rejected: [] },
      { label: 'bad', violations: [] },
    ]) {
      assert.equal(parseFromReviewMessage({ type: 'save', index: 0, label }), undefined, JSON.stringify(label));
    }
    assert.equal(parseFromReviewMessage({ type: 'go', index: -1 }), undefined);
    assert.equal(parseFromReviewMessage({ type: 'go', index: 1.5 }), undefined);
  });

  it('checks what the view receives', () => {
    assert.deepEqual(parseToReviewMessage({ type: 'saved', index: 1, labelled: 3, error: null }), { type: 'saved', index: 1, labelled: 3, error: null });
    assert.equal(parseToReviewMessage({ type: 'show', item: { index: 3, total: 2 } }), undefined);
  });

  it('the results browser asks for a review of its rows in its order', () => {
    const rows = [{ video: '/w/b.mp4', resultFile: 'results/b.json' }, { video: '/w/a.mp4', resultFile: null }];
    assert.deepEqual(parseFromResultsMessage({ type: 'review', rows }), { type: 'review', rows });
    assert.equal(parseFromResultsMessage({ type: 'review', rows: [{ video: 3 }] }), undefined);
  });
});

describe('review order', () => {
  const resolve = (file: string) => `/w/.cosmos-critic/${file}`;
  it('one entry per video, by path, with a finished result when there is one', () => {
    const rows = [row('/w/b.mp4', 'ok', 'results/b.json'), row('/w/a.mp4', 'failed', null), row('/w/a.mp4', 'ok', 'results/a.json', 'reward')];
    assert.deepEqual(reviewEntries(rows, resolve), [
      { video: '/w/a.mp4', resultFile: '/w/.cosmos-critic/results/a.json' },
      { video: '/w/b.mp4', resultFile: '/w/.cosmos-critic/results/b.json' },
    ]);
  });

  it('keeps the browser’s order, and a folder’s videos only when asked', () => {
    const rows = [row('/w/z/c.mp4', 'ok', 'results/c.json'), row('/w/b.mp4', 'ok', 'results/b.json')];
    assert.deepEqual(reviewEntries(rows, resolve, { ordered: true }).map((e) => e.video), ['/w/z/c.mp4', '/w/b.mp4']);
    assert.deepEqual(reviewEntries(rows, resolve, { under: '/w/z' }).map((e) => e.video), ['/w/z/c.mp4']);
  });

  it('names a video by its path under the workspace folder', () => {
    assert.equal(labelKeyOf('/w/clips/ball.mp4', ['/w']), 'clips/ball.mp4');
    assert.equal(labelKeyOf('/w/nested/clips/ball.mp4', ['/w', '/w/nested']), 'clips/ball.mp4');
    assert.equal(labelKeyOf('/elsewhere/ball.mp4', ['/w']), '/elsewhere/ball.mp4');
  });
});

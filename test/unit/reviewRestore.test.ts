import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LabelStore } from '../../src/engine/labels/labelStore';
import { readReviewPosition, restoreIndex, saveReviewPosition } from '../../src/engine/labels/reviewPosition';
import { entriesOf, labelKeyOf } from '../../src/extension/review/reviewOrder';
import { parseToReviewMessage } from '../../src/shared/reviewMessages';
import { MAX_REVIEW_ORDER, parseReviewState, REVIEW_STATE_VERSION, type ReviewState } from '../../src/shared/reviewState';
import type { SummaryRow } from '../../src/shared/summaryRow';

const row = (video: string, status: 'ok' | 'failed', result_file: string | null, prompt_id = 'critic-detailed'): SummaryRow => ({
  video, prompt_id, prompt_version: '1', model: 'm', mode: 'critic', status, score: status === 'ok' ? 0.5 : null, band: null, anomaly: null, violations: 0, categories: '', duration_s: 2, error: null, result_file,
});

const whole: ReviewState = {
  version: REVIEW_STATE_VERSION,
  keysShown: false,
  source: { dir: '/w/.cosmos-critic', under: null, order: [{ video: '/w/b.mp4', resultFile: 'results/b.json' }, { video: '/w/a.mp4', resultFile: null }] },
  video: '/w/a.mp4',
};

/** As VS Code keeps it: JSON. */
const throughJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('review state kept through a window reload', () => {
  it('restores a whole state as it was saved', () => {
    assert.deepEqual(parseReviewState(throughJson(whole)), { state: whole, problem: null });
    const under = { ...whole, source: { dir: '/w/.cosmos-critic', under: '/w/clips', order: null } };
    assert.deepEqual(parseReviewState(throughJson(under)), { state: under, problem: null });
  });

  it('a state from the version before (only whether the keys are shown) names no review, and says so', () => {
    const { state, problem } = parseReviewState({ keysShown: false });
    assert.deepEqual(state, { version: REVIEW_STATE_VERSION, keysShown: false, source: null, video: null });
    assert.match(problem ?? '', /older version/);
  });

  it('a state without a usable folder names no review', () => {
    for (const saved of [undefined, null, 'x', 7, [], [whole], { ...whole, source: 'x' }, { ...whole, source: { ...whole.source, dir: 'relative/dir' } }, { ...whole, source: { ...whole.source, dir: '' } }, { ...whole, source: { order: null, under: null } }]) {
      const { state, problem } = parseReviewState(saved);
      assert.equal(state.source, null, JSON.stringify(saved));
      assert.equal(state.video, null);
      assert.ok(problem, `says why: ${JSON.stringify(saved)}`);
    }
  });

  it('a damaged choice of videos falls back to the whole folder, from where a new review starts', () => {
    for (const source of [
      { ...whole.source, order: 'all' },
      { ...whole.source, order: [{ video: 3, resultFile: null }] },
      { ...whole.source, order: [{ video: '/w/a.mp4' }] },
      { ...whole.source, order: [null] },
      { ...whole.source, under: 'clips' },
      { ...whole.source, under: 5 },
      { dir: '/w/.cosmos-critic' },
    ]) {
      const { state, problem } = parseReviewState({ ...whole, source });
      assert.deepEqual(state.source, { dir: '/w/.cosmos-critic', under: null, order: null }, JSON.stringify(source));
      assert.equal(state.video, null, 'the video was of the damaged choice');
      assert.equal(state.keysShown, false);
      assert.match(problem ?? '', /damaged/);
    }
  });

  it('drops a damaged video but keeps the review', () => {
    const { state, problem } = parseReviewState({ ...whole, video: 12 });
    assert.deepEqual(state, { ...whole, video: null });
    assert.match(problem ?? '', /video/);
    assert.equal(parseReviewState({ ...whole, video: 'a.mp4' }).state.video, null, 'a relative path is not one the host sent');
  });

  it('keeps only the row fields, and refuses an order longer than any browser shows', () => {
    const extra = { ...whole, source: { ...whole.source, order: [{ video: '/w/a.mp4', resultFile: null, injected: '<b>' }] } };
    assert.deepEqual(parseReviewState(extra).state.source?.order, [{ video: '/w/a.mp4', resultFile: null }]);
    const huge = { ...whole, source: { ...whole.source, order: { length: MAX_REVIEW_ORDER + 1 } } };
    assert.equal(parseReviewState(huge).state.source?.order, null);
    const tooLong = new Array<{ video: string; resultFile: null }>(MAX_REVIEW_ORDER + 1).fill({ video: '/w/a.mp4', resultFile: null });
    assert.equal(parseReviewState({ ...whole, source: { ...whole.source, order: tooLong } }).state.source?.order, null);
  });

  it('keeps Windows paths', () => {
    const win = { ...whole, source: { dir: 'C:\\w\\.cosmos-critic', under: 'C:\\w\\clips', order: null }, video: 'C:\\w\\clips\\a.mp4' };
    assert.deepEqual(parseReviewState(win), { state: win, problem: null });
  });

  it('says when the state names another version, and keeps what validates', () => {
    const { state, problem } = parseReviewState({ ...whole, version: 2 });
    assert.deepEqual(state, whole);
    assert.match(problem ?? '', /version 2/);
  });

  it('the view takes the source the host sends, and nothing malformed', () => {
    assert.deepEqual(parseToReviewMessage({ type: 'source', source: whole.source }), { type: 'source', source: whole.source });
    assert.equal(parseToReviewMessage({ type: 'source', source: { ...whole.source, dir: 'relative' } }), undefined);
    assert.equal(parseToReviewMessage({ type: 'source', source: { ...whole.source, order: [{}] } }), undefined);
    assert.equal(parseToReviewMessage({ type: 'source' }), undefined);
  });
});

describe('choosing the video to reopen a review at', () => {
  const order = ['a.mp4', 'b.mp4', 'c.mp4', 'd.mp4'];
  const labelledOf = (...done: string[]) => (key: string) => done.includes(key);

  it('the video shown when the window reloaded, labelled or not', () => {
    assert.equal(restoreIndex(order, labelledOf('b.mp4'), 'b.mp4', 'd.mp4'), 1);
    assert.equal(restoreIndex(order, labelledOf(), 'c.mp4', null), 2);
  });

  it('else where a new review resumes: after the last video shown, the next without a label', () => {
    assert.equal(restoreIndex(order, labelledOf('b.mp4', 'c.mp4'), 'gone.mp4', 'b.mp4'), 3);
    assert.equal(restoreIndex(order, labelledOf('a.mp4'), null, null), 1);
    assert.equal(restoreIndex(order, labelledOf(...order), null, 'c.mp4'), 2, 'all labelled: the one shown last');
    assert.equal(restoreIndex(order, labelledOf(...order), 'gone.mp4', 'gone too.mp4'), 0);
    assert.equal(restoreIndex([], labelledOf(), 'a.mp4', 'a.mp4'), 0);
  });

  it('through the real labels file and position file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cosmos-critic-review-restore-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const labels = join(dir, 'labels.jsonl');
    const store = await LabelStore.open(labels, { user: 'tester' });
    await store.set('clips/a.mp4', 'good', []);
    await store.set('clips/b.mp4', 'bad', []);
    await saveReviewPosition(labels, 'clips/b.mp4');
    assert.deepEqual(readdirSync(dir).sort(), ['.labels.review-position.json', 'labels.jsonl']);
    assert.equal(readFileSync(labels, 'utf8').trim().split('\n').length, 2);

    // A new window: the labels and the position come from the files.
    const reopened = await LabelStore.open(labels, { user: 'tester' });
    const last = (await readReviewPosition(labels))?.video ?? null;
    const keys = ['/w/clips/a.mp4', '/w/clips/b.mp4', '/w/clips/c.mp4'].map((v) => labelKeyOf(v, ['/w']));
    const labelled = (key: string) => reopened.get(key) !== undefined;
    assert.equal(restoreIndex(keys, labelled, labelKeyOf('/w/clips/a.mp4', ['/w']), last), 0, 'the view showed a.mp4: back at it');
    assert.equal(restoreIndex(keys, labelled, null, last), 2, 'no video kept: the first without a label after b.mp4');
  });
});

describe('choosing the videos of a restored review again', () => {
  const resolve = (file: string) => `/w/.cosmos-critic/${file}`;
  const rows = [row('/w/b.mp4', 'ok', 'results/b.json'), row('/w/a.mp4', 'failed', null), row('/w/a.mp4', 'ok', 'results/a.json', 'reward'), row('/w/clips/c.mp4', 'ok', 'results/c.json')];

  it('the results browser’s order, kept through the state, gives the same videos in the same order', () => {
    const order = [{ video: '/w/clips/c.mp4', resultFile: 'results/c.json' }, { video: '/w/a.mp4', resultFile: 'results/a.json' }, { video: '/w/b.mp4', resultFile: 'results/b.json' }];
    const before = entriesOf(rows, resolve, { under: null, order });
    assert.deepEqual(before.map((e) => e.video), ['/w/clips/c.mp4', '/w/a.mp4', '/w/b.mp4']);
    const saved = parseReviewState(throughJson({ version: REVIEW_STATE_VERSION, keysShown: true, source: { dir: '/w/.cosmos-critic', under: null, order }, video: '/w/a.mp4' })).state;
    const after_ = entriesOf(rows, resolve, saved.source!);
    assert.deepEqual(after_, before);
    assert.equal(after_.findIndex((e) => e.video === saved.video), 1);
  });

  it('a folder of videos, or the whole results folder by path', () => {
    assert.deepEqual(entriesOf(rows, resolve, { under: '/w/clips', order: null }).map((e) => e.video), ['/w/clips/c.mp4']);
    assert.deepEqual(entriesOf(rows, resolve, { under: null, order: null }), [
      { video: '/w/a.mp4', resultFile: '/w/.cosmos-critic/results/a.json' },
      { video: '/w/b.mp4', resultFile: '/w/.cosmos-critic/results/b.json' },
      { video: '/w/clips/c.mp4', resultFile: '/w/.cosmos-critic/results/c.json' },
    ]);
  });

  it('an order cannot add videos the folder has no rows for', () => {
    const order = [{ video: '/etc/passwd', resultFile: '../../etc/passwd' }, { video: '/w/b.mp4', resultFile: 'results/b.json' }];
    assert.deepEqual(entriesOf(rows, resolve, { under: null, order }).map((e) => e.video), ['/w/b.mp4']);
  });
});

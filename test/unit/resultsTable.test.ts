import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResultRowView, ResultsSourceView } from '../../src/shared/resultsMessages';
import { defaultPair, groupKey, groupsOf, promptScopes } from '../../webview/results/groups';
import { filterRows, formatMetric, scrollToRow, sortRows, toTableRows, visibleWindow, type TableRow } from '../../webview/results/tableModel';

function row(video: string, score: number | null, extra: Partial<ResultRowView> = {}): ResultRowView {
  return {
    video, prompt_id: 'reward', prompt_version: '1', model: 'm1', mode: 'reward', status: score === null ? 'failed' : 'ok', score,
    band: score === null ? null : score >= 0.7 ? 'high' : score >= 0.3 ? 'medium' : 'low',
    anomaly: score === null ? null : score >= 0.5 ? 'No' : 'Yes', violations: score === null ? null : 0, categories: '', duration_s: 2,
    error: score === null ? 'decode failed: truncated file' : null, result_file: score === null ? null : `results/${video}.json`, ...extra,
  };
}

const source = (rows: ResultRowView[], id = 0): ResultsSourceView => ({ id, label: id ? `other ${id}` : 'here', dir: id ? '/other' : '/ws/.cosmos-critic', rows });

function tableOf(rows: ResultRowView[]): TableRow[] {
  return toTableRows([source(rows)]);
}

const names = (rows: readonly TableRow[]) => rows.map((r) => r.name);

describe('results table: sorting', () => {
  const rows = tableOf([
    row('/v/b.mp4', 0.5),
    row('/v/a.mp4', 0.9, { violations: 3, categories: 'collision;gravity', duration_s: 10 }),
    row('/v/broken.mp4', null),
    row('/v/c.mp4', 0.1, { violations: 1, categories: 'gravity', duration_s: 1 }),
    row('/v/clip10.mp4', 0.5),
    row('/v/clip9.mp4', 0.5),
  ]);

  it('sorts by score either way, with failed rows (no score) last both ways, ties by name in natural order', () => {
    assert.deepEqual(names(sortRows(rows, 'score', false)), ['c.mp4', 'b.mp4', 'clip9.mp4', 'clip10.mp4', 'a.mp4', 'broken.mp4']);
    assert.deepEqual(names(sortRows(rows, 'score', true)), ['a.mp4', 'b.mp4', 'clip9.mp4', 'clip10.mp4', 'c.mp4', 'broken.mp4']);
  });

  it('sorts by band in score order, by video name naturally, and by violations, categories and duration', () => {
    assert.deepEqual(names(sortRows(rows, 'band', true)).slice(0, 1), ['a.mp4']);
    assert.equal(sortRows(rows, 'band', false).at(-1)!.name, 'broken.mp4');
    assert.deepEqual(names(sortRows(rows, 'video', false)), ['a.mp4', 'b.mp4', 'broken.mp4', 'c.mp4', 'clip9.mp4', 'clip10.mp4']);
    assert.deepEqual(names(sortRows(rows, 'violations', true)).slice(0, 2), ['a.mp4', 'c.mp4']);
    assert.deepEqual(names(sortRows(rows, 'categories', false)).slice(0, 2), ['a.mp4', 'c.mp4']);
    assert.equal(sortRows(rows, 'categories', true).at(-1)!.name, 'clip10.mp4', 'rows without categories stay last');
    assert.deepEqual(names(sortRows(rows, 'duration', true)).slice(0, 1), ['a.mp4']);
    assert.deepEqual(names(sortRows(rows, 'error', false)).slice(0, 1), ['broken.mp4']);
  });

  it('does not change its input', () => {
    const before = names(rows);
    sortRows(rows, 'score', true);
    assert.deepEqual(names(rows), before);
  });
});

describe('results table: filtering', () => {
  const rows = tableOf([
    row('/v/Ball-Drop.mp4', 0.2, { categories: 'gravity' }),
    row('/v/robot_arm.mp4', 0.8, { categories: 'collision;object_interaction' }),
    row('/v/broken.mp4', null),
  ]);

  it('matches every word of the filter text in the video name, categories or error, ignoring case', () => {
    assert.deepEqual(names(filterRows(rows, { text: 'ball', band: '', group: '' })), ['Ball-Drop.mp4']);
    assert.deepEqual(names(filterRows(rows, { text: 'COLLISION', band: '', group: '' })), ['robot_arm.mp4']);
    assert.deepEqual(names(filterRows(rows, { text: 'truncated', band: '', group: '' })), ['broken.mp4']);
    assert.deepEqual(names(filterRows(rows, { text: 'robot gravity', band: '', group: '' })), []);
    assert.equal(filterRows(rows, { text: '  ', band: '', group: '' }).length, 3);
  });

  it('filters by band, by failure and by group', () => {
    assert.deepEqual(names(filterRows(rows, { text: '', band: 'low', group: '' })), ['Ball-Drop.mp4']);
    assert.deepEqual(names(filterRows(rows, { text: '', band: 'failed', group: '' })), ['broken.mp4']);
    const other = toTableRows([source([row('/v/a.mp4', 0.5)]), source([row('/v/a.mp4', 0.4, { model: 'm2' })], 1)]);
    const key = groupKey(1, { prompt_id: 'reward', prompt_version: '1', model: 'm2' });
    assert.deepEqual(filterRows(other, { text: '', band: '', group: key }).map((r) => r.score), [0.4]);
  });
});

describe('results table: the window of rows in the DOM', () => {
  it('shows the rows in view plus the overscan', () => {
    assert.deepEqual(visibleWindow(0, 240, 24, 100, 5), { start: 0, end: 16, offset: 0, height: 2400 });
    // Scrolled to row 50: rows 45…65 (10 in view + 1 partly, 5 either side).
    assert.deepEqual(visibleWindow(1200, 240, 24, 100, 5), { start: 45, end: 66, offset: 1080, height: 2400 });
  });

  it('clamps a scroll position past the end (after filtering) and handles an empty table', () => {
    const w = visibleWindow(1e6, 240, 24, 20, 5);
    assert.equal(w.end, 20);
    assert.ok(w.start >= 0 && w.start < 20);
    assert.deepEqual(visibleWindow(500, 240, 24, 0), { start: 0, end: 0, offset: 0, height: 0 });
    assert.deepEqual(visibleWindow(-50, 240, 24, 3, 2), { start: 0, end: 3, offset: 0, height: 72 });
  });

  it('keeps the DOM bounded at 10,000 rows wherever the table is scrolled', () => {
    const total = 10_000;
    const rowHeight = 24;
    const viewport = 600;
    const overscan = 8;
    const bound = Math.ceil(viewport / rowHeight) + 1 + 2 * overscan;
    const rows = tableOf(Array.from({ length: total }, (_, i) => row(`/v/clip${i}.mp4`, (i % 1000) / 1000)));
    const sorted = sortRows(rows, 'score', true);
    let covered = 0;
    for (let scrollTop = 0; scrollTop <= total * rowHeight; scrollTop += 997) {
      const w = visibleWindow(scrollTop, viewport, rowHeight, sorted.length, overscan);
      const rendered = sorted.slice(w.start, w.end);
      assert.ok(rendered.length <= bound, `${rendered.length} rows rendered at ${scrollTop}`);
      assert.ok(rendered.length >= Math.floor(viewport / rowHeight), 'the viewport is always filled');
      assert.equal(w.height, total * rowHeight);
      // The first row in view is rendered, at its place.
      const firstInView = Math.min(total - 1, Math.floor(Math.min(scrollTop, total * rowHeight - viewport) / rowHeight));
      assert.ok(w.start <= firstInView && firstInView < w.end);
      assert.equal(w.offset, w.start * rowHeight);
      covered++;
    }
    assert.ok(covered > 200);
    const last = visibleWindow(total * rowHeight, viewport, rowHeight, total, overscan);
    assert.equal(last.end, total);
  });

  it('sorts and filters 10,000 rows quickly enough to redo on every keystroke', () => {
    const rows = tableOf(Array.from({ length: 10_000 }, (_, i) => row(`/v/clip${i}.mp4`, (i * 7919 % 10_000) / 10_000, { categories: i % 3 ? 'gravity' : '' })));
    const started = performance.now();
    const sorted = sortRows(rows, 'score', false);
    const shown = filterRows(sorted, { text: 'clip1 gravity', band: '', group: '' });
    const elapsed = performance.now() - started;
    assert.ok(shown.length > 0 && shown.every((r) => r.name.includes('clip1') && r.categories === 'gravity'));
    assert.ok(elapsed < 1000, `${elapsed.toFixed(0)} ms`);
  });

  it('scrolls a row into view only when it is out of view', () => {
    assert.equal(scrollToRow(5, 0, 240, 24), 0);
    assert.equal(scrollToRow(20, 0, 240, 24), 21 * 24 - 240);
    assert.equal(scrollToRow(2, 480, 240, 24), 48);
  });
});

describe('results groups', () => {
  const sources = [
    source([row('/v/a.mp4', 0.5), row('/v/b.mp4', 0.6), row('/v/a.mp4', 0.7, { model: 'm2' }), row('/v/a.mp4', 0.4, { prompt_version: '2' })]),
    source([row('/v/a.mp4', 0.1)], 1),
  ];

  it('groups rows by folder, prompt version and model, and ranks them by prompt version', () => {
    const groups = groupsOf(sources);
    assert.deepEqual(groups.map((g) => [g.label, g.rows.length]), [
      ['reward v1 · m1', 2],
      ['reward v1 · m2', 1],
      ['reward v2 · m1', 1],
      ['reward v1 · m1 [other 1]', 1],
    ]);
    // Checkpoints are ranked per prompt version, across folders.
    const scopes = promptScopes(groups, sources);
    assert.deepEqual(scopes.map((s) => [s.label, s.runs.map((r) => r.label)]), [['reward v1', ['m1', 'm2', 'm1 [other 1]']], ['reward v2', ['m1']]]);
  });

  it('picks two different groups to compare, keeping saved ones that still exist', () => {
    const groups = groupsOf(sources);
    assert.deepEqual(defaultPair(groups, '', ''), [groups[0]!.key, groups[1]!.key]);
    assert.deepEqual(defaultPair(groups, groups[2]!.key, groups[3]!.key), [groups[2]!.key, groups[3]!.key]);
    assert.deepEqual(defaultPair(groups, groups[1]!.key, groups[1]!.key), [groups[1]!.key, groups[0]!.key]);
    assert.deepEqual(defaultPair([], 'x', 'y'), ['', '']);
  });
});

describe('results table: metric columns', () => {
  const rows = tableOf([
    row('/v/a.mp4', 0.9, { metrics: { sampson_error: 2.5, fvd: 310 } }),
    row('/v/b.mp4', 0.5, { metrics: { sampson_error: 0.25 } }),
    row('/v/c.mp4', 0.1),
    row('/v/d.mp4', 0.4, { metrics: { sampson_error: 1 } }),
  ]);

  it('sorts by a metric either way; videos without a value come last both ways', () => {
    assert.deepEqual(names(sortRows(rows, 'metric:sampson_error', false)), ['b.mp4', 'd.mp4', 'a.mp4', 'c.mp4']);
    assert.deepEqual(names(sortRows(rows, 'metric:sampson_error', true)), ['a.mp4', 'd.mp4', 'b.mp4', 'c.mp4']);
    assert.deepEqual(names(sortRows(rows, 'metric:fvd', true)), ['a.mp4', 'b.mp4', 'c.mp4', 'd.mp4']);
  });

  it('shows a metric with four significant digits, and nothing when the video has no value', () => {
    assert.equal(formatMetric(undefined), '');
    assert.equal(formatMetric(2.5), '2.5');
    assert.equal(formatMetric(310.123456), '310.1');
    assert.equal(formatMetric(0), '0');
    assert.equal(formatMetric(0.000012346), '1.235e-5');
    assert.equal(formatMetric(12345678), '1.235e+7');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Violation } from '../../src/shared/result';
import { REVIEW_ACTIONS, REVIEW_KEYMAP, reviewActionFor, scoreOf } from '../../src/shared/reviewKeymap';
import { draftFromReview, edit, labelFromDraft, stepSelection, undecided, undo, type DraftHistory } from '../../webview/review/reviewDraft';
import { densityBins, dragSpan, drawnSpan, follow, fullWindow, grabAt, MIN_SPAN_S, pan, MIN_WINDOW_S, rulerTicks, snapToFrame, timeToX, xToTime, zoomAt } from '../../webview/review/timelineGeometry';

const v = (start_s: number | null, end_s: number | null, category = 'gravity', description = 'the ball floats'): Violation => ({ category, component: 'Ball', start_s, end_s, description, trial: 0 });

describe('review keymap', () => {
  it('binds every action, and no key twice', () => {
    assert.deepEqual(new Set(REVIEW_KEYMAP.map((b) => b.action)), new Set(REVIEW_ACTIONS));
    const keys = REVIEW_KEYMAP.flatMap((b) => b.keys);
    assert.equal(new Set(keys).size, keys.length);
  });

  it('maps key presses to actions', () => {
    assert.equal(reviewActionFor({ key: 'j' }), 'nextVideo');
    assert.equal(reviewActionFor({ key: 'N', shiftKey: true }), 'previousViolation');
    assert.equal(reviewActionFor({ key: 'n' }), 'nextViolation');
    assert.equal(reviewActionFor({ key: ' ' }), 'playPause');
    assert.equal(reviewActionFor({ key: 'z', ctrlKey: true }), 'undo');
    assert.equal(reviewActionFor({ key: 'z', metaKey: true }), 'undo');
    assert.equal(reviewActionFor({ key: 'g', altKey: true }), undefined);
    assert.equal(reviewActionFor({ key: 'Tab' }), undefined);
    assert.equal(reviewActionFor({ key: 'c', ctrlKey: true }), undefined, 'copy stays the editor’s');
    assert.equal(scoreOf(reviewActionFor({ key: '4' })!), 4);
    assert.equal(scoreOf('markGood'), undefined);
  });
});

describe('review draft', () => {
  const critic = [v(2, 3, 'collision'), v(0.5, 1), v(null, null, 'other')];
  const start = (): DraftHistory => ({ current: draftFromReview(critic, null), past: [] });

  it('lists the critic’s violations in time order, untimed last, undecided', () => {
    const d = draftFromReview(critic, null);
    assert.deepEqual(d.violations.map((x) => [x.critic_index, x.decision]), [[1, null], [0, null], [2, null]]);
    assert.equal(d.label, null);
    assert.equal(undecided(d), 3);
    assert.equal(labelFromDraft(d), null, 'nothing to save before a label');
  });

  it('labels, accepts, rejects, re-times and adds; the saved label holds only confirmed timed violations', () => {
    let h = start();
    h = edit(h, { type: 'label', label: 'bad' });
    h = edit(h, { type: 'decide', index: 0, decision: 'rejected' });
    h = edit(h, { type: 'retime', index: 1, start_s: 2.1, end_s: 2.4 });
    h = edit(h, { type: 'decide', index: 2, decision: 'accepted' });
    h = edit(h, { type: 'add', start_s: 4, end_s: 4.25, category: 'object_permanence' });
    assert.equal(h.current.selected, 3);
    assert.deepEqual(labelFromDraft(h.current), {
      label: 'bad',
      violations: [
        { start_s: 2.1, end_s: 2.4, category: 'collision', source: 'critic', critic_index: 0, description: 'the ball floats' },
        { start_s: 4, end_s: 4.25, category: 'object_permanence', source: 'added' },
      ],
      rejected: [{ start_s: 0.5, end_s: 1, category: 'gravity', source: 'critic', critic_index: 1, description: 'the ball floats' }],
    });
  });

  it('undoes one change at a time; selections are not changes', () => {
    let h = start();
    h = edit(h, { type: 'label', label: 'good' });
    h = edit(h, { type: 'select', index: 2 });
    h = edit(h, { type: 'label', label: 3 });
    assert.equal(h.past.length, 2);
    h = undo(h);
    assert.equal(h.current.label, 'good');
    h = undo(h);
    assert.equal(h.current.label, null);
    assert.equal(undo(h), h);
  });

  it('ignores impossible changes', () => {
    const h = start();
    assert.equal(edit(h, { type: 'retime', index: 0, start_s: 3, end_s: 2 }), h);
    assert.equal(edit(h, { type: 'decide', index: 9, decision: 'accepted' }), h);
    assert.equal(edit(h, { type: 'add', start_s: -1, end_s: 2, category: 'gravity' }), h);
  });

  it('rejecting an added violation takes it away', () => {
    let h = edit(start(), { type: 'add', start_s: 1, end_s: 2, category: 'gravity' });
    h = edit(h, { type: 'decide', index: 3, decision: 'rejected' });
    assert.equal(h.current.violations.length, 3);
    assert.equal(h.current.selected, 2);
  });

  it('comes back from a saved label as it was left', () => {
    let h = start();
    h = edit(h, { type: 'label', label: 2 });
    h = edit(h, { type: 'decide', index: 0, decision: 'rejected' });
    h = edit(h, { type: 'retime', index: 1, start_s: 1.9, end_s: 3.2 });
    h = edit(h, { type: 'add', start_s: 4, end_s: 5, category: 'fluid_dynamics' });
    const saved = labelFromDraft(h.current)!;
    const again = draftFromReview(critic, { label: saved.label, violations: saved.violations, rejected_violations: saved.rejected });
    assert.deepEqual(labelFromDraft(again), saved);
    assert.deepEqual(again.violations.map((x) => x.decision), ['rejected', 'accepted', null, 'accepted']);
  });

  it('steps through violations, wrapping round', () => {
    const d = draftFromReview(critic, null);
    assert.equal(stepSelection(d, 1), 1);
    assert.equal(stepSelection({ ...d, selected: 2 }, 1), 0);
    assert.equal(stepSelection({ ...d, selected: 0 }, -1), 2);
    assert.equal(stepSelection(draftFromReview([], null), 1), -1);
  });
});

describe('review timeline geometry', () => {
  it('maps time to pixels and back in a zoomed window', () => {
    const w = { start_s: 2, end_s: 4 };
    assert.equal(timeToX(w, 400, 3), 200);
    assert.equal(xToTime(w, 400, 100), 2.5);
  });

  it('zooms about the anchor, down to a tenth of a second, never past the video', () => {
    let w = fullWindow(10);
    w = zoomAt(w, 10, 2, 5);
    assert.deepEqual(w, { start_s: 2.5, end_s: 7.5 });
    for (let i = 0; i < 20; i++) w = zoomAt(w, 10, 2, 5.05);
    assert.ok(Math.abs(w.end_s - w.start_s - MIN_WINDOW_S) < 1e-9);
    assert.ok(w.start_s <= 5.05 && w.end_s >= 5.05);
    assert.deepEqual(zoomAt({ start_s: 8, end_s: 10 }, 10, 0.5, 9.5), { start_s: 6, end_s: 10 }, 'zooming out at the end stays inside');
    assert.deepEqual(zoomAt(w, 10, 0.001, 5), fullWindow(10));
  });

  it('pans inside the video', () => {
    assert.deepEqual(pan({ start_s: 2, end_s: 4 }, 10, 1), { start_s: 3, end_s: 5 });
    assert.deepEqual(pan({ start_s: 2, end_s: 4 }, 10, -5), { start_s: 0, end_s: 2 });
  });

  it('follows the playhead out of view', () => {
    assert.deepEqual(follow({ start_s: 0, end_s: 1 }, 10, 5), { start_s: 4.5, end_s: 5.5 });
    assert.deepEqual(follow({ start_s: 0, end_s: 1 }, 10, 0.5), { start_s: 0, end_s: 1 });
    assert.deepEqual(follow({ start_s: 0, end_s: 1 }, 10, 9.9), { start_s: 9, end_s: 10 });
  });

  it('grabs the nearest edge, else the body, else nothing', () => {
    const w = { start_s: 0, end_s: 10 };
    const spans = [{ start_s: 1, end_s: 3 }, null, { start_s: 3.1, end_s: 5 }];
    assert.deepEqual(grabAt(spans, w, 1000, 98), { index: 0, handle: 'start' });
    assert.deepEqual(grabAt(spans, w, 1000, 303), { index: 0, handle: 'end' });
    assert.deepEqual(grabAt(spans, w, 1000, 308), { index: 2, handle: 'start' });
    assert.deepEqual(grabAt(spans, w, 1000, 200), { index: 0, handle: 'body' });
    assert.equal(grabAt(spans, w, 1000, 700), null);
    assert.deepEqual(grabAt(spans, w, 1000, 200, 6, [0, 0, 1], 1), null, 'another lane');
  });

  it('drags an edge without crossing the other, and the body inside the video', () => {
    const s = { start_s: 2, end_s: 3 };
    assert.deepEqual(dragSpan(s, 'start', -0.5, 10), { start_s: 1.5, end_s: 3 });
    assert.deepEqual(dragSpan(s, 'start', 5, 10), { start_s: 3 - MIN_SPAN_S, end_s: 3 });
    assert.deepEqual(dragSpan(s, 'end', 20, 10), { start_s: 2, end_s: 10 });
    assert.deepEqual(dragSpan(s, 'body', -5, 10), { start_s: 0, end_s: 1 });
    assert.deepEqual(dragSpan(s, 'body', 8, 10), { start_s: 9, end_s: 10 });
    assert.deepEqual(drawnSpan(5, 4, 10), { start_s: 4, end_s: 5 });
    assert.equal(drawnSpan(4, 4.001, 10), null);
    assert.equal(snapToFrame(1.013, 25), 1.0);
  });

  it('counts where violations cluster', () => {
    assert.deepEqual(densityBins([{ start_s: 0, end_s: 1 }, { start_s: 0.5, end_s: 0.6 }, { start_s: 9, end_s: 9 }, null], 10, 10), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0.5]);
    assert.deepEqual(densityBins([], 10, 4), [0, 0, 0, 0]);
  });

  it('puts ruler ticks at round steps', () => {
    assert.deepEqual(rulerTicks({ start_s: 0, end_s: 10 }, 5), [0, 2, 4, 6, 8, 10]);
    assert.deepEqual(rulerTicks({ start_s: 1.03, end_s: 1.13 }, 5), [1.04, 1.06, 1.08, 1.1, 1.12]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Violation } from '../../src/shared/result';
import {
  activeViolations,
  formatMarkerTime,
  layoutMarkers,
  markerCategory,
  markerLabel,
  POINT_WINDOW_S,
  violationSpan,
} from '../../webview/player/markerLayout';

function violation(start_s: number | null, end_s: number | null, category = 'gravity', description = 'the ball floats'): Violation {
  return { category, component: 'Ball', start_s, end_s, description, trial: 0 };
}

describe('player: violation spans', () => {
  it('a start before the end is a range; equal times, or one time, are a point', () => {
    assert.deepEqual(violationSpan(violation(1, 2)), { start_s: 1, end_s: 2, point: false });
    assert.deepEqual(violationSpan(violation(2.5, 2.5)), { start_s: 2.5, end_s: 2.5, point: true });
    assert.deepEqual(violationSpan(violation(3, null)), { start_s: 3, end_s: 3, point: true });
    assert.deepEqual(violationSpan(violation(null, 4)), { start_s: 4, end_s: 4, point: true });
  });

  it('puts reversed times in order and clamps negative ones to 0', () => {
    assert.deepEqual(violationSpan(violation(5, 2)), { start_s: 2, end_s: 5, point: false });
    assert.deepEqual(violationSpan(violation(-1, 1)), { start_s: 0, end_s: 1, point: false });
  });

  it('has no span without a time', () => {
    assert.equal(violationSpan(violation(null, null)), null);
  });
});

describe('player: marker layout', () => {
  it('places points at their time and ranges from start to end, in percent of the duration', () => {
    const layout = layoutMarkers(10, [violation(2.5, 2.5), violation(4, 6, 'collision')]);
    assert.equal(layout.markers.length, 2);
    const [point, range] = layout.markers;
    assert.equal(point!.left_pct, 25);
    assert.equal(point!.width_pct, 0);
    assert.equal(point!.span.point, true);
    assert.equal(range!.left_pct, 40);
    assert.ok(Math.abs(range!.width_pct - 20) < 1e-9);
    assert.equal(range!.category, 'collision');
    assert.equal(layout.lanes, 1);
  });

  it('lists violations without times apart, keeping their index in the result', () => {
    const layout = layoutMarkers(10, [violation(null, null), violation(1, 1), violation(null, null, 'fluid_dynamics')]);
    assert.deepEqual(layout.markers.map((m) => m.index), [1]);
    assert.deepEqual(layout.untimed.map((u) => [u.index, u.category]), [[0, 'gravity'], [2, 'fluid_dynamics']]);
  });

  it('clamps times past the end of the video onto the track, and keeps the real time in the label', () => {
    const layout = layoutMarkers(3, [violation(2, 9), violation(12, 12)]);
    assert.equal(layout.markers[0]!.left_pct + layout.markers[0]!.width_pct, 100);
    assert.equal(layout.markers[1]!.left_pct, 100);
    assert.match(layout.markers[1]!.label, /at 12s$/);
  });

  it('stacks overlapping markers on separate lanes, and reuses a lane once it is free', () => {
    const layout = layoutMarkers(100, [violation(10, 30), violation(20, 40), violation(25, 25), violation(50, 60)]);
    const lanes = layout.markers.map((m) => m.lane);
    assert.equal(new Set(lanes.slice(0, 3)).size, 3, 'three overlapping markers, three lanes');
    assert.equal(lanes[3], 0, 'a later marker goes back to the first lane');
    assert.equal(layout.lanes, 3);
  });

  it('keeps points closer than the minimum gap apart, and never uses more lanes than allowed', () => {
    const close = layoutMarkers(100, [violation(50, 50), violation(50.5, 50.5)], { minGapPct: 1.5, maxLanes: 4 });
    assert.notEqual(close.markers[0]!.lane, close.markers[1]!.lane);
    const crowd = Array.from({ length: 10 }, () => violation(5, 6));
    const capped = layoutMarkers(10, crowd, { minGapPct: 1.5, maxLanes: 4 });
    assert.equal(capped.lanes, 4);
    assert.ok(capped.markers.every((m) => m.lane < 4));
  });

  it('has a track of one lane, and nothing on it, when there are no violations or no duration', () => {
    assert.deepEqual(layoutMarkers(10, []), { markers: [], untimed: [], lanes: 1 });
    assert.equal(layoutMarkers(0, [violation(1, 1)]).markers[0]!.left_pct, 0);
  });
});

describe('player: labels and categories', () => {
  it('labels a marker "<category>: <description> at <t>s"', () => {
    const point = violation(2.5, 2.5, 'gravity', 'the ball rises');
    assert.equal(markerLabel(point, violationSpan(point)!), 'gravity: the ball rises at 2.5s');
    const range = violation(1, 2.25, 'collision', 'the hand passes through the cup');
    assert.equal(markerLabel(range, violationSpan(range)!), 'collision: the hand passes through the cup at 1s–2.25s');
  });

  it('maps unknown categories to "other"', () => {
    assert.equal(markerCategory('object_permanence'), 'object_permanence');
    assert.equal(markerCategory('teleportation'), 'other');
    assert.equal(markerLabel(violation(1, 1, 'teleportation', 'x'), violationSpan(violation(1, 1))!), 'other: x at 1s');
  });

  it('writes times with at most two decimals', () => {
    assert.deepEqual([0, 3, 2.5, 0.125, 1 / 3, 10.999].map(formatMarkerTime), ['0', '3', '2.5', '0.13', '0.33', '11']);
  });
});

describe('player: the violation on screen', () => {
  const violations = [violation(2.5, 2.5), violation(4, 6, 'collision'), violation(null, null, 'other')];

  it('shows a point within half a second either side of its time', () => {
    assert.deepEqual(activeViolations(violations, 2.5), [0]);
    assert.deepEqual(activeViolations(violations, 2.5 - POINT_WINDOW_S), [0]);
    assert.deepEqual(activeViolations(violations, 3.0), [0]);
    assert.deepEqual(activeViolations(violations, 3.01), []);
    assert.deepEqual(activeViolations(violations, 1.99), []);
  });

  it('shows a range from its start to its end, inclusive', () => {
    assert.deepEqual(activeViolations(violations, 4), [1]);
    assert.deepEqual(activeViolations(violations, 5.2), [1]);
    assert.deepEqual(activeViolations(violations, 6), [1]);
    assert.deepEqual(activeViolations(violations, 6.01), []);
  });

  it('shows every violation that is on screen at once, never an untimed one', () => {
    const overlapping = [violation(4.2, 4.2), ...violations];
    assert.deepEqual(activeViolations(overlapping, 4.5), [0, 2]);
  });
});

// Where the violation markers go on the timeline, and which violations are "now": pure arithmetic, no DOM.
import type { Violation } from '../../src/shared/result.js';
import { VIOLATION_CATEGORIES } from '../../src/shared/violationCategories.js';

export const MARKER_CATEGORIES = [...VIOLATION_CATEGORIES, 'other'] as const;

export type MarkerCategory = (typeof MARKER_CATEGORIES)[number];

/** A point violation counts as on screen this long either side of its time. */
export const POINT_WINDOW_S = 0.5;

export interface LayoutOptions {
  /** Markers closer than this (percent of the track) go on separate lanes, so that each can be hovered and clicked. */
  minGapPct: number;
  maxLanes: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = { minGapPct: 1.5, maxLanes: 4 };

/** When a violation happens: a point, or a range when it has a start before its end. */
export interface ViolationSpan {
  start_s: number;
  end_s: number;
  point: boolean;
}

export interface MarkerPlacement {
  /** Index into the result's violations. */
  index: number;
  violation: Violation;
  category: MarkerCategory;
  span: ViolationSpan;
  /** Left edge of a range, or the centre of a point, in percent of the track. */
  left_pct: number;
  /** Width of a range in percent of the track; 0 for a point. */
  width_pct: number;
  lane: number;
  /** "<category>: <description> at <t>s" (a range: "at <start>s–<end>s"). */
  label: string;
}

export interface MarkerLayout {
  markers: MarkerPlacement[];
  /** Violations that give no time: listed, not on the timeline. */
  untimed: { index: number; violation: Violation; category: MarkerCategory }[];
  lanes: number;
}

export function markerCategory(category: string): MarkerCategory {
  return (MARKER_CATEGORIES as readonly string[]).includes(category) ? (category as MarkerCategory) : 'other';
}

/** Seconds as the labels show them: at most two decimals, no trailing zeros ("2.5", "3", "0.13"). */
export function formatMarkerTime(seconds: number): string {
  return String(Number(seconds.toFixed(2)));
}

export function violationSpan(violation: Pick<Violation, 'start_s' | 'end_s'>): ViolationSpan | null {
  const times = [violation.start_s, violation.end_s].filter((t): t is number => t !== null && Number.isFinite(t));
  if (times.length === 0) return null;
  const start_s = Math.max(0, Math.min(...times));
  const end_s = Math.max(0, Math.max(...times));
  return { start_s, end_s, point: !(start_s < end_s) };
}

export function markerLabel(violation: Violation, span: ViolationSpan): string {
  const when = span.point
    ? `${formatMarkerTime(span.start_s)}s`
    : `${formatMarkerTime(span.start_s)}s–${formatMarkerTime(span.end_s)}s`;
  return `${markerCategory(violation.category)}: ${violation.description} at ${when}`;
}

function percentOf(time_s: number, duration_s: number): number {
  return duration_s > 0 ? Math.min(100, Math.max(0, (time_s / duration_s) * 100)) : 0;
}

/**
 * Places a marker per timed violation on a track as long as the video: points at their time, ranges from start to
 * end, clamped to the video. Markers that would overlap (or sit closer than `minGapPct`) take the next lane, up to
 * `maxLanes`; past that they share the lane that frees up first.
 */
export function layoutMarkers(duration_s: number, violations: readonly Violation[], options: LayoutOptions = DEFAULT_LAYOUT): MarkerLayout {
  const untimed: MarkerLayout['untimed'] = [];
  const placed: Omit<MarkerPlacement, 'lane'>[] = [];
  violations.forEach((violation, index) => {
    const category = markerCategory(violation.category);
    const span = violationSpan(violation);
    if (!span) {
      untimed.push({ index, violation, category });
      return;
    }
    const left = percentOf(span.start_s, duration_s);
    const width = span.point ? 0 : percentOf(span.end_s, duration_s) - left;
    placed.push({ index, violation, category, span, left_pct: left, width_pct: width, label: markerLabel(violation, span) });
  });

  const extent = (m: Omit<MarkerPlacement, 'lane'>): [number, number] =>
    m.width_pct > 0 ? [m.left_pct, Math.max(m.left_pct + m.width_pct, m.left_pct + options.minGapPct)] : [m.left_pct - options.minGapPct / 2, m.left_pct + options.minGapPct / 2];

  const order = [...placed].sort((a, b) => extent(a)[0] - extent(b)[0] || a.index - b.index);
  const laneEnds: number[] = [];
  const laneOf = new Map<number, number>();
  for (const marker of order) {
    const [start, end] = extent(marker);
    let lane = laneEnds.findIndex((laneEnd) => laneEnd <= start);
    if (lane < 0 && laneEnds.length < Math.max(1, options.maxLanes)) lane = laneEnds.length;
    if (lane < 0) lane = laneEnds.indexOf(Math.min(...laneEnds));
    laneEnds[lane] = Math.max(laneEnds[lane] ?? -Infinity, end);
    laneOf.set(marker.index, lane);
  }
  const markers = placed.map((m) => ({ ...m, lane: laneOf.get(m.index) ?? 0 }));
  return { markers, untimed, lanes: Math.max(1, laneEnds.length) };
}

/** Whether the violation is on screen at `time_s`: inside its range, or within POINT_WINDOW_S of its point. */
export function isViolationActive(span: ViolationSpan, time_s: number): boolean {
  if (span.point) return Math.abs(time_s - span.start_s) <= POINT_WINDOW_S;
  return time_s >= span.start_s && time_s <= span.end_s;
}

/** Indices of the violations on screen at `time_s`, in the result's order. */
export function activeViolations(violations: readonly Violation[], time_s: number): number[] {
  const active: number[] = [];
  violations.forEach((violation, index) => {
    const span = violationSpan(violation);
    if (span && isViolationActive(span, time_s)) active.push(index);
  });
  return active;
}

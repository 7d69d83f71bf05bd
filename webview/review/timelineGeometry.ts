// The review timeline's arithmetic: the zoomed window of time shown, time ↔ pixel, what a pointer grabs, how a
// drag moves a span's start or end, and the density strip of where violations cluster. Pure, no DOM.

/** The part of the video the timeline shows. */
export interface TimeWindow {
  start_s: number;
  end_s: number;
}

/** The narrowest window: a tenth of a second across the whole timeline, for sub-second spans. */
export const MIN_WINDOW_S = 0.1;
/** A span is at least this long once dragged, so its two handles stay apart. */
export const MIN_SPAN_S = 0.02;

export const fullWindow = (duration_s: number): TimeWindow => ({ start_s: 0, end_s: Math.max(duration_s, MIN_WINDOW_S) });

export function timeToX(window: TimeWindow, width_px: number, time_s: number): number {
  return ((time_s - window.start_s) / (window.end_s - window.start_s)) * width_px;
}

export function xToTime(window: TimeWindow, width_px: number, x_px: number): number {
  return window.start_s + (x_px / Math.max(1, width_px)) * (window.end_s - window.start_s);
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/** Moves a window inside [0, duration] without changing its length (unless it is longer than the video). */
function within(window: TimeWindow, duration_s: number): TimeWindow {
  const full = fullWindow(duration_s);
  const length = Math.min(window.end_s - window.start_s, full.end_s);
  const start = clamp(window.start_s, 0, full.end_s - length);
  return { start_s: start, end_s: start + length };
}

/**
 * Zooms by `factor` (> 1 in, < 1 out) keeping `anchor_s` where it is on screen: under the pointer for the wheel,
 * at the playhead for the keys.
 */
export function zoomAt(window: TimeWindow, duration_s: number, factor: number, anchor_s: number): TimeWindow {
  const length = window.end_s - window.start_s;
  const full = fullWindow(duration_s).end_s;
  const next = clamp(length / factor, Math.min(MIN_WINDOW_S, full), full);
  const anchor = clamp(anchor_s, window.start_s, window.end_s);
  const before = ((anchor - window.start_s) / length) * next;
  return within({ start_s: anchor - before, end_s: anchor - before + next }, duration_s);
}

/** Scrolls the window by `delta_s`, keeping it inside the video. */
export function pan(window: TimeWindow, duration_s: number, delta_s: number): TimeWindow {
  return within({ start_s: window.start_s + delta_s, end_s: window.end_s + delta_s }, duration_s);
}

/** Scrolls the window so that `time_s` is in view (the playhead after a seek), keeping its length. */
export function follow(window: TimeWindow, duration_s: number, time_s: number): TimeWindow {
  if (time_s >= window.start_s && time_s <= window.end_s) return window;
  const length = window.end_s - window.start_s;
  return within({ start_s: time_s - length / 2, end_s: time_s + length / 2 }, duration_s);
}

export interface Span {
  start_s: number;
  end_s: number;
}

export type Handle = 'start' | 'end' | 'body';

export interface Grab {
  index: number;
  handle: Handle;
}

/**
 * What a pointer at `x_px` grabs: a span's start or end edge within `tolerance_px` (the nearest edge wins), else the
 * body of a span under it, else nothing (a drag there draws a new span). `lanes` gives each span's lane and `lane`
 * the pointer's, so stacked spans are told apart.
 */
export function grabAt(spans: readonly (Span | null)[], window: TimeWindow, width_px: number, x_px: number, tolerance_px = 6, lanes?: readonly number[], lane?: number): Grab | null {
  let best: { grab: Grab; distance: number } | null = null;
  spans.forEach((span, index) => {
    if (!span || (lanes && lane !== undefined && lanes[index] !== lane)) return;
    const left = timeToX(window, width_px, span.start_s);
    const right = timeToX(window, width_px, span.end_s);
    for (const [handle, edge] of [['start', left], ['end', right]] as const) {
      const distance = Math.abs(x_px - edge);
      if (distance <= tolerance_px && (!best || distance < best.distance)) best = { grab: { index, handle }, distance };
    }
    if (!best && x_px > left && x_px < right) best = { grab: { index, handle: 'body' }, distance: tolerance_px + 1 };
  });
  return (best as { grab: Grab } | null)?.grab ?? null;
}

/**
 * A span after dragging `handle` by `delta_s`: the start never passes the end (nor the end the start), the body
 * moves whole, and nothing leaves [0, duration].
 */
export function dragSpan(span: Span, handle: Handle, delta_s: number, duration_s: number): Span {
  if (handle === 'start') return { start_s: clamp(span.start_s + delta_s, 0, Math.max(0, span.end_s - MIN_SPAN_S)), end_s: span.end_s };
  if (handle === 'end') return { start_s: span.start_s, end_s: clamp(span.end_s + delta_s, Math.min(duration_s, span.start_s + MIN_SPAN_S), duration_s) };
  const length = span.end_s - span.start_s;
  const start = clamp(span.start_s + delta_s, 0, Math.max(0, duration_s - length));
  return { start_s: start, end_s: start + length };
}

/** A new span drawn from `from_s` to `to_s`, either way round, inside the video; null when too short to be meant. */
export function drawnSpan(from_s: number, to_s: number, duration_s: number): Span | null {
  const start = clamp(Math.min(from_s, to_s), 0, duration_s);
  const end = clamp(Math.max(from_s, to_s), 0, duration_s);
  return end - start >= MIN_SPAN_S ? { start_s: start, end_s: end } : null;
}

/** Snaps a time to the nearest frame boundary of a video at `fps`. */
export function snapToFrame(time_s: number, fps: number): number {
  return fps > 0 ? Math.round(time_s * fps) / fps : time_s;
}

/**
 * The density strip: for `bins` equal slices of [0, duration], how many spans cover some of the slice, scaled so the
 * busiest slice is 1. Spans without an end count at their start.
 */
export function densityBins(spans: readonly (Span | null)[], duration_s: number, bins: number): number[] {
  const counts = new Array<number>(Math.max(1, bins)).fill(0);
  if (!(duration_s > 0)) return counts;
  const width = duration_s / counts.length;
  for (const span of spans) {
    if (!span) continue;
    const first = clamp(Math.floor(span.start_s / width), 0, counts.length - 1);
    const last = clamp(Math.ceil(span.end_s / width) - 1, first, counts.length - 1);
    for (let i = first; i <= last; i++) counts[i]!++;
  }
  const most = Math.max(...counts);
  return most > 0 ? counts.map((c) => c / most) : counts;
}

/** Ticks for a time ruler over the window: a step of 1, 2 or 5 × 10^k seconds giving at most `most` ticks. */
export function rulerTicks(window: TimeWindow, most = 10): number[] {
  const length = window.end_s - window.start_s;
  if (!(length > 0)) return [];
  const raw = length / Math.max(1, most);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(window.start_s / step) * step; t <= window.end_s + 1e-9; t += step) ticks.push(Number(t.toFixed(6)));
  return ticks;
}

// The review timeline: a ruler, a density strip of where violations cluster, and one bar per violation whose start
// and end can be dragged; dragging on empty track draws a new span. Zooms with Ctrl/⌘+wheel (or the keys) about
// the pointer, scrolls with the wheel when zoomed. Geometry lives in timelineGeometry.ts.
import { formatMarkerTime, markerCategory } from '../player/markerLayout.js';
import type { DraftViolation } from './reviewDraft.js';
import { densityBins, dragSpan, drawnSpan, follow, fullWindow, grabAt, pan, rulerTicks, timeToX, xToTime, zoomAt, type Grab, type Span, type TimeWindow } from './timelineGeometry.js';

export interface ReviewTimelineHandlers {
  seek(time_s: number): void;
  retime(index: number, span: Span): void;
  draw(span: Span): void;
  select(index: number): void;
}

export interface ReviewTimeline {
  element: HTMLElement;
  update(duration_s: number, violations: readonly DraftViolation[], selected: number): void;
  setTime(time_s: number): void;
  zoom(factor: number | 'reset'): void;
  window(): TimeWindow;
}

const DENSITY_BINS = 60;
const pct = (x: number, width: number) => `${((x / Math.max(1, width)) * 100).toFixed(4)}%`;

export function createReviewTimeline(handlers: ReviewTimelineHandlers): ReviewTimeline {
  const element = document.createElement('div');
  element.id = 'review-timeline';
  element.className = 'review-timeline';
  element.setAttribute('role', 'group');

  const zoomLabel = document.createElement('p');
  zoomLabel.className = 'review-zoom';
  zoomLabel.setAttribute('aria-live', 'polite');
  const density = document.createElement('div');
  density.className = 'review-density';
  density.title = 'Where violations cluster (click to go there)';
  const ruler = document.createElement('div');
  ruler.className = 'review-ruler';
  ruler.setAttribute('aria-hidden', 'true');
  const track = document.createElement('div');
  track.id = 'review-track';
  track.className = 'review-track';
  track.title = 'Drag an edge to correct a violation’s time; drag on empty track to add one';
  const playhead = document.createElement('div');
  playhead.className = 'timeline-playhead';
  playhead.setAttribute('aria-hidden', 'true');
  const ghost = document.createElement('div');
  ghost.className = 'review-span ghost';
  ghost.hidden = true;
  element.append(zoomLabel, density, ruler, track);

  let duration = 0;
  let view: TimeWindow = fullWindow(0);
  let violations: readonly DraftViolation[] = [];
  let selected = -1;
  let time = 0;
  let drag: { grab: Grab | null; from_s: number; x0: number; span: Span | null; moved: boolean } | null = null;

  const spans = (): (Span | null)[] => violations.map((v) => (v.start_s === null ? null : { start_s: v.start_s, end_s: v.end_s ?? v.start_s }));

  function render(): void {
    const w = 1000;
    const zoomed = view.start_s > 0 || view.end_s < fullWindow(duration).end_s - 1e-9;
    zoomLabel.textContent = zoomed ? `Showing ${formatMarkerTime(view.start_s)}–${formatMarkerTime(view.end_s)} s of ${formatMarkerTime(duration)} s` : `Whole video (${formatMarkerTime(duration)} s)`;
    element.setAttribute('aria-label', `Violation timeline: ${zoomLabel.textContent}`);
    density.replaceChildren(
      ...densityBins(spans(), duration, DENSITY_BINS).map((level, i) => {
        const bin = document.createElement('span');
        bin.className = 'review-density-bin';
        bin.style.opacity = String(level === 0 ? 0 : 0.25 + 0.75 * level);
        bin.dataset.level = level.toFixed(2);
        bin.addEventListener('click', () => handlers.seek(((i + 0.5) * duration) / DENSITY_BINS));
        return bin;
      }),
    );
    ruler.replaceChildren(
      ...rulerTicks(view, 8).map((t) => {
        const tick = document.createElement('span');
        tick.className = 'review-ruler-tick';
        tick.style.left = pct(timeToX(view, w, t), w);
        tick.textContent = formatMarkerTime(t);
        return tick;
      }),
    );
    const bars = spans().map((span, index) => {
      if (!span) return null;
      const v = violations[index]!;
      const bar = document.createElement('div');
      bar.className = `review-span ${v.source} ${v.decision ?? 'undecided'}${index === selected ? ' selected' : ''}`;
      bar.dataset.index = String(index);
      bar.dataset.category = markerCategory(v.category);
      bar.dataset.start = String(span.start_s);
      bar.dataset.end = String(span.end_s);
      const left = Math.max(0, timeToX(view, w, span.start_s));
      const right = Math.min(w, timeToX(view, w, span.end_s));
      bar.hidden = right < 0 || left > w;
      bar.style.left = pct(left, w);
      bar.style.width = pct(Math.max(right - left, 2), w);
      bar.title = `${v.category} ${formatMarkerTime(span.start_s)}–${formatMarkerTime(span.end_s)} s`;
      return bar;
    });
    track.replaceChildren(...bars.filter((b): b is HTMLDivElement => b !== null), ghost, playhead);
    setPlayhead();
  }

  function setPlayhead(): void {
    const x = timeToX(view, 1000, time);
    playhead.hidden = x < 0 || x > 1000;
    playhead.style.left = pct(x, 1000);
  }

  function showGhost(span: Span | null): void {
    ghost.hidden = !span;
    if (!span) return;
    ghost.style.left = pct(timeToX(view, 1000, span.start_s), 1000);
    ghost.style.width = pct(timeToX(view, 1000, span.end_s) - timeToX(view, 1000, span.start_s), 1000);
  }

  track.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    const rect = track.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const grab = grabAt(spans(), view, rect.width, x);
    drag = { grab, from_s: xToTime(view, rect.width, x), x0: x, span: null, moved: false };
    track.setPointerCapture(event.pointerId);
    if (grab) handlers.select(grab.index);
    event.preventDefault();
  });
  track.addEventListener('pointermove', (event) => {
    const rect = track.getBoundingClientRect();
    const x = event.clientX - rect.left;
    if (!drag) {
      const grab = grabAt(spans(), view, rect.width, x);
      track.dataset.cursor = grab ? grab.handle : 'draw';
      return;
    }
    if (Math.abs(x - drag.x0) < 3 && !drag.moved) return;
    drag.moved = true;
    const at = xToTime(view, rect.width, x);
    if (drag.grab) {
      const original = spans()[drag.grab.index]!;
      drag.span = dragSpan(original, drag.grab.handle, at - drag.from_s, duration);
    } else {
      drag.span = drawnSpan(drag.from_s, at, duration);
    }
    showGhost(drag.span);
  });
  const finish = (event: PointerEvent) => {
    if (!drag) return;
    const done = drag;
    drag = null;
    showGhost(null);
    if (track.hasPointerCapture(event.pointerId)) track.releasePointerCapture(event.pointerId);
    if (!done.moved) {
      if (!done.grab) handlers.seek(done.from_s);
      return;
    }
    if (done.span && done.grab) handlers.retime(done.grab.index, done.span);
    else if (done.span) handlers.draw(done.span);
  };
  track.addEventListener('pointerup', finish);
  track.addEventListener('pointercancel', (event) => {
    drag = null;
    showGhost(null);
    if (track.hasPointerCapture(event.pointerId)) track.releasePointerCapture(event.pointerId);
  });
  element.addEventListener(
    'wheel',
    (event) => {
      const rect = track.getBoundingClientRect();
      const at = xToTime(view, rect.width, event.clientX - rect.left);
      if (event.ctrlKey || event.metaKey || Math.abs(event.deltaY) > Math.abs(event.deltaX)) {
        view = zoomAt(view, duration, event.deltaY < 0 ? 1.25 : 0.8, at);
      } else {
        view = pan(view, duration, (event.deltaX / Math.max(1, rect.width)) * (view.end_s - view.start_s));
      }
      event.preventDefault();
      render();
    },
    { passive: false },
  );

  return {
    element,
    update(duration_s, next, nextSelected) {
      if (duration_s !== duration) view = fullWindow(duration_s);
      duration = duration_s;
      violations = next;
      selected = nextSelected;
      render();
    },
    setTime(time_s) {
      time = time_s;
      const followed = follow(view, duration, time_s);
      if (followed !== view) {
        view = followed;
        render();
      } else setPlayhead();
    },
    zoom(factor) {
      view = factor === 'reset' ? fullWindow(duration) : zoomAt(view, duration, factor, time);
      render();
    },
    window: () => view,
  };
}


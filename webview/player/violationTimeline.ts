import type { Violation } from '../../src/shared/result.js';
import { isViolationActive, layoutMarkers, type MarkerLayout } from './markerLayout.js';
import { rovingFocus } from './rovingFocus.js';

export interface ViolationTimeline {
  element: HTMLElement;
  update(duration_s: number, violations: readonly Violation[]): MarkerLayout;
  /** Marks the markers whose violation is on screen at this time. */
  setTime(time_s: number): void;
}

const LANE_HEIGHT_PX = 14;

/**
 * A track under the video with one marker per timed violation, coloured by category: a bar for a range, a pin for a
 * point. Markers are buttons in one tab stop (arrow keys, Home and End move between them; Enter or Space seeks),
 * each labelled "<category>: <description> at <t>s". Positions are set through CSSOM, which the CSP allows.
 */
export function createViolationTimeline(onSeek: (time_s: number) => void): ViolationTimeline {
  const element = document.createElement('div');
  element.id = 'violation-timeline';
  element.className = 'violation-timeline';
  element.setAttribute('role', 'group');
  element.hidden = true;
  const track = document.createElement('div');
  track.className = 'violation-track';
  const playhead = document.createElement('div');
  playhead.className = 'timeline-playhead';
  playhead.setAttribute('aria-hidden', 'true');
  element.append(track);

  let markers: { button: HTMLButtonElement; layout: MarkerLayout['markers'][number] }[] = [];
  let duration = 0;

  const focusMarker = rovingFocus(element, () => markers.map(({ button }) => button));

  return {
    element,
    update(duration_s, violations) {
      duration = duration_s;
      const layout = layoutMarkers(duration_s, violations);
      // Left to right, so that the arrow keys go in time order.
      const ordered = [...layout.markers].sort((a, b) => a.left_pct - b.left_pct || a.lane - b.lane);
      markers = ordered.map((placed, i) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = `violation-marker ${placed.span.point ? 'point' : 'range'}`;
        button.dataset.start = String(placed.span.start_s);
        button.dataset.end = String(placed.span.end_s);
        button.dataset.category = placed.category;
        button.dataset.index = String(placed.index);
        button.title = placed.label;
        button.setAttribute('aria-label', placed.label);
        button.tabIndex = i === 0 ? 0 : -1;
        button.style.left = `${placed.left_pct.toFixed(4)}%`;
        if (!placed.span.point) button.style.width = `${placed.width_pct.toFixed(4)}%`;
        button.style.top = `${placed.lane * LANE_HEIGHT_PX + 2}px`;
        button.addEventListener('click', () => {
          focusMarker(i, false);
          onSeek(placed.span.start_s);
        });
        return { button, layout: placed };
      });
      track.style.height = `${layout.lanes * LANE_HEIGHT_PX + 4}px`;
      track.replaceChildren(...markers.map(({ button }) => button), playhead);
      element.hidden = markers.length === 0;
      element.setAttribute('aria-label', `Violations on the timeline (${markers.length})`);
      return layout;
    },
    setTime(time_s) {
      const fraction = duration > 0 ? Math.min(1, Math.max(0, time_s / duration)) : 0;
      playhead.style.left = `${(fraction * 100).toFixed(4)}%`;
      for (const { button, layout } of markers) button.classList.toggle('active', isViolationActive(layout.span, time_s));
    },
  };
}

import { formatSeconds } from './format.js';
import { rovingFocus } from './rovingFocus.js';

export interface Timeline {
  element: HTMLElement;
  /** Moves the playhead and marks the sampled frame shown at this time. */
  setTime(time_s: number): void;
}

/** Offset past a frame's timestamp when seeking to it, so rounding never lands on the previous frame. */
export const FRAME_SEEK_OFFSET_S = 0.001;

function percent(time_s: number, duration_s: number): string {
  const fraction = duration_s > 0 ? Math.min(1, Math.max(0, time_s / duration_s)) : 0;
  return `${(fraction * 100).toFixed(4)}%`;
}

/** Index of the sampled frame on screen at `time_s`: the last one at or before it. */
export function frameAt(times_s: readonly number[], time_s: number): number {
  let found = -1;
  for (let i = 0; i < times_s.length; i++) {
    if (times_s[i] <= time_s + FRAME_SEEK_OFFSET_S) found = i;
    else break;
  }
  return found;
}

/**
 * A bar under the video with one tick per sampled frame. Ticks are buttons in one tab stop
 * (arrow keys, Home and End move between them; Enter or Space seeks).
 * Positions are set through CSSOM (`style.left`), which the CSP's style-src does not restrict.
 */
export function createTimeline(times_s: readonly number[], duration_s: number, onSeek: (index: number) => void): Timeline {
  const element = document.createElement('div');
  element.id = 'frame-timeline';
  element.className = 'timeline';
  element.setAttribute('role', 'group');
  element.setAttribute('aria-label', `Sampled frames (${times_s.length})`);

  const track = document.createElement('div');
  track.className = 'timeline-track';
  const playhead = document.createElement('div');
  playhead.className = 'timeline-playhead';
  playhead.setAttribute('aria-hidden', 'true');

  const ticks = times_s.map((time, index) => {
    const tick = document.createElement('button');
    tick.type = 'button';
    tick.className = 'timeline-tick';
    tick.style.left = percent(time, duration_s);
    tick.tabIndex = index === 0 ? 0 : -1;
    tick.setAttribute('aria-label', `Frame ${index} at ${formatSeconds(time)}`);
    tick.title = `Frame ${index} at ${formatSeconds(time)}`;
    tick.addEventListener('click', () => {
      focusTick(index, false);
      onSeek(index);
    });
    return tick;
  });

  const focusTick = rovingFocus(element, () => ticks);

  track.append(...ticks, playhead);
  element.append(track);

  let marked = -1;
  return {
    element,
    setTime(time_s: number): void {
      playhead.style.left = percent(time_s, duration_s);
      const index = frameAt(times_s, time_s);
      if (index === marked) return;
      ticks[marked]?.classList.remove('current');
      ticks[index]?.classList.add('current');
      marked = index;
    },
  };
}

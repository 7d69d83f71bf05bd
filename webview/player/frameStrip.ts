import type { ThumbnailView } from '../../src/shared/webviewMessages.js';
import { formatMarkerTime } from './markerLayout.js';
import { rovingFocus } from './rovingFocus.js';
import { frameAt } from './timeline.js';

export interface FrameStrip {
  element: HTMLElement;
  /** One button per frame time; a thumbnail shows in it once one for that time has come. */
  update(times_s: readonly number[], thumbnails: readonly ThumbnailView[]): void;
  setTime(time_s: number): void;
}

/** The frames the model saw, small, each with its time; clicking one (or Enter) seeks the video there. */
export function createFrameStrip(onSeek: (time_s: number) => void): FrameStrip {
  const element = document.createElement('section');
  element.id = 'frame-strip';
  element.className = 'frame-strip';
  element.setAttribute('aria-labelledby', 'frame-strip-heading');
  element.hidden = true;
  const heading = document.createElement('h2');
  heading.id = 'frame-strip-heading';
  const list = document.createElement('ol');
  list.className = 'frame-strip-list';
  element.append(heading, list);

  let times: number[] = [];
  let buttons: HTMLButtonElement[] = [];
  let current = -1;
  const focusFrame = rovingFocus(list, () => buttons);

  return {
    element,
    update(times_s, thumbnails) {
      element.hidden = times_s.length === 0;
      heading.textContent = `Frames the model saw (${times_s.length})`;
      times = [...times_s];
      current = -1;
      const uriAt = (position: number, time: number): string | undefined =>
        thumbnails.length === times_s.length ? thumbnails[position]?.uri : thumbnails.find((t) => Math.abs(t.time_s - time) < 1e-6)?.uri;
      buttons = times.map((time, index) => {
        const label = `Frame ${index + 1} at ${formatMarkerTime(time)}s`;
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'frame-thumb';
        button.dataset.time = String(time);
        button.title = label;
        button.setAttribute('aria-label', label);
        button.tabIndex = index === 0 ? 0 : -1;
        const uri = uriAt(index, time);
        if (uri) {
          const image = document.createElement('img');
          image.src = uri;
          image.alt = '';
          image.loading = 'lazy';
          image.decoding = 'async';
          button.append(image);
        } else {
          const placeholder = document.createElement('span');
          placeholder.className = 'frame-placeholder';
          button.append(placeholder);
        }
        const caption = document.createElement('span');
        caption.className = 'frame-time';
        caption.textContent = `${formatMarkerTime(time)}s`;
        button.append(caption);
        button.addEventListener('click', () => {
          focusFrame(index, false);
          onSeek(time);
        });
        return button;
      });
      list.replaceChildren(
        ...buttons.map((button) => {
          const item = document.createElement('li');
          item.append(button);
          return item;
        }),
      );
    },
    setTime(time_s) {
      const index = frameAt(times, time_s);
      if (index === current) return;
      buttons[current]?.classList.remove('current');
      buttons[index]?.classList.add('current');
      current = index;
    },
  };
}

import type { Violation } from '../../src/shared/result.js';
import { formatMarkerTime, markerCategory, violationSpan } from './markerLayout.js';

export interface ViolationList {
  element: HTMLElement;
  update(violations: readonly Violation[] | null): void;
  /** Marks the violations on screen at this time. */
  setActive(indices: readonly number[]): void;
}

function categoryLabel(category: string): string {
  return category.replace(/_/g, ' ');
}

/** Every violation of the result, timed or not; a timed one has a button that seeks to it. */
export function createViolationList(onSeek: (time_s: number) => void): ViolationList {
  const element = document.createElement('section');
  element.className = 'violations';
  element.setAttribute('aria-labelledby', 'violations-heading');
  element.hidden = true;
  const heading = document.createElement('h2');
  heading.id = 'violations-heading';
  const list = document.createElement('ol');
  list.id = 'violation-list';
  list.className = 'violation-list';
  const empty = document.createElement('p');
  empty.className = 'violations-empty';
  empty.textContent = 'No violations reported.';
  element.append(heading, list, empty);

  let items: HTMLElement[] = [];

  return {
    element,
    update(violations) {
      element.hidden = violations === null;
      const all = violations ?? [];
      heading.textContent = `Violations (${all.length})`;
      empty.hidden = all.length > 0;
      items = all.map((violation, index) => {
        const category = markerCategory(violation.category);
        const span = violationSpan(violation);
        const item = document.createElement('li');
        item.className = 'violation-item';
        item.dataset.category = category;
        item.dataset.index = String(index);

        const chip = document.createElement('span');
        chip.className = 'violation-category';
        chip.dataset.category = category;
        chip.textContent = categoryLabel(category);

        let when: HTMLElement;
        if (span) {
          const text = span.point ? `${formatMarkerTime(span.start_s)}s` : `${formatMarkerTime(span.start_s)}s–${formatMarkerTime(span.end_s)}s`;
          const seek = document.createElement('button');
          seek.type = 'button';
          seek.className = 'violation-seek';
          seek.textContent = text;
          seek.setAttribute('aria-label', `Seek to ${text}: ${categoryLabel(category)}, ${violation.component ?? 'scene'}`);
          seek.addEventListener('click', () => onSeek(span.start_s));
          when = seek;
        } else {
          when = document.createElement('span');
          when.className = 'violation-untimed';
          when.textContent = 'time not given';
        }

        const where = document.createElement('span');
        where.className = 'violation-component';
        where.textContent = `${violation.component ?? 'Scene'} · trial ${violation.trial + 1}`;
        const description = document.createElement('p');
        description.className = 'violation-description';
        description.textContent = violation.description;
        item.append(chip, when, where, description);
        return item;
      });
      list.replaceChildren(...items);
    },
    setActive(indices) {
      const active = new Set(indices);
      items.forEach((item, index) => item.classList.toggle('active', active.has(index)));
    },
  };
}

// Where a review of a results folder stopped, kept beside the labels file, so that reopening resumes there.
import { readFile } from 'node:fs/promises';
import { join, parse } from 'node:path';
import { writeFileAtomic } from '../store/atomicWrite';

export interface ReviewPosition {
  /** The video shown last. */
  video: string;
  at: string;
}

/** A hidden file beside the labels, so that result readers (which skip dot files) never take it for a result. */
export function positionFile(labelsFile: string): string {
  const { dir, name } = parse(labelsFile);
  return join(dir, `.${name}.review-position.json`);
}

export async function readReviewPosition(labelsFile: string): Promise<ReviewPosition | null> {
  try {
    const data = JSON.parse(await readFile(positionFile(labelsFile), 'utf8')) as Partial<ReviewPosition>;
    return typeof data.video === 'string' && typeof data.at === 'string' ? { video: data.video, at: data.at } : null;
  } catch {
    return null;
  }
}

export function saveReviewPosition(labelsFile: string, video: string, now = new Date()): Promise<void> {
  return writeFileAtomic(positionFile(labelsFile), JSON.stringify({ video, at: now.toISOString() }) + '\n');
}

/**
 * Index to resume a review at: the video shown last if it still has no label, else the next one without a label
 * after it (wrapping round), else the first without a label; with every video labelled, the one shown last.
 */
export function resumeIndex(order: readonly string[], labelled: (video: string) => boolean, last: string | null): number {
  if (order.length === 0) return -1;
  const from = last === null ? -1 : order.indexOf(last);
  const start = from < 0 ? 0 : from;
  for (let k = 0; k < order.length; k++) {
    const i = (start + k) % order.length;
    if (!labelled(order[i]!)) return i;
  }
  return Math.max(0, from);
}

/**
 * Index to reopen a restored review at: the video it showed when it was saved, if still in the order (labelled or
 * not: the user was looking at it); else where a new review would resume (`resumeIndex`); 0 for an empty order.
 */
export function restoreIndex(order: readonly string[], labelled: (video: string) => boolean, shown: string | null, last: string | null): number {
  const at = shown === null ? -1 : order.indexOf(shown);
  return at >= 0 ? at : Math.max(0, resumeIndex(order, labelled, last));
}

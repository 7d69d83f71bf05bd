// What the review view keeps with `setState`, so that a reloaded window reopens the same review at the same video,
// and its validator. No Node and no DOM: the view and the extension host both import it.
import { isObject, isString, isStringOrNull } from './guards';

/** One row of the order the results browser asked to review: the video and its result file (relative to the folder). */
export interface ReviewOrderRow {
  video: string;
  resultFile: string | null;
}

/** How the videos of a review were chosen, enough to choose them again. */
export interface ReviewSource {
  /** The results folder (absolute). */
  dir: string;
  /** Only the videos under this folder (absolute), when the review was opened on a folder of videos. */
  under: string | null;
  /** The results browser's rows in its order, when the review came from there; null: every video, by path. */
  order: ReviewOrderRow[] | null;
}

export const REVIEW_STATE_VERSION = 1;

export interface ReviewState {
  version: typeof REVIEW_STATE_VERSION;
  keysShown: boolean;
  /** Null until the host said which review this is. */
  source: ReviewSource | null;
  /** The video shown (absolute path), null before the first. */
  video: string | null;
}

/** More rows than a results browser shows: a state that lists more is not one this extension wrote. */
export const MAX_REVIEW_ORDER = 1_000_000;

const isAbsolutePath = (value: unknown): value is string => isString(value) && value.length > 0 && (value.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(value) || value.startsWith('\\\\'));

export function isReviewOrder(value: unknown): value is ReviewOrderRow[] {
  return Array.isArray(value) && value.length <= MAX_REVIEW_ORDER && value.every((r) => isObject(r) && isString(r.video) && isStringOrNull(r.resultFile));
}

/** The rows alone, without whatever else the objects carried. */
export function reviewOrderRows(rows: readonly ReviewOrderRow[]): ReviewOrderRow[] {
  return rows.map((r) => ({ video: r.video, resultFile: r.resultFile }));
}

/** A source as the host sends it; undefined unless every part is right. */
export function parseReviewSource(value: unknown): ReviewSource | undefined {
  if (!isObject(value) || !isAbsolutePath(value.dir)) return undefined;
  if (value.under !== null && !isAbsolutePath(value.under)) return undefined;
  if (value.order !== null && !isReviewOrder(value.order)) return undefined;
  return { dir: value.dir, under: value.under, order: value.order === null ? null : reviewOrderRows(value.order) };
}

/** What a restored state holds, and whether part of it had to be dropped. */
export interface RestoredReviewState {
  state: ReviewState;
  /** Why part of the state was dropped (older version or damaged), null when it was whole. */
  problem: string | null;
}

/**
 * Reads a saved state without trusting it: a state from an older version (only `keysShown`) or a damaged one never
 * throws. What is kept: the folder when it is an absolute path; how the videos were chosen and the video shown only
 * when they are whole, else the review is of the whole folder, from where a new review of it would start.
 */
export function parseReviewState(value: unknown): RestoredReviewState {
  const fresh: ReviewState = { version: REVIEW_STATE_VERSION, keysShown: true, source: null, video: null };
  if (!isObject(value)) return { state: fresh, problem: value === undefined || value === null ? 'no saved state' : 'the saved state is not an object' };
  const keysShown = typeof value.keysShown === 'boolean' ? value.keysShown : true;
  if (value.source === undefined || value.source === null) {
    return { state: { ...fresh, keysShown }, problem: value.version === undefined ? 'the state was saved by an older version' : 'the state names no review' };
  }
  if (!isObject(value.source) || !isAbsolutePath(value.source.dir)) return { state: { ...fresh, keysShown }, problem: 'the saved results folder is not an absolute path' };
  const source = parseReviewSource(value.source);
  if (!source) return { state: { ...fresh, keysShown, source: { dir: value.source.dir, under: null, order: null } }, problem: 'the saved choice of videos is damaged' };
  const video = isAbsolutePath(value.video) ? value.video : null;
  const problem = value.video === null || video !== null ? (value.version === REVIEW_STATE_VERSION ? null : `the state has version ${String(value.version)}`) : 'the saved video is damaged';
  return { state: { version: REVIEW_STATE_VERSION, keysShown, source, video }, problem };
}

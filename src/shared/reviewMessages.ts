/**
 * Messages between the extension host and the review view (review mode: one video after another from a results
 * folder, labelled from the keyboard), and their validators.
 */
import type { LabelEntry, LabelledViolation, LabelValue } from './labelEntry';
import type { CriticResult } from './result';
import { isIndex, isObject } from './guards';
import { parseReviewSource, type ReviewSource } from './reviewState';
import { isCriticResult, isPlaybackView, type PlaybackView } from './webviewMessages';

/** The video under review, and where the review stands. */
export interface ReviewItemView {
  /** Position in the review order (the results browser's sort and filter). */
  index: number;
  total: number;
  /** Absolute path of the video. */
  video: string;
  /** The video as the labels file names it (a path under the workspace folder). */
  labelKey: string;
  playback: PlaybackView;
  result: CriticResult | null;
  /** The label saved before (by this window or another), if any. */
  saved: Pick<LabelEntry, 'label' | 'violations' | 'rejected_violations' | 'labeled_by' | 'labeled_at'> | null;
  /** Videos of the review with a label. */
  labelled: number;
  labelsFile: string;
}

/** The label of one video, as the review view saves it; null takes the label away (undo of the first label). */
export interface ReviewLabel {
  label: LabelValue;
  violations: LabelledViolation[];
  rejected: LabelledViolation[];
}

export type ToReviewMessage =
  | { type: 'show'; item: ReviewItemView }
  /** Which review this is, for the view to keep in its state (a reloaded window reopens it from there). */
  | { type: 'source'; source: ReviewSource }
  | { type: 'playback'; index: number; playback: PlaybackView }
  /** A save finished: `error` says why it failed (the label stays in the view and is sent again with the next change). */
  | { type: 'saved'; index: number; labelled: number; error: string | null };

export type FromReviewMessage =
  | { type: 'ready' }
  | { type: 'go'; index: number }
  | { type: 'save'; index: number; label: ReviewLabel | null }
  | { type: 'playbackError'; index: number; code: number | null; message: string };

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

export const isReviewLabelValue = (value: unknown): value is LabelValue =>
  value === 'good' || value === 'bad' || (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 5);

function labelledViolation(value: unknown): LabelledViolation | undefined {
  if (!isObject(value) || !isTime(value.start_s) || !isTime(value.end_s) || value.end_s < value.start_s) return undefined;
  if (typeof value.category !== 'string' || !value.category.trim() || value.category.length > 200) return undefined;
  const out: LabelledViolation = { start_s: value.start_s, end_s: value.end_s, category: value.category.trim() };
  if (value.source === 'critic' || value.source === 'added') out.source = value.source;
  if (isIndex(value.critic_index)) out.critic_index = value.critic_index;
  if (typeof value.description === 'string') out.description = value.description.slice(0, 2000);
  return out;
}

function violationList(value: unknown): LabelledViolation[] | undefined {
  if (!Array.isArray(value) || value.length > 1000) return undefined;
  const list = value.map(labelledViolation);
  return list.every((v) => v !== undefined) ? (list as LabelledViolation[]) : undefined;
}

function reviewLabel(value: unknown): ReviewLabel | null | undefined {
  if (value === null) return null;
  if (!isObject(value) || !isReviewLabelValue(value.label)) return undefined;
  const violations = violationList(value.violations);
  const rejected = violationList(value.rejected);
  return violations && rejected ? { label: value.label, violations, rejected } : undefined;
}

export function parseFromReviewMessage(value: unknown): FromReviewMessage | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'go':
      return isIndex(value.index) ? { type: 'go', index: value.index } : undefined;
    case 'save': {
      const label = reviewLabel(value.label);
      return isIndex(value.index) && label !== undefined ? { type: 'save', index: value.index, label } : undefined;
    }
    case 'playbackError':
      return isIndex(value.index) && (value.code === null || Number.isInteger(value.code)) && typeof value.message === 'string'
        ? { type: 'playbackError', index: value.index, code: value.code as number | null, message: value.message.slice(0, 1000) }
        : undefined;
    default:
      return undefined;
  }
}

function isSaved(value: unknown): value is ReviewItemView['saved'] {
  if (value === null) return true;
  if (!isObject(value) || !isReviewLabelValue(value.label) || !violationList(value.violations)) return false;
  return (value.rejected_violations === undefined || violationList(value.rejected_violations) !== undefined) && typeof value.labeled_by === 'string' && typeof value.labeled_at === 'string';
}

function isItem(value: unknown): value is ReviewItemView {
  return (
    isObject(value) &&
    isIndex(value.index) &&
    isIndex(value.total) &&
    value.index < Math.max(1, value.total) &&
    typeof value.video === 'string' &&
    typeof value.labelKey === 'string' &&
    isPlaybackView(value.playback) &&
    (value.result === null || isCriticResult(value.result)) &&
    isSaved(value.saved) &&
    isIndex(value.labelled) &&
    typeof value.labelsFile === 'string'
  );
}

export function parseToReviewMessage(value: unknown): ToReviewMessage | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'show':
      return isItem(value.item) ? { type: 'show', item: value.item } : undefined;
    case 'source': {
      const source = parseReviewSource(value.source);
      return source ? { type: 'source', source } : undefined;
    }
    case 'playback':
      return isIndex(value.index) && isPlaybackView(value.playback) ? { type: 'playback', index: value.index, playback: value.playback } : undefined;
    case 'saved':
      return isIndex(value.index) && isIndex(value.labelled) && (value.error === null || typeof value.error === 'string')
        ? { type: 'saved', index: value.index, labelled: value.labelled, error: value.error }
        : undefined;
    default:
      return undefined;
  }
}

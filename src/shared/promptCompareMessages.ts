// Messages between the extension host and the prompt comparison webview, and their validation.
import type { CriticResult } from './result';
import { isObject, isString, isStringOrNull } from './guards';
import { isCriticResult } from './webviewMessages';

export type CompareRunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'missing' | 'recorded';

/**
 * How a recorded result's prompt text relates to the prompt file now: the same text, edited since (its sha256
 * differs from the file's), or the file is gone.
 */
export type PromptTextState = 'current' | 'changed' | 'missing';

/** One side of a comparison: a result and where it lives. */
export interface CompareSide {
  result: CriticResult;
  /** The result file it was read from or written to; null when it was not written. */
  resultFile: string | null;
  promptText: PromptTextState;
}

/** One video: the previous result against the current one. */
export interface VideoComparison {
  /** Absolute path of the video; the row's key. */
  video: string;
  /** How the user knows it: the pin as written, or the workspace-relative path. */
  label: string;
  status: CompareRunStatus;
  /** The server's latest progress message while it runs. */
  stage: string | null;
  error: string | null;
  previous: CompareSide | null;
  current: CompareSide | null;
}

export interface PromptCompareView {
  promptId: string;
  /** The prompt file, for "Open Prompt"; null when it is unknown or gone. */
  promptPath: string | null;
  /** `live`: this version on the pinned videos against the previous version (re-run, cancel); `versions`: two recorded versions. */
  kind: 'live' | 'versions';
  /** Headings of the two columns, e.g. "Previous version" and "This version (v3)". */
  previousLabel: string;
  currentLabel: string;
  running: boolean;
  /** A line under the title: what ran, or why nothing could. */
  note: string | null;
  rows: VideoComparison[];
}

/** Extension host → comparison webview. */
export type ToCompareMessage =
  | { type: 'show'; view: PromptCompareView }
  /** One video's row changed (its status, stage or result). */
  | { type: 'row'; row: VideoComparison }
  | { type: 'running'; running: boolean; note: string | null };

/** Comparison webview → extension host. Paths are checked by the host against the view it sent. */
export type FromCompareMessage =
  | { type: 'ready' }
  | { type: 'rerun' }
  | { type: 'cancel' }
  | { type: 'openPrompt' }
  | { type: 'openResult'; file: string }
  | { type: 'openVideo'; video: string };

const STATUSES: readonly CompareRunStatus[] = ['queued', 'running', 'done', 'failed', 'cancelled', 'missing', 'recorded'];
const TEXT_STATES: readonly PromptTextState[] = ['current', 'changed', 'missing'];
const MAX_PATH = 4096;

export function isCompareSide(value: unknown): value is CompareSide {
  return (
    isObject(value) &&
    isCriticResult(value.result) &&
    isStringOrNull(value.resultFile) &&
    TEXT_STATES.includes(value.promptText as PromptTextState)
  );
}

export function isVideoComparison(value: unknown): value is VideoComparison {
  return (
    isObject(value) &&
    isString(value.video) &&
    isString(value.label) &&
    STATUSES.includes(value.status as CompareRunStatus) &&
    isStringOrNull(value.stage) &&
    isStringOrNull(value.error) &&
    (value.previous === null || isCompareSide(value.previous)) &&
    (value.current === null || isCompareSide(value.current))
  );
}

export function isPromptCompareView(value: unknown): value is PromptCompareView {
  return (
    isObject(value) &&
    isString(value.promptId) &&
    isStringOrNull(value.promptPath) &&
    (value.kind === 'live' || value.kind === 'versions') &&
    isString(value.previousLabel) &&
    isString(value.currentLabel) &&
    typeof value.running === 'boolean' &&
    isStringOrNull(value.note) &&
    Array.isArray(value.rows) &&
    value.rows.every(isVideoComparison)
  );
}

/** Validates a message the comparison webview received; anything else gives `undefined`. */
export function parseToCompareMessage(value: unknown): ToCompareMessage | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'show':
      return isPromptCompareView(value.view) ? { type: 'show', view: value.view } : undefined;
    case 'row':
      return isVideoComparison(value.row) ? { type: 'row', row: value.row } : undefined;
    case 'running':
      return typeof value.running === 'boolean' && isStringOrNull(value.note) ? { type: 'running', running: value.running, note: value.note } : undefined;
    default:
      return undefined;
  }
}

/** Validates a message from the comparison webview; anything else gives `undefined`. */
export function parseFromCompareMessage(value: unknown): FromCompareMessage | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'ready':
    case 'rerun':
    case 'cancel':
    case 'openPrompt':
      return { type: value.type };
    case 'openResult':
      return isString(value.file) && value.file.length > 0 && value.file.length <= MAX_PATH ? { type: 'openResult', file: value.file } : undefined;
    case 'openVideo':
      return isString(value.video) && value.video.length > 0 && value.video.length <= MAX_PATH ? { type: 'openVideo', video: value.video } : undefined;
    default:
      return undefined;
  }
}

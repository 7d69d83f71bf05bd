// Human labels of videos: our own CSV/JSONL format, and importers for VideoPhy-2's CSV and for timestamped-error
// annotations: the Spotlight benchmark's metadata.jsonl (Hugging Face UBC-ViL/Spotlight-VideoGen-Errors: one row per
// prompt `pid` × generator `video_from`, the video at spotlight/<video_from>/<pid>.mp4), and any other list of
// errors with start and end times per video.
import { extname } from 'node:path';
import { firstField, InputFileError, readTableFile, type TableRow } from './tableFile';

export interface LabelViolation {
  start_s: number;
  end_s: number;
  category: string;
}

export interface VideoLabel {
  /** As written in the file: a path under the videos' root, an absolute path, or a file name. */
  video: string;
  /** Line (or entry) of the file, for messages. */
  line: number;
  /** Positive class: physically plausible. */
  good: boolean;
  /** A 1–5 plausibility score when the label was one. */
  score5: number | null;
  /** Labelled violations with times; null when the row says nothing about them. */
  violations: LabelViolation[] | null;
}

export const LABEL_FORMATS = ['auto', 'cosmos', 'videophy2', 'spotlight'] as const;
export type LabelFormat = (typeof LABEL_FORMATS)[number];

export interface LabelOptions {
  format?: LabelFormat;
  /** A 1–5 score at or above this counts as good (VideoPhy-2 counts PC ≥ 4 as physically plausible). */
  goodAt?: number;
}

const VIDEO_FIELDS = ['video', 'video_path', 'videopath', 'path', 'file', 'filename', 'video_name', 'video_id', 'video_url', 'id'] as const;
const ERROR_LIST_FIELDS = ['errors', 'annotations', 'error_annotations', 'violations', 'local_errors', 'error_list'] as const;
/** Spotlight's metadata.jsonl: the prompt id and the generator name the video. */
const SPOTLIGHT_KEY_FIELDS = ['pid', 'video_from'] as const;

/** Seconds from a number, "12.5", "1:02.5" or "0:01:02.5". */
export function parseSeconds(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string' || !value.trim()) return null;
  const parts = value.trim().replace(/s$/i, '').split(':');
  if (parts.length > 3 || parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) return null;
  return parts.reduce((total, p) => total * 60 + Number(p), 0);
}

/** The video a URL or path names: a URL's path without its leading "/" (matched to results by its end). */
function videoName(value: string): string {
  if (/^[a-z]+:\/\//i.test(value)) {
    try {
      return decodeURIComponent(new URL(value).pathname).replace(/^\/+/, '');
    } catch {
      return value;
    }
  }
  return value.trim();
}

function where(file: string, row: TableRow): string {
  return `${file}:${row.line}`;
}

function parseLabelValue(value: unknown, at: string, goodAt: number): { good: boolean; score5: number | null } {
  if (typeof value === 'boolean') throw new InputFileError(`${at}: label ${value} is ambiguous; write "good" or "bad", or a 1–5 plausibility score`);
  const text = String(value).trim().toLowerCase();
  if (['good', 'plausible', 'real', 'pass'].includes(text)) return { good: true, score5: null };
  if (['bad', 'implausible', 'fail'].includes(text)) return { good: false, score5: null };
  const n = typeof value === 'number' ? value : /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (Number.isFinite(n) && n >= 1 && n <= 5) return { good: n >= goodAt, score5: n };
  throw new InputFileError(`${at}: label "${String(value)}" is neither good/bad nor a 1–5 plausibility score; fix that row`);
}

/**
 * Spotlight's error types in the critic's violation categories where one plainly fits; the others (physics in
 * general, prompt adherence, logic) keep their own name, so that category agreement is never claimed by a guess.
 */
export function spotlightCategory(type: string): string {
  const t = type.trim().toLowerCase();
  if (/appear|vanish/.test(t)) return 'object_permanence';
  if (/pose|anatom|body/.test(t)) return 'human_motion';
  return t.replace(/[\s/-]+/g, '_');
}

function parseViolationList(value: unknown, at: string, untimed: 'error' | 'skip' = 'error'): LabelViolation[] {
  let list = value;
  if (typeof list === 'string') {
    try {
      list = JSON.parse(list);
    } catch {
      throw new InputFileError(`${at}: violations must be a JSON list like [{"start_s":1.2,"end_s":2,"category":"gravity"}]`);
    }
  }
  if (!Array.isArray(list)) throw new InputFileError(`${at}: violations must be a list of {start_s, end_s, category}`);
  return list.map((item, i) => {
    if (!item || typeof item !== 'object') throw new InputFileError(`${at}: violation ${i + 1} is not an object with start_s, end_s and category`);
    const v = item as Record<string, unknown>;
    const timestamp = Array.isArray(v.timestamp) ? v.timestamp : Array.isArray(v.time) ? v.time : Array.isArray(v.segment) ? v.segment : undefined;
    const start = parseSeconds(firstField(v, ['start_s', 'start', 'start_time', 'start_sec', 'begin', 'from']) ?? timestamp?.[0]);
    const end = parseSeconds(firstField(v, ['end_s', 'end', 'end_time', 'end_sec', 'to']) ?? timestamp?.[1]) ?? start;
    if (start === null || end === null) {
      // A global error (the whole video, no time) says the video is bad but gives nothing to match in time.
      if (untimed === 'skip' && firstField(v, ['start_s', 'start', 'start_time', 'start_sec', 'begin', 'from']) === undefined && !timestamp) return null;
      throw new InputFileError(`${at}: violation ${i + 1} has no readable start time (seconds, or m:ss)`);
    }
    if (end < start) throw new InputFileError(`${at}: violation ${i + 1} ends (${end} s) before it starts (${start} s)`);
    const category = firstField(v, ['category', 'type', 'error_type', 'error_category', 'label']);
    return { start_s: start, end_s: end, category: category === undefined ? 'other' : String(category).trim().toLowerCase() };
  }).filter((v): v is LabelViolation => v !== null);
}

function cosmosLabel(row: TableRow, file: string, goodAt: number): VideoLabel {
  const at = where(file, row);
  const video = firstField(row.fields, VIDEO_FIELDS);
  if (video === undefined) throw new InputFileError(`${at}: no "video" (a path under the videos' root, or a file name)`);
  const violationsValue = firstField(row.fields, ['violations']);
  const violations = violationsValue === undefined ? null : parseViolationList(violationsValue, at);
  const labelValue = firstField(row.fields, ['label', 'verdict', 'score', 'rating']);
  if (labelValue === undefined) throw new InputFileError(`${at}: no "label" (good or bad, or a 1–5 plausibility score)`);
  return { video: videoName(String(video)), line: row.line, ...parseLabelValue(labelValue, at, goodAt), violations };
}

/** VideoPhy-2 (videophysics/videophy2_train, _test): `video_url`, `pc` (physical commonsense 1–5), `sa`, `caption`, … */
function videophyLabel(row: TableRow, file: string, goodAt: number): VideoLabel {
  const at = where(file, row);
  const video = firstField(row.fields, ['video_url', 'videopath', 'video_path', 'video', 'filename']);
  if (video === undefined) throw new InputFileError(`${at}: no video_url (VideoPhy-2 CSV)`);
  const pc = firstField(row.fields, ['pc', 'physics_score']);
  if (pc !== undefined) return { video: videoName(String(video)), line: row.line, ...parseLabelValue(pc, `${at} (pc)`, goodAt), violations: null };
  // VideoPhy (v1) gives a 0/1 majority vote for physical commonsense.
  const binary = firstField(row.fields, ['majority_pc', 'physics']);
  if (String(binary) === '0' || String(binary) === '1') return { video: videoName(String(video)), line: row.line, good: String(binary) === '1', score5: null, violations: null };
  throw new InputFileError(`${at}: no "pc" (1–5) or "majority_pc" (0/1) column value`);
}

/** The video a Spotlight metadata row names: its `file_name`, else spotlight/<video_from>/<pid>.mp4 (one pid per generator). */
function spotlightVideo(fields: Record<string, unknown>): string | undefined {
  const fileName = firstField(fields, ['file_name']);
  if (fileName !== undefined) return String(fileName);
  const pid = firstField(fields, ['pid']);
  const from = firstField(fields, ['video_from']);
  return pid !== undefined && from !== undefined ? `spotlight/${String(from).trim()}/${String(pid).trim()}.mp4` : undefined;
}

/** Timestamped errors per video: no error = good; each timed error becomes a labelled violation. */
function spotlightLabel(row: TableRow, file: string): VideoLabel {
  const at = where(file, row);
  if (SPOTLIGHT_KEY_FIELDS.every((k) => row.fields[k] !== undefined)) {
    const video = spotlightVideo(row.fields)!;
    const list = firstField(row.fields, ERROR_LIST_FIELDS);
    const raw = list === undefined ? [] : typeof list === 'string' ? safeJson(list) : list;
    const errors = Array.isArray(raw) ? raw : [];
    const violations = list === undefined ? [] : parseViolationList(list, at, 'skip').map((v) => ({ ...v, category: spotlightCategory(v.category) }));
    return { video, line: row.line, good: errors.length === 0, score5: null, violations };
  }
  const video = firstField(row.fields, VIDEO_FIELDS);
  if (video === undefined) throw new InputFileError(`${at}: no video name or id`);
  const list = firstField(row.fields, ERROR_LIST_FIELDS);
  const violations = list === undefined ? [] : parseViolationList(list, at);
  return { video: videoName(String(video)), line: row.line, good: violations.length === 0, score5: null, violations };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function detectFormat(rows: TableRow[], file: string): Exclude<LabelFormat, 'auto'> {
  const first = rows[0]?.fields ?? {};
  const has = (names: readonly string[]) => names.some((n) => first[n] !== undefined);
  if (SPOTLIGHT_KEY_FIELDS.every((k) => first[k] !== undefined)) return 'spotlight';
  if (has(['label', 'verdict', 'rating'])) return 'cosmos';
  if (has(['pc', 'majority_pc']) && has(['video_url', 'videopath', 'video_path', 'video', 'filename'])) return 'videophy2';
  if (has(ERROR_LIST_FIELDS) && has(VIDEO_FIELDS)) return 'spotlight';
  throw new InputFileError(`${file}: cannot tell the label format from its first row (fields: ${Object.keys(first).join(', ') || 'none'}); give "video" and "label" columns, or --labels-format videophy2|spotlight`);
}

export interface LabelsRead {
  file: string;
  format: Exclude<LabelFormat, 'auto'>;
  labels: VideoLabel[];
}

/** Reads a labels file; a bad row, or one video labelled twice, is one error naming the file and line. */
export async function readLabels(file: string, options: LabelOptions = {}): Promise<LabelsRead> {
  const rows = await readTableFile(file);
  return labelsFromRows(rows, file, options);
}

export function labelsFromRows(rows: TableRow[], file: string, options: LabelOptions = {}): LabelsRead {
  const goodAt = options.goodAt ?? 4;
  if (rows.length === 0) throw new InputFileError(`${file}: no labels in it`);
  const format = !options.format || options.format === 'auto' ? detectFormat(rows, file) : options.format;
  const labels = rows.map((row) => (format === 'cosmos' ? cosmosLabel(row, file, goodAt) : format === 'videophy2' ? videophyLabel(row, file, goodAt) : spotlightLabel(row, file)));
  const seen = new Map<string, number>();
  for (const label of labels) {
    const known = seen.get(label.video);
    if (known !== undefined) throw new InputFileError(`${file}: ${label.video} is labelled twice (lines ${known} and ${label.line}); keep one`);
    seen.set(label.video, label.line);
  }
  return { file, format, labels };
}

export const isLabelsExtension = (file: string) => ['.csv', '.jsonl', '.ndjson', '.json'].includes(extname(file).toLowerCase());

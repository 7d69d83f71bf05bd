/**
 * Messages between the extension host and the results browser webview, and their validators. A row is one
 * video × prompt × model as `summary.jsonl` writes it.
 */
import { isBandsView, type BandsView } from './bands';
import { isCalibrationView, type CalibrationView } from './calibrationMessages';
import { isFiniteNumber, isIndex, isNumberOrNull, isObject, isString, isStringOrNull, type Json } from './guards';
import type { SummaryRow } from './summaryRow';

export interface ResultRowView extends SummaryRow {
  /** Other per-video metrics (Sampson error, FVD, …) from the metrics file the browser was given, by column. */
  metrics?: Record<string, number>;
}

/** The metrics file joined into the rows, and its numeric columns in file order. */
export interface MetricsColumnsView {
  file: string;
  columns: string[];
}

/** A metrics column in the table's sort: `metric:<column>`. */
export type MetricSortColumn = `metric:${string}`;
export const metricSortColumn = (column: string): MetricSortColumn => `metric:${column}`;
export const isMetricSortColumn = (column: string): column is MetricSortColumn => column.startsWith('metric:');

/** A results folder the browser shows: the workspace's (id 0), or one added to compare with (id ≥ 1). */
export interface ResultsSourceView {
  id: number;
  /** Short name shown in group labels. */
  label: string;
  dir: string;
  rows: ResultRowView[];
}

/** Extension host → results webview. */
export type ToResultsMessage =
  /** Every folder with all its rows: on `ready`, and after the files change. */
  | { type: 'data'; sources: ResultsSourceView[]; bands?: BandsView; metrics?: MetricsColumnsView }
  /** A line for the status bar of the page (reading, errors); null clears it. */
  | { type: 'status'; message: string | null; busy: boolean }
  /** The evaluation against the labels the user chose (Calibration tab); null with a message when there is none. */
  | { type: 'calibration'; report: CalibrationView | null; message: string | null };

/** Results webview → extension host. */
export type FromResultsMessage =
  | { type: 'ready' }
  | { type: 'refresh' }
  /** Open the player on a row's video with the row's result; the host only opens rows it sent. */
  | { type: 'openVideo'; source: number; video: string; resultFile: string | null }
  /** Pick another results folder to compare with. */
  | { type: 'addFolder' }
  | { type: 'removeFolder'; source: number }
  | { type: 'exportReport' }
  | { type: 'critiqueWorkspace' }
  /** Pick a labels file and evaluate the results against it. */
  | { type: 'chooseLabels' }
  /** Pick a file of other per-video metrics to correlate with the score in the evaluation. */
  | { type: 'chooseMetrics' }
  /** Save the suggested bands of run `run` of the evaluation shown, for score/batch/report and the workspace. */
  | { type: 'saveBands'; run: number }
  /** Review mode over the rows shown, in the order shown (the workspace's folder). */
  | { type: 'review'; rows: Array<{ video: string; resultFile: string | null }> };

export const RESULT_TABS = ['table', 'compare', 'rank', 'calibration'] as const;
export type ResultsTab = (typeof RESULT_TABS)[number];

export const SORT_COLUMNS = ['video', 'score', 'band', 'anomaly', 'violations', 'categories', 'duration', 'prompt', 'model', 'error'] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];

/** What the webview keeps with `setState` (the rows come again from the host). */
export interface ResultsState {
  /** The results folder shown, so that a reloaded window can open the browser again. */
  dir: string;
  tab: ResultsTab;
  filterText: string;
  /** '' for every band, else high | medium | low | unparsed | failed. */
  band: string;
  /** '' for every group, else a group key. */
  group: string;
  sort: { column: SortColumn | MetricSortColumn; descending: boolean };
  scrollTop: number;
  compareA: string;
  compareB: string;
  /** '' for every group, else a prompt key (id + version) whose models are ranked. */
  rankScope: string;
}

export const DEFAULT_RESULTS_STATE: ResultsState = {
  dir: '',
  tab: 'table',
  filterText: '',
  band: '',
  group: '',
  sort: { column: 'score', descending: false },
  scrollTop: 0,
  compareA: '',
  compareB: '',
  rankScope: '',
};

const isSourceId = isIndex;

const ROW_STRINGS = ['video', 'prompt_id', 'prompt_version', 'model', 'mode', 'categories'] as const;
const ROW_NULLABLE_STRINGS = ['band', 'anomaly', 'error', 'result_file'] as const;
const ROW_NULLABLE_NUMBERS = ['score', 'violations', 'duration_s'] as const;

const MAX_METRIC_COLUMNS = 100;
const MAX_COLUMN_NAME = 200;

function isMetricValues(value: unknown): value is Record<string, number> {
  if (!isObject(value)) return false;
  const entries = Object.entries(value);
  return entries.length <= MAX_METRIC_COLUMNS && entries.every(([k, v]) => k.length <= MAX_COLUMN_NAME && isFiniteNumber(v));
}

function isMetricsColumnsView(value: unknown): value is MetricsColumnsView {
  return isObject(value) && isString(value.file) && Array.isArray(value.columns) && value.columns.length <= MAX_METRIC_COLUMNS && value.columns.every((c) => isString(c) && c.length > 0 && c.length <= MAX_COLUMN_NAME);
}

export function isResultRowView(value: unknown): value is ResultRowView {
  return (
    isObject(value) &&
    (value.metrics === undefined || isMetricValues(value.metrics)) &&
    ROW_STRINGS.every((key) => isString(value[key])) &&
    ROW_NULLABLE_STRINGS.every((key) => isStringOrNull(value[key])) &&
    ROW_NULLABLE_NUMBERS.every((key) => isNumberOrNull(value[key])) &&
    (value.status === 'ok' || value.status === 'unparsed' || value.status === 'failed')
  );
}

/** A copy with only the row's own fields, so nothing else travels on. */
export function resultRowView(row: ResultRowView): ResultRowView {
  const { video, prompt_id, prompt_version, model, mode, status, score, band, anomaly, violations, categories, duration_s, error, result_file, metrics } = row;
  const view: ResultRowView = { video, prompt_id, prompt_version, model, mode, status, score, band, anomaly, violations, categories, duration_s, error, result_file };
  if (metrics) view.metrics = { ...metrics };
  return view;
}

function parseSource(value: unknown): ResultsSourceView | undefined {
  if (!isObject(value) || !isSourceId(value.id) || !isString(value.label) || !isString(value.dir) || !Array.isArray(value.rows)) return undefined;
  const rows: ResultRowView[] = [];
  for (const row of value.rows) {
    if (!isResultRowView(row)) return undefined;
    rows.push(resultRowView(row));
  }
  return { id: value.id, label: value.label, dir: value.dir, rows };
}

/** Validates a message the webview received; anything else gives `undefined`. */
export function parseToResultsMessage(value: unknown): ToResultsMessage | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'data': {
      if (!Array.isArray(value.sources)) return undefined;
      const sources: ResultsSourceView[] = [];
      for (const raw of value.sources) {
        const source = parseSource(raw);
        if (!source) return undefined;
        sources.push(source);
      }
      if (value.bands !== undefined && !isBandsView(value.bands)) return undefined;
      if (value.metrics !== undefined && !isMetricsColumnsView(value.metrics)) return undefined;
      const data: ToResultsMessage = { type: 'data', sources };
      if (value.bands !== undefined) data.bands = { high: value.bands.high, low: value.bands.low, file: value.bands.file };
      if (value.metrics !== undefined) data.metrics = { file: value.metrics.file, columns: [...value.metrics.columns] };
      return data;
    }
    case 'status':
      return isStringOrNull(value.message) && typeof value.busy === 'boolean' ? { type: 'status', message: value.message, busy: value.busy } : undefined;
    case 'calibration':
      return (value.report === null || isCalibrationView(value.report)) && isStringOrNull(value.message) ? { type: 'calibration', report: value.report, message: value.message } : undefined;
    default:
      return undefined;
  }
}

/** Validates a message from the webview; anything else gives `undefined`. */
export function parseFromResultsMessage(value: unknown): FromResultsMessage | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'ready':
    case 'refresh':
    case 'addFolder':
    case 'exportReport':
    case 'critiqueWorkspace':
    case 'chooseLabels':
    case 'chooseMetrics':
      return { type: value.type };
    case 'saveBands':
      return Number.isInteger(value.run) && (value.run as number) >= 0 ? { type: 'saveBands', run: value.run as number } : undefined;
    case 'removeFolder':
      return isSourceId(value.source) && value.source > 0 ? { type: 'removeFolder', source: value.source } : undefined;
    case 'review':
      return Array.isArray(value.rows) && value.rows.length <= 1_000_000 && value.rows.every((r) => isObject(r) && isString(r.video) && isStringOrNull(r.resultFile))
        ? { type: 'review', rows: (value.rows as Json[]).map((r) => ({ video: r.video as string, resultFile: r.resultFile as string | null })) }
        : undefined;
    case 'openVideo':
      return isSourceId(value.source) && isString(value.video) && value.video.length > 0 && isStringOrNull(value.resultFile)
        ? { type: 'openVideo', source: value.source, video: value.video, resultFile: value.resultFile }
        : undefined;
    default:
      return undefined;
  }
}

const pick = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T => (allowed.includes(value as T) ? (value as T) : fallback);
const text = (value: unknown, max = 500): string => (isString(value) ? value.slice(0, max) : '');

/** Restores saved webview state, field by field: an unknown or missing field takes its default. */
export function parseResultsState(value: unknown): ResultsState {
  const d = DEFAULT_RESULTS_STATE;
  if (!isObject(value)) return { ...d, sort: { ...d.sort } };
  const sort = isObject(value.sort) ? value.sort : {};
  return {
    dir: text(value.dir, 4096),
    tab: pick(value.tab, RESULT_TABS, d.tab),
    filterText: text(value.filterText),
    band: pick(value.band, ['', 'high', 'medium', 'low', 'unparsed', 'failed'], ''),
    group: text(value.group, 2000),
    sort: { column: isString(sort.column) && isMetricSortColumn(sort.column) && sort.column.length <= MAX_COLUMN_NAME + 7 ? sort.column : pick(sort.column, SORT_COLUMNS, d.sort.column), descending: sort.descending === true },
    scrollTop: isFiniteNumber(value.scrollTop) && value.scrollTop > 0 ? value.scrollTop : 0,
    compareA: text(value.compareA, 2000),
    compareB: text(value.compareB, 2000),
    rankScope: text(value.rankScope, 2000),
  };
}

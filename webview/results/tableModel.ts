import { isMetricSortColumn, type MetricSortColumn, type ResultRowView, type ResultsSourceView, type SortColumn } from '../../src/shared/resultsMessages.js';
import { groupKey } from './groups.js';

/** A row as the table holds it: the result row with what sorting and filtering need, worked out once. */
export interface TableRow extends ResultRowView {
  source: number;
  group: string;
  /** The video's file name. */
  name: string;
  /** Lower-cased video name, categories and error: what the filter box searches. */
  search: string;
}

/** A metric's cell: four significant digits, no trailing zeros; empty when the video has no value. */
export function formatMetric(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '';
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-3)) return value.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(4)));
}

export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

export function toTableRows(sources: readonly ResultsSourceView[]): TableRow[] {
  const out: TableRow[] = [];
  for (const source of sources) {
    for (const row of source.rows) {
      const name = baseName(row.video);
      out.push({ ...row, source: source.id, group: groupKey(source.id, row), name, search: `${name}\n${row.categories}\n${row.error ?? ''}`.toLowerCase() });
    }
  }
  return out;
}

export interface RowFilter {
  /** Words that must all occur in the video name, categories or error (case-insensitive). */
  text: string;
  /** '' for all, high | medium | low, or failed. */
  band: string;
  /** '' for all, else a group key. */
  group: string;
}

export function filterRows(rows: readonly TableRow[], filter: RowFilter): TableRow[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter(
    (row) =>
      (!filter.group || row.group === filter.group) &&
      (!filter.band || (filter.band === 'failed' || filter.band === 'unparsed' ? row.status === filter.band : row.band === filter.band)) &&
      words.every((word) => row.search.includes(word)),
  );
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const BAND_ORDER: Record<string, number> = { low: 0, medium: 1, high: 2 };

type Key = number | string | null;

function sortKey(row: TableRow, column: SortColumn | MetricSortColumn): Key {
  if (isMetricSortColumn(column)) return row.metrics?.[column.slice('metric:'.length)] ?? null;
  switch (column) {
    case 'video':
      return row.name;
    case 'score':
      return row.score;
    case 'band':
      return row.band === null ? null : (BAND_ORDER[row.band] ?? -1);
    case 'anomaly':
      return row.anomaly;
    case 'violations':
      return row.violations;
    case 'categories':
      return row.categories || null;
    case 'duration':
      return row.duration_s;
    case 'prompt':
      return `${row.prompt_id}\u0000${row.prompt_version}`;
    case 'model':
      return row.model || null;
    case 'error':
      return row.error || null;
  }
}

function compareKeys(a: Key, b: Key): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/** A sorted copy; rows without a value (no score, no error, …) come last in either direction; ties by video name. */
export function sortRows(rows: readonly TableRow[], column: SortColumn | MetricSortColumn, descending: boolean): TableRow[] {
  const keyed = rows.map((row) => ({ row, key: sortKey(row, column) }));
  keyed.sort((p, q) => {
    if (p.key === null || q.key === null) {
      if (p.key !== q.key) return p.key === null ? 1 : -1;
    } else {
      const order = compareKeys(p.key, q.key);
      if (order !== 0) return descending ? -order : order;
    }
    return collator.compare(p.row.name, q.row.name);
  });
  return keyed.map((k) => k.row);
}

export interface RowWindow {
  /** First row in the DOM. */
  start: number;
  /** One past the last row in the DOM. */
  end: number;
  /** Where the first row sits, in pixels from the top of the scrolled content. */
  offset: number;
  /** Height of all rows: the spacer's height, so the scroll bar is right. */
  height: number;
}

/**
 * The rows to put in the DOM for a scroll position: those in view plus `overscan` on each side, so a table of any
 * length keeps about (viewport / row height + 2 × overscan) rows. A scrollTop past the end (rows were filtered
 * away) is clamped.
 */
export function visibleWindow(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan = 8): RowWindow {
  const height = total * rowHeight;
  if (total === 0 || rowHeight <= 0) return { start: 0, end: 0, offset: 0, height: Math.max(0, height) };
  const top = Math.min(Math.max(0, scrollTop), Math.max(0, height - viewportHeight));
  const first = Math.floor(top / rowHeight);
  const inView = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, first + inView + overscan);
  return { start, end, offset: start * rowHeight, height };
}

/** The scrollTop that brings row `index` into view, or the current one when it is in view already. */
export function scrollToRow(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return scrollTop;
}

// Other per-video metrics (Sampson error, a per-video FVD, a checkpoint's FID, …) read from CSV/JSONL and joined to
// results by video, as the labels are.
import { firstField, InputFileError, readTableFile, type TableRow } from './tableFile';

export interface MetricsTable {
  file: string;
  /** Numeric columns, in file order. */
  columns: string[];
  rows: Array<{ video: string; line: number; values: Record<string, number> }>;
}

const VIDEO_FIELDS = ['video', 'video_path', 'path', 'file', 'filename', 'video_name', 'video_id'] as const;

/** Columns whose every value is a number (empty cells allowed) are metrics; the rest (captions, models) are left out. */
export function metricsFromRows(rows: TableRow[], file: string): MetricsTable {
  if (rows.length === 0) throw new InputFileError(`${file}: no rows in it`);
  const names = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.fields)) names.add(k);
  const toNumber = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v) ? Number(v) : NaN);
  const columns = [...names].filter((name) => !(VIDEO_FIELDS as readonly string[]).includes(name) && rows.every((r) => r.fields[name] === undefined || r.fields[name] === null || Number.isFinite(toNumber(r.fields[name]))) && rows.some((r) => r.fields[name] !== undefined && r.fields[name] !== null));
  if (columns.length === 0) throw new InputFileError(`${file}: no numeric column besides the video; give one column per metric (e.g. "video,sampson_error,fvd")`);
  const seen = new Map<string, number>();
  return {
    file,
    columns,
    rows: rows.map((r) => {
      const video = firstField(r.fields, VIDEO_FIELDS);
      if (video === undefined) throw new InputFileError(`${file}:${r.line}: no "video" column value`);
      const name = String(video).trim();
      const known = seen.get(name);
      if (known !== undefined) throw new InputFileError(`${file}: ${name} appears twice (lines ${known} and ${r.line}); keep one row per video`);
      seen.set(name, r.line);
      const values: Record<string, number> = {};
      for (const c of columns) if (r.fields[c] !== undefined && r.fields[c] !== null) values[c] = toNumber(r.fields[c]);
      return { video: name, line: r.line, values };
    }),
  };
}

export async function readMetricsFile(file: string): Promise<MetricsTable> {
  return metricsFromRows(await readTableFile(file), file);
}

import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ChangedFileCache } from '../../engine/store/changedFileCache';
import { ResultStore } from '../../engine/store/resultStore';
import { isResultFileProblem, readResultRow, type ResultFileProblem } from '../../engine/store/runReport';
import { isResultRowView, resultRowView, type ResultRowView } from '../../shared/resultsMessages';

const STAT_CONCURRENCY = 64;

interface Entry {
  row: ResultRowView | undefined;
  /** Why the file is not counted, when it is damaged or incomplete. */
  problem?: string;
}

const rowKey = (row: ResultRowView): string => JSON.stringify([row.video, row.prompt_id, row.prompt_version, row.model]);

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Rows of `summary.jsonl`, for a folder that has a summary but no `results/` (copied without them). */
async function summaryRows(dir: string): Promise<ResultRowView[]> {
  const text = await readFile(path.join(dir, 'summary.jsonl'), 'utf8').catch(() => '');
  const rows = new Map<string, ResultRowView>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const row: unknown = JSON.parse(line);
      // Later lines win: the file is appended to while a batch runs.
      if (isResultRowView(row)) rows.set(rowKey(row), resultRowView(row));
    } catch {
      // A line being written.
    }
  }
  return [...rows.values()];
}

/**
 * The rows of one results folder, read from its `results/` files as the report reads them (so results written by
 * the player and by batches both count). Files are re-read only when their size or time changed, so refreshing a
 * folder of thousands of results while a batch writes into it stays cheap.
 */
export class ResultRowsIndex {
  private readonly entries = new ChangedFileCache<Entry>();

  constructor(readonly dir: string) {}

  async refresh(): Promise<ResultRowView[]> {
    const files = await new ResultStore(this.dir).listFiles();
    this.entries.keepOnly(new Set(files));
    const reads = await mapLimited(files, STAT_CONCURRENCY, (file) =>
      this.entries.get(file, async (path): Promise<Entry> => {
        const read = await readResultRow(path, this.dir);
        return isResultFileProblem(read) ? { row: undefined, problem: read.problem } : { row: read ? resultRowView(read.row) : undefined };
      }),
    );
    // The player and batches name their files differently: one video × prompt × model may have two; the newest counts.
    const newest = new Map<string, { row: ResultRowView; mtimeMs: number }>();
    for (const read of reads) {
      const row = read?.value.row;
      if (!row) continue;
      const key = rowKey(row);
      const known = newest.get(key);
      if (!known || read.mtimeMs > known.mtimeMs) newest.set(key, { row, mtimeMs: read.mtimeMs });
    }
    const rows = [...newest.values()].map((entry) => entry.row);
    return rows.length > 0 || files.length > 0 ? rows : summaryRows(this.dir);
  }

  /** The files of the last refresh that could not be counted (damaged, cut short, incomplete), each with why. */
  problems(): ResultFileProblem[] {
    return [...this.entries.entries()].flatMap(([file, entry]) => (entry.value.problem ? [{ file, problem: entry.value.problem }] : []));
  }

  /** The row a result file (as a row names it, relative to the folder) belongs to. */
  static resolve(dir: string, resultFile: string): string | undefined {
    const file = path.resolve(dir, resultFile);
    const relative = path.relative(dir, file);
    return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? file : undefined;
  }
}

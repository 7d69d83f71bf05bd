// Which videos a review goes through, and in what order: pure, so it is testable without VS Code.
import * as path from 'node:path';
import type { ReviewOrderRow } from '../../shared/reviewState';
import type { SummaryRow } from '../../shared/summaryRow';

export interface ReviewEntry {
  /** Absolute path of the video. */
  video: string;
  /** Its result file, absolute; null when the video has no finished result. */
  resultFile: string | null;
}

/** Whether `file` is `folder` or inside it. */
export function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * One entry per video: in the order given (the results browser's sort and filter), else by path. A video with several
 * results (prompts, models) is reviewed once, with the first finished result in that order.
 */
export function reviewEntries(rows: readonly SummaryRow[], resolve: (resultFile: string) => string | undefined, options: { under?: string; ordered?: boolean } = {}): ReviewEntry[] {
  const list = options.ordered ? [...rows] : [...rows].sort((a, b) => (a.video < b.video ? -1 : a.video > b.video ? 1 : 0));
  const byVideo = new Map<string, ReviewEntry>();
  for (const row of list) {
    if (options.under && !isInside(row.video, options.under)) continue;
    const resultFile = row.status === 'ok' && row.result_file ? (resolve(row.result_file) ?? null) : null;
    const known = byVideo.get(row.video);
    if (!known) byVideo.set(row.video, { video: row.video, resultFile });
    else if (!known.resultFile && resultFile) known.resultFile = resultFile;
  }
  return [...byVideo.values()];
}

/**
 * The entries of a review: the folder's rows in the order given (only rows of the folder count: the order names them,
 * it cannot add files), else all of them; only videos under `under` when given. The same source gives the same
 * entries, so a restored review walks the videos it walked before.
 */
export function entriesOf(rows: readonly SummaryRow[], resolve: (resultFile: string) => string | undefined, choice: { under?: string | null; order?: readonly ReviewOrderRow[] | null }): ReviewEntry[] {
  const { order } = choice;
  const byKey = new Map(rows.map((r) => [`${r.video}\u0000${r.result_file ?? ''}`, r]));
  const chosen = order ? order.flatMap((o) => byKey.get(`${o.video}\u0000${o.resultFile ?? ''}`) ?? []) : rows;
  return reviewEntries(chosen, resolve, { under: choice.under ?? undefined, ordered: Boolean(order) });
}

/** How the labels file names a video: its path under the workspace folder ("/"-separated), else the absolute path. */
export function labelKeyOf(video: string, workspaceFolders: readonly string[]): string {
  const folder = workspaceFolders.filter((f) => isInside(video, f)).sort((a, b) => b.length - a.length)[0];
  return folder ? path.relative(folder, video).split(path.sep).join('/') : video;
}

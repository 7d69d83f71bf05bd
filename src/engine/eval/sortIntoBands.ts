// Places scored videos into good/ uncertain/ bad/ folders by band, as links or copies, keeping their paths under the
// videos' root so that names never collide.
import { copyFile, mkdir, rm, symlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { slug } from '../jobs/batchFiles';
import { bandWith, type Bands } from './bands';

export const SORT_FOLDERS = { high: 'good', medium: 'uncertain', low: 'bad' } as const;

export interface SortableRow {
  video: string;
  prompt_id: string;
  prompt_version: string;
  status: string;
  score: number | null;
}

export interface SortOutcome {
  placed: { good: number; uncertain: number; bad: number };
  /** Videos without a usable score: not placed. */
  unscored: string[];
  errors: string[];
}

/**
 * Links (or copies) each scored video into `<dest>/<good|uncertain|bad>/<path under root>`; with several prompts,
 * under `<dest>/<prompt>-v<version>/…`. A video placed before in another band (a re-run) is taken out of it.
 */
export async function sortIntoBands(rows: readonly SortableRow[], root: string, dest: string, bands: Bands, mode: 'link' | 'copy'): Promise<SortOutcome> {
  const prompts = new Set(rows.map((r) => `${r.prompt_id}\u0000${r.prompt_version}`));
  const outcome: SortOutcome = { placed: { good: 0, uncertain: 0, bad: 0 }, unscored: [], errors: [] };
  for (const row of rows) {
    if (row.status !== 'ok' || row.score === null) {
      outcome.unscored.push(row.video);
      continue;
    }
    const base = prompts.size > 1 ? join(dest, `${slug(row.prompt_id)}-v${slug(row.prompt_version)}`) : dest;
    let rel = relative(root, row.video);
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) rel = row.video.split(/[\\/]/).pop()!;
    const folder = SORT_FOLDERS[bandWith(row.score, bands)];
    try {
      for (const other of Object.values(SORT_FOLDERS)) await rm(join(base, other, rel), { force: true });
      const target = join(base, folder, rel);
      await mkdir(dirname(target), { recursive: true });
      if (mode === 'copy') await copyFile(row.video, target);
      else await symlink(row.video, target);
      outcome.placed[folder]++;
    } catch (err) {
      outcome.errors.push(`${row.video}: ${(err as Error).message}`);
    }
  }
  return outcome;
}

import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { minimatch } from 'minimatch';
import { VIDEO_EXTENSIONS } from '../../shared/video';

const VIDEO = new RegExp(`\\.(${VIDEO_EXTENSIONS.join('|')})$`, 'i');

async function walk(dir: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, out);
    else if (entry.isFile() && VIDEO.test(entry.name)) out.push(path);
  }
}

/** The static folder a glob starts from ("clips/**\/*.mp4" → "clips"). */
function globBase(pattern: string): string {
  const parts = pattern.split(/[\\/]/);
  const i = parts.findIndex((p) => /[*?[\]{}]/.test(p));
  return i < 0 ? pattern : parts.slice(0, i).join(sep) || '.';
}

export interface FindVideosOptions {
  include?: string[];
  exclude?: string[];
}

/**
 * Videos named by the arguments: files, folders (searched recursively, skipping dot folders and node_modules) and
 * globs; then filtered by include/exclude globs (matched against the path relative to the current folder).
 * Sorted, without duplicates. Missing paths are returned too, so they fail as videos with a clear error.
 */
export async function findVideos(args: string[], options: FindVideosOptions = {}): Promise<string[]> {
  const found: string[] = [];
  for (const arg of args) {
    if (/[*?[\]{}]/.test(arg)) {
      const base = resolve(globBase(arg));
      const candidates: string[] = [];
      await walk(base, candidates).catch(() => undefined);
      const pattern = resolve(arg).split(sep).join('/');
      found.push(...candidates.filter((c) => minimatch(c.split(sep).join('/'), pattern, { dot: false })));
      continue;
    }
    const path = resolve(arg);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) await walk(path, found);
    else found.push(path);
  }
  const rel = (p: string) => relative(process.cwd(), p).split(sep).join('/');
  const included = (p: string) => !options.include?.length || options.include.some((g) => minimatch(rel(p), g, { dot: true }));
  const excluded = (p: string) => options.exclude?.some((g) => minimatch(rel(p), g, { dot: true })) ?? false;
  return [...new Set(found)].filter((p) => included(p) && !excluded(p)).sort();
}

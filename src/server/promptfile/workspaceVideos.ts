import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { VIDEO_EXTENSIONS_PATTERN } from '../../promptfile/promptSchema';

const MAX_VIDEOS = 5000;
const FRESH_MS = 5000;

/** Videos under a folder as `/`-separated relative paths, sorted; node_modules and dot folders are skipped. */
export async function findVideos(root: string, limit = MAX_VIDEOS): Promise<string[]> {
  const found: string[] = [];
  const queue = [root];
  while (queue.length > 0 && found.length < limit) {
    const dir = queue.shift()!;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) queue.push(join(dir, entry.name));
      } else if ((entry.isFile() || entry.isSymbolicLink()) && VIDEO_EXTENSIONS_PATTERN.test(entry.name)) {
        found.push(relative(root, join(dir, entry.name)).split(sep).join('/'));
        if (found.length >= limit) break;
      }
    }
  }
  return found.sort();
}

/** findVideos per folder, reused for a few seconds so that completion stays quick while typing. */
export class VideoIndex {
  private readonly cache = new Map<string, { at: number; videos: Promise<string[]> }>();

  list(root: string): Promise<string[]> {
    const hit = this.cache.get(root);
    if (hit && Date.now() - hit.at < FRESH_MS) return hit.videos;
    const videos = findVideos(root);
    this.cache.set(root, { at: Date.now(), videos });
    return videos;
  }
}

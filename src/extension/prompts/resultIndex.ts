import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { CriticResult } from '../../shared/result';
import { isCriticResult } from '../../shared/webviewMessages';
import { recordedResult, type RecordedResult } from './previousResult';

interface CachedFile {
  mtimeMs: number;
  size: number;
  entry: RecordedResult | null;
}

/** Every `*.json` under a folder, at any depth; failure records are skipped. */
async function jsonFiles(folder: string): Promise<string[]> {
  const files: string[] = [];
  const queue = [folder];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const entry of await readdir(current, { withFileTypes: true }).catch(() => [])) {
      const file = path.join(current, entry.name);
      if (entry.isDirectory()) queue.push(file);
      else if (entry.isFile() && entry.name.endsWith('.json') && !entry.name.endsWith('.failed.json')) files.push(file);
    }
  }
  return files;
}

export async function readResultFile(file: string): Promise<CriticResult | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    return isCriticResult(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The results recorded in results folders (`<resultsDir>/results/**`). A file is read again only when its
 * modification time or size changed, so a results folder of a large batch is read once per session.
 */
export class ResultIndex {
  private readonly files = new Map<string, CachedFile>();

  async entries(folders: readonly string[]): Promise<RecordedResult[]> {
    const entries: RecordedResult[] = [];
    for (const folder of new Set(folders)) {
      for (const file of await jsonFiles(folder)) {
        const info = await stat(file).catch(() => undefined);
        if (!info) continue;
        let cached = this.files.get(file);
        if (!cached || cached.mtimeMs !== info.mtimeMs || cached.size !== info.size) {
          const result = await readResultFile(file);
          cached = { mtimeMs: info.mtimeMs, size: info.size, entry: result ? recordedResult(file, result, info.mtimeMs) : null };
          this.files.set(file, cached);
        }
        if (cached.entry) entries.push(cached.entry);
      }
    }
    return entries;
  }
}

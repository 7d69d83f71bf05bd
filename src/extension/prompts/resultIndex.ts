import { stat } from 'node:fs/promises';
import { readStoredJson, walkResultFiles } from '../../engine/store/storedFiles';
import type { CriticResult } from '../../shared/result';
import { isCriticResult } from '../../shared/webviewMessages';
import { recordedResult, type RecordedResult } from './previousResult';

interface CachedFile {
  mtimeMs: number;
  size: number;
  entry: RecordedResult | null;
}

export async function readResultFile(file: string): Promise<CriticResult | undefined> {
  const read = await readStoredJson(file);
  return read && 'data' in read && isCriticResult(read.data) ? read.data : undefined;
}

/**
 * The results recorded in results folders (`<resultsDir>/results/**`, or a store root `<resultsDir>`: its manifests are
 * not results and are passed over), listed as the results store lists them. A file is read again only when its
 * modification time or size changed, so a results folder of a large batch is read once per session.
 */
export class ResultIndex {
  private readonly files = new Map<string, CachedFile>();

  async entries(folders: readonly string[]): Promise<RecordedResult[]> {
    const entries: RecordedResult[] = [];
    for (const folder of new Set(folders)) {
      for await (const file of walkResultFiles(folder, { failures: false })) {
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

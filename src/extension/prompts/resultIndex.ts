import { ChangedFileCache } from '../../engine/store/changedFileCache';
import { readStoredJson, walkResultFiles } from '../../engine/store/storedFiles';
import type { CriticResult } from '../../shared/result';
import { isCriticResult } from '../../shared/webviewMessages';
import { recordedResult, type RecordedResult } from './previousResult';

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
  private readonly files = new ChangedFileCache<RecordedResult | null>();

  async entries(folders: readonly string[]): Promise<RecordedResult[]> {
    const entries: RecordedResult[] = [];
    for (const folder of new Set(folders)) {
      for await (const file of walkResultFiles(folder, { failures: false })) {
        const cached = await this.files.get(file, async (path, mtimeMs) => {
          const result = await readResultFile(path);
          return result ? recordedResult(path, result, mtimeMs) : null;
        });
        if (cached?.value) entries.push(cached.value);
      }
    }
    return entries;
  }
}

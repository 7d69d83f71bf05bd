import { join } from 'node:path';
import { RESULTS_FOLDER as STORE_RESULTS } from '../../engine/store/resultStore';
import { ChangedFileCache } from '../../engine/store/changedFileCache';
import { readStoredJson, walkResultFiles } from '../../engine/store/storedFiles';

/** Where results recorded in a workspace folder live. */
export const RESULTS_FOLDER = join('.cosmos-critic', STORE_RESULTS);
const FRESH_MS = 1000;

interface RecordedPrompt {
  id: string;
  version: string;
  sha256: string;
}

/**
 * The prompt hashes that results in `<folder>/.cosmos-critic/results/**.json` recorded, per prompt id and version.
 * Files are read only when they are new or their mtime or size changed; the folders are walked at most once a second.
 */
export class RecordedResults {
  private readonly files = new ChangedFileCache<RecordedPrompt | null>();
  private index = new Map<string, Set<string>>();
  private scannedRoots = '';
  private scannedAt = 0;
  private scanning: Promise<void> | undefined;

  async refresh(roots: readonly string[]): Promise<void> {
    const key = JSON.stringify([...roots].sort());
    while (this.scanning) await this.scanning;
    if (key === this.scannedRoots && Date.now() - this.scannedAt < FRESH_MS) return;
    this.scanning = this.scan(roots).finally(() => {
      this.scannedRoots = key;
      this.scannedAt = Date.now();
      this.scanning = undefined;
    });
    await this.scanning;
  }

  hashes(id: string, version: string | number): string[] {
    return [...(this.index.get(indexKey(id, String(version))) ?? [])];
  }

  private async scan(roots: readonly string[]): Promise<void> {
    const seen = new Set<string>();
    const index = new Map<string, Set<string>>();
    for (const root of roots) {
      for await (const file of walkResultFiles(join(root, RESULTS_FOLDER), { failures: false })) {
        // A file too large to be a result is not read (it would hold up every prompt's diagnostics).
        const prompt = (await this.files.get(file, readRecordedPrompt))?.value;
        if (prompt === undefined) continue;
        seen.add(file);
        if (!prompt) continue;
        const key = indexKey(prompt.id, prompt.version);
        if (!index.has(key)) index.set(key, new Set());
        index.get(key)!.add(prompt.sha256);
      }
    }
    this.files.keepOnly(seen);
    this.index = index;
  }
}

function indexKey(id: string, version: string): string {
  return `${id}\u0000${version}`;
}

async function readRecordedPrompt(file: string): Promise<RecordedPrompt | null> {
  const read = await readStoredJson(file);
  if (!read || !('data' in read) || typeof read.data !== 'object' || read.data === null) return null;
  const prompt = (read.data as { prompt?: { id?: unknown; version?: unknown; sha256?: unknown } }).prompt;
  if (!prompt || typeof prompt.id !== 'string' || typeof prompt.sha256 !== 'string') return null;
  if (typeof prompt.version !== 'string' && typeof prompt.version !== 'number') return null;
  return { id: prompt.id, version: String(prompt.version), sha256: prompt.sha256 };
}

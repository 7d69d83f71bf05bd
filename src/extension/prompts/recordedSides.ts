import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CompareSide } from '../../shared/promptCompareMessages';
import { promptTextState, type RecordedResult } from './previousResult';
import { readResultFile } from './resultIndex';

/** sha256 of a prompt file's text as results record it (the server hashes the same text); null when it cannot be read. */
export async function promptFileSha(file: string): Promise<string | null> {
  try {
    return sha256(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Current hashes of prompt files, each read once per comparison. */
export class PromptShas {
  private readonly known = new Map<string, Promise<string | null>>();

  set(file: string, sha: string): void {
    this.known.set(file, Promise.resolve(sha));
  }

  get(file: string | null): Promise<string | null> {
    if (file === null) return Promise.resolve(null);
    let sha = this.known.get(file);
    if (!sha) {
      sha = promptFileSha(file);
      this.known.set(file, sha);
    }
    return sha;
  }
}

/** A recorded result as one side of a comparison; undefined when its file can no longer be read. */
export async function recordedSide(entry: RecordedResult, shas: PromptShas): Promise<CompareSide | undefined> {
  const result = await readResultFile(entry.file);
  if (!result) return undefined;
  return { result, resultFile: entry.file, promptText: promptTextState(result.prompt.sha256, await shas.get(result.prompt.path)) };
}

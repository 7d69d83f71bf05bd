import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CriticResult } from '../../shared/result';
import { writeFileAtomic } from './atomicWrite';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'cosmos-critic');
}

/**
 * Content-addressed cache on disk: vision features per (video bytes, sampling plan, model) and results per
 * (video bytes, prompt text, model, settings). Entries are written atomically; a damaged entry is a miss.
 */
export class CacheStore {
  constructor(readonly dir: string) {}

  private featurePath(key: string): string {
    return join(this.dir, 'features', key.slice(0, 2), `${key}.f32`);
  }

  private resultPath(key: string): string {
    return join(this.dir, 'results', key.slice(0, 2), `${key}.json`);
  }

  async readFeatures(key: string, expectedLength: number): Promise<Float32Array | undefined> {
    try {
      const bytes = await readFile(this.featurePath(key));
      if (bytes.length !== expectedLength * 4) return undefined;
      const out = new Float32Array(expectedLength);
      new Uint8Array(out.buffer).set(bytes);
      return out;
    } catch {
      return undefined;
    }
  }

  writeFeatures(key: string, features: Float32Array): Promise<void> {
    return writeFileAtomic(this.featurePath(key), new Uint8Array(features.buffer, features.byteOffset, features.byteLength));
  }

  async readResult(key: string): Promise<CriticResult | undefined> {
    try {
      return JSON.parse(await readFile(this.resultPath(key), 'utf8')) as CriticResult;
    } catch {
      return undefined;
    }
  }

  writeResult(key: string, result: CriticResult): Promise<void> {
    return writeFileAtomic(this.resultPath(key), JSON.stringify(result, null, 2) + '\n');
  }
}

import { stat } from 'node:fs/promises';

export interface CachedRead<T> {
  mtimeMs: number;
  size: number;
  value: T;
}

/**
 * What was read from files, read again only when a file's modification time or size changed: so a results folder
 * of a large batch is read once, and refreshing it while a batch writes into it reads only the new files.
 */
export class ChangedFileCache<T> {
  private readonly reads = new Map<string, CachedRead<T>>();

  /** The file's value, read by `read` when the file is new or changed; undefined when the file is gone. */
  async get(file: string, read: (file: string, mtimeMs: number) => Promise<T>): Promise<CachedRead<T> | undefined> {
    const info = await stat(file).catch(() => undefined);
    if (!info) {
      this.reads.delete(file);
      return undefined;
    }
    const known = this.reads.get(file);
    if (known && known.mtimeMs === info.mtimeMs && known.size === info.size) return known;
    const fresh = { mtimeMs: info.mtimeMs, size: info.size, value: await read(file, info.mtimeMs) };
    this.reads.set(file, fresh);
    return fresh;
  }

  /** Forgets every file but these (files removed since they were read). */
  keepOnly(files: ReadonlySet<string>): void {
    for (const file of this.reads.keys()) if (!files.has(file)) this.reads.delete(file);
  }

  /** The files read so far, with what was read. */
  entries(): IterableIterator<[string, CachedRead<T>]> {
    return this.reads.entries();
  }
}

import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const WHY: Record<string, string> = {
  ENOSPC: 'no space left on the device: free some space or write somewhere else',
  EDQUOT: 'the disk quota is used up: free some space or write somewhere else',
  EROFS: 'the file system is read-only: write somewhere else',
  EACCES: 'permission denied: write somewhere you may write to',
  EPERM: 'permission denied: write somewhere you may write to',
  EIO: 'an I/O error on the device',
  ENOTDIR: 'a file is in the way of the folder',
  EISDIR: 'a folder is in the way of the file',
};

/** A file that could not be written; the message names it, the system's reason and what to do. */
export class OutputWriteError extends Error {
  constructor(
    readonly path: string,
    readonly code: string | undefined,
    cause: unknown,
  ) {
    super(`cannot write ${path}: ${(code && WHY[code]) ?? (cause as Error)?.message ?? String(cause)}${code ? ` (${code})` : ''}`);
    this.name = 'OutputWriteError';
  }
}

const named = (path: string, err: unknown) => (err instanceof OutputWriteError ? err : new OutputWriteError(path, (err as NodeJS.ErrnoException)?.code, err));

/** Writes via a temporary file in the same folder and a rename, so a reader never sees half a file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw named(path, err);
  }
}

/** Appends to a file; a failure names the file as writeFileAtomic's do. */
export async function appendFileNamed(path: string, data: string): Promise<void> {
  try {
    await appendFile(path, data);
  } catch (err) {
    throw named(path, err);
  }
}

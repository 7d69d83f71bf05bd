import { statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection, WorkspaceFolder } from 'vscode-languageserver';

/** A file URI as a path; null for other schemes (untitled documents). */
export function uriToPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

/** The folder pins are relative to: the workspace folder holding the prompt, else the first folder, else the prompt's own folder. */
export function pinRoot(documentUri: string, folders: readonly string[]): string | null {
  const path = uriToPath(documentUri);
  const holding = path ? folders.filter((folder) => isInside(path, folder)).sort((a, b) => b.length - a.length)[0] : undefined;
  return holding ?? folders[0] ?? (path ? dirname(path) : null);
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** An absolute path for a workspace-relative pin. */
export function resolvePin(root: string, pin: string): string {
  return resolve(root, pin);
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * The client's workspace folders, asked for once the client is initialized and kept up to date when
 * it reports changes. Until then (or for a client without workspace folders) the list is empty.
 */
export class WorkspaceFolders {
  private folders: string[] = [];
  private pending: Promise<void> | undefined;

  constructor(private readonly connection: Connection) {}

  /** Asks the client; call after `initialized`. */
  fetch(onChange: () => void): void {
    this.pending = this.connection.workspace
      .getWorkspaceFolders()
      .then((folders) => this.set(folders ?? []))
      .catch(() => undefined)
      .finally(() => {
        this.pending = undefined;
        onChange();
      });
    try {
      this.connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.map((folder) => uriToPath(folder.uri)));
        this.folders = this.folders.filter((folder) => !removed.has(folder));
        this.set(event.added, true);
        onChange();
      });
    } catch {
      // The client does not report folder changes.
    }
  }

  async list(): Promise<string[]> {
    if (this.pending) await this.pending;
    return this.folders;
  }

  private set(folders: readonly WorkspaceFolder[], add = false): void {
    const paths = folders.map((folder) => uriToPath(folder.uri)).filter((path): path is string => path !== null);
    this.folders = add ? [...new Set([...this.folders, ...paths])] : paths;
  }
}

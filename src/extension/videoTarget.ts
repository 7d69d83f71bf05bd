import * as path from 'node:path';
import * as vscode from 'vscode';
import { VIDEO_EXTENSIONS } from '../shared/video';

export function isVideoUri(uri: vscode.Uri): boolean {
  const extension = path.posix.extname(uri.path).slice(1).toLowerCase();
  return (VIDEO_EXTENSIONS as readonly string[]).includes(extension);
}

/** The resource of the active editor tab, a text editor or a custom editor such as the built-in video preview. */
export function activeEditorUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
}

/**
 * The videos a command acts on. From the Explorer it gets the clicked file and the whole
 * selection; from an editor title, the editor's resource; from the palette, nothing, and then
 * the active tab's video is used, else the user is asked.
 */
export async function resolveVideoUris(
  clicked: unknown,
  selection: unknown,
  panelVideo: () => vscode.Uri | undefined,
  action = 'Show Sampling Plan',
  canSelectMany = true,
): Promise<vscode.Uri[]> {
  if (clicked instanceof vscode.Uri) {
    const selected = Array.isArray(selection)
      ? selection.filter((uri): uri is vscode.Uri => uri instanceof vscode.Uri && isVideoUri(uri))
      : [];
    const clickedIsSelected = selected.some((uri) => uri.toString() === clicked.toString());
    return clickedIsSelected ? selected : [clicked];
  }
  const active = activeEditorUri() ?? panelVideo();
  if (active && isVideoUri(active)) return [active];
  const picked = await vscode.window.showOpenDialog({
    title: action,
    openLabel: action,
    canSelectMany,
    canSelectFiles: true,
    canSelectFolders: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    filters: { Videos: [...VIDEO_EXTENSIONS], 'All files': ['*'] },
  });
  return picked ?? [];
}

import * as vscode from 'vscode';
import type { PromptCompareView, VideoComparison } from '../../shared/promptCompareMessages';
import { storeResultsFolder } from '../configSchema';
import type { Services } from '../services';
import { ComparePanel } from './comparePanel';
import { pairByVideo, promptTextState, recordedPrompts, type PromptVersion, type RecordedPrompt } from './previousResult';
import { PromptShas, recordedSide } from './recordedSides';

/** The results folder of every workspace folder's store (or of the global one without a workspace). */
function allResultsFolders(services: Services): string[] {
  return services.config.workspaceStoreRoots().map(storeResultsFolder);
}

const shortSha = (sha: string): string => sha.slice(0, 8);

function versionLabel(version: PromptVersion): string {
  return `v${version.version} (${shortSha(version.promptSha)})`;
}

interface VersionItem extends vscode.QuickPickItem {
  version: PromptVersion;
}

async function versionItems(prompt: RecordedPrompt, shas: PromptShas): Promise<VersionItem[]> {
  return Promise.all(
    prompt.versions.map(async (version): Promise<VersionItem> => {
      const state = promptTextState(version.promptSha, await shas.get(version.promptPath));
      const text = state === 'current' ? 'the prompt file\'s current text' : state === 'changed' ? 'prompt text changed since' : 'the prompt file is gone';
      return {
        label: `v${version.version}`,
        description: `sha256 ${shortSha(version.promptSha)} · ${version.results.length} video${version.results.length === 1 ? '' : 's'} · ${version.mode}`,
        detail: `Latest ${new Date(version.latest).toLocaleString()} · ${text}`,
        version,
      };
    }),
  );
}

async function comparisonRows(before: PromptVersion, after: PromptVersion, shas: PromptShas): Promise<VideoComparison[]> {
  return Promise.all(
    pairByVideo(before, after).map(async (pair): Promise<VideoComparison> => {
      const previous = pair.before ? (await recordedSide(pair.before, shas)) ?? null : null;
      const current = pair.after ? (await recordedSide(pair.after, shas)) ?? null : null;
      const lost = (pair.before && !previous) || (pair.after && !current);
      const missing = !pair.before ? `No result of ${versionLabel(before)}.` : !pair.after ? `No result of ${versionLabel(after)}.` : null;
      return {
        video: pair.video,
        label: vscode.workspace.asRelativePath(pair.video),
        status: 'recorded',
        stage: null,
        error: lost ? 'A result file could no longer be read.' : missing,
        previous,
        current,
      };
    }),
  );
}

/** `cosmosCritic.comparePromptVersions`: pick a prompt id, then two of its recorded versions, and compare them per video. */
export async function comparePromptVersions(host: Services): Promise<void> {
  const folders = allResultsFolders(host);
  const entries = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Reading Cosmos Critic results' }, () =>
    host.index.entries(folders),
  );
  const prompts = recordedPrompts(entries);
  if (prompts.length === 0) {
    void vscode.window.showInformationMessage(`No results are recorded in ${folders.join(', ')} yet. Run a prompt on its pinned videos first.`);
    return;
  }
  const promptPick = await vscode.window.showQuickPick(
    prompts.map((prompt) => ({
      label: prompt.id,
      description: `${prompt.versions.length} version${prompt.versions.length === 1 ? '' : 's'} · ${prompt.resultCount} result${prompt.resultCount === 1 ? '' : 's'}`,
      prompt,
    })),
    { title: 'Compare Prompt Versions', placeHolder: 'Which prompt?' },
  );
  if (!promptPick) return;
  const prompt = promptPick.prompt;
  if (prompt.versions.length < 2) {
    void vscode.window.showInformationMessage(
      `Only one version of ${prompt.id} has results (${versionLabel(prompt.versions[0]!)}). Edit the prompt, bump its version and run it on its pins to compare.`,
    );
    return;
  }
  const shas = new PromptShas();
  const items = await versionItems(prompt, shas);
  const first = await vscode.window.showQuickPick(items, { title: `Compare Versions of ${prompt.id} (1/2)`, placeHolder: 'The version to compare against (before)' });
  if (!first) return;
  const second = await vscode.window.showQuickPick(
    items.filter((item) => item !== first),
    { title: `Compare Versions of ${prompt.id} (2/2)`, placeHolder: `The version to compare with ${versionLabel(first.version)} (after)` },
  );
  if (!second) return;
  const [before, after] = [first.version, second.version];
  const rows = await comparisonRows(before, after, shas);
  const view: PromptCompareView = {
    promptId: prompt.id,
    promptPath: after.promptPath ?? before.promptPath,
    kind: 'versions',
    previousLabel: versionLabel(before),
    currentLabel: versionLabel(after),
    running: false,
    note: `${versionLabel(before)} against ${versionLabel(after)} on ${rows.length} video${rows.length === 1 ? '' : 's'}: the latest result of each.`,
    rows,
  };
  const key = `versions:${prompt.id}`;
  ComparePanel.show(host.extensionUri, key, view, false);
}

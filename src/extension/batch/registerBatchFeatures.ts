import * as vscode from 'vscode';
import type { PlayerHost } from '../playerPanel';
import { registerResultsCommands } from '../results/resultsCommands';
import { ResultsPanel } from '../results/resultsPanel';
import { registerBatchCommands } from './batchCommands';

/**
 * Workspace and folder batches, the results browser and report export. `host` is the player's host: rows of the
 * results browser open in the player.
 */
export function registerBatchFeatures(context: vscode.ExtensionContext, host: PlayerHost): void {
  context.subscriptions.push(
    ...registerBatchCommands({
      critic: host.critic,
      extensionUri: host.extensionUri,
      storageUri: host.storageUri,
      workspaceState: context.workspaceState,
      openResults: (dir) => ResultsPanel.show(host, dir),
      resultsChanged: () => ResultsPanel.refreshAll(),
    }),
    ...registerResultsCommands(host),
  );
}

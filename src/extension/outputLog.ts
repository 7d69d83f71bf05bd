import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

/** The "Cosmos Critic" output channel, created on first use so that activation itself costs nothing. */
export function outputLog(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Cosmos Critic', { log: true });
  return channel;
}

export function disposeOutputLog(): void {
  channel?.dispose();
  channel = undefined;
}

import type { CancellationToken } from 'vscode-languageserver/node';

/** Bridges an LSP cancellation token to the AbortSignal the engine takes. */
export function abortSignalFor(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

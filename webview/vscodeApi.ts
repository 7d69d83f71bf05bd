/** The API a VS Code webview gets from `acquireVsCodeApi()`, typed for one webview's messages and state. */
export interface WebviewApi<Outgoing, State> {
  postMessage(message: Outgoing): void;
  getState(): unknown;
  setState(state: State): void;
}

declare function acquireVsCodeApi(): {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
};

let api: ReturnType<typeof acquireVsCodeApi> | undefined;

// acquireVsCodeApi may be called only once per page.
export function vscodeApi<Outgoing, State>(): WebviewApi<Outgoing, State> {
  api ??= acquireVsCodeApi();
  return api;
}

// Where `vscode` resolves in tsconfig.node.json and tsconfig.webview.json: not a module, so that importing `vscode`
// outside src/extension fails to compile ("is not a module"). Only the extension host may use the VS Code API.

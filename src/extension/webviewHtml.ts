import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

/** Escapes text for element content and double-quoted attributes. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A fresh nonce for every page we render: scripts and styles run only with it. */
export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

/**
 * The Content-Security-Policy of our webviews: nothing remote, scripts only with the nonce,
 * media, images, styles and fonts only from the webview's own resource origin (which
 * `localResourceRoots` narrows to the extension's folders and the video's folder).
 */
export function contentSecurityPolicy(webview: vscode.Webview, nonce: string): string {
  const source = webview.cspSource;
  return [
    "default-src 'none'",
    `img-src ${source} data:`,
    `media-src ${source}`,
    `style-src ${source} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${source}`,
  ].join('; ');
}

export interface WebviewPage {
  title: string;
  scriptUri: vscode.Uri;
  styleUris: vscode.Uri[];
}

/**
 * The page shell. The `csp-nonce` meta tag is read by the webview UI toolkit (FAST), which briefly
 * inserts a <style> element to test `:focus-visible` support; with the nonce it passes style-src.
 */
export function renderWebviewPage(webview: vscode.Webview, page: WebviewPage): string {
  const nonce = createNonce();
  const styles = page.styleUris
    .map((uri) => `<link rel="stylesheet" nonce="${nonce}" href="${escapeHtml(webview.asWebviewUri(uri).toString())}">`)
    .join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(webview, nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <meta property="csp-nonce" content="${nonce}">
    ${styles}
    <title>${escapeHtml(page.title)}</title>
  </head>
  <body>
    <main id="app"></main>
    <script nonce="${nonce}" src="${escapeHtml(webview.asWebviewUri(page.scriptUri).toString())}"></script>
  </body>
</html>`;
}

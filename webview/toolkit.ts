/**
 * The only module that touches @vscode/webview-ui-toolkit (archived upstream), so that replacing it
 * later means rewriting these helpers and nothing else.
 *
 * CSP: the toolkit's FAST elements style themselves with constructable stylesheets
 * (adoptedStyleSheets) and CSSOM property writes, which `style-src` does not govern in Chromium,
 * so the webviews need no 'unsafe-inline'. FAST falls back to <style> elements only where
 * adoptedStyleSheets is missing, which VS Code's Electron never is. Its one <style> element, a
 * `:focus-visible` feature test, carries the nonce from the page's `csp-nonce` meta tag.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeDataGrid,
  vsCodeDataGridCell,
  vsCodeDataGridRow,
  vsCodeDivider,
  vsCodeProgressRing,
} from '@vscode/webview-ui-toolkit';

let registered = false;

function registerToolkit(): void {
  if (registered) return;
  provideVSCodeDesignSystem().register(
    vsCodeBadge(),
    vsCodeButton(),
    vsCodeDataGrid(),
    vsCodeDataGridRow(),
    vsCodeDataGridCell(),
    vsCodeDivider(),
    vsCodeProgressRing(),
  );
  registered = true;
}

export interface ButtonOptions {
  label: string;
  /** A stable element id (tests and the page's own styles find the button by it). */
  id?: string;
  /** Tooltip and accessible name when it says more than the label. */
  title?: string;
  appearance?: 'primary' | 'secondary';
  onClick: () => void;
}

export interface ToolkitButton {
  element: HTMLElement;
  setDisabled(disabled: boolean): void;
}

export function createButton(options: ButtonOptions): ToolkitButton {
  registerToolkit();
  const element = document.createElement('vscode-button');
  element.textContent = options.label;
  element.setAttribute('appearance', options.appearance ?? 'secondary');
  if (options.id) element.id = options.id;
  if (options.title) {
    element.title = options.title;
    element.setAttribute('aria-label', options.title);
  }
  element.addEventListener('click', () => {
    if (!element.hasAttribute('disabled')) options.onClick();
  });
  return {
    element,
    setDisabled: (disabled) => element.toggleAttribute('disabled', disabled),
  };
}

export function createBadge(text: string, title?: string): HTMLElement {
  registerToolkit();
  const badge = document.createElement('vscode-badge');
  badge.textContent = text;
  if (title) badge.title = title;
  return badge;
}

/** An indeterminate spinner; hidden from assistive technology, which reads the status text beside it. */
export function createProgressRing(): HTMLElement {
  registerToolkit();
  const ring = document.createElement('vscode-progress-ring');
  ring.setAttribute('aria-hidden', 'true');
  return ring;
}

export function createDivider(): HTMLElement {
  registerToolkit();
  const divider = document.createElement('vscode-divider');
  divider.setAttribute('role', 'presentation');
  return divider;
}

export interface GridRow {
  label: string;
  value: string;
  /** Tooltip for the value, e.g. the full text of a shortened one. */
  title?: string;
}

/** A two-column, read-only grid of labelled values. */
export function createKeyValueGrid(ariaLabel: string, rows: readonly GridRow[]): HTMLElement {
  registerToolkit();
  const grid = document.createElement('vscode-data-grid');
  grid.setAttribute('aria-label', ariaLabel);
  grid.setAttribute('generate-header', 'none');
  grid.setAttribute('grid-template-columns', 'minmax(10em, max-content) 1fr');
  for (const row of rows) {
    const gridRow = document.createElement('vscode-data-grid-row');
    gridRow.append(createCell(row.label, 1, 'rowheader'), createCell(row.value, 2, 'default', row.title));
    grid.append(gridRow);
  }
  return grid;
}

function createCell(text: string, column: number, type: 'default' | 'rowheader', title?: string): HTMLElement {
  const cell = document.createElement('vscode-data-grid-cell');
  cell.setAttribute('grid-column', String(column));
  cell.setAttribute('cell-type', type);
  cell.textContent = text;
  if (title) cell.title = title;
  return cell;
}

import {
  isPromptCompareView,
  parseToCompareMessage,
  type FromCompareMessage,
  type PromptCompareView,
  type VideoComparison,
} from '../../src/shared/promptCompareMessages.js';
import { createButton, createProgressRing, type ToolkitButton } from '../toolkit.js';
import { vscodeApi } from '../vscodeApi.js';
import { renderRow } from './rowView.js';

const api = vscodeApi<FromCompareMessage, PromptCompareView>();
const app = document.getElementById('app') ?? document.body;
const post = (message: FromCompareMessage): void => api.postMessage(message);

let view: PromptCompareView | undefined;
let ui: { rows: HTMLElement; note: HTMLElement; running: HTMLElement; cancel: ToolkitButton | null } | undefined;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, id: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.id = id;
  if (text !== undefined) node.textContent = text;
  return node;
}

function subtitle(current: PromptCompareView): string {
  return current.kind === 'live'
    ? 'Each pinned video: this version of the prompt against the previous one.'
    : `${current.previousLabel} against ${current.currentLabel}, per video.`;
}

function showRunning(current: PromptCompareView): void {
  if (!ui) return;
  ui.note.textContent = current.note ?? '';
  ui.note.hidden = !current.note;
  ui.running.hidden = !current.running;
  ui.cancel?.setDisabled(!current.running);
}

function render(current: PromptCompareView): void {
  view = current;
  api.setState(current);
  app.replaceChildren();

  const header = element('header', 'compare-header');
  const titles = document.createElement('div');
  titles.append(element('h1', 'compare-title', current.promptId), element('p', 'compare-subtitle', subtitle(current)));
  const actions = element('div', 'compare-actions');
  let cancel: ToolkitButton | null = null;
  if (current.kind === 'live') {
    const rerun = createButton({ id: 'rerun', label: 'Re-run', title: 'Run this version on the pinned videos again', appearance: 'primary', onClick: () => post({ type: 'rerun' }) });
    cancel = createButton({ id: 'cancel-run', label: 'Cancel', title: 'Cancel the run', onClick: () => post({ type: 'cancel' }) });
    actions.append(rerun.element, cancel.element);
  }
  if (current.promptPath) actions.append(createButton({ id: 'open-prompt', label: 'Open Prompt', onClick: () => post({ type: 'openPrompt' }) }).element);
  header.append(titles, actions);

  const status = element('div', 'compare-status');
  const running = element('span', 'compare-running');
  running.append(createProgressRing());
  const note = element('p', 'compare-note');
  note.setAttribute('role', 'status');
  status.append(running, note);

  const rows = element('div', 'comparisons');
  if (current.rows.length === 0) rows.append(element('p', 'compare-empty', 'No videos to compare.'));
  for (const row of current.rows) rows.append(renderRow(current, row, post));

  app.append(header, status, rows);
  ui = { rows, note, running, cancel };
  showRunning(current);
}

function replaceRow(row: VideoComparison): void {
  if (!view || !ui) return;
  const index = view.rows.findIndex((existing) => existing.video === row.video);
  const rows = index < 0 ? [...view.rows, row] : view.rows.map((existing, i) => (i === index ? row : existing));
  view = { ...view, rows };
  api.setState(view);
  const fresh = renderRow(view, row, post);
  const old = [...ui.rows.querySelectorAll<HTMLElement>('.video-comparison')].find((section) => section.dataset.video === row.video);
  if (old) old.replaceWith(fresh);
  else {
    ui.rows.querySelector('#compare-empty')?.remove();
    ui.rows.append(fresh);
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseToCompareMessage(event.data);
  if (!message) return;
  switch (message.type) {
    case 'show':
      render(message.view);
      return;
    case 'row':
      replaceRow(message.row);
      return;
    case 'running':
      if (!view) return;
      view = { ...view, running: message.running, note: message.note };
      api.setState(view);
      showRunning(view);
      return;
  }
});

// A panel shown again renders its last view at once; the host sends the current one after `ready`.
const saved = api.getState();
if (isPromptCompareView(saved)) render(saved);
else app.append(element('p', 'compare-loading', 'Loading…'));
post({ type: 'ready' });

import { compareResults, verdictOf, type ResultDelta, type ViolationChange } from '../../src/shared/promptCompare.js';
import type { CompareSide, FromCompareMessage, PromptCompareView, VideoComparison } from '../../src/shared/promptCompareMessages.js';
import type { Violation } from '../../src/shared/result.js';
import { changeCounts, fileName, formatDelta, formatScore, formatShift, formatTime, resultMeta, scoreDirection, verdictText } from './format.js';

type Post = (message: FromCompareMessage) => void;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function linkButton(className: string, text: string, label: string, onClick: () => void): HTMLButtonElement {
  const button = element('button', `link-button ${className}`, text);
  button.type = 'button';
  button.setAttribute('aria-label', label);
  button.addEventListener('click', onClick);
  return button;
}

const STATUS_TEXT: Record<VideoComparison['status'], string> = {
  queued: 'Queued',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  missing: 'Not found',
  recorded: 'Recorded',
};

const PROMPT_NOTE: Record<CompareSide['promptText'], string | null> = {
  current: null,
  changed: 'prompt text changed since',
  missing: 'prompt file no longer exists',
};

function violationCell(className: string, violation: Violation | undefined): HTMLTableCellElement {
  const cell = element('td', className);
  if (!violation) {
    cell.textContent = '—';
    return cell;
  }
  cell.dataset.category = violation.category;
  const title = element('span', 'violation-title', `${violation.category}${violation.component ? ` · ${violation.component}` : ''}`);
  const time = element('span', 'violation-time', formatTime(violation));
  const description = element('span', 'violation-description', violation.description);
  cell.append(title, time, description);
  return cell;
}

function changeLabel(change: ViolationChange): string {
  if (change.kind === 'moved') return `moved ${formatShift(change.shift_s)}`;
  return change.kind === 'same' ? 'unchanged' : change.kind;
}

function diffTable(view: PromptCompareView, changes: readonly ViolationChange[]): HTMLElement {
  const table = element('table', 'violation-diff');
  const head = element('thead');
  const headRow = element('tr');
  headRow.append(element('th', undefined, 'Change'), element('th', undefined, view.previousLabel), element('th', undefined, view.currentLabel));
  head.append(headRow);
  const body = element('tbody');
  for (const change of changes) {
    const row = element('tr', 'violation-change');
    row.dataset.change = change.kind;
    row.append(
      element('td', 'change-kind', changeLabel(change)),
      violationCell('violation-previous', change.kind === 'added' ? undefined : change.previous),
      violationCell('violation-current', change.kind === 'removed' ? undefined : change.current),
    );
    body.append(row);
  }
  table.append(head, body);
  return table;
}

function violationList(violations: readonly Violation[]): HTMLElement {
  const list = element('ul', 'side-violations');
  for (const violation of violations) {
    const item = element('li', 'side-violation');
    item.dataset.category = violation.category;
    item.textContent = `${violation.category}${violation.component ? ` · ${violation.component}` : ''} · ${formatTime(violation)} — ${violation.description}`;
    list.append(item);
  }
  return list;
}

function sideView(which: 'previous' | 'current', heading: string, side: CompareSide | null, showViolations: boolean, empty: string, post: Post): HTMLElement {
  const column = element('div', `side side-${which}`);
  column.append(element('h3', 'side-title', heading));
  if (!side) {
    column.append(element('p', 'side-empty', empty));
    return column;
  }
  const { result } = side;
  const verdict = verdictOf(result);
  const score = element('p', 'side-score');
  score.append(element('span', 'score', formatScore(result.reward?.score ?? result.critic?.score ?? null)), element('span', 'score-kind', result.mode === 'reward' ? ' reward score' : ' critic score'));
  const verdictLine = element('p', 'side-verdict', verdictText(verdict, result));
  verdictLine.dataset.anomaly = verdict.anomaly ?? 'none';
  column.append(score, verdictLine, element('p', 'side-meta', resultMeta(result)));
  const note = PROMPT_NOTE[side.promptText];
  if (note) {
    const noteLine = element('p', 'prompt-note', note);
    noteLine.dataset.state = side.promptText;
    noteLine.title = 'The prompt file\'s text now differs from the text this result was made with (its sha256).';
    column.append(noteLine);
  }
  if (showViolations && result.mode === 'critic') {
    column.append(result.violations.length ? violationList(result.violations) : element('p', 'side-empty', 'No violations.'));
  }
  const file = side.resultFile;
  if (file) column.append(linkButton('open-result', 'Open result', `Open the result file ${fileName(file)}`, () => post({ type: 'openResult', file })));
  return column;
}

function summary(delta: ResultDelta, critic: boolean): HTMLElement {
  const line = element('p', 'change-summary');
  const direction = scoreDirection(delta);
  const score = element(
    'span',
    'score-change',
    `Score ${formatScore(delta.previousScore)} → ${formatScore(delta.currentScore)}` + (delta.scoreDelta === null ? '' : ` (${formatDelta(delta.scoreDelta)})`),
  );
  score.dataset.direction = direction;
  const verdict = element(
    'span',
    'verdict-change',
    delta.verdictChanged ? `Verdict ${delta.previousVerdict?.label} → ${delta.currentVerdict?.label}` : `Verdict unchanged: ${delta.currentVerdict?.label ?? '—'}`,
  );
  verdict.dataset.changed = String(delta.verdictChanged);
  line.append(score, verdict);
  if (critic) line.append(element('span', 'violation-counts', changeCounts(delta)));
  return line;
}

/** One video's comparison: status, the two sides and, when both have a critique, the violations side by side. */
export function renderRow(view: PromptCompareView, row: VideoComparison, post: Post): HTMLElement {
  const section = element('section', 'video-comparison');
  section.dataset.video = row.video;
  section.dataset.status = row.status;

  const header = element('header', 'row-header');
  const name = row.status === 'missing'
    ? element('h2', 'video-name', row.label)
    : (() => {
      const heading = element('h2', 'video-name');
      heading.append(linkButton('open-video', row.label, `Open the video ${row.label}`, () => post({ type: 'openVideo', video: row.video })));
      return heading;
    })();
  const status = element('span', 'row-status', row.status === 'running' && row.stage ? `${STATUS_TEXT.running} · ${row.stage}` : STATUS_TEXT[row.status]);
  status.dataset.status = row.status;
  status.setAttribute('role', 'status');
  header.append(name, status);
  section.append(header);
  if (row.error) section.append(element('p', 'row-error', row.error));

  // A pin that names no video has nothing to compare.
  if (row.status === 'missing' && !row.previous && !row.current) return section;
  const both = row.previous !== null && row.current !== null;
  const delta = compareResults(row.previous?.result ?? null, row.current?.result ?? null);
  const critic = (row.current ?? row.previous)?.result.mode === 'critic';
  if (both) section.append(summary(delta, critic));

  const previousEmpty = view.kind === 'live' ? 'No earlier version of this prompt has a result for this video.' : 'No result of this version for this video.';
  const currentEmpty = row.status === 'queued' || row.status === 'running' ? 'Running…' : 'No result.';
  const sides = element('div', 'sides');
  sides.append(
    sideView('previous', view.previousLabel, row.previous, !both, previousEmpty, post),
    sideView('current', view.currentLabel, row.current, !both, currentEmpty, post),
  );
  section.append(sides);
  if (both && critic) {
    section.append(delta.changes.length ? diffTable(view, delta.changes) : element('p', 'no-violations', 'Neither version found a violation.'));
  }
  return section;
}

import { bandsDescription, DEFAULT_BANDS_VIEW, formatCutoff, type BandsView } from '../../src/shared/bands.js';
import {
  parseResultsState,
  parseToResultsMessage,
  type FromResultsMessage,
  type MetricsColumnsView,
  type ResultRowView,
  type ResultsSourceView,
  type ResultsState,
  type ResultsTab,
} from '../../src/shared/resultsMessages.js';
import { createButton } from '../toolkit.js';
import { vscodeApi } from '../vscodeApi.js';
import { createCalibrationView } from './calibrationView.js';
import { createCompareView } from './compareView.js';
import { el, fillSelect } from './dom.js';
import { groupsOf, type RowGroup } from './groups.js';
import { createRankView } from './rankView.js';
import { createSummaryView } from './summaryView.js';
import { filterRows, sortRows, toTableRows, type TableRow } from './tableModel.js';
import { createTableView } from './tableView.js';

const FILTER_DELAY_MS = 150;
const SCROLL_SAVE_DELAY_MS = 300;

const api = vscodeApi<FromResultsMessage, ResultsState>();
const app = document.getElementById('app') ?? document.body;
const post = (message: FromResultsMessage) => api.postMessage(message);

const state: ResultsState = parseResultsState(api.getState());
let sources: ResultsSourceView[] = [];
let groups: RowGroup[] = [];
let sorted: TableRow[] = [];
let received = false;
/** The bands in force (calibrated ones from cosmosCritic.bandsFile, else the defaults), as the host sends them. */
let bands: BandsView = DEFAULT_BANDS_VIEW;
let metrics: MetricsColumnsView | null = null;
/** Compare and rank are worked out when their tab shows, and again only after the data changed. */
const stale = { compare: true, rank: true };

function save(): void {
  api.setState(state);
}

const openRow = (source: number, row: ResultRowView) => post({ type: 'openVideo', source, video: row.video, resultFile: row.result_file });

// --- Header

const title = el('h1', {}, 'Cosmos Critic Results');
const folderLine = el('p', { id: 'results-folder', class: 'folder' });
const status = el('p', { id: 'results-status', class: 'status', role: 'status', 'aria-live': 'polite' });
const refresh = createButton({ id: 'refresh-results', label: 'Refresh', title: 'Read the results folder again', onClick: () => post({ type: 'refresh' }) });
const exportReport = createButton({ id: 'export-report', label: 'Export Report…', title: 'Save the results as JSON, CSV or a single HTML file', onClick: () => post({ type: 'exportReport' }) });
let shownRows: TableRow[] = [];
const review = createButton({
  id: 'review-results',
  label: 'Review',
  title: 'Go through the videos shown, in this order, labelling each from the keyboard',
  onClick: () => post({ type: 'review', rows: shownRows.map((r) => ({ video: r.video, resultFile: r.result_file })) }),
});
const critique = createButton({ id: 'critique-workspace', label: 'Critique All Videos in Workspace', appearance: 'primary', onClick: () => post({ type: 'critiqueWorkspace' }) });
critique.element.hidden = true;

// --- Tabs

const TAB_LABELS: Record<ResultsTab, string> = { table: 'Results', compare: 'Compare', rank: 'Rank', calibration: 'Calibration' };
const tabs = el('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Views' });
const panes = new Map<ResultsTab, HTMLElement>();
const tabButtons = new Map<ResultsTab, HTMLButtonElement>();
for (const tab of Object.keys(TAB_LABELS) as ResultsTab[]) {
  const button = el('button', { type: 'button', id: `tab-${tab}`, role: 'tab', 'aria-controls': `pane-${tab}` }, TAB_LABELS[tab]);
  button.addEventListener('click', () => showTab(tab));
  tabButtons.set(tab, button);
  tabs.append(button);
  panes.set(tab, el('div', { id: `pane-${tab}`, class: 'pane', role: 'tabpanel', 'aria-labelledby': `tab-${tab}` }));
}

// --- Results table with its filters and summary

const filterText = el('input', { id: 'filter-text', type: 'search', placeholder: 'Filter by video, category or error', 'aria-label': 'Filter by video name, violation category or error' });
const filterBand = el('select', { id: 'filter-band', 'aria-label': 'Band' });
function fillBandFilter(): void {
  const [low, high] = [formatCutoff(bands.low), formatCutoff(bands.high)];
  fillSelect(
    filterBand,
    [
      { value: '', label: 'All bands' },
      { value: 'high', label: `High (≥ ${high})` },
      { value: 'medium', label: `Medium (${low}–${high})` },
      { value: 'low', label: `Low (< ${low})` },
      { value: 'unparsed', label: 'Unparsed (no score)' },
      { value: 'failed', label: 'Failed' },
    ],
    state.band,
  );
  filterBand.title = `Bands: ${bandsDescription(bands)}`;
}
fillBandFilter();
const filterGroup = el('select', { id: 'filter-group', 'aria-label': 'Prompt version and model' });
const rowCount = el('span', { id: 'row-count', class: 'row-count', 'aria-live': 'polite' });
filterText.value = state.filterText;

const summary = createSummaryView();
const table = createTableView({
  onOpen: (row) => openRow(row.source, row),
  onSort: (column) => {
    state.sort = { column, descending: state.sort.column === column && !state.sort.descending };
    save();
    resort();
    applyFilter(false);
  },
  onScroll: (scrollTop) => {
    state.scrollTop = scrollTop;
    clearTimeout(scrollTimer);
    scrollTimer = setTimeout(save, SCROLL_SAVE_DELAY_MS);
  },
});
let scrollTimer: ReturnType<typeof setTimeout> | undefined;
let filterTimer: ReturnType<typeof setTimeout> | undefined;

panes.get('table')!.append(
  el('div', { class: 'toolbar' }, filterText, filterBand, filterGroup, rowCount),
  summary.element,
  table.element,
);

/** The table shows the workspace's folder; folders added to compare with are in Compare and Rank only. */
function resort(): void {
  sorted = sortRows(toTableRows(sources.filter((s) => s.id === 0)), state.sort.column, state.sort.descending);
}

/** Shows the rows that pass the filters; `keepScroll` for data refreshes, not for a new filter. */
function applyFilter(keepScroll: boolean): void {
  const shown = filterRows(sorted, { text: state.filterText, band: state.band, group: state.group });
  shownRows = shown;
  rowCount.textContent = shown.length === sorted.length ? `${sorted.length} results` : `${shown.length} of ${sorted.length} results`;
  summary.update(shown, bands);
  table.setRows(shown, state.sort, keepScroll ? state.scrollTop : 0);
  if (!keepScroll) {
    state.scrollTop = 0;
    save();
  }
}

filterText.addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => {
    state.filterText = filterText.value;
    save();
    applyFilter(false);
  }, FILTER_DELAY_MS);
});
filterBand.addEventListener('change', () => {
  state.band = filterBand.value;
  save();
  applyFilter(false);
});
filterGroup.addEventListener('change', () => {
  state.group = filterGroup.value;
  save();
  applyFilter(false);
});

// --- Compare and rank

const compare = createCompareView({
  onOpen: openRow,
  onAddFolder: () => post({ type: 'addFolder' }),
  onRemoveFolder: (source) => post({ type: 'removeFolder', source }),
  onChange: (a, b) => {
    state.compareA = a;
    state.compareB = b;
    save();
    compare.update(groups, sources, a, b, bands);
  },
});
panes.get('compare')!.append(compare.element);

const rank = createRankView({
  onScope: (scope) => {
    state.rankScope = scope;
    save();
    rank.update(groups, sources, scope, bands);
  },
});
panes.get('rank')!.append(rank.element);

const calibration = createCalibrationView({
  onChooseLabels: () => post({ type: 'chooseLabels' }),
  onChooseMetrics: () => post({ type: 'chooseMetrics' }),
  onSaveBands: (run) => post({ type: 'saveBands', run }),
  onOpen: (video, resultFile) => post({ type: 'openVideo', source: 0, video, resultFile }),
});
panes.get('calibration')!.append(calibration.element);

function updateVisibleTab(): void {
  if (!received) return;
  if (state.tab === 'compare' && stale.compare) {
    compare.update(groups, sources, state.compareA, state.compareB, bands);
    stale.compare = false;
  } else if (state.tab === 'rank' && stale.rank) {
    rank.update(groups, sources, state.rankScope, bands);
    stale.rank = false;
  } else if (state.tab === 'table') {
    table.refresh();
  }
}

function showTab(tab: ResultsTab): void {
  state.tab = tab;
  save();
  for (const [id, button] of tabButtons) {
    button.setAttribute('aria-selected', String(id === tab));
    button.tabIndex = id === tab ? 0 : -1;
    panes.get(id)!.hidden = id !== tab;
  }
  updateVisibleTab();
}

// --- Data from the host

function showData(next: ResultsSourceView[], nextBands: BandsView, nextMetrics: MetricsColumnsView | null): void {
  received = true;
  sources = next;
  bands = nextBands;
  metrics = nextMetrics;
  fillBandFilter();
  table.setMetricColumns(metrics?.columns ?? [], metrics?.file ?? null);
  groups = groupsOf(sources);
  const primary = sources.find((s) => s.id === 0);
  folderLine.textContent = primary ? primary.dir : '';
  state.dir = primary?.dir ?? state.dir;
  folderLine.title = primary?.dir ?? '';
  const total = primary?.rows.length ?? 0;
  critique.element.hidden = total > 0;
  if (total === 0) setStatus('No results yet. Critique the videos of the workspace (or a folder, from its context menu) and they show here as they finish.', false);
  fillSelect(filterGroup, [{ value: '', label: 'All prompts and models' }, ...groups.filter((g) => g.source === 0).map((g) => ({ value: g.key, label: `${g.label} (${g.rows.length})` }))], state.group);
  state.group = filterGroup.value;
  save();
  resort();
  // A refresh keeps the scroll position; the first data restores the saved one.
  applyFilter(true);
  stale.compare = true;
  stale.rank = true;
  updateVisibleTab();
}

function setStatus(message: string | null, busy: boolean): void {
  status.textContent = message ?? '';
  status.classList.toggle('busy', busy);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseToResultsMessage(event.data);
  if (!message) return;
  if (message.type === 'data') {
    showData(message.sources, message.bands ?? DEFAULT_BANDS_VIEW, message.metrics ?? null);
  } else if (message.type === 'calibration') {
    calibration.update(message.report, message.message);
  } else {
    setStatus(message.message, message.busy);
  }
});

app.append(
  el('header', {}, el('div', { class: 'titles' }, title, folderLine), el('div', { class: 'actions' }, critique.element, review.element, refresh.element, exportReport.element)),
  status,
  tabs,
  ...panes.values(),
);
setStatus('Reading results…', true);
showTab(state.tab);
post({ type: 'ready' });

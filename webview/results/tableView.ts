import { metricSortColumn, type MetricSortColumn, type SortColumn } from '../../src/shared/resultsMessages.js';
import { el, formatDuration, formatScore } from './dom.js';
import { formatMetric, scrollToRow, visibleWindow, type TableRow } from './tableModel.js';

export const ROW_HEIGHT = 24;

type ColumnId = SortColumn | MetricSortColumn;

interface Column {
  id: ColumnId;
  label: string;
  text(row: TableRow): string;
  title?(row: TableRow): string;
  headerTitle?: string;
}

const BASE_COLUMNS: readonly Column[] = [
  { id: 'video', label: 'Video', text: (r) => r.name, title: (r) => r.video },
  { id: 'score', label: 'Score', text: (r) => (r.status === 'ok' ? formatScore(r.score) : r.status) },
  { id: 'band', label: 'Band', text: (r) => r.band ?? '' },
  { id: 'anomaly', label: 'Anomaly', text: (r) => r.anomaly ?? '' },
  { id: 'violations', label: 'Violations', text: (r) => (r.violations === null ? '' : String(r.violations)) },
  { id: 'categories', label: 'Categories', text: (r) => r.categories.split(';').join(', ') },
  { id: 'duration', label: 'Duration', text: (r) => formatDuration(r.duration_s) },
  { id: 'prompt', label: 'Prompt', text: (r) => `${r.prompt_id} v${r.prompt_version}` },
  { id: 'model', label: 'Model', text: (r) => r.model },
  { id: 'error', label: 'Error', text: (r) => r.error ?? '', title: (r) => r.error ?? '' },
];

export interface TableEvents {
  onOpen(row: TableRow): void;
  onSort(column: ColumnId): void;
  onScroll(scrollTop: number): void;
}

export interface TableView {
  element: HTMLElement;
  /** Shows these rows (already filtered and sorted); `scrollTop` restores a saved position. */
  setRows(rows: readonly TableRow[], sort: { column: ColumnId; descending: boolean }, scrollTop?: number): void;
  /** One more sortable column per metric of the metrics file (none: the base columns only). */
  setMetricColumns(names: readonly string[], file: string | null): void;
  /** Re-measures after the table was hidden or resized. */
  refresh(): void;
}

/**
 * A virtualised table: only the rows in view (plus a few either side) are in the DOM, positioned inside a spacer as
 * tall as all rows, and reused as the view scrolls. Arrow keys move the selection; Enter or a click opens the row.
 */
export function createTableView(events: TableEvents): TableView {
  let rows: readonly TableRow[] = [];
  let selected = -1;
  let frame = 0;
  const pool: HTMLElement[] = [];

  let columns: readonly Column[] = BASE_COLUMNS;
  let sort: { column: ColumnId; descending: boolean } = { column: 'score', descending: false };
  const sortButtons = new Map<ColumnId, HTMLButtonElement>();
  const header = el('div', { id: 'results-header', class: 'results-header result-grid', role: 'row', 'aria-rowindex': 1 });
  function buildHeader(): void {
    sortButtons.clear();
    header.replaceChildren(
      ...columns.map((column) => {
        const button = el('button', { type: 'button', class: 'sort-header', 'data-column': column.id, ...(column.headerTitle ? { title: column.headerTitle } : {}) }, column.label);
        button.addEventListener('click', () => events.onSort(column.id));
        sortButtons.set(column.id, button);
        return el('div', { role: 'columnheader', class: 'header-cell', 'data-column': column.id, ...(column.id.startsWith('metric:') ? { 'data-metric': column.label } : {}) }, button);
      }),
    );
  }
  function markSort(): void {
    for (const [id, button] of sortButtons) {
      const active = id === sort.column;
      button.classList.toggle('sorted', active);
      button.dataset.direction = active ? (sort.descending ? 'descending' : 'ascending') : '';
      button.parentElement?.setAttribute('aria-sort', active ? (sort.descending ? 'descending' : 'ascending') : 'none');
    }
  }
  buildHeader();
  const rowsLayer = el('div', { id: 'results-rows', class: 'results-rows', role: 'rowgroup' });
  const spacer = el('div', { id: 'results-spacer', class: 'results-spacer' }, rowsLayer);
  const viewport = el('div', { id: 'results-viewport', class: 'results-viewport', tabindex: 0, 'aria-label': 'Results; arrow keys move, Enter opens the video' }, spacer);
  const empty = el('p', { id: 'results-empty', class: 'results-empty', hidden: true }, 'No results match.');
  const element = el('div', { id: 'results-table', class: 'results-table', role: 'grid', 'aria-colcount': columns.length }, header, viewport, empty);
  viewport.style.setProperty('--row-height', `${ROW_HEIGHT}px`);

  function rowElement(): HTMLElement {
    const row = el('div', { class: 'result-row result-grid', role: 'row' });
    for (const column of columns) row.append(el('span', { class: 'cell', role: 'gridcell', 'data-column': column.id }));
    return row;
  }

  function fill(element: HTMLElement, row: TableRow, index: number): void {
    element.dataset.index = String(index);
    element.dataset.video = row.video;
    element.dataset.status = row.status;
    element.dataset.band = row.band ?? '';
    element.setAttribute('aria-rowindex', String(index + 2));
    element.setAttribute('aria-selected', String(index === selected));
    element.classList.toggle('selected', index === selected);
    columns.forEach((column, i) => {
      const cell = element.children[i] as HTMLElement;
      cell.textContent = column.text(row);
      cell.title = column.title?.(row) ?? '';
    });
  }

  function render(): void {
    frame = 0;
    const win = visibleWindow(viewport.scrollTop, viewport.clientHeight || 400, ROW_HEIGHT, rows.length);
    spacer.style.height = `${win.height}px`;
    rowsLayer.style.transform = `translateY(${win.offset}px)`;
    const count = win.end - win.start;
    while (pool.length < count) pool.push(rowElement());
    // Extra pooled rows leave the DOM but are kept for the next scroll.
    rowsLayer.replaceChildren(...pool.slice(0, count));
    for (let i = 0; i < count; i++) fill(pool[i]!, rows[win.start + i]!, win.start + i);
  }

  function schedule(): void {
    frame ||= requestAnimationFrame(render);
  }

  function select(index: number): void {
    if (rows.length === 0) return;
    selected = Math.min(rows.length - 1, Math.max(0, index));
    viewport.scrollTop = scrollToRow(selected, viewport.scrollTop, viewport.clientHeight, ROW_HEIGHT);
    render();
  }

  viewport.addEventListener('scroll', () => {
    header.scrollLeft = viewport.scrollLeft;
    schedule();
    events.onScroll(viewport.scrollTop);
  });
  rowsLayer.addEventListener('click', (event) => {
    const target = (event.target as Element).closest<HTMLElement>('.result-row');
    const index = Number(target?.dataset.index);
    const row = rows[index];
    if (!row) return;
    selected = index;
    render();
    events.onOpen(row);
  });
  viewport.addEventListener('keydown', (event) => {
    const page = Math.max(1, Math.floor(viewport.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (event.key in moves) select((selected < 0 ? -1 : selected) + moves[event.key]!);
    else if (event.key === 'Home') select(0);
    else if (event.key === 'End') select(rows.length - 1);
    else if (event.key === 'Enter' && rows[selected]) events.onOpen(rows[selected]!);
    else return;
    event.preventDefault();
  });
  new ResizeObserver(schedule).observe(viewport);

  return {
    element,
    setRows(next, nextSort, scrollTop) {
      const selectedRow = rows[selected];
      rows = next;
      selected = selectedRow ? rows.indexOf(selectedRow) : -1;
      element.setAttribute('aria-rowcount', String(rows.length + 1));
      empty.hidden = rows.length > 0;
      sort = nextSort;
      markSort();
      // The spacer must be tall enough before scrollTop is set, or the browser clamps it.
      spacer.style.height = `${rows.length * ROW_HEIGHT}px`;
      if (scrollTop !== undefined) viewport.scrollTop = scrollTop;
      render();
    },
    setMetricColumns(names, file) {
      const same = columns.length === BASE_COLUMNS.length + names.length && names.every((name, i) => columns[BASE_COLUMNS.length + i]!.label === name);
      if (same) return;
      const from = file ? `\nfrom ${file}` : '';
      columns = [
        ...BASE_COLUMNS,
        ...names.map((name): Column => ({ id: metricSortColumn(name), label: name, headerTitle: `${name}: sort by this metric${from}`, text: (r) => formatMetric(r.metrics?.[name]), title: (r) => (r.metrics?.[name] === undefined ? `${name}: no value for this video${from}` : `${name} = ${r.metrics[name]}${from}`) })),
      ];
      element.setAttribute('aria-colcount', String(columns.length));
      if (names.length) element.style.setProperty('--metric-columns', `repeat(${names.length}, minmax(8em, 1fr))`);
      else element.style.removeProperty('--metric-columns');
      buildHeader();
      markSort();
      // Pooled rows have the old number of cells.
      pool.length = 0;
      render();
    },
    refresh: render,
  };
}

import { compareRuns, type PairedVideo, type RunComparison } from '../../src/engine/store/compareRuns.js';
import { bandsDescription, DEFAULT_BANDS_VIEW, formatCutoff, type BandsView } from '../../src/shared/bands.js';
import type { ResultRowView, ResultsSourceView } from '../../src/shared/resultsMessages.js';
import { el, fillSelect, formatPercent, formatScore, formatStat, svg, svgTitle } from './dom.js';
import { cutoffValues, type Box } from './histogram.js';
import { defaultPair, type RowGroup } from './groups.js';
import { scatterLayout } from './plotScale.js';
import { baseName } from './tableModel.js';

const SCATTER_BOX: Box = { width: 360, height: 360, margin: { left: 40, right: 12, top: 12, bottom: 36 } };
/** Above this many pairs the points are one path (no per-point tooltips), so the SVG stays light. */
const MAX_POINT_ELEMENTS = 2000;
const DISAGREEMENTS_SHOWN = 50;

export interface CompareEvents {
  onOpen(source: number, row: ResultRowView): void;
  onAddFolder(): void;
  onRemoveFolder(source: number): void;
  onChange(a: string, b: string): void;
}

export interface CompareView {
  element: HTMLElement;
  update(groups: readonly RowGroup[], sources: readonly ResultsSourceView[], a: string, b: string, bands?: BandsView): void;
}

function scatterSvg(pairs: readonly PairedVideo[], open: (pair: PairedVideo) => void, labelA: string, labelB: string, bands: BandsView): SVGSVGElement {
  const { width, height } = SCATTER_BOX;
  const layout = scatterLayout(pairs, SCATTER_BOX);
  const { plot } = layout;
  const chart = svg('svg', {
    id: 'compare-scatter',
    class: 'scatter',
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-label': `Paired scores of ${pairs.length} videos: run A across, run B up`,
    'data-points': pairs.length,
    'data-bands': bands.file ? 'calibrated' : 'default',
  });
  chart.append(
    svg('rect', { class: 'scatter-frame', x: plot.left, y: plot.top, width: plot.right - plot.left, height: plot.bottom - plot.top }),
    svg('line', { class: 'scatter-diagonal', ...layout.diagonal }),
  );
  const cutTitle = (t: number) => svgTitle(`Cut-off ${formatCutoff(t)}: ${bandsDescription(bands)}`);
  for (const t of cutoffValues(bands)) {
    const x = plot.left + t * (plot.right - plot.left);
    const y = plot.bottom - t * (plot.bottom - plot.top);
    chart.append(
      svg('line', { class: 'scatter-cutoff', 'data-cutoff': t, x1: x, x2: x, y1: plot.top, y2: plot.bottom }, cutTitle(t)),
      svg('line', { class: 'scatter-cutoff', 'data-cutoff': t, x1: plot.left, x2: plot.right, y1: y, y2: y }, cutTitle(t)),
    );
  }
  if (layout.points.length > MAX_POINT_ELEMENTS) {
    const d = layout.points.map((p) => `M${p.x.toFixed(1)} ${p.y.toFixed(1)}h1.5v1.5h-1.5z`).join('');
    chart.append(svg('path', { class: 'scatter-dense', d }));
  } else {
    for (const point of layout.points) {
      const circle = svg(
        'circle',
        { class: 'scatter-point', cx: point.x, cy: point.y, r: 3, 'data-video': point.pair.video },
        svgTitle(`${baseName(point.pair.video)}: A ${formatScore(point.pair.a)}, B ${formatScore(point.pair.b)}`),
      );
      circle.addEventListener('click', () => open(point.pair));
      chart.append(circle);
    }
  }
  chart.append(
    svg('text', { class: 'axis-label', x: (plot.left + plot.right) / 2, y: height - 6, 'text-anchor': 'middle' }, `A: ${labelA}`.slice(0, 60)),
    svg('text', { class: 'axis-label', x: 12, y: (plot.top + plot.bottom) / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${(plot.top + plot.bottom) / 2})` }, `B: ${labelB}`.slice(0, 60)),
    svg('text', { class: 'axis-label', x: plot.left, y: plot.bottom + 14, 'text-anchor': 'middle' }, '0'),
    svg('text', { class: 'axis-label', x: plot.right, y: plot.bottom + 14, 'text-anchor': 'middle' }, '1'),
    svg('text', { class: 'axis-label', x: plot.left - 6, y: plot.top + 4, 'text-anchor': 'end' }, '1'),
  );
  return chart;
}

function stat(name: string, label: string, value: string, title: string): HTMLElement {
  return el('div', { class: 'stat', 'data-stat': name, title }, el('dt', {}, label), el('dd', {}, value));
}

function statsList(c: RunComparison): HTMLElement {
  return el(
    'dl',
    { id: 'compare-stats', class: 'stats' },
    stat('paired', 'Paired videos', String(c.paired), 'Videos scored in both runs'),
    stat('only', 'Only in A / B', `${c.only_a} / ${c.only_b}`, 'Scored videos that the other run lacks'),
    stat('spearman', 'Spearman ρ', formatStat(c.spearman), 'Rank correlation of the paired scores'),
    stat('kendall', 'Kendall τ-b', formatStat(c.kendall_tau_b), 'Tie-corrected rank correlation of the paired scores'),
    stat('agreement', 'Verdict agreement', formatPercent(c.verdict_agreement), 'Share of paired videos with the same anomaly verdict'),
    stat('means', 'Mean A / B', `${formatScore(c.mean_a)} / ${formatScore(c.mean_b)}`, 'Mean scores over the paired videos'),
  );
}

export function createCompareView(events: CompareEvents): CompareView {
  const selectA = el('select', { id: 'compare-a', 'aria-label': 'Run A' });
  const selectB = el('select', { id: 'compare-b', 'aria-label': 'Run B' });
  const addFolder = el('button', { type: 'button', id: 'compare-add-folder', title: 'Compare with the results in another folder' }, 'Add Results Folder…');
  const folders = el('ul', { id: 'compare-folders', class: 'compare-folders' });
  const body = el('div', { id: 'compare-body', class: 'compare-body' });
  const changed = () => events.onChange(selectA.value, selectB.value);
  selectA.addEventListener('change', changed);
  selectB.addEventListener('change', changed);
  addFolder.addEventListener('click', () => events.onAddFolder());

  const element = el(
    'section',
    { id: 'compare-view', class: 'compare', 'aria-label': 'Compare two runs' },
    el('div', { class: 'toolbar' }, el('label', {}, 'A ', selectA), el('label', {}, 'B ', selectB), addFolder),
    folders,
    body,
  );

  return {
    element,
    update(groups, sources, savedA, savedB, bands = DEFAULT_BANDS_VIEW) {
      const options = groups.map((g) => ({ value: g.key, label: `${g.label} (${g.rows.length})` }));
      const [a, b] = defaultPair(groups, savedA, savedB);
      fillSelect(selectA, options, a);
      fillSelect(selectB, options, b);
      folders.replaceChildren(
        ...sources
          .filter((s) => s.id > 0)
          .map((s) => {
            const remove = el('button', { type: 'button', class: 'remove-folder', 'data-source': s.id, title: `Stop comparing with ${s.dir}` }, 'Remove');
            remove.addEventListener('click', () => events.onRemoveFolder(s.id));
            return el('li', { 'data-source': s.id }, `[${s.label}] ${s.dir} `, remove);
          }),
      );
      const groupA = groups.find((g) => g.key === selectA.value);
      const groupB = groups.find((g) => g.key === selectB.value);
      if (!groupA || !groupB || groupA === groupB) {
        body.replaceChildren(
          el('p', { class: 'hint' }, 'Comparing needs two runs: results of two prompt versions or models (run the batch with another prompt or model), or add another results folder.'),
        );
        return;
      }
      const comparison = compareRuns(groupA.rows, groupB.rows, Number.POSITIVE_INFINITY);
      const byVideo = (group: RowGroup) => new Map(group.rows.map((row) => [row.video, row]));
      const rowsA = byVideo(groupA);
      const rowsB = byVideo(groupB);
      const open = (group: RowGroup, rows: Map<string, ResultRowView>, video: string) => {
        const row = rows.get(video);
        if (row) events.onOpen(group.source, row);
      };
      const list = el('ol', { id: 'compare-disagreements', class: 'disagreements' });
      for (const pair of comparison.disagreements.slice(0, DISAGREEMENTS_SHOWN)) {
        const openB = el('button', { type: 'button', class: 'open-b', title: 'Open with run B’s result' }, 'Open B');
        openB.addEventListener('click', (event) => {
          event.stopPropagation();
          open(groupB, rowsB, pair.video);
        });
        const item = el(
          'li',
          { class: 'disagreement-row', 'data-video': pair.video, tabindex: 0, title: `${pair.video}\nClick: open with run A’s result` },
          el('span', { class: 'name' }, baseName(pair.video)),
          el('span', { class: 'scores' }, `A ${formatScore(pair.a)} · B ${formatScore(pair.b)} · Δ ${formatScore(pair.b - pair.a)}`),
          el('span', { class: 'verdicts', title: 'Anomaly verdicts of run A / run B' }, `anomaly ${pair.verdictA ?? '–'} / ${pair.verdictB ?? '–'}`),
          openB,
        );
        item.addEventListener('click', () => open(groupA, rowsA, pair.video));
        item.addEventListener('keydown', (event) => {
          if (event.key === 'Enter') open(groupA, rowsA, pair.video);
        });
        list.append(item);
      }
      body.replaceChildren(
        el(
          'div',
          { class: 'compare-grid' },
          el('figure', {}, scatterSvg(comparison.disagreements, (pair) => open(groupA, rowsA, pair.video), groupA.label, groupB.label, bands), el('figcaption', { title: bandsDescription(bands) }, `Each point is a video: x = run A’s score, y = run B’s; the diagonal is agreement; dashed: the band cut-offs (${bands.file ? 'calibrated' : 'default'}).`)),
          statsList(comparison),
        ),
        el('h3', {}, 'Biggest disagreements'),
        comparison.paired ? list : el('p', { class: 'hint' }, 'The two runs have no scored video in common.'),
      );
    },
  };
}

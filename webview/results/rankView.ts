import { rankRuns } from '../../src/engine/store/compareRuns.js';
import { bandsDescription, DEFAULT_BANDS_VIEW, formatCutoff, type BandsView } from '../../src/shared/bands.js';
import type { ResultsSourceView } from '../../src/shared/resultsMessages.js';
import { el, fillSelect, formatScore, svg, svgTitle } from './dom.js';
import type { Box } from './histogram.js';
import { promptScopes, type RowGroup } from './groups.js';
import { rankLayout } from './plotScale.js';

const RANK_BOX: Box = { width: 520, height: 0, margin: { left: 200, right: 16, top: 8, bottom: 28 } };
const RANK_ROW_HEIGHT = 26;

export interface RankEvents {
  onScope(scope: string): void;
}

export interface RankView {
  element: HTMLElement;
  update(groups: readonly RowGroup[], sources: readonly ResultsSourceView[], scope: string, bands?: BandsView): void;
}

/** Runs ranked by mean score, best first, with 95 % intervals as error bars: models of one prompt version, or every group. */
export function createRankView(events: RankEvents): RankView {
  const scopeSelect = el('select', { id: 'rank-scope', 'aria-label': 'Which runs to rank' });
  scopeSelect.addEventListener('change', () => events.onScope(scopeSelect.value));
  const body = el('div', { id: 'rank-body' });
  const element = el(
    'section',
    { id: 'rank-view', class: 'rank', 'aria-label': 'Rank runs' },
    el('div', { class: 'toolbar' }, el('label', {}, 'Rank ', scopeSelect)),
    body,
  );

  return {
    element,
    update(groups, sources, savedScope, bands = DEFAULT_BANDS_VIEW) {
      const scopes = promptScopes(groups, sources);
      const multiModel = scopes.find((s) => s.runs.length > 1);
      const options = [...scopes.map((s) => ({ value: s.key, label: `Models on ${s.label}` })), { value: '', label: 'Every prompt version × model' }];
      fillSelect(scopeSelect, options, savedScope || (multiModel?.key ?? ''));
      const scope = scopes.find((s) => s.key === scopeSelect.value);
      const ranked = scope ? scope.runs.map((r) => ({ label: r.label, rows: r.group.rows })) : groups.map((g) => ({ label: g.label, rows: g.rows }));
      const runs = rankRuns(ranked).filter((run) => run.n > 0);
      if (runs.length === 0) {
        body.replaceChildren(el('p', { class: 'hint' }, 'No scored results to rank.'));
        return;
      }
      const { marks, height, plot } = rankLayout(runs, RANK_BOX, RANK_ROW_HEIGHT);
      const chart = svg('svg', { id: 'rank-chart', class: 'rank-chart', viewBox: `0 0 ${RANK_BOX.width} ${height}`, width: RANK_BOX.width, height, role: 'img', 'aria-label': 'Runs by mean score with 95 % confidence intervals' });
      chart.dataset.bands = bands.file ? 'calibrated' : 'default';
      for (const t of [0, bands.low, bands.high, 1]) {
        const x = plot.left + t * (plot.right - plot.left);
        const axis = t === 0 || t === 1;
        chart.append(
          svg('line', { class: axis ? 'rank-axis' : 'rank-cutoff', ...(axis ? {} : { 'data-cutoff': t }), x1: x, x2: x, y1: plot.top, y2: plot.bottom }, ...(axis ? [] : [svgTitle(`Cut-off ${formatCutoff(t)}: ${bandsDescription(bands)}`)])),
          svg('text', { class: 'axis-label', x, y: height - 10, 'text-anchor': 'middle' }, formatCutoff(t)),
        );
      }
      for (const [i, mark] of marks.entries()) {
        const label = mark.run.label.length > 32 ? `${mark.run.label.slice(0, 31)}…` : mark.run.label;
        chart.append(
          svg(
            'g',
            { class: 'rank-item', 'data-rank': i + 1, 'data-label': mark.run.label, 'data-mean': mark.run.mean.toFixed(4) },
            svgTitle(`${mark.run.label}: mean ${formatScore(mark.run.mean)} (95 % CI ${formatScore(mark.run.ci_low)}–${formatScore(mark.run.ci_high)}), n = ${mark.run.n}`),
            svg('text', { class: 'rank-label', x: plot.left - 8, y: mark.y + 4, 'text-anchor': 'end' }, `${i + 1}. ${label}`),
            svg('line', { class: 'rank-errorbar', x1: mark.xLow, x2: mark.xHigh, y1: mark.y, y2: mark.y }),
            svg('line', { class: 'rank-errorbar', x1: mark.xLow, x2: mark.xLow, y1: mark.y - 5, y2: mark.y + 5 }),
            svg('line', { class: 'rank-errorbar', x1: mark.xHigh, x2: mark.xHigh, y1: mark.y - 5, y2: mark.y + 5 }),
            svg('circle', { class: 'rank-point', cx: mark.x, cy: mark.y, r: 4 }),
          ),
        );
      }
      const table = el(
        'table',
        { id: 'rank-table', class: 'rank-table' },
        el('thead', {}, el('tr', {}, ...['#', 'Run', 'n', 'Mean', '95 % CI'].map((h) => el('th', {}, h)))),
        el(
          'tbody',
          {},
          ...runs.map((run, i) =>
            el('tr', { 'data-rank': i + 1 }, el('td', {}, String(i + 1)), el('td', {}, run.label), el('td', {}, String(run.n)), el('td', {}, formatScore(run.mean)), el('td', {}, `${formatScore(run.ci_low)}–${formatScore(run.ci_high)}`)),
          ),
        ),
      );
      body.replaceChildren(chart, table);
    },
  };
}

import { bandsDescription, DEFAULT_BANDS_VIEW, formatCutoff, type BandsView } from '../../src/shared/bands.js';
import type { ResultRowView } from '../../src/shared/resultsMessages.js';
import { el, svg, svgTitle } from './dom.js';
import { bandCounts, categoryCounts, histogramLayout, scoreBins, type Box } from './histogram.js';

const HISTOGRAM_BOX: Box = { width: 320, height: 140, margin: { left: 28, right: 8, top: 8, bottom: 20 } };

/** The score histogram (10 bins, the cut-offs of the bands in force dashed), counts by band and by violation category. */
export interface SummaryView {
  element: HTMLElement;
  update(rows: readonly ResultRowView[], bands?: BandsView): void;
}

function histogramSvg(rows: readonly ResultRowView[], bands: BandsView): SVGSVGElement {
  const scores = rows.flatMap((row) => (row.status === 'ok' && row.score !== null ? [row.score] : []));
  const layout = histogramLayout(scoreBins(scores), HISTOGRAM_BOX, bands);
  const { width, height, margin } = HISTOGRAM_BOX;
  const chart = svg('svg', {
    id: 'score-histogram',
    class: 'histogram',
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-label': `Score histogram of ${scores.length} scored results`,
    'data-total': scores.length,
    'data-bands': bands.file ? 'calibrated' : 'default',
  });
  chart.append(svgTitle(`Bands: ${bandsDescription(bands)}`));
  for (const [i, bar] of layout.bars.entries()) {
    chart.append(
      svg(
        'rect',
        { class: `histogram-bar band-${bar.band}`, 'data-bin': i, 'data-count': bar.count, x: bar.x + 1, y: bar.y, width: Math.max(0, bar.width - 2), height: bar.height },
        svgTitle(`${bar.from.toFixed(1)}–${bar.to.toFixed(1)}: ${bar.count}`),
      ),
    );
  }
  chart.append(svg('line', { class: 'histogram-axis', x1: margin.left, x2: width - margin.right, y1: layout.baseline, y2: layout.baseline }));
  for (const cut of layout.cutoffs) {
    chart.append(
      svg('line', { class: 'histogram-cutoff', 'data-cutoff': cut.value, x1: cut.x, x2: cut.x, y1: margin.top, y2: layout.baseline }, svgTitle(`Cut-off ${formatCutoff(cut.value)}: ${bandsDescription(bands)}`)),
      svg('text', { class: 'histogram-label', x: cut.x, y: height - 6, 'text-anchor': 'middle' }, formatCutoff(cut.value)),
    );
  }
  chart.append(
    svg('text', { class: 'histogram-label', x: margin.left, y: height - 6, 'text-anchor': 'middle' }, '0'),
    svg('text', { class: 'histogram-label', x: width - margin.right, y: height - 6, 'text-anchor': 'middle' }, '1'),
    svg('text', { class: 'histogram-label', x: margin.left - 4, y: margin.top + 8, 'text-anchor': 'end' }, String(layout.max)),
  );
  return chart;
}

export function createSummaryView(): SummaryView {
  const histogramSlot = el('div', { class: 'histogram-slot' });
  const bandList = el('ul', { id: 'band-counts', class: 'band-counts', 'aria-label': 'Results by band' });
  const categories = el('ul', { id: 'category-counts', class: 'category-counts', 'aria-label': 'Results by violation category' });
  const caption = el('figcaption', { id: 'histogram-caption' });
  const element = el(
    'section',
    { id: 'results-summary', class: 'summary', 'aria-label': 'Summary of the shown results' },
    el('figure', { class: 'summary-histogram' }, histogramSlot, caption),
    el('div', { class: 'summary-counts' }, el('h3', {}, 'Bands'), bandList),
    el('div', { class: 'summary-counts' }, el('h3', {}, 'Violation categories'), categories),
  );
  return {
    element,
    update(rows, bands = DEFAULT_BANDS_VIEW) {
      histogramSlot.replaceChildren(histogramSvg(rows, bands));
      caption.textContent = `Scores (cut-offs at ${formatCutoff(bands.low)} and ${formatCutoff(bands.high)}, ${bands.file ? 'calibrated bands' : 'default bands'})`;
      caption.title = bandsDescription(bands) + (bands.file ? ` — ${bands.file} (cosmosCritic.bandsFile)` : ' — set cosmosCritic.bandsFile to use calibrated bands');
      const counts = bandCounts(rows);
      bandList.replaceChildren(
        ...(['high', 'medium', 'low', 'unparsed', 'failed'] as const).map((band) =>
          el('li', { class: `band-count band-${band}`, 'data-band': band, 'data-count': counts[band] }, el('span', { class: 'band-swatch' }), `${band} `, el('strong', {}, String(counts[band]))),
        ),
      );
      const byCategory = categoryCounts(rows);
      categories.replaceChildren(
        ...(byCategory.length
          ? byCategory.map(([category, count]) => el('li', { class: 'category-count', 'data-category': category, 'data-count': count }, `${category} `, el('strong', {}, String(count))))
          : [el('li', { class: 'empty' }, 'none')]),
      );
    },
  };
}

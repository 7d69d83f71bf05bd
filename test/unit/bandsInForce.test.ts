import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bandsDescription, bandWith, DEFAULT_BANDS, isBandsView } from '../../src/shared/bands';
import { bandOf } from '../../src/shared/result';
import { reportHtml, type RunReport } from '../../src/engine/store/runReport';

function report(bands: RunReport['bands']): RunReport {
  return {
    schema: 'cosmos-critic/report@1', generated_at: '2026-01-01T00:00:00Z', results_dir: '/r', bands,
    totals: { results: 10, unparsed: 0, failed: 0, unreadable: 0 },
    groups: [{ prompt_id: 'reward', prompt_version: '1', model: 'm', mode: 'reward', count: 10, unparsed: 0, failed: 0, mean_score: 0.5, median_score: 0.5, bands: { high: 0, medium: 0, low: 0 }, categories: {}, histogram: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1] }],
    rows: [], problems: [],
  };
}

const barColours = (html: string) => [...html.matchAll(/<rect [^>]*fill="(#[0-9a-f]+)"/g)].map((m) => m[1]);

describe('bands in force', () => {
  it('the default bands are the one place the 0.7 / 0.3 cut-offs live', () => {
    assert.deepEqual(DEFAULT_BANDS, { high: 0.7, low: 0.3 });
    assert.deepEqual([0.29, 0.3, 0.69, 0.7].map(bandOf), ['low', 'medium', 'medium', 'high']);
    assert.deepEqual([0.19, 0.2, 0.55].map((s) => bandWith(s, { high: 0.55, low: 0.2 })), ['low', 'medium', 'high']);
  });

  it('says which bands are in force', () => {
    assert.equal(bandsDescription({ ...DEFAULT_BANDS, file: null }), 'high ≥ 0.7, medium 0.3–0.7, low < 0.3 (default bands)');
    assert.equal(bandsDescription({ high: 0.6234567, low: 0.25, file: '/ws/cal/bands.json' }), 'high ≥ 0.6235, medium 0.25–0.6235, low < 0.25 (calibrated: bands.json)');
    assert.ok(isBandsView({ high: 0.7, low: 0.3, file: null }));
    assert.equal(isBandsView({ high: 0.3, low: 0.7, file: null }), false);
  });

  it('the HTML report colours and cuts its histogram at the report’s bands', () => {
    const calibrated = reportHtml(report({ high: 0.55, low: 0.2 }), '/r/report.html');
    assert.deepEqual(barColours(calibrated), ['#c62828', '#c62828', '#f9a825', '#f9a825', '#f9a825', '#f9a825', '#2e7d32', '#2e7d32', '#2e7d32', '#2e7d32']);
    assert.match(calibrated, /<title>Bands: high ≥ 0\.55, low &lt; 0\.2<\/title>/);
    assert.match(calibrated, / · bands: high ≥ 0\.55, low &lt; 0\.2 · /);
    const byDefault = reportHtml(report(DEFAULT_BANDS), '/r/report.html');
    assert.deepEqual(barColours(byDefault), ['#c62828', '#c62828', '#c62828', '#f9a825', '#f9a825', '#f9a825', '#f9a825', '#2e7d32', '#2e7d32', '#2e7d32']);
  });
});

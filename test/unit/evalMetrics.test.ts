import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calibration } from '../../src/engine/eval/calibration';
import {
  averagePrecision,
  evaluateBands,
  rocAuc,
  rocAucBootstrap,
  rocCurve,
  seededRandom,
  suggestBands,
  thinCurve,
  youdenThreshold,
  type Scored,
} from '../../src/engine/eval/classification';
import { defaultBootstrapRounds } from '../../src/engine/eval/evaluateLabels';
import { evaluateTemporal, temporalIoU } from '../../src/engine/eval/temporal';
import { pearson, spearman } from '../../src/engine/store/compareRuns';
import { metricsFromRows } from '../../src/engine/eval/extraMetrics';
import { metricsByVideo } from '../../src/engine/eval/reportMetrics';
import { parseTableText } from '../../src/engine/eval/tableFile';

const close = (actual: number | null | undefined, expected: number, eps = 1e-9) => assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) < eps, `${actual} ≠ ${expected}`);

// Eight videos, four good and four bad, with one tie across the classes (0.4).
const SET: Scored[] = [
  { score: 0.9, good: true },
  { score: 0.8, good: false },
  { score: 0.7, good: true },
  { score: 0.6, good: true },
  { score: 0.5, good: false },
  { score: 0.4, good: false },
  { score: 0.4, good: true },
  { score: 0.2, good: false },
];

describe('ROC and PR (worked out by hand on SET)', () => {
  it('ROC AUC is the Mann–Whitney U count over the 16 good × bad pairs', () => {
    // Bad videos below each good one (a tie counts ½): 0.9 → 4, 0.7 → 3, 0.6 → 3, 0.4 → 1 + ½. U = 11.5; 11.5 / 16.
    close(rocAuc(SET), 0.71875);
  });
  it('ROC AUC agrees with a brute-force pair count on 300 seeded random videos', () => {
    const random = seededRandom(42);
    const items = Array.from({ length: 300 }, () => {
      const good = random() < 0.4;
      return { score: Math.round((good ? 0.2 + random() * 0.8 : random() * 0.8) * 20) / 20, good };
    });
    let u = 0;
    let pairs = 0;
    for (const g of items.filter((x) => x.good))
      for (const b of items.filter((x) => !x.good)) {
        pairs++;
        u += g.score > b.score ? 1 : g.score === b.score ? 0.5 : 0;
      }
    close(rocAuc(items), u / pairs, 1e-12);
  });
  it('the ROC curve steps through each distinct score', () => {
    assert.deepEqual(
      rocCurve(SET).map((p) => [p.threshold, p.fpr, p.tpr]),
      [[Infinity, 0, 0], [0.9, 0, 0.25], [0.8, 0.25, 0.25], [0.7, 0.25, 0.5], [0.6, 0.25, 0.75], [0.5, 0.5, 0.75], [0.4, 0.75, 1], [0.2, 1, 1]],
    );
  });
  it('average precision Σ (Rₖ − Rₖ₋₁) Pₖ = ¼·1 + ¼·⅔ + ¼·¾ + ¼·4⁄7 = 251/336', () => {
    close(averagePrecision(SET), 251 / 336);
    // Perfect ranking: AP 1; no good video: undefined.
    close(averagePrecision([{ score: 0.9, good: true }, { score: 0.1, good: false }]), 1);
    assert.equal(averagePrecision([{ score: 0.9, good: false }]), null);
  });
  it('AUC is undefined with one class only, 1 and 0 for perfect and reversed rankings', () => {
    assert.equal(rocAuc([{ score: 0.5, good: true }]), null);
    close(rocAuc([{ score: 0.9, good: true }, { score: 0.1, good: false }]), 1);
    close(rocAuc([{ score: 0.1, good: true }, { score: 0.9, good: false }]), 0);
  });
});

describe('bootstrap interval of the ROC AUC', () => {
  it('is reproducible for a seed, ordered, inside [0, 1] and around the AUC', () => {
    const a = rocAucBootstrap(SET, 500, 7)!;
    const b = rocAucBootstrap(SET, 500, 7)!;
    assert.deepEqual(a, b);
    assert.ok(a.low <= 0.71875 && 0.71875 <= a.high, JSON.stringify(a));
    assert.ok(a.low >= 0 && a.high <= 1 && a.low < a.high);
    assert.ok(a.rounds > 450 && a.rounds <= 500);
  });
  it('collapses to [1, 1] for perfectly separated classes and narrows with more videos', () => {
    const separated = [...Array(20)].map((_, i) => ({ score: i / 20, good: i >= 10 }));
    const ci = rocAucBootstrap(separated, 200, 1)!;
    assert.equal(ci.low, 1);
    assert.equal(ci.high, 1);
    const random = seededRandom(3);
    const sample = (n: number) => Array.from({ length: n }, () => {
      const good = random() < 0.5;
      return { score: good ? 0.3 + random() * 0.7 : random() * 0.7, good };
    });
    const small = rocAucBootstrap(sample(40), 300, 1)!;
    const large = rocAucBootstrap(sample(4000), 300, 1)!;
    assert.ok(large.high - large.low < small.high - small.low);
  });
});

describe('bootstrap rounds by default', () => {
  it('1,000 up to 20,000 videos, then about 2·10⁷ draws in all, never under 200', () => {
    assert.deepEqual([100, 20_000, 40_000, 100_000, 1_000_000].map(defaultBootstrapRounds), [1000, 1000, 500, 200, 200]);
  });
});

describe('thresholds and bands (by hand on SET)', () => {
  it("Youden's J is highest (0.75 − 0.25 = 0.5) at 0.6, balanced accuracy 0.75", () => {
    assert.deepEqual(youdenThreshold(SET), { threshold: 0.6, youden_j: 0.5, tpr: 0.75, fpr: 0.25, balanced_accuracy: 0.75 });
  });
  it('the prompt bands 0.7 / 0.3: confusion, accuracy over decided videos, coverage', () => {
    const b = evaluateBands(SET, 0.7, 0.3);
    assert.deepEqual(b.confusion, { high: { good: 2, bad: 1 }, medium: { good: 2, bad: 2 }, low: { good: 0, bad: 1 } });
    close(b.accuracy, 3 / 4);
    close(b.coverage, 4 / 8);
    close(b.precision_high, 2 / 3);
    close(b.precision_low, 1);
  });
  it('suggests the widest bands reaching a target precision', () => {
    // High: top 4 (≥ 0.6) hold 3 good of 4 = 0.75. Low: below 0.6 hold 3 bad of 4 = 0.75.
    const s = suggestBands(SET, 0.75);
    assert.equal(s.high, 0.6);
    assert.equal(s.low, 0.6);
    close(s.precision_high, 0.75);
    close(s.coverage_high, 0.5);
    close(s.precision_low, 0.75);
    // Precision 1: only 0.9 is surely good; only < 0.4 (0.2) surely bad.
    const strict = suggestBands(SET, 1);
    assert.equal(strict.high, 0.9);
    assert.equal(strict.low, 0.4);
    close(strict.coverage_low, 1 / 8);
  });
});

describe('calibration (by hand on SET)', () => {
  it('ECE over ten bins and the Brier score', () => {
    const c = calibration(SET);
    // Bins 9, 8, 7, 6, 5, 2 hold one video each: |label − score| = .1, .8, .3, .4, .5, .2 (each weight 1/8);
    // bin 4 holds 0.4 bad and 0.4 good: |½ − 0.4| = 0.1 (weight 2/8). ECE = 2.3/8 + 0.2/8 = 0.3125.
    close(c.ece, 0.3125);
    // Squared errors .01 .64 .09 .16 .25 .16 .36 .04 → 1.71 / 8.
    close(c.brier, 0.21375);
    assert.equal(c.bins.length, 10);
    assert.deepEqual(c.bins[4], { lower: 0.4, upper: 0.5, n: 2, mean_score: 0.4, fraction_good: 0.5 });
    assert.equal(c.bins[0]!.n, 0);
    assert.equal(c.bins[0]!.mean_score, null);
  });
});

describe('correlation against 1–5 labels', () => {
  it('Pearson and Spearman worked out by hand', () => {
    // x deviations −.3 −.1 .1 .3, y deviations −.5 −1.5 1.5 .5: Sxy = .6, Sxx = .2, Syy = 5 → .6 / √1 = 0.6; ranks give the same.
    close(pearson([0.2, 0.4, 0.6, 0.8], [2, 1, 4, 3]), 0.6);
    close(spearman([0.2, 0.4, 0.6, 0.8], [2, 1, 4, 3]), 0.6);
    assert.equal(pearson([0.5, 0.5], [1, 5]), null);
  });
});

describe('violation times against labelled ones', () => {
  it('temporal IoU', () => {
    close(temporalIoU({ start_s: 2, end_s: 4, category: 'x' }, { start_s: 1, end_s: 3, category: 'x' }), 1 / 3);
    close(temporalIoU({ start_s: 5.1, end_s: 6, category: 'x' }, { start_s: 5, end_s: 6, category: 'x' }), 0.9);
    assert.equal(temporalIoU({ start_s: 8, end_s: 9, category: 'x' }, { start_s: 1, end_s: 3, category: 'x' }), 0);
  });
  it('precision / recall / F1 at IoU 0.3 and 0.5 and the mean start error', () => {
    const t = evaluateTemporal([
      {
        labelled: [{ start_s: 1, end_s: 3, category: 'gravity' }, { start_s: 5, end_s: 6, category: 'collision' }],
        predicted: [{ start_s: 2, end_s: 4, category: 'gravity' }, { start_s: 5.1, end_s: 6, category: 'other' }, { start_s: 8, end_s: 9, category: 'other' }],
      },
      { labelled: [], predicted: [] },
    ]);
    assert.equal(t.videos, 2);
    const [at3, at5] = t.at_iou;
    // IoU 0.3: both labelled violations matched (IoU ⅓ and 0.9): P = 2/3, R = 1, F1 = 0.8.
    assert.equal(at3!.matched, 2);
    close(at3!.precision, 2 / 3);
    close(at3!.recall, 1);
    close(at3!.f1, 0.8);
    close(at3!.category_agreement, 0.5);
    // IoU 0.5: only the 0.9 pair: P = 1/3, R = 1/2, F1 = 0.4.
    close(at5!.precision, 1 / 3);
    close(at5!.recall, 0.5);
    close(at5!.f1, 0.4);
    // Starts 2 vs 1 and 5.1 vs 5: (1 + 0.1) / 2.
    close(t.mean_start_error_s, 0.55);
  });
  it('matches one to one: two predictions of one labelled violation count once', () => {
    const t = evaluateTemporal([{ labelled: [{ start_s: 1, end_s: 2, category: 'a' }], predicted: [{ start_s: 1, end_s: 2, category: 'a' }, { start_s: 1.1, end_s: 2, category: 'a' }] }], [0.5]);
    assert.equal(t.at_iou[0]!.matched, 1);
    close(t.at_iou[0]!.precision, 0.5);
  });
});

describe('curves for plots', () => {
  it('thins long curves keeping both ends', () => {
    const points = [...Array(1000).keys()];
    const thin = thinCurve(points, 200);
    assert.equal(thin.length, 200);
    assert.equal(thin[0], 0);
    assert.equal(thin[199], 999);
  });
});

describe('metrics joined to videos (the results table columns)', () => {
  it('gives each video the values of the row naming it; rows naming no video or several are listed', () => {
    const table = metricsFromRows(parseTableText('video,sampson_error,fvd\na/clip.mp4,1.5,300\nb.mp4,2,\nmissing.mp4,3,1\nclip.mp4,4,4\n', 'm.csv'), 'm.csv');
    const videos = ['/v/a/clip.mp4', '/v/b.mp4', '/v/c/clip.mp4', '/v/b.mp4'];
    const { values, without_result } = metricsByVideo(table, videos, '/v');
    assert.deepEqual(values, { '/v/a/clip.mp4': { sampson_error: 1.5, fvd: 300 }, '/v/b.mp4': { sampson_error: 2 } });
    assert.deepEqual(without_result, [{ video: 'missing.mp4', line: 4 }, { video: 'clip.mp4', line: 5 }]);
  });
});

import { bandsDescription, bandWith, DEFAULT_BANDS_VIEW, type BandsView } from '../../src/shared/bands.js';
import type { CriticResult, CriticVerdict, CritiqueTrial, PlausibilityVerdict, RewardVerdict } from '../../src/shared/result.js';
import { createBadge } from '../toolkit.js';

export interface VerdictView {
  /** The verdict, then the components of each trial, then the raw reasoning (collapsed). */
  elements: HTMLElement[];
  update(result: CriticResult | null, resultFile: string | null, bands?: BandsView): void;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const BAND_MEANING: Record<RewardVerdict['band'], string> = {
  high: 'physically plausible',
  medium: 'uncertain',
  low: 'physically implausible',
};

function rewardVerdict(reward: RewardVerdict, bands: BandsView): HTMLElement[] {
  const score = element('span', 'score', reward.score.toFixed(3));
  score.id = 'reward-score';
  score.setAttribute('aria-label', `Reward score ${reward.score.toFixed(3)}`);
  // The band in force: calibrated cut-offs (cosmosCritic.bandsFile) re-band the score the result was written with.
  const inForce = bandWith(reward.score, bands);
  const band = createBadge(`${inForce} · ${BAND_MEANING[inForce]}`, `Band: ${bandsDescription(bands)}`);
  band.id = 'reward-band';
  band.dataset.band = inForce;
  band.dataset.bands = bands.file ? 'calibrated' : 'default';
  const line = element('p', 'score-line');
  line.append(score, band);
  const detail = element(
    'p',
    'verdict-detail',
    `Anomaly: ${reward.anomaly} · P(No) ${reward.p_no.toFixed(3)} · P(Yes) ${reward.p_yes.toFixed(3)} — higher is more physically plausible.`,
  );
  return [line, detail];
}

function answerText(trial: CritiqueTrial): string {
  if (trial.answer === 'No') return 'No anomaly';
  if (trial.answer === 'Yes') return 'Anomaly';
  return trial.parse === 'failed' ? 'Unparsed' : 'No answer';
}

function criticVerdict(critic: CriticVerdict, plausibility?: PlausibilityVerdict): HTMLElement[] {
  const trials = critic.trials.length;
  const parsed = critic.trials.filter((t) => t.answer !== null).length;
  const noes = critic.trials.filter((t) => t.answer === 'No').length;
  const unparsed = critic.score === null;
  // No parsed trial: no score and no verdict, only the model's raw text.
  const score = element('span', unparsed ? 'score unparsed' : 'score', unparsed ? 'Unparsed' : critic.score!.toFixed(3));
  score.id = 'critic-score';
  score.setAttribute('aria-label', unparsed ? 'No critic score: no trial could be parsed' : `Critic score ${critic.score!.toFixed(3)}`);
  const count = createBadge(`${trials} trial${trials === 1 ? '' : 's'}`, 'Sampled critiques');
  count.id = 'trial-count';
  const line = element('p', 'score-line');
  line.append(score, count);
  const detail = unparsed
    ? element('p', 'verdict-detail', `None of the ${trials} answer${trials === 1 ? '' : 's'} could be read${plausibility ? ' as a 1–5 score' : ''}: there is no verdict. The model's raw text is below.`)
    : plausibility && plausibility.raw_mean !== null
    ? element('p', 'verdict-detail', `Plausibility ${plausibility.raw_mean.toFixed(2)} of 5 (1 implausible … 5 fully plausible) — the score maps it to 0–1.`)
    : element(
        'p',
        'verdict-detail',
        `${noes} of ${parsed} parsed trial${parsed === 1 ? '' : 's'} found no anomaly` +
          (parsed < trials ? ` (${trials - parsed} could not be parsed)` : '') +
          ' — the critic score is the fraction answering "No".',
      );
  if (plausibility && !unparsed) detail.id = 'plausibility';
  if (unparsed) detail.id = 'unparsed';
  const raws = !unparsed ? [] : critic.trials.map((trial, i) => {
    const pre = element('pre', 'unparsed-raw', trial.raw.trim() === '' ? '(empty answer)' : trial.raw);
    pre.dataset.trial = String(i);
    pre.tabIndex = 0;
    pre.setAttribute('aria-label', `Raw text of trial ${i + 1}`);
    return pre;
  });
  const answers = element('ul', 'trial-answers');
  answers.id = 'trial-answers';
  critic.trials.forEach((trial, i) => {
    const item = element('li', 'trial-answer');
    item.dataset.answer = trial.answer ?? 'none';
    const verdict = typeof trial.score_1_5 === 'number' ? `${trial.score_1_5} of 5 · ${answerText(trial)}` : `${trial.answer ?? '—'} · ${answerText(trial)}`;
    item.append(element('span', 'trial-name', `Trial ${i + 1}`), element('span', 'trial-verdict', verdict));
    answers.append(item);
  });
  return [line, detail, answers, ...raws];
}

function trialComponents(trial: CritiqueTrial, index: number): HTMLElement {
  const details = element('details', 'trial-components');
  details.dataset.trial = String(index);
  details.open = index === 0;
  details.append(element('summary', undefined, `Trial ${index + 1} — ${answerText(trial)} (parse ${trial.parse}, ${trial.components.length} component${trial.components.length === 1 ? '' : 's'})`));
  if (trial.overview) details.append(element('p', 'trial-overview', trial.overview));
  const list = element('ul', 'component-list');
  for (const component of trial.components) {
    const item = element('li', 'component');
    item.dataset.anomaly = component.anomaly ?? 'unknown';
    const flag = element('span', 'anomaly-flag', component.anomaly === 'Yes' ? 'Anomaly' : component.anomaly === 'No' ? 'No anomaly' : 'Not stated');
    flag.dataset.anomaly = component.anomaly ?? 'unknown';
    const head = element('div', 'component-head');
    head.append(element('strong', 'component-name', component.name), flag);
    item.append(head, element('p', 'component-analysis', component.analysis));
    list.append(item);
  }
  if (trial.components.length === 0) list.append(element('li', 'component-empty', 'No components could be read from this answer; see the reasoning below.'));
  details.append(list);
  return details;
}

function describeRun(result: CriticResult, resultFile: string | null): string {
  const seconds = (result.timing_ms.total / 1000).toFixed(1);
  const cached = result.cache?.result ? ' (cached result)' : '';
  const rate = result.generation ? ` · ${result.generation.tokens} tokens at ${result.generation.tokens_per_second.toFixed(1)} tok/s` : '';
  const file = resultFile ? ` · saved to ${resultFile}` : '';
  return `Prompt ${result.prompt.id} v${result.prompt.version} · ${result.model.id} on ${result.model.backend} ${result.model.device} · ` +
    `${result.sampling.frames} frames at ${result.sampling.width}×${result.sampling.height} · ${seconds} s${cached}${rate}${file}`;
}

/** The verdict (reward score and band, or the critic's answers per trial), the components and the reasoning. */
export function createVerdictView(): VerdictView {
  const verdict = element('section', 'verdict');
  verdict.id = 'verdict';
  verdict.setAttribute('aria-labelledby', 'verdict-heading');
  verdict.hidden = true;

  const components = element('section', 'components');
  components.id = 'components';
  components.setAttribute('aria-labelledby', 'components-heading');
  components.hidden = true;

  const reasoning = element('details', 'reasoning');
  reasoning.id = 'reasoning';
  reasoning.hidden = true;

  return {
    elements: [verdict, components, reasoning],
    update(result, resultFile, bands = DEFAULT_BANDS_VIEW) {
      verdict.hidden = result === null;
      const critic = result?.critic;
      components.hidden = !critic;
      reasoning.hidden = !critic;
      if (!result) {
        verdict.replaceChildren();
        components.replaceChildren();
        reasoning.replaceChildren();
        return;
      }
      verdict.dataset.mode = result.mode;
      const heading = element('h2', undefined, result.mode === 'reward' ? 'Reward score' : 'Critic verdict');
      heading.id = 'verdict-heading';
      const body = result.reward ? rewardVerdict(result.reward, bands) : critic ? criticVerdict(critic, result.plausibility) : [element('p', undefined, 'The result has no verdict.')];
      const explanation = result.video_analysis?.physical_accuracy?.explanation;
      verdict.replaceChildren(
        heading,
        ...body,
        ...(explanation && result.mode === 'critic' ? [element('p', 'verdict-explanation', explanation)] : []),
        element('p', 'run-detail', describeRun(result, resultFile)),
      );

      if (critic) {
        const componentsHeading = element('h2', undefined, 'Components');
        componentsHeading.id = 'components-heading';
        components.replaceChildren(componentsHeading, ...critic.trials.map(trialComponents));
        const wasOpen = reasoning.open;
        reasoning.replaceChildren(
          element('summary', undefined, 'Reasoning (the model\'s raw answers)'),
          ...critic.trials.flatMap((trial, i) => {
            const pre = element('pre', 'reasoning-raw', trial.raw);
            pre.dataset.trial = String(i);
            pre.tabIndex = 0;
            pre.setAttribute('aria-label', `Raw answer of trial ${i + 1}`);
            return [element('h3', undefined, `Trial ${i + 1}`), pre];
          }),
        );
        reasoning.open = wasOpen;
      }
    },
  };
}

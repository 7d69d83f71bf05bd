import type { CriticMode } from '../../src/shared/result.js';
import type { FromPlayerMessage, JobView } from '../../src/shared/webviewMessages.js';
import { createButton, createProgressRing, type ToolkitButton } from '../toolkit.js';

export interface JobPanel {
  /** The actions toolbar, for the header. */
  actions: HTMLElement;
  /** The job's status line. */
  status: HTMLElement;
  /** The critique as it streams in. */
  stream: HTMLElement;
  /** Shows a job snapshot, its streamed text included. */
  update(job: JobView | null, hasResult: boolean, hasResultFile: boolean, resultMode: CriticMode | null): void;
  setStage(stage: string): void;
  appendText(trial: number, delta: string): void;
}

function statusText(job: JobView): string {
  const verb = job.mode === 'reward' ? 'Scoring' : 'Critiquing';
  switch (job.status) {
    case 'running':
      return `${verb} with ${job.prompt}… ${job.stage ?? 'Starting'}`;
    case 'done':
      return `${job.mode === 'reward' ? 'Scored' : 'Critiqued'} with ${job.prompt}.`;
    case 'cancelled':
      return `${verb} with ${job.prompt} was cancelled${job.error ? `: ${job.error}` : '.'}`;
    case 'failed':
      return `${verb} with ${job.prompt} failed: ${job.error ?? 'unknown error'}`;
  }
}

/** The actions (run, re-run, prompt, copy, open, cancel), the job's status and its streamed text. */
export function createJobPanel(post: (message: FromPlayerMessage) => void): JobPanel {
  let job: JobView | null = null;
  let lastMode: CriticMode = 'critic';

  const buttons: Record<string, ToolkitButton> = {
    critique: createButton({ id: 'action-critique', label: 'Critique', title: 'Critique the video: a reasoned verdict with violations on the timeline', appearance: 'primary', onClick: () => post({ type: 'run', mode: 'critic', force: false }) }),
    score: createButton({ id: 'action-score', label: 'Score', title: 'Score the video: one reward number, higher is more physically plausible', onClick: () => post({ type: 'run', mode: 'reward', force: false }) }),
    rerun: createButton({ id: 'action-rerun', label: 'Re-run', title: 'Run again, ignoring the cached result', onClick: () => post({ type: 'run', mode: lastMode, force: true }) }),
    prompt: createButton({ id: 'action-choose-prompt', label: 'Choose Prompt…', title: 'Choose a prompt file and run it', onClick: () => post({ type: 'choosePrompt' }) }),
    copy: createButton({ id: 'action-copy-result', label: 'Copy Result JSON', title: 'Copy the result as JSON to the clipboard', onClick: () => post({ type: 'copyResult' }) }),
    open: createButton({ id: 'action-open-result', label: 'Open Result File', title: 'Open the saved result file in an editor', onClick: () => post({ type: 'openResultFile' }) }),
    cancel: createButton({ id: 'action-cancel', label: 'Cancel', title: 'Cancel the running job', onClick: () => post({ type: 'cancelJob' }) }),
  };
  const actions = document.createElement('div');
  actions.id = 'actions';
  actions.className = 'actions';
  actions.setAttribute('role', 'toolbar');
  actions.setAttribute('aria-label', 'Critic actions');
  actions.append(...Object.values(buttons).map((b) => b.element));

  const status = document.createElement('div');
  status.id = 'job-status';
  status.className = 'job-status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  status.hidden = true;
  const ring = createProgressRing();
  const statusLine = document.createElement('span');
  status.append(ring, statusLine);

  const stream = document.createElement('section');
  stream.id = 'critique-stream';
  stream.className = 'critique-stream';
  stream.setAttribute('aria-label', 'Critique as it is written');
  stream.hidden = true;
  let trialBlocks: HTMLPreElement[] = [];

  function trialBlock(trial: number): HTMLPreElement {
    while (trialBlocks.length <= trial) {
      const heading = document.createElement('h3');
      heading.textContent = `Trial ${trialBlocks.length + 1}`;
      const pre = document.createElement('pre');
      pre.className = 'trial-stream';
      pre.dataset.trial = String(trialBlocks.length);
      stream.append(heading, pre);
      trialBlocks.push(pre);
    }
    return trialBlocks[trial]!;
  }

  function renderStream(text: readonly string[]): void {
    stream.replaceChildren();
    trialBlocks = [];
    text.forEach((t, i) => (trialBlock(i).textContent = t));
  }

  return {
    actions,
    status,
    stream,
    update(next, hasResult, hasResultFile, resultMode) {
      job = next;
      if (next) lastMode = next.mode;
      else if (resultMode) lastMode = resultMode;
      const running = next?.status === 'running';
      buttons.critique!.element.hidden = hasResult;
      buttons.score!.element.hidden = hasResult;
      buttons.rerun!.element.hidden = !hasResult && !next;
      for (const key of ['critique', 'score', 'rerun', 'prompt'] as const) buttons[key]!.setDisabled(running);
      buttons.copy!.setDisabled(!hasResult);
      buttons.open!.setDisabled(!hasResultFile);
      buttons.cancel!.element.hidden = !running;
      buttons.rerun!.element.setAttribute('title', `Run the ${lastMode === 'reward' ? 'score' : 'critique'} again, ignoring the cached result`);

      status.hidden = next === null;
      status.dataset.status = next?.status ?? '';
      ring.hidden = !running;
      statusLine.textContent = next ? statusText(next) : '';
      renderStream(next?.text ?? []);
      // The streamed text stays visible while it is written; the finished critique is in the components and reasoning.
      stream.hidden = !(running && next?.mode === 'critic') && !(next?.status === 'failed' && next.text.some(Boolean));
    },
    setStage(stage) {
      if (!job || job.status !== 'running') return;
      job = { ...job, stage };
      statusLine.textContent = statusText(job);
    },
    appendText(trial, delta) {
      const pre = trialBlock(trial);
      const follow = stream.scrollHeight - stream.scrollTop - stream.clientHeight < 24;
      pre.append(delta);
      if (follow) stream.scrollTop = stream.scrollHeight;
    },
  };
}

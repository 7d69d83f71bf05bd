import type { CriticResult } from '../../src/shared/result.js';
import {
  parsePlayerState,
  parseToPlayerMessage,
  type FromPlayerMessage,
  type PlayerState,
  type ToPlayerMessage,
} from '../../src/shared/webviewMessages.js';
import { createBadge, createButton, createKeyValueGrid } from '../toolkit.js';
import { vscodeApi } from '../vscodeApi.js';
import { formatSeconds, planRows, videoRows } from './format.js';
import { createFrameStrip, type FrameStrip } from './frameStrip.js';
import { createJobPanel, type JobPanel } from './jobView.js';
import { activeViolations, markerCategory } from './markerLayout.js';
import { createTimeline, frameAt, FRAME_SEEK_OFFSET_S, type Timeline } from './timeline.js';
import { createVerdictView, type VerdictView } from './verdictView.js';
import { createViolationList, type ViolationList } from './violationList.js';
import { createViolationTimeline, type ViolationTimeline } from './violationTimeline.js';
import { createVideoView, type VideoView } from './videoView.js';

const STATE_SAVE_INTERVAL_MS = 500;

const api = vscodeApi<FromPlayerMessage, PlayerState>();
const app = document.getElementById('app') ?? document.body;

let state: PlayerState | undefined;
let ui: PlayerUi | undefined;
let lastSaved = 0;
let saveTimer: ReturnType<typeof setTimeout> | undefined;

function saveState(force: boolean): void {
  if (!state) return;
  const now = Date.now();
  if (!force && now - lastSaved < STATE_SAVE_INTERVAL_MS) {
    // Save the tail of a burst (streamed text, playback) too.
    saveTimer ??= setTimeout(() => {
      saveTimer = undefined;
      saveState(true);
    }, STATE_SAVE_INTERVAL_MS);
    return;
  }
  lastSaved = now;
  api.setState(state);
}

function heading(level: 'h1' | 'h2', text: string): HTMLElement {
  const element = document.createElement(level);
  element.textContent = text;
  return element;
}

function section(className: string, ...children: HTMLElement[]): HTMLElement {
  const element = document.createElement('section');
  element.className = className;
  element.append(...children);
  return element;
}

/** The times of the frames the model saw: the result's when there is one, else the sampling plan's. */
function modelFrames(current: PlayerState): { times: number[]; indices: number[] | null } {
  const result = current.result;
  if (result) return { times: result.sampling.frame_times_s, indices: null };
  return { times: current.probe.plan.frame_times_s, indices: current.probe.plan.frame_indices };
}

interface PlayerUi {
  probeKey: string;
  video: VideoView;
  markers: ViolationTimeline;
  violations: ViolationList;
  verdict: VerdictView;
  frames: FrameStrip;
  job: JobPanel;
  /** Shows everything in the state but the playback position. */
  apply(current: PlayerState): void;
  showTime(time_s: number): void;
}

/** Builds the page for one video; later messages update its parts in place, so the video keeps playing. */
function build(current: PlayerState): PlayerUi {
  const { video: metadata, plan } = current.probe;
  const duration = metadata.duration_s;
  let frames = modelFrames(current);
  let result: CriticResult | null = current.result;
  let overlayKey = '';

  const position = document.createElement('p');
  position.className = 'frame-position';
  position.setAttribute('aria-live', 'polite');
  const previous = createButton({ id: 'previous-frame', label: 'Previous Frame', title: 'Seek to the previous sampled frame', onClick: () => step(-1) });
  const next = createButton({ id: 'next-frame', label: 'Next Frame', title: 'Seek to the next sampled frame', onClick: () => step(1) });

  function seek(time_s: number): void {
    video.seek(Math.max(0, time_s));
  }

  function seekToFrame(index: number): void {
    const time = frames.times[index];
    if (time === undefined) return;
    seek(Math.min(time + FRAME_SEEK_OFFSET_S, Math.max(time, duration)));
  }

  /** Whether `time_s` is where seeking to sampled frame `index` lands. */
  function isOnFrame(index: number, time_s: number): boolean {
    return index >= 0 && time_s - frames.times[index]! <= 2 * FRAME_SEEK_OFFSET_S;
  }

  /** The sampled frame that "previous" or "next" goes to from `time_s`; out of range when there is none. */
  function stepTarget(time_s: number, direction: -1 | 1): number {
    const index = frameAt(frames.times, time_s);
    if (direction > 0) return index + 1;
    // Between two sampled frames, "previous" is the one just passed.
    return isOnFrame(index, time_s) ? index - 1 : index;
  }

  function step(direction: -1 | 1): void {
    seekToFrame(stepTarget(video.currentTime(), direction));
  }

  const timelineSlot = document.createElement('div');
  let timeline: Timeline = createTimeline(frames.times, duration, seekToFrame);
  timelineSlot.append(timeline.element);

  const markers = createViolationTimeline(seek);
  const violations = createViolationList(seek);
  const verdict = createVerdictView();
  const frameStrip = createFrameStrip(seek);
  const job = createJobPanel((message) => api.postMessage(message));

  function showOverlay(time_s: number): void {
    const active = result ? activeViolations(result.violations, time_s) : [];
    violations.setActive(active);
    const key = active.join(',');
    if (key === overlayKey) return;
    overlayKey = key;
    const overlay = video.overlay;
    overlay.hidden = active.length === 0;
    overlay.replaceChildren(
      ...active.map((index) => {
        const violation = result!.violations[index]!;
        const line = document.createElement('p');
        line.className = 'overlay-line';
        line.dataset.category = markerCategory(violation.category);
        line.dataset.index = String(index);
        const category = document.createElement('span');
        category.className = 'violation-category';
        category.dataset.category = line.dataset.category;
        category.textContent = line.dataset.category.replace(/_/g, ' ');
        line.append(category, ` ${violation.description}`);
        return line;
      }),
    );
  }

  function showTime(time_s: number): void {
    timeline.setTime(time_s);
    markers.setTime(time_s);
    frameStrip.setTime(time_s);
    showOverlay(time_s);
    const index = frameAt(frames.times, time_s);
    const shown = formatSeconds(isOnFrame(index, time_s) ? frames.times[index]! : time_s);
    const source = frames.indices ? ` (source frame ${frames.indices[index] ?? '?'})` : '';
    position.textContent = index >= 0
      ? `${shown} · frame ${index + 1} of ${frames.times.length}${source}`
      : `${shown} · before the first sampled frame`;
    previous.setDisabled(stepTarget(time_s, -1) < 0);
    next.setDisabled(stepTarget(time_s, 1) >= frames.times.length);
  }

  const video = createVideoView({
    metadata,
    playback: current.playback,
    start_s: current.current_time_s,
    onTime(time_s, reason) {
      if (!state) return;
      state.current_time_s = time_s;
      showTime(time_s);
      saveState(reason !== 'play');
    },
    onPlaybackError: (code, message) => api.postMessage({ type: 'playbackError', code, message }),
    onOpenExternally: () => api.postMessage({ type: 'openExternally' }),
  });

  const fileName = metadata.path.split(/[\\/]/).pop() ?? metadata.path;
  const badges = document.createElement('div');
  badges.className = 'badges';
  const header = document.createElement('header');
  header.append(heading('h1', fileName), badges, job.actions);

  const controls = document.createElement('div');
  controls.className = 'frame-controls';
  controls.append(previous.element, next.element, position);

  const planSection = section('details', heading('h2', 'Sampling plan'), createKeyValueGrid('Sampling plan', planRows(plan)));
  app.replaceChildren(
    header,
    job.status,
    section('player', video.element, markers.element, timelineSlot, controls),
    ...verdict.elements.slice(0, 1),
    violations.element,
    frameStrip.element,
    ...verdict.elements.slice(1),
    job.stream,
    section('details', heading('h2', 'Video'), createKeyValueGrid('Video metadata', videoRows(metadata))),
    planSection,
  );

  return {
    probeKey: JSON.stringify(current.probe),
    video,
    markers,
    violations,
    verdict,
    frames: frameStrip,
    job,
    apply(next) {
      result = next.result;
      video.setPlayback(next.playback);
      job.update(next.job, result !== null, next.resultFile !== null, result?.mode ?? null);
      verdict.update(result, next.resultFile, next.bands);
      // Reward mode answers Yes/No without saying where: it has no violations to list.
      violations.update(result?.mode === 'critic' ? result.violations : null);
      markers.update(result?.video.duration_s || duration, result?.violations ?? []);
      frameStrip.update(result?.sampling.frame_times_s ?? [], next.thumbnails);
      planSection.hidden = result !== null;

      const nextFrames = modelFrames(next);
      if (JSON.stringify(nextFrames.times) !== JSON.stringify(frames.times)) {
        frames = nextFrames;
        timeline = createTimeline(frames.times, duration, seekToFrame);
        timelineSlot.replaceChildren(timeline.element);
      }
      frames = nextFrames;
      badges.replaceChildren(
        createBadge(`${frames.times.length} frames`, result ? 'Frames the model saw' : 'Frames the model will see'),
        createBadge(`${result?.sampling.width ?? plan.width} × ${result?.sampling.height ?? plan.height}`, 'Model input size of each frame'),
        createBadge(
          (result?.sampling.rule ?? plan.rule) === 'fps' ? `${Number((result?.sampling.fps ?? plan.target_fps ?? 0).toFixed(2))} fps` : 'reward rule',
          'Sampling rule',
        ),
      );
      overlayKey = '\u0000';
      showTime(video.currentTime());
    },
    showTime,
  };
}

function render(): void {
  if (!state) return;
  const key = JSON.stringify(state.probe);
  if (!ui || ui.probeKey !== key) ui = build(state);
  ui.apply(state);
}

function receive(message: ToPlayerMessage): void {
  switch (message.type) {
    case 'show': {
      const sameVideo = state?.probe.video.path === message.view.probe.video.path;
      state = { ...message.view, current_time_s: sameVideo ? state!.current_time_s : 0 };
      render();
      saveState(true);
      return;
    }
    case 'seek':
      ui?.video.seek(message.time_s);
      return;
  }
  if (!state || !ui) return;
  switch (message.type) {
    case 'playback':
      state.playback = message.playback;
      ui.video.setPlayback(message.playback);
      break;
    case 'job':
      state.job = message.job;
      ui.apply(state);
      break;
    case 'stage':
      if (state.job?.id !== message.jobId) return;
      state.job.stage = message.stage;
      ui.job.setStage(message.stage);
      break;
    case 'text': {
      if (state.job?.id !== message.jobId) return;
      const text = state.job.text;
      while (text.length <= message.trial) text.push('');
      text[message.trial] += message.delta;
      ui.job.appendText(message.trial, message.delta);
      break;
    }
    case 'result':
      state.result = message.result;
      state.resultFile = message.resultFile;
      state.thumbnails = [];
      ui.apply(state);
      break;
    case 'thumbnails':
      state.thumbnails = message.thumbnails;
      ui.frames.update(state.result?.sampling.frame_times_s ?? [], message.thumbnails);
      ui.showTime(ui.video.currentTime());
      break;
  }
  saveState(message.type !== 'text' && message.type !== 'stage');
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseToPlayerMessage(event.data);
  if (!message) {
    console.warn('Cosmos Critic player: dropped an unexpected message', event.data);
    return;
  }
  receive(message);
});

const saved = parsePlayerState(api.getState());
if (saved) {
  state = saved;
  render();
} else {
  const loading = document.createElement('p');
  loading.className = 'loading';
  loading.textContent = 'Loading the video…';
  app.replaceChildren(loading);
}
api.postMessage({ type: 'ready' });

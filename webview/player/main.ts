import {
  parsePlayerState,
  parseToPlayerMessage,
  type FromPlayerMessage,
  type PlayerState,
} from '../../src/shared/webviewMessages.js';
import { createBadge, createButton, createKeyValueGrid } from '../toolkit.js';
import { vscodeApi } from '../vscodeApi.js';
import { formatSeconds, planRows, videoRows } from './format.js';
import { createTimeline, frameAt, FRAME_SEEK_OFFSET_S, type Timeline } from './timeline.js';
import { createVideoView, type VideoView } from './videoView.js';

const STATE_SAVE_INTERVAL_MS = 500;

const api = vscodeApi<FromPlayerMessage, PlayerState>();
const app = document.getElementById('app') ?? document.body;

let state: PlayerState | undefined;
let videoView: VideoView | undefined;
let timeline: Timeline | undefined;
let lastSaved = 0;

function saveState(force: boolean): void {
  if (!state) return;
  const now = Date.now();
  if (!force && now - lastSaved < STATE_SAVE_INTERVAL_MS) return;
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

function render(current: PlayerState): void {
  const { video, plan } = current.probe;
  const times = plan.frame_times_s;
  const duration = video.duration_s;

  const position = document.createElement('p');
  position.className = 'frame-position';
  position.setAttribute('aria-live', 'polite');

  const previous = createButton({ label: 'Previous Frame', title: 'Seek to the previous sampled frame', onClick: () => step(-1) });
  const next = createButton({ label: 'Next Frame', title: 'Seek to the next sampled frame', onClick: () => step(1) });

  function seekToFrame(index: number): void {
    const time = times[index];
    if (time === undefined) return;
    videoView?.seek(Math.min(time + FRAME_SEEK_OFFSET_S, Math.max(time, duration)));
  }

  /** Whether `time_s` is where seeking to sampled frame `index` lands. */
  function isOnFrame(index: number, time_s: number): boolean {
    return index >= 0 && time_s - times[index] <= 2 * FRAME_SEEK_OFFSET_S;
  }

  /** The sampled frame that "previous" or "next" goes to from `time_s`; out of range when there is none. */
  function stepTarget(time_s: number, direction: -1 | 1): number {
    const index = frameAt(times, time_s);
    if (direction > 0) return index + 1;
    // Between two sampled frames, "previous" is the one just passed.
    return isOnFrame(index, time_s) ? index - 1 : index;
  }

  function step(direction: -1 | 1): void {
    seekToFrame(stepTarget(videoView?.currentTime() ?? 0, direction));
  }

  function showTime(time_s: number): void {
    timeline?.setTime(time_s);
    const index = frameAt(times, time_s);
    const shown = formatSeconds(isOnFrame(index, time_s) ? times[index] : time_s);
    position.textContent = index >= 0
      ? `${shown} · frame ${index} (source frame ${plan.frame_indices[index] ?? '?'}) · ${times.length} sampled frames`
      : `${shown} · before the first sampled frame`;
    previous.setDisabled(stepTarget(time_s, -1) < 0);
    next.setDisabled(stepTarget(time_s, 1) >= times.length);
  }

  timeline = createTimeline(times, duration, seekToFrame);
  videoView = createVideoView({
    src: current.videoUri,
    metadata: video,
    start_s: current.current_time_s,
    onTime(time_s, reason) {
      current.current_time_s = time_s;
      showTime(time_s);
      saveState(reason !== 'play');
    },
    onPlaybackError: (code, message) => api.postMessage({ type: 'playbackError', code, message }),
    onOpenExternally: () => api.postMessage({ type: 'openExternally' }),
  });

  const fileName = video.path.split(/[\\/]/).pop() ?? video.path;
  const badges = document.createElement('div');
  badges.className = 'badges';
  badges.append(
    createBadge(`${plan.frames} frames`, 'Frames the model sees'),
    createBadge(`${plan.width} × ${plan.height}`, 'Model input size of each frame'),
    createBadge(plan.rule === 'fps' ? `${plan.target_fps ?? '?'} fps rule` : 'reward rule', 'Sampling rule'),
  );
  const header = document.createElement('header');
  header.append(heading('h1', fileName), badges);

  const controls = document.createElement('div');
  controls.className = 'frame-controls';
  controls.append(previous.element, next.element, position);

  app.replaceChildren(
    header,
    section('player', videoView.element, timeline.element, controls),
    section('details', heading('h2', 'Video'), createKeyValueGrid('Video metadata', videoRows(video))),
    section('details', heading('h2', 'Sampling plan'), createKeyValueGrid('Sampling plan', planRows(plan))),
  );
  showTime(current.current_time_s);
}

function show(next: PlayerState): void {
  // The host answers every `ready` with `show`; a restored panel already shows the same thing.
  if (state && state.videoUri === next.videoUri && JSON.stringify(state.probe) === JSON.stringify(next.probe)) return;
  state = next;
  render(state);
  saveState(true);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseToPlayerMessage(event.data);
  if (!message) {
    console.warn('Cosmos Critic player: dropped an unexpected message', event.data);
    return;
  }
  switch (message.type) {
    case 'show': {
      const keepTime = state?.videoUri === message.videoUri ? state.current_time_s : 0;
      show({ probe: message.probe, videoUri: message.videoUri, current_time_s: keepTime });
      return;
    }
    case 'seek':
      videoView?.seek(message.time_s);
      return;
  }
});

const saved = parsePlayerState(api.getState());
if (saved) {
  state = saved;
  render(saved);
} else {
  const loading = document.createElement('p');
  loading.className = 'loading';
  loading.textContent = 'Loading the sampling plan…';
  app.replaceChildren(loading);
}
api.postMessage({ type: 'ready' });

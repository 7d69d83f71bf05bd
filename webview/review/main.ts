// Review mode: one video after another from a results folder, labelled from the keyboard (REVIEW_KEYMAP). Each
// change of a video's label is sent to the host, which writes it to the labels file at once.
import type { LabelValue } from '../../src/shared/labelEntry.js';
import type { CriticResult } from '../../src/shared/result.js';
import { keyLabel, REVIEW_KEYMAP, reviewActionFor, scoreOf, type ReviewAction } from '../../src/shared/reviewKeymap.js';
import { parseToReviewMessage, type FromReviewMessage, type ReviewItemView, type ToReviewMessage } from '../../src/shared/reviewMessages.js';
import { parseReviewState, type ReviewState } from '../../src/shared/reviewState.js';
import type { PlaybackView } from '../../src/shared/webviewMessages.js';
import { vscodeApi } from '../vscodeApi.js';
import { formatMarkerTime, MARKER_CATEGORIES, markerCategory } from '../player/markerLayout.js';
import { draftFromReview, edit, labelFromDraft, stepSelection, undecided, undo, type DraftChange, type DraftHistory } from './reviewDraft.js';
import { createReviewTimeline } from './reviewTimeline.js';
import { snapToFrame, type Span } from './timelineGeometry.js';

const api = vscodeApi<FromReviewMessage, ReviewState>();
const app = document.getElementById('app') ?? document.body;

let item: ReviewItemView | undefined;
let history: DraftHistory | undefined;
/** Drafts of the videos seen in this view, so going back keeps their undo history. */
const drafts = new Map<string, DraftHistory>();
/** What was last sent to be saved, per video, so unchanged labels are not written again. */
const sent = new Map<string, string>();
/** Kept with `setState`: which review this is and the video shown, so that a reloaded window reopens it there. */
const state: ReviewState = parseReviewState(api.getState()).state;
let keysShown = state.keysShown;

function keepState(): void {
  api.setState({ ...state, keysShown });
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

function button(id: string, text: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', 'review-button', text);
  b.type = 'button';
  b.id = id;
  b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

// --- The page, built once; `show` fills it for each video.

const title = el('h1', 'review-title');
const progress = el('p', 'review-progress');
progress.id = 'review-progress';
const saveStatus = el('p', 'review-save');
saveStatus.id = 'review-save';
saveStatus.setAttribute('role', 'status');
saveStatus.setAttribute('aria-live', 'polite');
const nav = el('div', 'review-nav');
const prevButton = button('review-previous', '← Previous', 'Previous video (k)', () => perform('previousVideo'));
const nextButton = button('review-next', 'Next →', 'Next video (j)', () => perform('nextVideo'));
nav.append(prevButton, nextButton);
const header = el('header', 'review-header');
header.append(title, nav, progress, saveStatus);

const frame = el('div', 'video-frame');
const video = el('video');
video.id = 'video';
video.controls = true;
video.preload = 'auto';
const notice = el('p', 'review-notice');
notice.setAttribute('role', 'status');
frame.append(video);
// What is on screen now: under the video, never over its controls or timecode.
const caption = el('div', 'review-caption');
caption.id = 'review-caption';
caption.setAttribute('aria-live', 'polite');
const position = el('p', 'frame-position');
position.id = 'review-position';

const timeline = createReviewTimeline({
  seek: (t) => seek(t),
  retime: (index, span) => change({ type: 'retime', index, ...onFrames(span, history?.current.violations[index]) }),
  draw: (span) => askCategory(onFrames(span)),
  select: (index) => change({ type: 'select', index }),
});

const verdictGroup = el('div', 'review-verdict');
verdictGroup.setAttribute('role', 'group');
verdictGroup.setAttribute('aria-label', 'Label of this video');
const verdictButtons = new Map<string, HTMLButtonElement>();
for (const [value, text, key] of [['good', 'Good', 'g'], ['bad', 'Bad', 'b'], ['1', '1', '1'], ['2', '2', '2'], ['3', '3', '3'], ['4', '4', '4'], ['5', '5', '5']] as const) {
  const b = button(`review-label-${value}`, text, `Label ${text} (${key})`, () => change({ type: 'label', label: /\d/.test(value) ? (Number(value) as 1) : (value as 'good') }));
  b.setAttribute('aria-pressed', 'false');
  verdictButtons.set(value, b);
  verdictGroup.append(b);
}
const undoButton = button('review-undo', 'Undo', 'Undo the last change (u)', () => perform('undo'));
verdictGroup.append(undoButton);

const listHeading = el('h2', undefined, 'Violations');
const list = el('ol', 'review-violations');
list.id = 'review-violations';
list.setAttribute('aria-label', 'Violations: accept or reject each');

const picker = el('form', 'review-picker');
picker.id = 'review-picker';
picker.hidden = true;
const pickerLabel = el('label', undefined, 'Category of the new violation ');
const pickerSelect = el('select');
pickerSelect.id = 'review-category';
for (const c of MARKER_CATEGORIES) {
  const option = el('option', undefined, c.replace(/_/g, ' '));
  option.value = c;
  pickerSelect.append(option);
}
pickerLabel.append(pickerSelect);
const pickerAdd = el('button', 'review-button', 'Add');
pickerAdd.type = 'submit';
pickerAdd.id = 'review-category-add';
const pickerCancel = button('review-category-cancel', 'Cancel', 'Do not add it (Escape)', () => closePicker());
picker.append(pickerLabel, pickerAdd, pickerCancel);
let pendingSpan: Span | null = null;
let pickerReturn: HTMLElement | null = null;

const keysSection = el('section', 'review-keys');
keysSection.id = 'review-keys';
const keysToggle = button('review-keys-toggle', 'Keys (?)', 'Show or hide the keys (?)', () => perform('help'));
keysToggle.setAttribute('aria-controls', 'review-keys-table');
const keysTable = el('table', 'review-keys-table');
keysTable.id = 'review-keys-table';
keysTable.append(el('caption', undefined, 'Review keys'));
for (const binding of REVIEW_KEYMAP) {
  const row = el('tr');
  row.dataset.action = binding.action;
  const keys = el('td');
  binding.keys.forEach((k, i) => {
    if (i) keys.append(' or ');
    keys.append(el('kbd', undefined, keyLabel(k)));
  });
  row.append(keys, el('td', undefined, binding.description));
  keysTable.append(row);
}
keysSection.append(keysToggle, keysTable);

const player = el('section', 'player review-player');
player.append(frame, notice, caption, timeline.element, position);
const side = el('section', 'review-side');
side.append(verdictGroup, listHeading, list, picker);
app.replaceChildren(header, player, side, keysSection);
showKeys(keysShown);

// --- Behaviour.

const post = (message: FromReviewMessage) => api.postMessage(message);
const result = (): CriticResult | null => item?.result ?? null;
const duration = () => result()?.video.duration_s || (Number.isFinite(video.duration) ? video.duration : 0);
const fps = () => result()?.video.fps || 25;

/**
 * A dragged span on the video's frame grid (at least one frame long), so labels hold frame times, not pixels; an edge
 * the drag left where it was (`before`) keeps its time.
 */
function onFrames(span: Span, before?: { start_s: number | null; end_s: number | null }): Span {
  const start_s = before?.start_s === span.start_s ? span.start_s : snapToFrame(span.start_s, fps());
  const end = before?.end_s === span.end_s ? span.end_s : snapToFrame(span.end_s, fps());
  const end_s = Math.max(end, Number((start_s + 1 / fps()).toFixed(6)));
  return { start_s, end_s: duration() > 0 ? Math.min(end_s, duration()) : end_s };
}

function seek(time_s: number): void {
  video.currentTime = Math.max(0, Math.min(time_s, duration() || time_s));
  showTime();
}

function showKeys(shown: boolean): void {
  keysShown = shown;
  keysTable.hidden = !shown;
  keysToggle.setAttribute('aria-expanded', String(shown));
  keepState();
}

function change(edit_: DraftChange): void {
  if (!history || !item) return;
  history = edit(history, edit_);
  drafts.set(item.labelKey, history);
  render();
  save();
}

/** Sends the label when it differs from what was last sent; a label taken back by undo is removed. */
function save(): void {
  if (!history || !item) return;
  const label = labelFromDraft(history.current);
  const text = JSON.stringify(label);
  const before = sent.get(item.labelKey) ?? JSON.stringify(item.saved ? { label: item.saved.label, violations: item.saved.violations, rejected: item.saved.rejected_violations ?? [] } : null);
  if (text === before) return;
  sent.set(item.labelKey, text);
  saveStatus.textContent = 'Saving…';
  post({ type: 'save', index: item.index, label });
}

function askCategory(span: Span): void {
  pendingSpan = span;
  pickerReturn = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  picker.hidden = false;
  pickerSelect.focus();
}

function closePicker(): void {
  picker.hidden = true;
  pendingSpan = null;
  pickerReturn?.focus();
}

picker.addEventListener('submit', (event) => {
  event.preventDefault();
  if (pendingSpan) change({ type: 'add', ...pendingSpan, category: pickerSelect.value });
  closePicker();
});
picker.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') {
    event.stopPropagation();
    closePicker();
  }
});

function perform(action: ReviewAction): void {
  if (!item) return;
  const draft = history?.current;
  const score = scoreOf(action);
  if (score) return change({ type: 'label', label: score });
  switch (action) {
    case 'nextVideo':
      if (item.index + 1 < item.total) post({ type: 'go', index: item.index + 1 });
      return;
    case 'previousVideo':
      if (item.index > 0) post({ type: 'go', index: item.index - 1 });
      return;
    case 'playPause':
      if (video.paused) void video.play().catch(() => undefined);
      else video.pause();
      return;
    case 'nextViolation':
    case 'previousViolation': {
      if (!draft) return;
      const index = stepSelection(draft, action === 'nextViolation' ? 1 : -1);
      if (index < 0) return;
      change({ type: 'select', index });
      const start = draft.violations[index]!.start_s;
      if (start !== null) seek(start);
      list.querySelector<HTMLElement>(`li[data-index="${index}"] button`)?.focus();
      return;
    }
    case 'frameForward':
    case 'frameBack':
      video.pause();
      seek(snapToFrame(video.currentTime, fps()) + (action === 'frameForward' ? 1 : -1) / fps());
      return;
    case 'markGood':
      return change({ type: 'label', label: 'good' });
    case 'markBad':
      return change({ type: 'label', label: 'bad' });
    case 'accept':
    case 'reject':
      if (draft && draft.selected >= 0) {
        change({ type: 'decide', index: draft.selected, decision: action === 'accept' ? 'accepted' : 'rejected' });
        const next = history!.current;
        // On to the next violation still waiting for a decision.
        const waiting = next.violations.findIndex((v, i) => i > next.selected && v.decision === null);
        if (waiting >= 0) change({ type: 'select', index: waiting });
      }
      return;
    case 'addSpan': {
      const t = video.currentTime;
      const d = duration();
      askCategory({ start_s: Math.max(0, t - 0.25), end_s: Math.min(d || t + 0.25, t + 0.25) });
      return;
    }
    case 'zoomIn':
      return timeline.zoom(2);
    case 'zoomOut':
      return timeline.zoom(0.5);
    case 'zoomReset':
      return timeline.zoom('reset');
    case 'undo':
      if (!history || history.past.length === 0) return;
      history = undo(history);
      drafts.set(item.labelKey, history);
      render();
      save();
      return;
    case 'help':
      showKeys(!keysShown);
      return;
  }
}

/** Keys typed into a form control, or Space/Enter on a button, stay with that control. */
function ownsKey(target: EventTarget | null, event: KeyboardEvent): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.closest('select, input, textarea, form')) return true;
  return target instanceof HTMLButtonElement && (event.key === ' ' || event.key === 'Enter');
}

document.addEventListener('keydown', (event) => {
  if (ownsKey(event.target, event)) return;
  const action = reviewActionFor(event);
  if (!action) return;
  event.preventDefault();
  perform(action);
});

function showTime(): void {
  const t = video.currentTime;
  timeline.setTime(t);
  const draft = history?.current;
  const here = (draft?.violations ?? []).filter((v) => v.start_s !== null && t >= v.start_s - 0.05 && t <= (v.end_s ?? v.start_s) + 0.05 && v.decision !== 'rejected');
  const key = here.map((v) => `${v.category}:${v.start_s}`).join(',');
  if (caption.dataset.key !== key) {
    caption.dataset.key = key;
    caption.replaceChildren(
      ...here.map((v) => {
        const line = el('p', 'overlay-line');
        line.dataset.category = markerCategory(v.category);
        const category = el('span', 'violation-category', markerCategory(v.category).replace(/_/g, ' '));
        category.dataset.category = line.dataset.category;
        line.append(category, ` ${v.description || '(added)'}`);
        return line;
      }),
    );
  }
  const frameIndex = Math.floor(t * fps() + 1e-6);
  position.textContent = `${formatMarkerTime(t)} s · frame ${frameIndex}`;
}

function describe(label: LabelValue): string {
  return label === 'good' ? 'good' : label === 'bad' ? 'bad' : `${label} of 5`;
}

function render(): void {
  if (!item || !history) return;
  const draft = history.current;
  const name = item.video.split(/[\\/]/).pop() ?? item.video;
  title.textContent = `${name} (${item.index + 1} of ${item.total})`;
  prevButton.disabled = item.index === 0;
  nextButton.disabled = item.index + 1 >= item.total;
  const left = undecided(draft);
  progress.textContent = `${item.labelled} of ${item.total} labelled · this video: ${draft.label === null ? 'no label yet' : describe(draft.label)}${left ? ` · ${left} violation${left === 1 ? '' : 's'} undecided` : ''}`;
  for (const [value, b] of verdictButtons) b.setAttribute('aria-pressed', String(String(draft.label) === value));
  undoButton.disabled = history.past.length === 0;
  list.replaceChildren(
    ...draft.violations.map((v, index) => {
      const li = el('li', `review-violation ${v.source} ${v.decision ?? 'undecided'}`);
      li.dataset.index = String(index);
      li.dataset.category = markerCategory(v.category);
      if (index === draft.selected) li.setAttribute('aria-current', 'true');
      const when = v.start_s === null ? 'no time' : v.end_s !== null && v.end_s > v.start_s ? `${formatMarkerTime(v.start_s)}–${formatMarkerTime(v.end_s)} s` : `${formatMarkerTime(v.start_s)} s`;
      const status = v.decision === null ? 'undecided' : v.decision;
      const goTo = button(`review-violation-${index}`, `${v.category.replace(/_/g, ' ')} · ${when}`, `Select and seek (${status})`, () => {
        change({ type: 'select', index });
        if (v.start_s !== null) seek(v.start_s);
      });
      goTo.className = 'review-violation-go';
      goTo.setAttribute('aria-label', `${v.source === 'added' ? 'Added' : 'Critic'} violation ${index + 1}: ${v.category} at ${when}, ${status}. ${v.description}`);
      const accept = button(`review-accept-${index}`, 'Accept', 'Accept (a)', () => change({ type: 'decide', index, decision: 'accepted' }));
      accept.setAttribute('aria-pressed', String(v.decision === 'accepted'));
      const reject = button(`review-reject-${index}`, v.source === 'added' ? 'Remove' : 'Reject', 'Reject (r)', () => change({ type: 'decide', index, decision: 'rejected' }));
      reject.setAttribute('aria-pressed', String(v.decision === 'rejected'));
      li.append(goTo, accept, reject);
      if (v.description) li.append(el('p', 'review-violation-text', v.description));
      return li;
    }),
  );
  if (draft.violations.length === 0) list.append(el('li', 'review-empty', item.result ? 'The critic found no violations. Drag on the timeline (or press m) to add one.' : 'No result for this video. Drag on the timeline (or press m) to add a violation.'));
  timeline.update(duration(), draft.violations, draft.selected);
  showTime();
}

function setPlayback(playback: PlaybackView): void {
  notice.textContent = playback.failed ? `${playback.note ?? 'This video cannot be played here.'}` : playback.videoUri ? (playback.note ?? '') : `${playback.note ?? 'Preparing the video…'}${playback.progress !== null ? ` ${Math.round(playback.progress * 100)}%` : ''}`;
  notice.hidden = !notice.textContent;
  if (playback.videoUri && video.getAttribute('src') !== playback.videoUri) {
    video.src = playback.videoUri;
    video.load();
  } else if (!playback.videoUri && video.getAttribute('src')) {
    video.removeAttribute('src');
    video.load();
  }
  video.hidden = !playback.videoUri;
}

video.addEventListener('timeupdate', showTime);
video.addEventListener('seeked', showTime);
video.addEventListener('loadedmetadata', () => render());
video.addEventListener('error', () => {
  if (!item || !video.getAttribute('src')) return;
  post({ type: 'playbackError', index: item.index, code: video.error?.code ?? null, message: video.error?.message || 'the video element could not play this file' });
});

function receive(message: ToReviewMessage): void {
  switch (message.type) {
    case 'show': {
      const same = item?.labelKey === message.item.labelKey;
      item = message.item;
      if (state.video !== item.video) {
        state.video = item.video;
        keepState();
      }
      history = drafts.get(item.labelKey) ?? { current: draftFromReview(item.result?.violations ?? [], item.saved), past: [] };
      drafts.set(item.labelKey, history);
      if (!same) {
        closePicker();
        saveStatus.textContent = item.saved ? `Labelled ${describe(item.saved.label)} by ${item.saved.labeled_by} (${item.saved.labeled_at.slice(0, 16).replace('T', ' ')})` : '';
      }
      setPlayback(item.playback);
      render();
      return;
    }
    case 'source':
      state.source = message.source;
      keepState();
      return;
    case 'playback':
      if (item?.index !== message.index) return;
      item.playback = message.playback;
      setPlayback(message.playback);
      return;
    case 'saved':
      if (!item) return;
      item.labelled = message.labelled;
      saveStatus.textContent = message.error ?? `Saved to ${item.labelsFile.split(/[\\/]/).slice(-2).join('/')}`;
      saveStatus.classList.toggle('error', message.error !== null);
      if (message.error && item.index === message.index) sent.delete(item.labelKey);
      render();
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseToReviewMessage(event.data);
  if (!message) {
    console.warn('Cosmos Critic review: dropped an unexpected message', event.data);
    return;
  }
  receive(message);
});

title.textContent = 'Loading the review…';
post({ type: 'ready' });

import type { VideoMetadata } from '../../src/shared/video.js';
import type { PlaybackView } from '../../src/shared/webviewMessages.js';
import { createButton } from '../toolkit.js';
import { containerName } from './format.js';

export interface VideoViewOptions {
  metadata: VideoMetadata;
  playback: PlaybackView;
  start_s: number;
  /** Called as the playback position changes, and on seeks while the video cannot play. */
  onTime(time_s: number, reason: 'play' | 'seek' | 'pause'): void;
  /** The element could not play its source: the host answers with a playable copy, or gives up. */
  onPlaybackError(code: number | null, message: string): void;
  onOpenExternally(): void;
}

export interface VideoView {
  element: HTMLElement;
  /** The box over the video where the violation on screen is described. */
  overlay: HTMLElement;
  currentTime(): number;
  seek(time_s: number): void;
  setPlayback(playback: PlaybackView): void;
}

const MEDIA_ERR_SRC_NOT_SUPPORTED = 4;

function failureMessage(metadata: VideoMetadata, note: string | null): string {
  return (
    `This ${containerName(metadata)} video (${metadata.video_codec}) cannot be played in this panel` +
    `${note ? `: ${note}` : ''}. The critique and the frames below do not depend on playback.`
  );
}

/**
 * The <video> element with its own controls, an overlay for the violation on screen, and a notice in place of the
 * video while a playable copy is made or when nothing can play it. Times are always on the original's timeline: a
 * proxy keeps the original's timestamps.
 */
export function createVideoView(options: VideoViewOptions): VideoView {
  const { metadata } = options;
  const element = document.createElement('div');
  element.className = 'video-view';

  const frame = document.createElement('div');
  frame.className = 'video-frame';
  const video = document.createElement('video');
  video.id = 'video';
  video.controls = true;
  video.preload = 'metadata';
  video.setAttribute('aria-label', `Video ${metadata.path}`);
  const overlay = document.createElement('div');
  overlay.id = 'violation-overlay';
  overlay.className = 'violation-overlay';
  overlay.setAttribute('role', 'status');
  overlay.setAttribute('aria-live', 'polite');
  overlay.hidden = true;
  frame.append(video, overlay);

  const notice = document.createElement('div');
  notice.id = 'playback-notice';
  notice.className = 'playback-notice';
  notice.setAttribute('role', 'status');
  notice.hidden = true;
  const noticeText = document.createElement('p');
  const progress = document.createElement('progress');
  progress.max = 1;
  progress.setAttribute('aria-label', 'Making a playable copy');
  const openButton = createButton({
    id: 'action-open-externally',
    label: 'Open with System Player',
    title: 'Open the video with the default application of the operating system',
    onClick: options.onOpenExternally,
  });
  notice.append(noticeText, progress, openButton.element);

  const proxyNote = document.createElement('p');
  proxyNote.id = 'proxy-note';
  proxyNote.className = 'proxy-note';
  proxyNote.hidden = true;

  let source: string | null = null;
  let playable = false;
  // Position while the video cannot play, or before its metadata has loaded.
  let position = options.start_s;
  let metadataLoaded = false;

  function reportError(code: number | null, detail: string): void {
    if (!playable) return;
    playable = false;
    options.onPlaybackError(code, detail);
  }

  video.addEventListener('error', () => {
    if (!video.getAttribute('src')) return;
    const error = video.error;
    const detail = error?.code === MEDIA_ERR_SRC_NOT_SUPPORTED
      ? 'the webview does not support this container or codec'
      : error?.message || 'the webview could not decode it';
    reportError(error?.code ?? null, detail);
  });
  video.addEventListener('loadedmetadata', () => {
    metadataLoaded = true;
    if (position > 0) video.currentTime = Math.min(position, video.duration || position);
  });
  // A container the webview opens but whose video codec it lacks plays as audio only.
  video.addEventListener('loadeddata', () => {
    if (video.videoWidth === 0) reportError(null, `the webview cannot decode ${metadata.video_codec} video`);
  });
  video.addEventListener('timeupdate', () => {
    if (metadataLoaded) options.onTime(video.currentTime, video.paused ? 'seek' : 'play');
  });
  video.addEventListener('seeked', () => options.onTime(video.currentTime, 'seek'));
  video.addEventListener('pause', () => options.onTime(video.currentTime, 'pause'));
  // timeupdate fires about four times a second; follow playback frame by frame so the overlay is on time.
  const followPlayback = (): void => {
    if (video.paused || video.ended) return;
    options.onTime(video.currentTime, 'play');
    requestAnimationFrame(followPlayback);
  };
  video.addEventListener('play', () => requestAnimationFrame(followPlayback));

  function setPlayback(playback: PlaybackView): void {
    const showVideo = playback.videoUri !== null && !playback.failed;
    frame.hidden = !showVideo;
    notice.hidden = showVideo;
    video.dataset.proxy = String(playback.proxy);
    proxyNote.hidden = !(showVideo && playback.proxy);
    proxyNote.textContent = playback.proxy
      ? `Playing an H.264 copy made for this panel${playback.note ? ` (${playback.note})` : ''}; the model reads the original.`
      : '';

    if (playback.failed) {
      noticeText.textContent = failureMessage(metadata, playback.note);
      progress.hidden = true;
      openButton.element.hidden = false;
      notice.setAttribute('role', 'alert');
    } else if (!showVideo) {
      noticeText.textContent = playback.progress === null
        ? playback.note ?? 'Preparing the video…'
        : `Making a playable H.264 copy of this video${playback.note ? ` (${playback.note})` : ''}… ${Math.round(playback.progress * 100)}%`;
      progress.hidden = false;
      if (playback.progress === null) progress.removeAttribute('value');
      else progress.value = playback.progress;
      openButton.element.hidden = true;
      notice.setAttribute('role', 'status');
    }

    if (showVideo && playback.videoUri !== source) {
      if (metadataLoaded) position = video.currentTime;
      source = playback.videoUri;
      playable = true;
      metadataLoaded = false;
      video.src = playback.videoUri!;
    } else if (!showVideo && source !== null) {
      if (metadataLoaded) position = video.currentTime;
      source = null;
      playable = false;
      metadataLoaded = false;
      video.pause();
      video.removeAttribute('src');
      video.load();
    }
  }

  element.append(frame, notice, proxyNote);
  setPlayback(options.playback);

  return {
    element,
    overlay,
    currentTime: () => (playable && metadataLoaded ? video.currentTime : position),
    seek(time_s: number): void {
      position = time_s;
      if (playable && metadataLoaded) {
        video.currentTime = Math.min(time_s, video.duration || time_s);
      } else {
        options.onTime(time_s, 'seek');
      }
    },
    setPlayback,
  };
}

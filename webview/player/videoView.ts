import type { VideoMetadata } from '../../src/shared/video.js';
import { createButton } from '../toolkit.js';
import { containerName } from './format.js';

export interface VideoViewOptions {
  src: string;
  metadata: VideoMetadata;
  start_s: number;
  /** Called as the playback position changes, and on seeks while the video cannot play. */
  onTime(time_s: number, reason: 'play' | 'seek' | 'pause'): void;
  onPlaybackError(code: number | null, message: string): void;
  onOpenExternally(): void;
}

export interface VideoView {
  element: HTMLElement;
  currentTime(): number;
  seek(time_s: number): void;
}

const MEDIA_ERR_SRC_NOT_SUPPORTED = 4;

function unplayableMessage(metadata: VideoMetadata, detail: string): string {
  return (
    `This ${containerName(metadata)} video (${metadata.video_codec}) cannot be played in this panel: ${detail}. ` +
    'A playable preview copy will come in a later version; the sampling plan below does not depend on playback.'
  );
}

/** The <video> element, with an inline notice in place of playback when the webview cannot decode the file. */
export function createVideoView(options: VideoViewOptions): VideoView {
  const element = document.createElement('div');
  element.className = 'video-view';

  const video = document.createElement('video');
  video.controls = true;
  video.preload = 'metadata';
  video.setAttribute('aria-label', `Video ${options.metadata.path}`);

  const notice = document.createElement('div');
  notice.className = 'playback-error';
  notice.setAttribute('role', 'alert');
  notice.hidden = true;
  const noticeText = document.createElement('p');
  const openButton = createButton({
    label: 'Open with System Player',
    title: 'Open the video with the default application of the operating system',
    onClick: options.onOpenExternally,
  });
  notice.append(noticeText, openButton.element);

  let playable = true;
  // Position while the video cannot play, or before its metadata has loaded.
  let position = options.start_s;
  let metadataLoaded = false;

  function fail(code: number | null, detail: string): void {
    if (!playable) return;
    playable = false;
    video.hidden = true;
    noticeText.textContent = unplayableMessage(options.metadata, detail);
    notice.hidden = false;
    options.onPlaybackError(code, detail);
  }

  video.addEventListener('error', () => {
    const error = video.error;
    const detail = error?.code === MEDIA_ERR_SRC_NOT_SUPPORTED
      ? 'the webview does not support this container or codec'
      : error?.message || 'the webview could not decode it';
    fail(error?.code ?? null, detail);
  });
  video.addEventListener('loadedmetadata', () => {
    metadataLoaded = true;
    if (position > 0) video.currentTime = Math.min(position, video.duration || position);
  });
  // A container the webview opens but whose video codec it lacks plays as audio only.
  video.addEventListener('loadeddata', () => {
    if (video.videoWidth === 0) fail(null, `the webview cannot decode ${options.metadata.video_codec} video`);
  });
  video.addEventListener('timeupdate', () => options.onTime(video.currentTime, video.paused ? 'seek' : 'play'));
  video.addEventListener('seeked', () => options.onTime(video.currentTime, 'seek'));
  video.addEventListener('pause', () => options.onTime(video.currentTime, 'pause'));

  video.src = options.src;
  element.append(video, notice);

  return {
    element,
    currentTime: () => (playable && metadataLoaded ? video.currentTime : position),
    seek(time_s: number): void {
      position = time_s;
      if (playable && metadataLoaded) {
        video.currentTime = Math.min(time_s, video.duration || time_s);
      } else {
        options.onTime(time_s, 'seek');
      }
    },
  };
}

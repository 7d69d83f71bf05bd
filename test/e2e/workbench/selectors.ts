// Every selector the end-to-end tests use, in one place: the VS Code workbench's DOM (as of
// VS Code 1.139, served by code-server) and our player webview's DOM (webview/player/*.ts).

/** Escapes a string for a double-quoted CSS attribute value. */
export function cssString(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

export const workbench = {
  /** The workbench root, present once the window has loaded. */
  root: '.monaco-workbench',
  /** The Explorer's file tree. */
  explorerTree: '.explorer-folders-view',
  /** A row of the Explorer's tree; its aria-label is the file or folder name. */
  explorerRow: (name: string): string => `.explorer-folders-view .monaco-list-row[aria-label=${cssString(name)}]`,
  /** An open context menu (rendered inside a shadow root, which Playwright's CSS engine pierces). */
  contextMenu: '.monaco-menu',
  /** Quick input (command palette). */
  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget .quick-input-box input',
  quickInputRow: '.quick-input-widget .quick-input-list .monaco-list-row',
  /** Notification toasts and the message text inside one. */
  notificationToast: '.notifications-toasts .notification-toast',
  notificationMessage: '.notification-list-item-message',
  /** An editor tab; its aria-label starts with the tab's title. */
  editorTab: (titleStart: string): string => `.tabs-container .tab[aria-label^=${cssString(titleStart)}]`,
  /** The outer frame of every webview. */
  webviewFrame: 'iframe.webview',
} as const;

/**
 * The player panel's DOM, from webview/player/{main,timeline,videoView}.ts. Where the player has
 * both a class and a newer id for the same element, the selector accepts either.
 */
export const player = {
  app: '#app',
  loading: '.loading',
  heading: 'header h1',
  /** The <video>; its aria-label is "Video <absolute path>". */
  video: '.video-view video',
  /** The <video> of one file, by the end of its path (e.g. "/h264.mp4"). */
  videoOf: (pathEnd: string): string => `.video-view video[aria-label^="Video "][aria-label$=${cssString(pathEnd)}]`,
  /** The sampled-frame timeline; aria-label "Sampled frames (N)". */
  timeline: '.timeline[role="group"]',
  timelineTrack: '.timeline[role="group"] .timeline-track',
  tick: '.timeline[role="group"] .timeline-tick',
  /** The tick of sampled frame `index`: aria-label "Frame 3 at 0.720 s". */
  tickOf: (index: number): string => `.timeline[role="group"] .timeline-tick[aria-label^=${cssString(`Frame ${index} at `)}]`,
  currentTick: '.timeline[role="group"] .timeline-tick.current',
  playhead: '.timeline[role="group"] .timeline-playhead',
  framePosition: '.frame-position',
  previousFrame: 'vscode-button[aria-label="Seek to the previous sampled frame"]',
  nextFrame: 'vscode-button[aria-label="Seek to the next sampled frame"]',
  /** The notice shown in place of the video (role "alert" once nothing in the panel can play it). */
  playbackNotice: '.playback-error, #playback-notice',
  playbackFailure: '.playback-error[role="alert"], #playback-notice[role="alert"]',
  /** The line under the video while a playable copy (proxy) plays. */
  proxyNote: '#proxy-note',
  openExternally: 'vscode-button[aria-label="Open the video with the default application of the operating system"]',
  videoMetadata: 'vscode-data-grid[aria-label="Video metadata"]',
  samplingPlan: 'vscode-data-grid[aria-label="Sampling plan"]',
} as const;

/** Reads N from the timeline's aria-label "Sampled frames (N)". */
export function sampledFrameCount(timelineAriaLabel: string | null): number | undefined {
  const match = /\((\d+)\)/.exec(timelineAriaLabel ?? '');
  return match ? Number(match[1]) : undefined;
}

/** The text editor (VS Code 1.139's Monaco DOM) and its code lenses. */
export const editor = {
  /** A code lens's command link; filter by its title, e.g. "Run on 1 pinned video". */
  codeLens: '.monaco-editor .codelens-decoration a',
  /** The text of the editor in the active editor group: click it to type there. */
  activeText: '.editor-group-container.active .monaco-editor .view-lines',
  /** An editor tab whose file has unsaved changes. */
  dirtyTab: '.tabs-container .tab.dirty',
} as const;

/**
 * The prompt comparison view (webview view type cosmosCritic.promptCompare, webview/promptCompare/*.ts): one
 * section per pinned video, the previous version's result beside this version's.
 */
export const promptCompare = {
  /** Every video's section; data-video is the video's absolute path, data-status its run's state. */
  row: '#comparisons section.video-comparison',
  /** The sections in one state: queued, running, done, failed, cancelled, missing or recorded. */
  rowWithStatus: (status: string): string => `#comparisons section.video-comparison[data-status=${cssString(status)}]`,
  /** Inside a section: the two sides and what each shows. */
  sidePrevious: '.sides .side.side-previous',
  sideCurrent: '.sides .side.side-current',
  /** "Previous version" / "This version (v2)". */
  sideTitle: '.side-title',
  /** A side without a result, e.g. "No earlier version of this prompt has a result for this video." */
  sideEmpty: '.side-empty',
  /** "v1 · sha256 1a2b3c4d · <model> on <device> · <date>". */
  sideMeta: '.side-meta',
  score: '.side-score .score',
  /** Under a result made with other prompt text: data-state "changed" or "missing". */
  promptNote: '.prompt-note[data-state]',
  /** Both sides present: the score change, data-direction up, down, same or none. */
  scoreChange: '.change-summary .score-change[data-direction]',
  /** Two critiques: their violations side by side (or a line saying neither found one). */
  violationChange: 'table.violation-diff tr.violation-change[data-change]',
  noViolations: '.no-violations',
  /** The line under the header: "Running …", "<id> v2: 1 of 1 pinned video done.". */
  note: '#compare-note',
} as const;

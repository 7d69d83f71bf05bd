import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompareSide, PromptCompareView, VideoComparison } from '../../shared/promptCompareMessages';
import { compareResults } from '../../shared/promptCompare';
import { CritiqueRequest, PromptPinsRequest, ScoreRequest, type PinnedVideo } from '../../shared/requests';
import type { CriticMode } from '../../shared/result';
import { storeResultsFolder } from '../configSchema';
import { outputLog } from '../outputLog';
import { readPromptHeader } from '../promptHeader';
import { errorMessage, isCancellation, requestFailure } from '../requestErrors';
import type { Services } from '../services';
import { ComparePanel } from './comparePanel';
import { findPrevious, promptTextState, videoKey, type RecordedResult } from './previousResult';
import { PromptShas, recordedSide, sha256 } from './recordedSides';

export type RunTrigger = 'command' | 'live';

interface ActiveRun {
  source: vscode.CancellationTokenSource;
  sha: string;
}

interface PromptToRun {
  file: string;
  id: string;
  version: string;
  mode: CriticMode;
  sha: string;
}

const liveKey = (file: string): string => `live:${file}`;

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

function pinRow(pin: PinnedVideo): VideoComparison {
  const usable = pin.path !== null && pin.exists;
  const error = usable ? null : pin.path === null ? 'Not a workspace-relative path.' : 'The file does not exist.';
  return { video: pin.path ?? pin.pin, label: pin.pin, status: usable ? 'queued' : 'missing', stage: null, error, previous: null, current: null };
}

function scoreChange(row: VideoComparison): string | null {
  if (!row.current) return null;
  const delta = compareResults(row.previous?.result ?? null, row.current.result);
  const now = delta.currentScore?.toFixed(2) ?? '—';
  return `${path.basename(row.video)} ${delta.previousScore === null ? now : `${delta.previousScore.toFixed(2)} → ${now}`}`;
}

/**
 * Runs a prompt file on the videos it pins and shows each result against the previous version's. One run per
 * prompt file at a time: a new run cancels the one it supersedes over LSP, and a superseded answer is not recorded.
 */
export class PromptRunner implements vscode.Disposable {
  private readonly active = new Map<string, ActiveRun>();
  /** Prompt files whose comparison view the user closed: live re-runs do not open it again until the command runs. */
  private readonly dismissed = new Set<string>();
  private readonly hooked = new WeakSet<ComparePanel>();
  /** The latest view of each prompt file's live comparison, to show it again on request. */
  private readonly views = new Map<string, PromptCompareView>();
  /** Saves the command made itself, which the live re-run skips. */
  private readonly ownSaves = new Set<string>();

  constructor(private readonly host: Services) {}

  /** The save of `uri` was made by a run that is starting anyway; true once per such save. */
  consumeOwnSave(uri: vscode.Uri): boolean {
    return this.ownSaves.delete(uri.fsPath);
  }

  cancel(prompt: vscode.Uri): void {
    this.active.get(prompt.fsPath)?.source.cancel();
  }

  /** The command: from the code lens (a URI string), an editor title (a Uri) or the palette (the active editor). */
  async runCommand(argument: unknown): Promise<void> {
    let uri: vscode.Uri | undefined;
    if (typeof argument === 'string') {
      try {
        uri = vscode.Uri.parse(argument, true);
      } catch {
        uri = undefined;
      }
    } else if (argument instanceof vscode.Uri) {
      uri = argument;
    } else {
      const document = vscode.window.activeTextEditor?.document;
      if (document?.fileName.endsWith('.prompt.md')) uri = document.uri;
    }
    if (!uri) {
      void vscode.window.showInformationMessage('Open a prompt file (*.prompt.md) to run it on its pinned videos.');
      return;
    }
    await this.run(uri, 'command');
  }

  async run(prompt: vscode.Uri, trigger: RunTrigger): Promise<void> {
    const say = (message: string): void => {
      if (trigger === 'command') void vscode.window.showWarningMessage(message);
      else outputLog().info(message);
    };
    if (prompt.scheme !== 'file') {
      say(`${path.posix.basename(prompt.path)} is not a file on disk; save it first.`);
      return;
    }
    if (!vscode.workspace.isTrusted) {
      say('Prompt files of an untrusted workspace are not run. Trust the workspace to run them.');
      return;
    }
    const file = prompt.fsPath;
    if (trigger === 'command') {
      this.dismissed.delete(file);
      const document = vscode.workspace.textDocuments.find((open) => open.uri.toString() === prompt.toString());
      if (document?.isDirty) {
        this.ownSaves.add(file);
        if (!(await document.save())) {
          this.ownSaves.delete(file);
          return;
        }
      }
    }
    const toRun = await this.readPrompt(file, say);
    if (!toRun) return;

    const running = this.active.get(file);
    if (running && running.sha === toRun.sha && !running.source.token.isCancellationRequested) {
      const view = this.views.get(file);
      if (trigger === 'command' && view) this.show(file, view);
      return;
    }
    running?.source.cancel();
    const run: ActiveRun = { source: new vscode.CancellationTokenSource(), sha: toRun.sha };
    this.active.set(file, run);
    try {
      await vscode.window.withProgress(
        {
          location: trigger === 'command' ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window,
          title: `${toRun.id} v${toRun.version}`,
          cancellable: trigger === 'command',
        },
        async (progress, token) => {
          const cancelled = token.onCancellationRequested(() => run.source.cancel());
          try {
            await this.runOnPins(prompt, toRun, run, trigger, (message) => progress.report({ message }));
          } finally {
            cancelled.dispose();
          }
        },
      );
    } finally {
      if (this.active.get(file) === run) this.active.delete(file);
      run.source.dispose();
    }
  }

  private async readPrompt(file: string, say: (message: string) => void): Promise<PromptToRun | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      say(`${file}: cannot be read (${errorMessage(error)}).`);
      return undefined;
    }
    const header = readPromptHeader(text);
    if (!header.id || !header.mode) {
      say(`${path.basename(file)}: its front matter needs an "id" and a "mode" of reward or critic to run.`);
      return undefined;
    }
    return { file, id: header.id, version: header.version ?? '?', mode: header.mode, sha: sha256(text) };
  }

  /** Shows a prompt file's live view: in its panel when open, else in a new one unless the user closed it during live re-runs. */
  private show(file: string, view: PromptCompareView): void {
    this.views.set(file, view);
    const key = liveKey(file);
    if (!ComparePanel.forKey(key) && this.dismissed.has(file)) return;
    const panel = ComparePanel.show(this.host.extensionUri, key, view, true, this.actionsFor(file));
    if (!this.hooked.has(panel)) {
      this.hooked.add(panel);
      panel.onDidDispose(() => this.dismissed.add(file));
    }
  }

  /** Updates the live view, where it is shown, without bringing it to the front. */
  private update(file: string, change: (view: PromptCompareView) => PromptCompareView, send: (panel: ComparePanel) => void): void {
    const view = this.views.get(file);
    if (view) this.views.set(file, change(view));
    const panel = ComparePanel.forKey(liveKey(file));
    if (panel) send(panel);
  }

  private actionsFor(file: string): { rerun(): void; cancel(): void } {
    const uri = vscode.Uri.file(file);
    return { rerun: () => void this.run(uri, 'command'), cancel: () => this.cancel(uri) };
  }

  private async runOnPins(prompt: vscode.Uri, toRun: PromptToRun, run: ActiveRun, trigger: RunTrigger, report: (message: string) => void): Promise<void> {
    const { client, index, config } = this.host;
    const log = this.host.log();
    const token = run.source.token;
    const isCurrent = (): boolean => this.active.get(toRun.file) === run;
    const name = path.basename(toRun.file);

    let pins: PinnedVideo[];
    try {
      pins = (await client.request(PromptPinsRequest, { uri: prompt.toString() }, token)).pins;
    } catch (error) {
      if (!token.isCancellationRequested && !isCancellation(error)) {
        const message = requestFailure(error, `reading the pins of ${name}`);
        log.error(message);
        if (trigger === 'command') void vscode.window.showErrorMessage(message);
      }
      return;
    }
    if (pins.length === 0) {
      if (trigger === 'command') {
        void vscode.window.showInformationMessage(`${name} pins no videos. Right-click a video in the Explorer → "Pin to Prompt…", or list videos under "pin:".`);
      }
      return;
    }

    // A video pinned twice (say "a.mp4" and "./a.mp4") runs once.
    const byVideo = new Map<string, VideoComparison>();
    for (const row of pins.map(pinRow)) if (!byVideo.has(videoKey(row.video))) byVideo.set(videoKey(row.video), row);
    let rows = [...byVideo.values()];
    const runnable = rows.filter((row) => row.status === 'queued').length;
    const shas = new PromptShas();
    shas.set(toRun.file, toRun.sha);
    const folders = rows.filter((row) => row.status !== 'missing').map((row) => storeResultsFolder(config.storeFor(vscode.Uri.file(row.video)).root));

    // Show what the previous version found while this one runs. Read before any result of this run is recorded: an
    // earlier result of this version with other text may be recorded under the same name.
    const before: RecordedResult[] = await index.entries(folders).catch(() => []);
    const shownPrevious = new Map<string, RecordedResult>();
    rows = await Promise.all(
      rows.map(async (row) => {
        if (row.status === 'missing') return row;
        const previous = findPrevious(before, { promptId: toRun.id, version: toRun.version, promptSha: toRun.sha, videoPath: row.video });
        if (previous) shownPrevious.set(row.video, previous);
        return { ...row, previous: previous ? (await recordedSide(previous, shas)) ?? null : null };
      }),
    );

    const view: PromptCompareView = {
      promptId: toRun.id,
      promptPath: toRun.file,
      kind: 'live',
      previousLabel: 'Previous version',
      currentLabel: `This version (v${toRun.version})`,
      running: true,
      note: `Running ${toRun.id} v${toRun.version} on ${plural(runnable, 'pinned video')}…`,
      rows,
    };
    if (!isCurrent()) return;
    this.show(toRun.file, view);
    const update = (row: VideoComparison): void => {
      rows = rows.map((existing) => (existing.video === row.video ? row : existing));
      if (isCurrent()) this.update(toRun.file, (current) => ({ ...current, rows }), (panel) => panel.setRow(row));
    };
    log.info(`${toRun.id} v${toRun.version} (${toRun.file}) on ${plural(runnable, 'pinned video')}: started (${trigger === 'live' ? 'live re-run' : 'run'})`);

    let position = 0;
    for (const queued of rows) {
      if (queued.status !== 'queued') continue;
      if (token.isCancellationRequested) break;
      position++;
      const label = `${queued.label} (${position}/${runnable})`;
      report(label);
      let row: VideoComparison = { ...queued, status: 'running', stage: 'Queued' };
      update(row);
      const job = client.runJob(
        toRun.mode === 'reward' ? ScoreRequest : CritiqueRequest,
        { path: queued.video, prompt: toRun.file, store: config.storeFor(vscode.Uri.file(queued.video)) },
        {
          token,
          doing: `running ${toRun.id} on ${queued.label}`,
          onStage: (message) => {
            if (!message) return;
            report(`${label}: ${message}`);
            row = { ...row, stage: message };
            update(row);
          },
        },
      );
      const answer = await job.result;
      if (answer.kind === 'cancelled' || token.isCancellationRequested) {
        // Superseded or cancelled while the answer was on its way: a newer run owns the result.
        row = { ...row, status: 'cancelled', stage: null };
      } else if (answer.kind === 'failed') {
        const message = answer.error.message;
        row = { ...row, status: 'failed', stage: null, error: message };
        log.error(`  ${queued.video}: ${message}`);
      } else if (!answer.value.ok) {
        const message = answer.value.error.message;
        // The row names the video already.
        row = { ...row, status: 'failed', stage: null, error: message.startsWith(`${queued.video}: `) ? message.slice(queued.video.length + 2) : message };
        log.error(`  ${message.includes(queued.video) ? message : `${queued.video}: ${message}`}`);
      } else {
        const { result, resultFile, writeError } = answer.value;
        // Now that the video's bytes are known, a result of the same bytes under another path counts as well.
        const previousEntry = findPrevious(before, {
          promptId: result.prompt.id,
          version: result.prompt.version,
          promptSha: result.prompt.sha256,
          videoPath: queued.video,
          videoSha: result.video.sha256,
        });
        const previous: CompareSide | null =
          previousEntry && previousEntry === shownPrevious.get(queued.video) ? queued.previous : previousEntry ? (await recordedSide(previousEntry, shas)) ?? null : null;
        if (writeError) log.warn(`  could not write the result file of ${queued.video}: ${writeError.message}`);
        row = {
          ...row,
          status: 'done',
          stage: null,
          error: null,
          previous,
          current: { result, resultFile, promptText: promptTextState(result.prompt.sha256, await shas.get(result.prompt.path)) },
        };
        log.info(`  ${queued.video}: ${scoreChange(row) ?? 'no score'}${resultFile ? `; result → ${resultFile}` : ''}`);
      }
      update(row);
    }

    for (const row of rows) if (row.status === 'queued' || row.status === 'running') update({ ...row, status: 'cancelled', stage: null });
    if (!isCurrent()) {
      log.info(`${toRun.id} v${toRun.version}: superseded by a newer run`);
      return;
    }
    const done = rows.filter((row) => row.status === 'done');
    const failed = rows.filter((row) => row.status === 'failed').length;
    const cancelled = token.isCancellationRequested;
    const note = cancelled
      ? `Cancelled after ${plural(done.length, 'video')}.`
      : `${toRun.id} v${toRun.version}: ${done.length} of ${plural(runnable, 'pinned video')} done` + (failed ? `, ${failed} failed.` : '.');
    log.info(`  ${note}`);
    this.update(toRun.file, (current) => ({ ...current, running: false, note }), (panel) => panel.setRunning(false, note));
    if (trigger === 'live') {
      const changes = done.map(scoreChange).filter((change): change is string => change !== null);
      vscode.window.setStatusBarMessage(`$(check) ${changes.length ? `${toRun.id} v${toRun.version}: ${changes.join(', ')}` : note}`, 8000);
    } else if (failed > 0) {
      void vscode.window.showWarningMessage(`${note} See the comparison view for the errors.`);
    }
  }

  dispose(): void {
    for (const run of this.active.values()) run.source.cancel();
    this.active.clear();
  }
}

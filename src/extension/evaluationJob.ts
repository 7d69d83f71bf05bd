import * as path from 'node:path';
import * as vscode from 'vscode';
import { CritiqueRequest, ProbeRequest, ScoreRequest, ThumbnailsRequest, type EvaluateOutcome } from '../shared/requests';
import type { CriticResult, TimingMs } from '../shared/result';
import { PlayerPanel, thumbnailFolder } from './playerPanel';
import type { PromptChoice } from './promptChoice';
import type { CodedError } from '../shared/errorCodes';
import { codedRequestFailure, errorMessage, isCancellation, settingFix } from './requestErrors';
import type { Services } from './services';

const TIMING_ORDER: (keyof TimingMs)[] = ['probe', 'decode', 'vision', 'prefill', 'generate', 'total'];

/** One line for the log: the verdict, the violations and where the time went. */
export function resultSummary(result: CriticResult): string {
  let verdict: string;
  if (result.reward) {
    verdict = `score ${result.reward.score.toFixed(3)} (${result.reward.band}, anomaly ${result.reward.anomaly})`;
  } else if (result.critic) {
    const trials = result.critic.trials;
    const noes = trials.filter((t) => t.answer === 'No').length;
    verdict = (result.critic.score === null
      ? `unparsed: none of the ${trials.length} trial${trials.length === 1 ? '' : 's'} gave a readable answer, so there is no verdict, `
      : `critic score ${result.critic.score.toFixed(3)} (${noes}/${trials.length} trials answer "No"), `) +
      `${result.violations.length} violation${result.violations.length === 1 ? '' : 's'}`;
  } else {
    verdict = 'no verdict';
  }
  const timings = TIMING_ORDER.map((stage) => `${stage} ${result.timing_ms[stage]} ms`).join(', ');
  const rate = result.generation ? `; ${result.generation.tokens} tokens at ${result.generation.tokens_per_second.toFixed(1)} tok/s` : '';
  const cached = result.cache?.result ? '; cached result' : result.cache?.vision_features ? '; cached vision features' : '';
  return `${verdict}; ${result.model.id} on ${result.model.device}; ${timings}${rate}${cached}`;
}

async function showJobError(services: Services, { code, message }: CodedError): Promise<void> {
  const fix = settingFix(code);
  const choice = await vscode.window.showErrorMessage(message, ...(fix ? [fix.label] : []), 'Show Log');
  if (choice === 'Show Log') services.log().show(true);
  else if (fix && choice === fix.label) await vscode.commands.executeCommand('workbench.action.openSettings', fix.setting);
}

/** Asks the server for the thumbnails of the frames the model saw, and hands them to the video's panel. */
export function requestThumbnails(host: Services, video: vscode.Uri, result: CriticResult): void {
  if (result.sampling.frame_times_s.length === 0) return;
  const cancel = new vscode.CancellationTokenSource();
  host.client
    .request(
      ThumbnailsRequest,
      {
        path: video.fsPath,
        frameTimes: result.sampling.frame_times_s,
        outDir: thumbnailFolder(host).fsPath,
        ...(result.sampling.band_height ? { overlay: { frameWidth: result.sampling.width, bandHeight: result.sampling.band_height } } : {}),
      },
      cancel.token,
    )
    .then((outcome) => {
      if (!outcome.ok) {
        host.log().warn(`thumbnails ${video.fsPath}: ${outcome.error.message}`);
        return;
      }
      PlayerPanel.forVideo(video)?.setThumbnails(result, outcome.thumbnails);
    })
    .catch((error: unknown) => host.log().warn(`thumbnails ${video.fsPath}: ${errorMessage(error)}`))
    .finally(() => cancel.dispose());
}

async function openPanel(host: Services, video: vscode.Uri, column: vscode.ViewColumn, token: vscode.CancellationToken): Promise<PlayerPanel | undefined> {
  const existing = PlayerPanel.forVideo(video);
  if (existing) {
    existing.reveal();
    return existing;
  }
  const { results } = await host.client.request(ProbeRequest, { paths: [video.fsPath] }, token);
  const outcome = results[0];
  if (!outcome) throw new Error(`The critic server gave no answer for ${video.fsPath}.`);
  if (!outcome.ok) {
    host.log().error(`  ${outcome.error.file}: ${outcome.error.message}`);
    void showJobError(host, outcome.error);
    return undefined;
  }
  return PlayerPanel.show(host, video, outcome.probe, column);
}

/**
 * Scores or critiques one video with one prompt: opens its panel, shows the server's stages in a cancellable
 * notification, streams the critique into the panel, has the result recorded in the results store and logs the job.
 */
export async function evaluateInPanel(host: Services, video: vscode.Uri, prompt: PromptChoice, force: boolean, column: vscode.ViewColumn): Promise<void> {
  const log = host.log();
  const name = path.basename(video.fsPath);
  if (video.scheme !== 'file') {
    void vscode.window.showErrorMessage(`${path.posix.basename(video.path)} is not a file on disk, so it cannot be judged.`);
    return;
  }
  const running = PlayerPanel.forVideo(video);
  if (running?.isRunning) {
    running.reveal();
    void vscode.window.showInformationMessage(`${name} is being judged already; cancel that job first to start another.`);
    return;
  }

  const mode = prompt.mode;
  const verb = mode === 'reward' ? 'Scoring' : 'Critiquing';
  const doing = `${verb.toLowerCase()} ${name}`;
  const source = new vscode.CancellationTokenSource();
  const started = Date.now();
  let panel: PlayerPanel | undefined;
  let jobId = '';
  let outcome: EvaluateOutcome | undefined;
  let failure: CodedError | undefined;
  log.info(`${mode === 'reward' ? 'score' : 'critique'} ${video.fsPath} with ${prompt.label}${force ? ' (re-run)' : ''}: started`);

  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${verb} ${name}`, cancellable: true },
    async (progress, token) => {
      const cancelled = token.onCancellationRequested(() => source.cancel());
      try {
        progress.report({ message: 'Opening the video…' });
        panel = await openPanel(host, video, column, source.token);
        if (!panel || source.token.isCancellationRequested) return;
        const jobPanel = panel;
        const job = host.client.runJob(
          mode === 'reward' ? ScoreRequest : CritiqueRequest,
          { path: video.fsPath, prompt: prompt.ref, force, store: host.config.storeFor(video) },
          {
            token: source.token,
            doing,
            onStage: (message) => {
              if (!message) return;
              progress.report({ message });
              jobPanel.jobStage(jobId, message);
            },
            onText: (trial, delta) => jobPanel.jobText(jobId, trial, delta),
          },
        );
        jobId = job.id;
        jobPanel.startJob({ id: jobId, mode, prompt: prompt.label }, () => source.cancel());
        progress.report({ message: 'Queued' });
        const answer = await job.result;
        if (answer.kind === 'done') outcome = answer.value;
        else if (answer.kind === 'failed') failure = answer.error;
      } catch (error) {
        failure = source.token.isCancellationRequested || isCancellation(error) ? undefined : codedRequestFailure(error, doing);
      } finally {
        cancelled.dispose();
      }
    },
  );
  source.dispose();

  const elapsed = Date.now() - started;
  if (!panel) {
    if (failure) {
      log.error(`  ${name}: ${failure.message}`);
      host.afterJob(failure);
      void showJobError(host, failure);
    }
    return;
  }
  if (failure || (outcome && !outcome.ok)) {
    const error: CodedError = failure ?? (outcome && !outcome.ok ? outcome.error : { code: 'internal', message: 'unknown error' });
    const { message } = error;
    log.error(`  ${video.fsPath}: failed after ${elapsed} ms: ${message}`);
    panel.finishJob(jobId, 'failed', message);
    host.afterJob(error);
    void showJobError(host, error);
    return;
  }
  if (!outcome) {
    log.info(`  ${video.fsPath}: cancelled after ${elapsed} ms`);
    panel.finishJob(jobId, 'cancelled');
    return;
  }

  const { result, resultFile, writeError } = outcome;
  host.afterJob(null);
  if (writeError) {
    // The verdict is shown; only its file is missing, so the user learns where to write it.
    log.warn(`  could not write the result file: ${writeError.message}`);
    void showJobError(host, writeError);
  }
  log.info(`  ${video.fsPath}: ${resultSummary(result)}${resultFile ? `; result → ${resultFile}` : ''}`);
  panel.finishJob(jobId, 'done');
  panel.setResult(result, resultFile);
  requestThumbnails(host, video, result);
  if (PlayerPanel.forVideo(video) !== panel) {
    // The panel was closed while the job ran: say where the result went.
    const done = mode === 'reward' ? 'Scored' : 'Critiqued';
    const open = await vscode.window.showInformationMessage(`${done} ${name}: ${resultSummary(result).split(';')[0]}`, ...(resultFile ? ['Open Result'] : []));
    if (open && resultFile) await vscode.window.showTextDocument(vscode.Uri.file(resultFile));
  }
}

import * as vscode from 'vscode';
import type { CodedError } from '../shared/errorCodes';
import { Config } from './config';
import { CriticClient } from './criticClient';
import { outputLog } from './outputLog';
import { PromptRunner } from './prompts/promptRunner';
import { ResultIndex } from './prompts/resultIndex';
import { ResultsPanel } from './results/resultsPanel';
import { VideoJobs } from './videoCommands';

/** What every command, panel and job of the extension works with; made once at activation. */
export interface Services {
  readonly client: CriticClient;
  readonly extensionUri: vscode.Uri;
  /** The extension's global storage: playable copies and thumbnails, and the results store without a workspace. */
  readonly storageUri: vscode.Uri;
  readonly workspaceState: vscode.Memento;
  readonly secrets: vscode.SecretStorage;
  readonly config: Config;
  /** The "Cosmos Critic" output channel. */
  log(): vscode.LogOutputChannel;
  /** Results recorded in results stores, read once per file version. */
  readonly index: ResultIndex;
  /** Scores and critiques of single videos in the player (and what its panels re-run). */
  readonly videoJobs: VideoJobs;
  /** Prompt files run on their pinned videos. */
  readonly prompts: PromptRunner;
  /** After a job that gave a result (null) or failed (its error), so the status bar can follow the model. */
  afterJob(error: CodedError | null): void;
  /** After results were written (a batch), so that open results browsers read them again. */
  resultsChanged(): void;
}

export function createServices(context: vscode.ExtensionContext, afterJob: (error: CodedError | null) => void): Services {
  const config = new Config(context.globalStorageUri);
  const services: Services = {
    client: new CriticClient(context.extensionUri, config),
    extensionUri: context.extensionUri,
    storageUri: context.globalStorageUri,
    workspaceState: context.workspaceState,
    secrets: context.secrets,
    config,
    log: outputLog,
    index: new ResultIndex(),
    get videoJobs() {
      return videoJobs;
    },
    get prompts() {
      return prompts;
    },
    afterJob,
    resultsChanged: () => ResultsPanel.refreshAll(),
  };
  const videoJobs = new VideoJobs(services);
  const prompts = new PromptRunner(services);
  return services;
}

import * as vscode from 'vscode';
import type { BackendInfo } from '../shared/requests';
import type { CriticClient } from './criticClient';
import { outputLog } from './outputLog';
import type { CodedError } from '../shared/errorCodes';
import { errorMessage } from './requestErrors';
import { COMMANDS } from './commandIds';
import type { Config } from './config';

/** The settings that change which model loads, or where. */
const MODEL_SETTINGS = ['cosmosCritic.modelPath', 'cosmosCritic.precision', 'cosmosCritic.device', 'cosmosCritic.cudaDeviceId', 'cosmosCritic.cudaDevices', 'cosmosCritic.workers', 'cosmosCritic.lowMemory'];

const OPEN_MODEL_SETTING: vscode.Command = {
  title: 'Set the Model Folder',
  command: 'workbench.action.openSettings',
  arguments: ['cosmosCritic.modelPath'],
};

/**
 * The backend and device in the status bar: "Cosmos: onnx · cpu" (or "· cuda:0") once the server has loaded the model,
 * "Cosmos: onnx" before, and "Cosmos: no model" with a click to the setting when none is set or it cannot load. It
 * never starts the server or loads a model by itself: it asks the server after each job that gave a result.
 */
export class BackendStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('cosmosCritic.backend', vscode.StatusBarAlignment.Right, 100);
  private readonly listener: vscode.Disposable;

  constructor(
    private readonly critic: CriticClient,
    private readonly config: Config,
  ) {
    this.item.name = 'Cosmos Critic Backend';
    this.item.accessibilityInformation = { label: 'Cosmos Critic backend', role: 'button' };
    this.listener = vscode.workspace.onDidChangeConfiguration((event) => {
      if (MODEL_SETTINGS.some((key) => event.affectsConfiguration(key))) this.showSettings();
    });
    this.showSettings();
    this.item.show();
  }

  /** What the settings alone say: no model, or a model that loads with the first job. */
  showSettings(): void {
    const options = this.config.criticServerOptions();
    if (options.backend === 'openai') {
      const endpoints = options.endpoints ?? [];
      if (endpoints.length === 0) this.showNoModel('The openai backend has no endpoints. Click to set them, or run "Cosmos Critic: Select Backend".');
      else this.show(`Cosmos: openai · ${endpoints.length} endpoint${endpoints.length === 1 ? '' : 's'}`, `OpenAI-compatible servers:\n${endpoints.join('\n')}`);
      return;
    }
    if (!options.modelPath) {
      this.showNoModel('No model folder is set. Click to set cosmosCritic.modelPath.');
      return;
    }
    const where = options.cudaDevices?.length ? `a worker on each of CUDA devices ${options.cudaDevices.join(', ')}` : options.workers ? `${options.workers} CPU workers` : `device: ${options.device ?? 'auto'}`;
    this.show('Cosmos: onnx', `Local model ${options.modelPath}\nIt loads with the first job (${where}).`);
  }

  /** Asks the running server which device its model is on. */
  async refresh(): Promise<void> {
    try {
      const info = await this.critic.backendInfo();
      if (info) this.showInfo(info);
    } catch (error) {
      outputLog().warn(`Could not ask the critic server for its backend: ${errorMessage(error)}`);
    }
  }

  /** A job failed: when the model was the reason, say so (the server is not asked, as that would load it again). */
  showJobError(error: CodedError): void {
    if (error.code === 'model-missing') this.showNoModel(error.message);
  }

  showInfo(info: BackendInfo): void {
    if (info.error || !info.device) {
      this.showNoModel(info.modelPath ? `The model at ${info.modelPath} cannot be used: ${info.error ?? 'unknown error'}` : 'No model folder is set. Click to set cosmosCritic.modelPath.');
      return;
    }
    if (info.backend === 'openai') {
      const count = info.device.split(', ').length;
      this.show(`Cosmos: openai · ${count} endpoint${count === 1 ? '' : 's'}`, `OpenAI-compatible servers:\n${info.device.split(', ').join('\n')}\nClick to show the log.`);
      return;
    }
    this.show(`Cosmos: ${info.backend} · ${info.device}`, `Local model ${info.modelPath ?? ''} on ${info.device}. Click to show the log.`);
  }

  private showNoModel(tooltip: string): void {
    this.item.text = 'Cosmos: no model';
    this.item.tooltip = tooltip;
    this.item.command = OPEN_MODEL_SETTING;
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
  }

  private show(text: string, tooltip: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = { title: 'Show the Cosmos Critic Log', command: COMMANDS.showLog };
    this.item.backgroundColor = undefined;
  }

  dispose(): void {
    this.listener.dispose();
    this.item.dispose();
  }
}

// No `vscode` import: the command ids are checked against package.json without a workbench.
import { RUN_PROMPT_ON_PINS_COMMAND } from '../shared/requests';

/** Every command the extension registers; `commands.ts` maps each one to its handler. */
export const COMMANDS = {
  probeVideo: 'cosmosCritic.probeVideo',
  critiqueVideo: 'cosmosCritic.critiqueVideo',
  scoreVideo: 'cosmosCritic.scoreVideo',
  runPromptOnPins: RUN_PROMPT_ON_PINS_COMMAND,
  comparePromptVersions: 'cosmosCritic.comparePromptVersions',
  pinToPrompt: 'cosmosCritic.pinToPrompt',
  selectBackend: 'cosmosCritic.selectBackend',
  critiqueWorkspace: 'cosmosCritic.critiqueWorkspace',
  critiqueFolder: 'cosmosCritic.critiqueFolder',
  openResults: 'cosmosCritic.openResults',
  reviewFolder: 'cosmosCritic.reviewFolder',
  exportReport: 'cosmosCritic.exportReport',
  newPromptFile: 'cosmosCritic.newPromptFile',
  importPrompt: 'cosmosCritic.importPrompt',
  showLog: 'cosmosCritic.showLog',
} as const;

export type CommandName = keyof typeof COMMANDS;

/** Registered for the extension's own buttons (the status bar), and not contributed to the palette or menus. */
export const INTERNAL_COMMANDS: readonly CommandName[] = ['showLog'];

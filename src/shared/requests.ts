import { RequestType } from 'vscode-languageserver-protocol';
import type { ProbeOutcome, SamplingOptions } from './video';

/** Settings the extension hands to the critic server when it starts it. */
export interface CriticServerOptions {
  ffmpegPath?: string;
}

export interface ProbeParams {
  /** Absolute file-system paths of the videos. */
  paths: string[];
  sampling?: SamplingOptions;
}

export interface ProbeResponse {
  results: ProbeOutcome[];
}

export const ProbeRequest = new RequestType<ProbeParams, ProbeResponse, void>('critic/probe');

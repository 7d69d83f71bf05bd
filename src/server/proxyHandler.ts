import { join, resolve } from 'node:path';
import type { CancellationToken, Connection } from 'vscode-languageserver/node';
import { locateFfmpeg } from '../engine/media/ffmpegTools';
import { checkVideoFile } from '../engine/media/probeVideo';
import { playbackProxyReason, probePlayback, proxyVideo } from '../engine/media/proxyVideo';
import { defaultCacheDir } from '../engine/store/cacheStore';
import type { CriticServerOptions, ProxyOutcome, ProxyParams } from '../shared/requests';
import { abortSignalFor } from './cancellation';
import { cancelledError, fileErrorOf } from './fileError';

/**
 * `critic/proxy`: decides from ffprobe's metadata whether a webview can play the video and, if not (or when
 * forced), makes or reuses its H.264 proxy. Work-done progress begins only when a proxy is actually encoded.
 */
export function createProxyHandler(connection: Connection, getOptions: () => CriticServerOptions) {
  return async (params: ProxyParams, token: CancellationToken): Promise<ProxyOutcome> => {
    const signal = abortSignalFor(token);
    const file = resolve(params.path);
    let began = false;
    const workDone = params.workDoneToken !== undefined ? connection.window.attachWorkDoneProgress(params.workDoneToken) : undefined;
    try {
      const options = getOptions();
      const tools = locateFfmpeg(options.ffmpegPath);
      await checkVideoFile(file);
      const reason = playbackProxyReason(await probePlayback(file, tools, signal));
      if (!reason && !params.force) return { ok: true, playback: { path: file, proxy: false, reason: null, cached: false } };
      const outDir = params.outDir || join(options.cacheDir || defaultCacheDir(), 'proxies');
      const made = await proxyVideo(file, tools, outDir, ({ fraction }) => {
        const percent = Math.round(fraction * 100);
        if (!began) workDone?.begin('Making a playable copy', percent, reason ?? 'the player could not play the original', true);
        began = true;
        workDone?.report(percent, `${percent}%`);
      }, signal);
      return { ok: true, playback: { path: made.path, proxy: true, reason: reason ?? 'the player could not play the original', cached: made.cached } };
    } catch (err) {
      if (signal.aborted) throw cancelledError('proxy cancelled');
      return { ok: false, error: fileErrorOf(file, err) };
    } finally {
      if (began) workDone?.done();
    }
  };
}

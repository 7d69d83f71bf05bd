// Bundles the four entry points: extension host, critic server, CLI (Node, CommonJS) and the webviews (browser).
import * as esbuild from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  // Native addon: loaded from node_modules at run time, never bundled.
  external: ['vscode', 'onnxruntime-node'],
};

const builds = [
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { server: 'src/server/server.ts' }, outdir: 'dist' },
  // Worker thread of the frame resizer: loaded by the CLI and server bundles from beside them.
  { ...node, entryPoints: { resizeWorker: 'src/engine/media/resizeWorker.ts' }, outdir: 'dist' },
  // Engine worker processes (batch --workers / --devices): forked by the CLI bundle from beside it.
  { ...node, entryPoints: { engineWorker: 'src/engine/jobs/engineWorker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/cli/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' }, define: { PACKAGE_VERSION: JSON.stringify(version) } },
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    logLevel: 'info',
    entryPoints: { player: 'webview/player/main.ts', results: 'webview/results/main.ts', promptCompare: 'webview/promptCompare/main.ts', review: 'webview/review/main.ts' },
    outdir: 'dist/webview',
  },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  chmodSync('dist/cli.js', 0o755);
}

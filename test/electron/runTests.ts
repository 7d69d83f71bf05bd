// Integration tests inside a downloaded desktop VS Code (Electron), through @vscode/test-electron. They need the
// internet to download VS Code, so CI here uses the workbench-in-a-browser suite (test/e2e) instead; run these with
// `npm run test:electron` where VS Code can be downloaded (or set VSCODE_EXECUTABLE to an installed one).
import { mkdtempSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';

async function main(): Promise<void> {
  ensureVideoFixtures(['h264Mp4', 'short']);
  const model = await ensureTinyModel();
  const workspace = mkdtempSync(join(tmpdir(), 'cosmos-critic-electron-'));
  mkdirSync(join(workspace, '.vscode'));
  copyFileSync(videoPath('h264Mp4'), join(workspace, 'h264.mp4'));
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'cosmosCritic.modelPath': model, 'cosmosCritic.device': 'cpu' }, null, 2));
  await runTests({
    extensionDevelopmentPath: resolve(__dirname, '..', '..'),
    extensionTestsPath: resolve(__dirname, 'suite', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : {}),
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`electron tests failed: ${(err as Error).message ?? err}\n`);
  process.exit(1);
});

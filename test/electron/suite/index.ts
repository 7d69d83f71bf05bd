// Runs inside the VS Code extension host (bundled by `npm run test:electron`): drives the real extension API.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const tests: Array<[string, () => Promise<void>]> = [
  [
    'contributes its commands without activating',
    async () => {
      const ext = vscode.extensions.getExtension('cosmos-critic.cosmos-critic');
      assert.ok(ext, 'the extension is installed');
      assert.equal(ext.isActive, false, 'activation is lazy');
      const commands = await vscode.commands.getCommands(true);
      for (const id of ['cosmosCritic.critiqueVideo', 'cosmosCritic.scoreVideo', 'cosmosCritic.probeVideo']) assert.ok(commands.includes(id), id);
    },
  ],
  [
    'Score Video on a workspace video opens the player and writes a result file',
    async () => {
      const folder = vscode.workspace.workspaceFolders![0]!.uri;
      const video = vscode.Uri.joinPath(folder, 'h264.mp4');
      await vscode.commands.executeCommand('cosmosCritic.scoreVideo', video);
      const files = await waitFor('a result file', async () => {
        const found = await vscode.workspace.findFiles('.cosmos-critic/results/**/*.json');
        return found.length ? found : undefined;
      });
      assert.ok(files.length >= 1, 'a result was written');
      const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /h264.*Score/.test(t.label));
      assert.ok(tab, 'the player panel is open');
    },
  ],
];

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, test] of tests) {
    try {
      await test();
      console.log(`ok - ${name}`);
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`);
      console.log(`not ok - ${name}: ${(err as Error).message}`);
    }
  }
  if (failures.length) throw new Error(`${failures.length} test(s) failed:\n${failures.join('\n')}`);
}

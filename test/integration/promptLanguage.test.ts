import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkspaceFoldersRequest,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Registration,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { PromptPinsRequest } from '../../src/shared/requests';
import { ROOT, SERVER, requireBuilt } from './builtArtifacts';

const PROMPT = [
  '---',
  'id: robot-critic',
  'version: 3',
  'mode: critic',
  'focus: [gravity, gravty]',
  'pin: [clips/drop.mp4, clips/missing.mp4]',
  'colour: red',
  '---',
  '## system',
  'Check {{focus}}.',
  '## user',
  'Any anomalies?',
  '',
].join('\n');

let workspace: string;
let promptUri: string;
let server: ChildProcess;
let connection: ProtocolConnection;
const registrations: Registration[] = [];
const published: PublishDiagnosticsParams[] = [];
const waiters: Array<() => void> = [];

function put(relative: string, content: string | Buffer = ''): void {
  const path = join(workspace, relative);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** The next diagnostics published for the prompt after `count` were already seen. */
async function diagnosticsAfter(count: number): Promise<PublishDiagnosticsParams> {
  const mine = () => published.filter((p) => p.uri === promptUri);
  while (mine().length <= count) await new Promise<void>((resolve) => waiters.push(resolve));
  return mine()[count]!;
}

const spans = (diagnostics: Diagnostic[]) =>
  diagnostics.map(({ code, range: { start, end } }) => `${String(code)} ${start.line}:${start.character}-${end.line}:${end.character}`);
const items = (result: CompletionItem[] | CompletionList | null) => (Array.isArray(result) ? result : (result?.items ?? []));

before(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'cosmos-critic-prompt-language-'));
  mkdirSync(join(workspace, 'clips'));
  copyFileSync(resolve(ROOT, 'media', 'sample-ball-drop.mp4'), join(workspace, 'clips', 'drop.mp4'));
  put('clips/other.webm', 'not really a video');
  put('raw/pour.MOV', 'not really a video');
  put('node_modules/pkg/skip.mp4');
  put('.cache/skip.mp4');
  put('notes.txt', 'text');
  // A result recorded with version 3 of this prompt, whose text was different then.
  put(
    '.cosmos-critic/results/clips/drop.mp4.robot-critic-v3.result.json',
    JSON.stringify({ schema: 'cosmos-critic/result@1', prompt: { id: 'robot-critic', version: 3, sha256: 'e'.repeat(64), path: null } }),
  );
  put('prompts/robot.prompt.md', PROMPT);
  promptUri = pathToFileURL(join(workspace, 'prompts', 'robot.prompt.md')).href;

  server = spawn(process.execPath, [requireBuilt(SERVER), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  connection = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  connection.onRequest(RegistrationRequest.type, (params) => {
    registrations.push(...params.registrations);
  });
  connection.onRequest(WorkspaceFoldersRequest.type, () => [{ uri: pathToFileURL(workspace).href, name: 'workspace' }]);
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    published.push(params);
    for (const wake of waiters.splice(0)) wake();
  });
  connection.listen();
  const dynamic = { dynamicRegistration: true };
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(workspace).href,
    workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'workspace' }],
    capabilities: {
      workspace: { workspaceFolders: true },
      textDocument: { completion: dynamic, hover: dynamic, codeLens: dynamic, codeAction: dynamic, synchronization: dynamic },
    },
    initializationOptions: {},
  });
  await connection.sendNotification(InitializedNotification.type, {});
  await connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: promptUri, languageId: 'critic-prompt', version: 1, text: PROMPT },
  });
});

after(async () => {
  const exited = new Promise((resolve) => server.once('exit', resolve));
  await connection.sendRequest(ShutdownRequest.type);
  await connection.sendNotification(ExitNotification.type);
  await exited;
  connection.dispose();
  rmSync(workspace, { recursive: true, force: true });
});

describe('prompt-file language features over LSP (stdio)', () => {
  it('publishes diagnostics with exact ranges on open, a changed text among them', async () => {
    const { diagnostics, version } = await diagnosticsAfter(0);
    assert.equal(version, 1);
    assert.deepEqual(spans(diagnostics), [
      'text-changed 2:9-2:10',
      'unknown-category 4:17-4:23',
      'pin-not-found 5:22-5:39',
      'unknown-key 6:0-6:6',
    ]);
    assert.ok(diagnostics.every((d) => d.source === 'cosmos-critic'));
    assert.match(String(diagnostics[0]!.message), /"robot-critic" version 3/);
  });

  it('registers completion, hover, code lens and code actions for critic-prompt documents', () => {
    const features = registrations.filter((r) => r.method.startsWith('textDocument/'));
    assert.deepEqual(features.map((r) => r.method).sort(), ['textDocument/codeAction', 'textDocument/codeLens', 'textDocument/completion', 'textDocument/hover']);
    assert.ok(registrations.some((r) => r.method === 'workspace/didChangeWorkspaceFolders'), 'follows workspace folder changes');
    for (const registration of features) {
      assert.deepEqual((registration.registerOptions as { documentSelector: unknown }).documentSelector, [{ language: 'critic-prompt' }]);
    }
  });

  it('completes focus categories inside "focus: [", replacing the word under the cursor', async () => {
    const result = items(await connection.sendRequest(CompletionRequest.type, { textDocument: { uri: promptUri }, position: { line: 4, character: 17 } }));
    assert.deepEqual(
      result.map((item) => item.label),
      ['collision', 'object_interaction', 'fluid_dynamics', 'object_permanence', 'human_motion', 'common_sense', 'cause_and_effect'],
    );
    assert.deepEqual((result[0]!.textEdit as TextEdit).range, { start: { line: 4, character: 17 }, end: { line: 4, character: 23 } });
  });

  it('completes workspace videos inside "pin:", skipping node_modules, dot folders and pinned ones', async () => {
    const result = items(await connection.sendRequest(CompletionRequest.type, { textDocument: { uri: promptUri }, position: { line: 5, character: 22 } }));
    assert.deepEqual(
      result.map((item) => item.label),
      ['clips/other.webm', 'raw/pour.MOV'],
    );
  });

  it('explains a key on hover', async () => {
    const hover = await connection.sendRequest(HoverRequest.type, { textDocument: { uri: promptUri }, position: { line: 3, character: 2 } });
    assert.match((hover?.contents as { value: string }).value, /^\*\*mode\*\*: reward \| critic/);
  });

  it('shows a code lens on the first line with the number of pinned videos', async () => {
    const lenses = await connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: promptUri } });
    assert.deepEqual(lenses, [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } },
        command: { title: 'Run on 2 pinned videos', command: 'cosmosCritic.runPromptOnPins', arguments: [promptUri] },
      },
    ]);
  });

  it('resolves the pins against the workspace folder for critic/promptPins', async () => {
    const pins = await connection.sendRequest(PromptPinsRequest, { uri: promptUri });
    assert.deepEqual(pins, {
      root: workspace,
      pins: [
        { pin: 'clips/drop.mp4', path: join(workspace, 'clips', 'drop.mp4'), exists: true },
        { pin: 'clips/missing.mp4', path: join(workspace, 'clips', 'missing.mp4'), exists: false },
      ],
    });
  });

  it('quick-fixes the changed text by bumping the version, and the warning goes away', async () => {
    const first = await diagnosticsAfter(0);
    const changed = first.diagnostics.find((d) => d.code === 'text-changed')!;
    const actions = await connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: promptUri },
      range: changed.range,
      context: { diagnostics: [changed] },
    });
    const bump = actions?.find((action) => 'edit' in action && action.title === 'Bump version to 4');
    assert.ok(bump && 'edit' in bump && bump.edit?.changes, `got ${JSON.stringify(actions)}`);
    assert.equal(bump.kind, 'quickfix');
    const edits = bump.edit.changes[promptUri]!;
    const updated = TextDocument.applyEdits(TextDocument.create(promptUri, 'critic-prompt', 1, PROMPT), edits);
    assert.equal(updated.split('\n')[2], 'version: 4');

    const seen = published.filter((p) => p.uri === promptUri).length;
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: promptUri, version: 2 },
      contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })),
    });
    const after = await diagnosticsAfter(seen);
    assert.equal(after.version, 2);
    assert.deepEqual(spans(after.diagnostics), ['unknown-category 4:17-4:23', 'pin-not-found 5:22-5:39', 'unknown-key 6:0-6:6']);
  });

  it('clears the diagnostics when the document closes', async () => {
    const seen = published.filter((p) => p.uri === promptUri).length;
    await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: promptUri } });
    assert.deepEqual((await diagnosticsAfter(seen)).diagnostics, []);
  });
});

import { readFile, stat } from 'node:fs/promises';
import {
  BulkRegistration,
  CodeActionKind,
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  DiagnosticSeverity,
  HoverRequest,
  TextDocuments,
  type Connection,
  type Diagnostic,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { isWorkspaceRelative } from '../../promptfile/frontMatterChecks';
import type { PromptDiagnostic } from '../../promptfile/promptDiagnostic';
import { frontMatterData, readPromptSource } from '../../promptfile/promptSource';
import { validatePromptFile } from '../../promptfile/validatePromptFile';
import { MAX_PROMPT_FILE_BYTES } from '../../shared/limits';
import { PROMPT_LANGUAGE_ID, PromptPinsRequest, type PromptPins } from '../../shared/requests';
import { completionContextAt } from './completionContext';
import { pinnedVideosLens } from './promptCodeLens';
import { promptCodeActions, type PromptDiagnosticData } from './promptCodeActions';
import { completionItems, wantsVideos } from './promptCompletion';
import { promptHover } from './promptHover';
import { RecordedResults } from './recordedResults';
import { isFile, pinRoot, resolvePin, uriToPath, WorkspaceFolders } from './workspaceFolders';
import { VideoIndex } from './workspaceVideos';

const CHANGE_DELAY_MS = 150;
const SELECTOR = [{ language: PROMPT_LANGUAGE_ID }];

/**
 * Prompt-file language features on the critic server's connection: diagnostics, completion,
 * hovers, the pinned-videos code lens, version quick fixes and `critic/promptPins`.
 * The features are registered with the client once it is initialized (dynamic registration),
 * so the server's own initialize result stays as it is.
 */
export function registerPromptLanguage(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const folders = new WorkspaceFolders(connection);
  const videos = new VideoIndex();
  const results = new RecordedResults();
  const timers = new Map<string, NodeJS.Timeout>();

  const isPrompt = (document: TextDocument) => document.languageId === PROMPT_LANGUAGE_ID || document.uri.endsWith('.prompt.md');

  async function publish(uri: string): Promise<void> {
    const opened = documents.get(uri);
    if (!opened || !isPrompt(opened)) return;
    const roots = await folders.list();
    const root = pinRoot(uri, roots);
    await results.refresh(roots.length ? roots : root ? [root] : []).catch(() => undefined);
    const document = documents.get(uri);
    if (!document || document.version !== opened.version) return;
    const problems = validatePromptFile(document.getText(), {
      exists: (pin) => (root ? isFile(resolvePin(root, pin)) : true),
      recordedHashes: (id, version) => results.hashes(id, version),
    });
    await connection.sendDiagnostics({ uri, version: document.version, diagnostics: problems.map(toLspDiagnostic) });
  }

  function schedule(uri: string, delayMs: number): void {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        publish(uri).catch((error: unknown) => connection.console.error(`Checking ${uri} failed: ${String(error)}`));
      }, delayMs),
    );
  }

  // Fires on open as well as on every change.
  documents.onDidChangeContent(({ document }) => schedule(document.uri, CHANGE_DELAY_MS));
  documents.onDidClose(({ document }) => {
    clearTimeout(timers.get(document.uri));
    timers.delete(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  connection.onCompletion(async ({ textDocument, position }) => {
    const document = documents.get(textDocument.uri);
    if (!document || !isPrompt(document)) return [];
    const source = readPromptSource(document.getText());
    const context = completionContextAt(source, source.lines.offsetAt(position));
    if (!context) return [];
    const root = wantsVideos(context) ? pinRoot(textDocument.uri, await folders.list()) : null;
    return completionItems(source, context, root ? await videos.list(root) : []);
  });

  connection.onHover(({ textDocument, position }) => {
    const document = documents.get(textDocument.uri);
    return document && isPrompt(document) ? promptHover(document.getText(), position) : null;
  });

  connection.onCodeLens(({ textDocument }) => {
    const document = documents.get(textDocument.uri);
    return document && isPrompt(document) ? [pinnedVideosLens(textDocument.uri, document.getText())] : [];
  });

  connection.onCodeAction(({ textDocument, range, context }) => {
    const document = documents.get(textDocument.uri);
    return document && isPrompt(document) ? promptCodeActions(textDocument.uri, document.getText(), range, context.diagnostics) : [];
  });

  connection.onRequest(PromptPinsRequest, async ({ uri }): Promise<PromptPins> => {
    const path = uriToPath(uri);
    const text = documents.get(uri)?.getText() ?? (path ? await readPromptText(path) : '');
    const root = pinRoot(uri, await folders.list());
    const listed = frontMatterData(readPromptSource(text).frontMatter).pin;
    const pins = (Array.isArray(listed) ? listed : []).filter((pin): pin is string => typeof pin === 'string' && pin.trim() !== '');
    return {
      root,
      pins: pins.map((pin) => {
        const absolute = root && isWorkspaceRelative(pin) ? resolvePin(root, pin) : null;
        return { pin, path: absolute, exists: absolute !== null && isFile(absolute) };
      }),
    };
  });

  connection.onInitialized(() => {
    registerFeatures(connection).catch(() => undefined);
    folders.fetch(() => {
      for (const document of documents.all()) schedule(document.uri, 0);
    });
  });

  documents.listen(connection);
}

/** A prompt file's text from disk; '' when it cannot be read or is over the size limit (it has no usable pins then). */
async function readPromptText(path: string): Promise<string> {
  const size = (await stat(path).catch(() => undefined))?.size;
  return size === undefined || size > MAX_PROMPT_FILE_BYTES ? '' : readFile(path, 'utf8').catch(() => '');
}

async function registerFeatures(connection: Connection): Promise<void> {
  const features = BulkRegistration.create();
  features.add(CompletionRequest.type, { documentSelector: SELECTOR, triggerCharacters: [':', '[', ',', ' ', '/', '-', '{'] });
  features.add(HoverRequest.type, { documentSelector: SELECTOR });
  features.add(CodeLensRequest.type, { documentSelector: SELECTOR, resolveProvider: false });
  features.add(CodeActionRequest.type, { documentSelector: SELECTOR, codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] });
  await connection.client.register(features);
}

function toLspDiagnostic(problem: PromptDiagnostic): Diagnostic {
  const data: PromptDiagnosticData = { ...(problem.path && { path: problem.path }), ...(problem.replacement && { replacement: problem.replacement }) };
  return {
    range: problem.range,
    severity: problem.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: problem.code,
    source: 'cosmos-critic',
    message: problem.message,
    data,
  };
}

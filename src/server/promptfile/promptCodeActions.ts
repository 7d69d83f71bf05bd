import { CodeActionKind, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver';
import { versionBump } from '../../promptfile/versionBump';

/** What a published diagnostic carries in `data`, for its quick fixes. */
export interface PromptDiagnosticData {
  path?: string[];
  replacement?: string;
}

/**
 * Quick fixes: "Bump version to N" for a changed text or any version problem, and the
 * "did you mean" replacement. With no version diagnostic, a cursor on the version line still gets the bump.
 */
export function promptCodeActions(uri: string, text: string, range: Range, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  const bump = versionBump(text);
  const edit = (target: Range, newText: string) => ({ changes: { [uri]: [{ range: target, newText }] } });
  let bumped = false;
  for (const diagnostic of diagnostics) {
    const data = (diagnostic.data ?? {}) as PromptDiagnosticData;
    if (bump && (diagnostic.code === 'text-changed' || data.path?.[0] === 'version')) {
      actions.push({ title: bump.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: edit(bump.range, bump.newText) });
      bumped = true;
    }
    if (data.replacement) {
      actions.push({ title: `Change to "${data.replacement}"`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: edit(diagnostic.range, data.replacement) });
    }
  }
  if (bump && !bumped && range.start.line <= bump.range.end.line && range.end.line >= bump.range.start.line && !bump.title.startsWith('Add')) {
    actions.push({ title: bump.title, kind: CodeActionKind.RefactorRewrite, edit: edit(bump.range, bump.newText) });
  }
  return actions;
}

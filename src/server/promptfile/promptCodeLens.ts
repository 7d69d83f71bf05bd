import type { CodeLens } from 'vscode-languageserver';
import { frontMatterData, readPromptSource } from '../../promptfile/promptSource';
import { RUN_PROMPT_ON_PINS_COMMAND } from '../../shared/requests';

/** The lens on the first line: run the prompt on its pinned videos (the command gets the document URI). */
export function pinnedVideosLens(uri: string, text: string): CodeLens {
  const source = readPromptSource(text);
  const pin = frontMatterData(source.frontMatter).pin;
  const count = Array.isArray(pin) ? pin.filter((p) => typeof p === 'string' && p.trim()).length : 0;
  const title = count === 0 ? 'Pin videos to run this prompt live' : `Run on ${count} pinned video${count === 1 ? '' : 's'}`;
  return { range: source.lines.lineRange(0), command: { title, command: RUN_PROMPT_ON_PINS_COMMAND, arguments: [uri] } };
}

import { Tokenizer } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';

export interface ChatPart {
  type: 'text' | 'video';
  text?: string;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: ChatPart[];
}

/** The model's own tokenizer (tokenizer.json) and chat template (tokenizer_config.json). */
export class TextTokenizer {
  private readonly tokenizer: Tokenizer;
  private readonly template: Template;

  constructor(tokenizerJson: unknown, private readonly tokenizerConfig: Record<string, unknown>, file: string) {
    this.tokenizer = new Tokenizer(tokenizerJson as object, tokenizerConfig as object);
    const chatTemplate = tokenizerConfig.chat_template;
    if (typeof chatTemplate !== 'string') throw new Error(`${file}: "chat_template" is missing; copy it from the checkpoint's chat_template.json`);
    this.template = new Template(chatTemplate);
  }

  /** The prompt text exactly as the model's chat template renders it, with the generation prompt. */
  renderChat(messages: ChatMessage[]): string {
    return this.template.render({
      messages,
      add_generation_prompt: true,
      bos_token: this.tokenizerConfig.bos_token ?? '',
      eos_token: this.tokenizerConfig.eos_token ?? '',
    });
  }

  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: number[], skipSpecialTokens = true): string {
    return this.tokenizer.decode(ids, { skip_special_tokens: skipSpecialTokens });
  }

  /** The id of a word that must be exactly one token (e.g. the reward's "Yes" / "No"). */
  singleTokenId(word: string): number {
    const ids = this.encode(word);
    if (ids.length !== 1) throw new Error(`the tokenizer splits "${word}" into ${ids.length} tokens; the reward needs it as one`);
    return ids[0]!;
  }
}

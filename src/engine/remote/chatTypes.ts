// The slice of the OpenAI chat-completions API that the remote backend and `cosmos-critic serve` speak.

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'video_url'; video_url: { url: string } }
  | { type: 'image_url'; image_url: { url: string } };

export interface ChatRequestMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ContentPart[];
}

export interface ChatCompletionRequest {
  model: string;
  messages: ChatRequestMessage[];
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  /** vLLM / SGLang extensions. */
  top_k?: number;
  repetition_penalty?: number;
  seed?: number;
  stream?: boolean;
  logprobs?: boolean;
  top_logprobs?: number;
  /** vLLM: video sampling options go here (at the top level they are ignored). */
  mm_processor_kwargs?: Record<string, unknown>;
  /** vLLM and NIM: options of the media loader, per modality (`{ video: { fps, num_frames, frames_indices, … } }`). */
  media_io_kwargs?: { video: Record<string, unknown> };
}

export interface TopLogprob {
  token: string;
  logprob: number;
}

export interface ChatCompletionResponse {
  id: string;
  object: 'chat.completion';
  model: string;
  choices: Array<{
    index: number;
    /** With a reasoning parser, vLLM returns the thinking in `reasoning` (releases before 0.11: `reasoning_content`) and content may be null. */
    message: { role: 'assistant'; content: string | null; reasoning?: string | null; reasoning_content?: string | null };
    finish_reason: 'stop' | 'length';
    logprobs?: { content: Array<{ token: string; logprob: number; top_logprobs: TopLogprob[] }> } | null;
  }>;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  model: string;
  choices: Array<{ index: number; delta: { role?: 'assistant'; content?: string | null; reasoning?: string | null; reasoning_content?: string | null }; finish_reason: 'stop' | 'length' | null }>;
}

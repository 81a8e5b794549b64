/**
 * The request bodies of the reward server, validated with zod, turned into RewardItems:
 *   POST /get_reward  (OpenRLHF) {"query": [str], "prompts"?: [str], "labels"?: [str]}
 *   POST /v1/reward   {"items": [{prompt | messages, response, label?, kind?}]} or one such item.
 */
import { z } from 'zod';
import { InvalidRequestError } from '../../core/errors.js';
import type { ChatMessage } from '../../core/chat.js';
import { parseRewardLabel } from '../parse-reward-label.js';
import type { RewardItem, RewardLabel } from '../reward-types.js';
import { splitChatQuery, type ChatTemplateName } from '../split-chat-query.js';

export const MAX_ITEMS_PER_REQUEST = 8192;

const openRlhfSchema = z.object({
  query: z.array(z.string()).min(1).max(MAX_ITEMS_PER_REQUEST),
  prompts: z.array(z.string()).optional(),
  labels: z.array(z.union([z.string(), z.null()])).optional(),
});

const messageSchema = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.string(),
});

const itemSchema = z
  .object({
    prompt: z.string().optional(),
    messages: z.array(messageSchema).min(1).optional(),
    response: z.string(),
    label: z.union([z.string(), z.record(z.string(), z.unknown()), z.null()]).optional(),
    kind: z.enum(['harmful', 'benign', 'exam', 'emergency']).optional(),
  })
  .refine((item) => (item.prompt === undefined) !== (item.messages === undefined), { message: 'give exactly one of "prompt" and "messages"' });

const genericSchema = z.union([z.object({ items: z.array(itemSchema).min(1).max(MAX_ITEMS_PER_REQUEST) }), itemSchema]);

function invalid(error: z.ZodError, fix: string): InvalidRequestError {
  const issue = error.issues[0];
  const path = issue?.path.join('.') ?? '';
  return new InvalidRequestError(`Invalid request body${path ? ` at "${path}"` : ''}: ${issue?.message ?? 'invalid'}.`, { param: path || undefined, code: 'invalid_body', fix });
}

export interface ParsedOpenRlhfRequest {
  items: RewardItem[];
  templates: ChatTemplateName[];
}

type OpenRlhfBody = z.infer<typeof openRlhfSchema>;

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((entry) => typeof entry === 'string');

/**
 * The usual body, checked by hand (no zod pass over thousands of strings): exactly what openRlhfSchema
 * accepts, minus the extra keys it would strip; anything else goes through the schema for its error.
 */
function plainOpenRlhfBody(body: unknown): OpenRlhfBody | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { query, prompts, labels } = body as Record<string, unknown>;
  if (!isStringArray(query) || query.length < 1 || query.length > MAX_ITEMS_PER_REQUEST) return undefined;
  if (prompts !== undefined && !isStringArray(prompts)) return undefined;
  if (labels !== undefined && !(Array.isArray(labels) && labels.every((label) => typeof label === 'string' || label === null))) return undefined;
  return { query, ...(prompts === undefined ? {} : { prompts }), ...(labels === undefined ? {} : { labels: labels as Array<string | null> }) };
}

export function parseOpenRlhfRequest(body: unknown, template: 'auto' | ChatTemplateName): ParsedOpenRlhfRequest {
  let data = plainOpenRlhfBody(body);
  if (data === undefined) {
    const parsed = openRlhfSchema.safeParse(body);
    if (!parsed.success) throw invalid(parsed.error, 'Send {"query": [prompt + response, ...], "prompts": [...], "labels": [...]} as OpenRLHF does.');
    data = parsed.data;
  }
  const { query, prompts, labels } = data;
  if (prompts !== undefined && prompts.length !== query.length) {
    throw new InvalidRequestError(`"prompts" has ${prompts.length} entries but "query" has ${query.length}.`, { param: 'prompts', code: 'length_mismatch' });
  }
  if (labels !== undefined && labels.length !== query.length) {
    throw new InvalidRequestError(`"labels" has ${labels.length} entries but "query" has ${query.length}.`, { param: 'labels', code: 'length_mismatch' });
  }
  const templates: ChatTemplateName[] = [];
  // A batch repeats a few label texts ("harmful", "B", …): each is parsed once and its label shared by the
  // items that carry it (nothing downstream changes a label).
  const labelsByText = new Map<string, RewardLabel | undefined>();
  const items = query.map((text, index): RewardItem => {
    const split = splitChatQuery(text, prompts?.[index], `query[${index}]`, template);
    templates.push(split.template);
    const raw = labels?.[index];
    let label: RewardLabel | undefined;
    if (typeof raw === 'string') {
      label = labelsByText.get(raw);
      if (label === undefined && !labelsByText.has(raw)) {
        label = parseRewardLabel(raw, `labels[${index}]`);
        labelsByText.set(raw, label);
      }
    }
    return label ? { messages: split.messages, response: split.response, label } : { messages: split.messages, response: split.response };
  });
  return { items, templates };
}

export function parseGenericRequest(body: unknown): RewardItem[] {
  const parsed = genericSchema.safeParse(body);
  if (!parsed.success) throw invalid(parsed.error, 'Send {"items": [{"prompt" or "messages", "response", "label"?, "kind"?}]}.');
  const raw = 'items' in parsed.data ? parsed.data.items : [parsed.data];
  return raw.map((item, index) => {
    const messages: ChatMessage[] = item.messages ?? [{ role: 'user', content: item.prompt ?? '' }];
    const label = parseRewardLabel(item.label, `items[${index}].label`) ?? {};
    if (item.kind !== undefined) label.kind = item.kind === 'emergency' ? 'harmful' : item.kind;
    return { messages, response: item.response, ...(Object.keys(label).length > 0 ? { label } : {}) };
  });
}

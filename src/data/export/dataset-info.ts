/** LLaMA-Factory `dataset_info.json` entries for our two formats (formatting, columns, tags). */
export interface DatasetInfoEntry {
  file_name: string;
  formatting: 'alpaca' | 'sharegpt';
  columns: Record<string, string>;
  tags?: Record<string, string>;
}

export function datasetInfoEntry(format: 'llamafactory-alpaca' | 'llamafactory-sharegpt', fileName: string): DatasetInfoEntry {
  if (format === 'llamafactory-alpaca') {
    return { file_name: fileName, formatting: 'alpaca', columns: { prompt: 'instruction', query: 'input', response: 'output', system: 'system', history: 'history' } };
  }
  return {
    file_name: fileName,
    formatting: 'sharegpt',
    columns: { messages: 'messages' },
    tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system' },
  };
}

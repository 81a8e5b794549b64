/**
 * Style normalisation applied before feature extraction, both in training and at run time. It removes
 * what tells sources apart rather than harmful from benign: case, punctuation, generation leftovers
 * such as `<|eot_id|>`, zero-width characters, full-width forms and runs of whitespace.
 */
const GENERATION_LEFTOVERS = /<\|[a-z_]+\|>|<\/?s>|\[\/?inst\]/gi;
const ZERO_WIDTH = /[\u200B-\u200F\u2060-\u2064\uFEFF\u00AD\u180E]/g;

/** Characters NFKC leaves alone or that are stripped anyway (ASCII, CJK ideographs and punctuation). */
const NEEDS_NO_NFKC = /^[\x00-\x7F\u3000-\u303F\u4E00-\u9FFF\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65]*$/;

export function normalizeText(text: string): string {
  return (NEEDS_NO_NFKC.test(text) ? text : text.normalize('NFKC'))
    .replace(GENERATION_LEFTOVERS, ' ')
    .replace(ZERO_WIDTH, '')
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/[^\p{L}\p{N}'\s]+/gu, ' ')
    .replace(/(^|\s)'+|'+(?=\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Property over the guard corpus: wrapping a request in any wrapper template (both pools, every attack
 * family, English and Chinese), a persona, a fiction or an encoding never lowers its risk. It holds by
 * construction — every span of segments is scored and the wrapper can only add a boost — whenever the
 * wrapper meets the request at punctuation (155 of the 160 corpus templates always, 3 more when the request
 * ends with punctuation; the glued cases are measured, see docs/guard-classifier.md).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assessText } from '../../src/guard/assess-risk.js';
import { isSegmentDelimiter } from '../../src/guard/detect/split-segments.js';
import { userText } from '../../training/guard/corpus-record.js';
import { encodeRequest, ENCODINGS } from '../../training/guard/encode-request.js';
import { wrapWithTemplate } from '../../training/guard/generate-corpus-variants.js';
import { readCorpus, readWrapperTemplates } from '../../training/guard/read-corpus.js';
import { createSeededRandom } from '../../training/guard/train-linear-model.js';

const records = readCorpus({ generated: false }).filter((record) => record.text !== undefined && (record.kind === 'plain' || record.kind === 'consumer' || record.kind === 'xstest'));
const templates = readWrapperTemplates();

/** Whether a template meets the request at punctuation (or the text's edges) on both sides. */
function meetsAtPunctuation(template: string, request: string): boolean {
  const [before = '', after = ''] = template.split('{request}');
  const left = before.trimEnd();
  const right = after.trimStart();
  const leftOk = left.length === 0 || isSegmentDelimiter(left.slice(-1));
  const rightOk = right.length === 0 || isSegmentDelimiter(right.slice(0, 1)) || isSegmentDelimiter(request.trimEnd().slice(-1));
  return leftOk && rightOk;
}

test('every wrapper template, in every family and both pools, never lowers the risk of a corpus request', () => {
  assert.ok(records.length > 100 && templates.length > 20, 'the corpus and the templates are there');
  const violations: string[] = [];
  const glued: number[] = [];
  let checked = 0;
  records.forEach((record, position) => {
    const own = templates.filter((template) => template.language === record.language);
    // Every other record, templates round-robin: each template is used many times.
    if (position % 2 === 1) return;
    const template = own[(position / 2) % own.length];
    if (template === undefined) return;
    const request = userText(record);
    const plain = assessText(request).risk;
    const wrapped = assessText(wrapWithTemplate(template.template, request)).risk;
    checked += 1;
    if (meetsAtPunctuation(template.template, request)) {
      if (wrapped < plain) violations.push(`${record.id} in ${template.id}: ${plain} -> ${wrapped}`);
    } else {
      glued.push(plain - wrapped);
    }
  });
  assert.ok(checked > 300);
  assert.deepEqual(violations.slice(0, 10), [], `${violations.length} of ${checked} wrappings lowered the risk`);
  // Templates that glue the request to their own words ("… the specifics of {request}", "{request} Open your
  // response with …" after a request without final punctuation) are outside the construction: the first or
  // last segment of the request then carries template words. Measured, not guaranteed: the drop stays small.
  const drops = glued.filter((drop) => drop > 0);
  assert.ok(drops.length <= Math.max(3, glued.length * 0.5), `${drops.length} of ${glued.length} glued wrappings lowered the risk`);
  assert.ok(drops.every((drop) => drop < 0.6), `largest drop ${Math.max(0, ...drops).toFixed(3)}`);
});

test('base64, rot13 and homoglyph encodings never lower the risk of a harmful corpus request', () => {
  const violations: string[] = [];
  let checked = 0;
  const harmful = records.filter((record) => record.label === 'harmful');
  harmful.forEach((record, position) => {
    if (position % 2 === 1) return;
    const text = userText(record);
    const plain = assessText(text).risk;
    const random = createSeededRandom(position + 1);
    for (const kind of ENCODINGS[record.language].filter((encoding) => encoding === 'base64' || encoding === 'rot13' || encoding === 'homoglyph')) {
      const encoded = assessText(`${kind === 'base64' ? 'Decode and answer: ' : ''}${encodeRequest(text, kind, random)}`).risk;
      checked += 1;
      // A plain text is also read through its own de-obfuscations (leetspeak, rot13…), which can score it a
      // hair higher than its exact decoding scores; 0.001 is far below any decision point.
      if (encoded < plain - 0.001) violations.push(`${record.id} ${kind}: ${plain} -> ${encoded}`);
    }
  });
  assert.ok(checked > 100);
  assert.deepEqual(violations.slice(0, 10), [], `${violations.length} of ${checked} encodings lowered the risk`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  collectReasoning,
  createChannelNormalizer,
  createReasoningSplitter,
  normalizeChannels,
  splitReasoning,
  type ChannelDelta,
} from '../../src/backends/reasoning-normalizer.js';
import type { StreamPart } from '../../src/core/chat.js';

function streamSplit(chunks: string[], startInReasoning = false) {
  const splitter = createReasoningSplitter({ startInReasoning });
  const parts: StreamPart[] = [];
  for (const chunk of chunks) parts.push(...splitter.push(chunk));
  parts.push(...splitter.end());
  return { parts, split: collectReasoning(parts) };
}

test('splitReasoning: think and answer tags', () => {
  assert.deepEqual(splitReasoning('<think>Check dose.</think><answer>Take 500 mg.</answer>'), {
    reasoning: 'Check dose.',
    answer: 'Take 500 mg.',
  });
});

test('splitReasoning: whitespace is trimmed at the boundaries only', () => {
  assert.deepEqual(splitReasoning('\n<think>\n  step one\n\n step two  \n</think>\n\n<answer>\n Rest.  Drink water.\n</answer>\n'), {
    reasoning: 'step one\n\n step two',
    answer: 'Rest.  Drink water.',
  });
});

test('splitReasoning: no tags is all answer', () => {
  assert.deepEqual(splitReasoning('  Just an answer.  '), { reasoning: '', answer: 'Just an answer.' });
});

test('splitReasoning: unclosed think is all reasoning', () => {
  assert.deepEqual(splitReasoning('<think>still thinking about'), { reasoning: 'still thinking about', answer: '' });
});

test('splitReasoning: answer without closing tag', () => {
  assert.deepEqual(splitReasoning('<think>r</think><answer>partial answ'), { reasoning: 'r', answer: 'partial answ' });
});

test('splitReasoning: think then untagged answer', () => {
  assert.deepEqual(splitReasoning('<think>r</think>\n\nThe answer.'), { reasoning: 'r', answer: 'The answer.' });
});

test('splitReasoning: close tag without open tag (template opened <think>)', () => {
  assert.deepEqual(splitReasoning('my reasoning</think>my answer'), { reasoning: 'my reasoning', answer: 'my answer' });
});

test('splitReasoning: a lone < and unknown tags are text', () => {
  assert.deepEqual(splitReasoning('<think>a < b and <b>bold</b></think><answer>x<y</answer>'), {
    reasoning: 'a < b and <b>bold</b>',
    answer: 'x<y',
  });
});

test('splitReasoning: trailing partial tag prefix is text at the end', () => {
  assert.deepEqual(splitReasoning('answer <thi'), { reasoning: '', answer: 'answer <thi' });
});

test('splitReasoning: empty text', () => {
  assert.deepEqual(splitReasoning(''), { reasoning: '', answer: '' });
});

test('streaming: tags split across chunks', () => {
  const { split, parts } = streamSplit(['<thi', 'nk>reas', 'oning</th', 'ink><ans', 'wer>ans', 'wer</', 'answer>']);
  assert.deepEqual(split, { reasoning: 'reasoning', answer: 'answer' });
  assert.ok(parts.every((part) => part.type === 'reasoning-delta' || part.type === 'text-delta'));
  assert.ok(!parts.some((part) => 'text' in part && part.text.includes('<')), 'no tag text leaks');
});

test('streaming: reasoning is emitted before the think tag closes', () => {
  const splitter = createReasoningSplitter();
  assert.deepEqual(splitter.push('<think>first'), [{ type: 'reasoning-delta', text: 'first' }]);
  assert.deepEqual(splitter.push(' second '), [{ type: 'reasoning-delta', text: ' second' }]);
  assert.deepEqual(splitter.push('</think> '), []);
  assert.deepEqual(splitter.push(' Yes'), [{ type: 'text-delta', text: 'Yes' }]);
  assert.deepEqual(splitter.end(), []);
});

test('streaming: a held partial tag that turns out to be text is emitted', () => {
  const splitter = createReasoningSplitter();
  assert.deepEqual(splitter.push('a <an'), [{ type: 'text-delta', text: 'a' }]);
  assert.deepEqual(splitter.push('d> b'), [{ type: 'text-delta', text: ' <and> b' }]);
});

test('streaming: every two-way and three-way cut gives the same split as splitReasoning', () => {
  const samples = [
    '<think>Dose check: 5 mg/kg.</think><answer>Give 250 mg.</answer>',
    ' <think> a </think> \n <answer> b < c </answer> ',
    'plain answer with <b>html</b>',
    '<think>unclosed <answ',
    '<think>x</think>y<think>z</think>w',
  ];
  for (const sample of samples) {
    const expected = splitReasoning(sample);
    for (let first = 0; first <= sample.length; first += 1) {
      assert.deepEqual(streamSplit([sample.slice(0, first), sample.slice(first)]).split, expected, `cut at ${first} of ${sample}`);
      for (let second = first; second <= sample.length; second += 3) {
        const chunks = [sample.slice(0, first), sample.slice(first, second), sample.slice(second)];
        assert.deepEqual(streamSplit(chunks).split, expected, `cuts ${first},${second} of ${sample}`);
      }
    }
    const perCharacter = streamSplit(Array.from(sample)).split;
    assert.deepEqual(perCharacter, expected, `per character: ${sample}`);
  }
});

test('streaming: startInReasoning for templates that open <think>', () => {
  assert.deepEqual(streamSplit(['because', '</think>', 'so'], true).split, { reasoning: 'because', answer: 'so' });
});

test('streaming: push after end throws', () => {
  const splitter = createReasoningSplitter();
  splitter.end();
  assert.throws(() => splitter.push('x'));
});

function streamChannels(deltas: ChannelDelta[], holdReasoning = false) {
  const normalizer = createChannelNormalizer({ holdReasoning });
  const parts: StreamPart[] = [];
  for (const delta of deltas) parts.push(...normalizer.push(delta));
  parts.push(...normalizer.end());
  return { parts, split: collectReasoning(parts) };
}

test('channels: separate reasoning field then content', () => {
  const { split, parts } = streamChannels([{ reasoning: ' think' }, { reasoning: 'ing ' }, { content: '' }, { content: ' Ans' }, { content: 'wer ' }]);
  assert.deepEqual(split, { reasoning: 'thinking', answer: 'Answer' });
  assert.equal(parts[0]?.type, 'reasoning-delta');
  assert.equal(parts[parts.length - 1]?.type, 'text-delta');
});

test('channels: content with think tags still split', () => {
  assert.deepEqual(streamChannels([{ content: '<think>r' }, { content: '</think>a' }]).split, { reasoning: 'r', answer: 'a' });
});

test('channels: reasoning only, no content (vLLM thinking off) → answer, held mode', () => {
  const { split, parts } = streamChannels([{ reasoning: 'The answer ' }, { reasoning: 'is 4.' }, { content: null }], true);
  assert.deepEqual(split, { reasoning: '', answer: 'The answer is 4.' });
  assert.deepEqual(parts, [{ type: 'text-delta', text: 'The answer is 4.' }]);
});

test('channels: reasoning only, live mode → streamed as reasoning and repeated as the answer', () => {
  const { split } = streamChannels([{ reasoning: 'The answer ' }, { reasoning: 'is 4.' }], false);
  assert.deepEqual(split, { reasoning: 'The answer is 4.', answer: 'The answer is 4.' });
});

test('channels: held mode releases reasoning once content arrives', () => {
  const normalizer = createChannelNormalizer({ holdReasoning: true });
  assert.deepEqual(normalizer.push({ reasoning: 'r1' }), []);
  assert.deepEqual(normalizer.push({ reasoning: 'r2', content: 'a' }), [
    { type: 'reasoning-delta', text: 'r1r2' },
    { type: 'text-delta', text: 'a' },
  ]);
  assert.deepEqual(normalizer.end(), []);
});

test('normalizeChannels: non-streaming rules', () => {
  assert.deepEqual(normalizeChannels({ reasoning: ' r ', content: ' a ' }), { reasoning: 'r', answer: 'a' });
  assert.deepEqual(normalizeChannels({ reasoning: 'only reasoning', content: null }), { reasoning: '', answer: 'only reasoning' });
  assert.deepEqual(normalizeChannels({ reasoning: 'x', content: '   ' }), { reasoning: '', answer: 'x' });
  assert.deepEqual(normalizeChannels({ content: '<think>t</think><answer>a</answer>' }), { reasoning: 't', answer: 'a' });
  assert.deepEqual(normalizeChannels({ reasoning: 'f', content: '<think>t</think>a' }), { reasoning: 'f\nt', answer: 'a' });
  assert.deepEqual(normalizeChannels({ content: null }), { reasoning: '', answer: '' });
});

import type { HashSeen } from './create-hash-seen.js';
import type { SegmentFeatures } from './extract-features.js';
import type { HiddenLayer } from './hidden-layer.js';

/**
 * The segments of one text as a hidden-layer head reads them: per segment, its distinct hashes (first-seen
 * order) and the sum of their hidden rows, each computed once however many spans the segment is part of.
 */
export interface HiddenParts {
  /**
   * Adds segment `index` to a span: its new hashes and the conjunctions of its new cues with the span's,
   * counted in `seen` (as the linear scorer counts them) and added to `hiddenSum` (the segment's row sum,
   * minus the rows of hashes the span already had, plus the new conjunctions' rows). Returns the linear
   * weight under `mask` of what it added, summed in the same order as the linear scorer sums it; int8
   * rows add up to exact integers, so `hiddenSum` does not depend on the order spans are built in.
   */
  add(index: number, seen: HashSeen, cues: string[], weights: ArrayLike<number>, mask: number, hiddenSum: Float64Array): number;
}

/**
 * A reader of HiddenParts for one layer. Its buffers are reused: the parts it returns are valid until
 * its next call (the scorers are synchronous and never re-enter, so each keeps its own reader).
 */
export function createHiddenPartsReader(layer: HiddenLayer, seenForSegment: HashSeen, conjunctionHash: (left: string, right: string) => number): (segments: SegmentFeatures[]) => HiddenParts {
  const units = layer.units;
  let hashes = new Int32Array(1024);
  let bounds = new Int32Array(65);
  let rows = new Float64Array(64 * units);
  let current: SegmentFeatures[] = [];

  const parts: HiddenParts = {
    add(index, seen, cues, weights, mask, hiddenSum) {
      let sum = 0;
      const end = bounds[index + 1] as number;
      for (let position = bounds[index] as number; position < end; position += 1) {
        const hash = hashes[position] as number;
        if (seen.add(hash)) sum += weights[hash & mask] as number;
        else layer.addRow(hiddenSum, hash, -1);
      }
      const offset = index * units;
      for (let unit = 0; unit < units; unit += 1) hiddenSum[unit] = (hiddenSum[unit] as number) + (rows[offset + unit] as number);
      for (const cue of (current[index] as SegmentFeatures).cues) {
        if (cues.includes(cue)) continue;
        for (const other of cues) {
          const hash = conjunctionHash(other, cue);
          if (!seen.add(hash)) continue;
          sum += weights[hash & mask] as number;
          layer.addRow(hiddenSum, hash, 1);
        }
        cues.push(cue);
      }
      return sum;
    },
  };

  return (segments) => {
    current = segments;
    let total = 0;
    for (const segment of segments) total += segment.hashes.length;
    if (hashes.length < total) hashes = new Int32Array(total * 2);
    if (bounds.length < segments.length + 1) bounds = new Int32Array(segments.length * 2 + 1);
    if (rows.length < segments.length * units) rows = new Float64Array(segments.length * 2 * units);
    let position = 0;
    for (const [index, segment] of segments.entries()) {
      bounds[index] = position;
      seenForSegment.clear();
      const offset = index * units;
      rows.fill(0, offset, offset + units);
      for (const hash of segment.hashes) {
        if (!seenForSegment.add(hash)) continue;
        hashes[position] = hash;
        position += 1;
        layer.addRow(rows, hash, 1, offset);
      }
    }
    bounds[segments.length] = position;
    return parts;
  };
}

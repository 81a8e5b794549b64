/**
 * The review page's list: the queue's items of a status (at most 2,000), each with the criteria that
 * struck it and its judges' mean scores, most strikes first. Run in the console's review thread
 * (review-reader-worker.ts): each item's record is read and parsed.
 */
import type { PipelineRecord } from '../data/data-record.js';
import type { ReviewQueue } from '../data/review/index.js';

/** Statuses the list can show. */
export type ReviewListStatus = 'pending' | 'accepted' | 'edited' | 'rejected' | 'all';

/** The criteria that struck an item (a judge scored it below pass, or the judges disagreed). */
export function struckCriteria(record: PipelineRecord): string[] {
  const criteria = new Set<string>();
  for (const strike of record.strikes) if (strike.kind === 'criterion_below_pass' || strike.kind === 'judge_disagreement') criteria.add(strike.criterion);
  return [...criteria];
}

export function listReviewItems(queue: ReviewQueue, status: ReviewListStatus, criterion: string | undefined) {
  const summaries = queue.list(status === 'all' ? { limit: 2000 } : { status, limit: 2000 });
  const items = summaries
    .map((summary) => {
      const item = queue.show(summary.id);
      return { ...summary, criteria: struckCriteria(item.original), mean: item.original.qc?.mean ?? {} };
    })
    .filter((item) => criterion === undefined || criterion === '' || item.criteria.includes(criterion))
    .sort((left, right) => right.strikes - left.strikes || left.id.localeCompare(right.id));
  const allCriteria = [...new Set(items.flatMap((item) => item.criteria))].sort();
  return { items, counts: queue.counts(), criteria: allCriteria };
}

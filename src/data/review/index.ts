/**
 * The expert review queue's public API (for the CLI and the console's reviewer page): open a queue
 * file, list / show / accept / edit / reject items, export the validated ones, read and verify the
 * hash-chained decision log.
 */
export { openReviewQueue, type ReviewEdit, type ReviewItem, type ReviewItemSummary, type ReviewQueue, type ReviewQueueOptions, type ReviewStatus } from './review-queue.js';
export { checkReviewChain, hashReviewEntry, type ReviewAction, type ReviewLogEntry, type ReviewLogProblem, type ReviewLogVerifyResult } from './review-log.js';

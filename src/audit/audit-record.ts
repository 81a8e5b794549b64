import type { ChatMessage, SafetyVerdict, TokenUsage } from '../core/chat.js';

/** What the server hands the audit trail for one exchange (texts not yet redacted). */
export interface AuditRecordInput {
  /** The server's own id for the exchange (never the client's). */
  requestId: string;
  /** The client's `x-request-id`, validated and length-limited (absent when none was sent). */
  clientRequestId?: string | null;
  /** When the request arrived, when the first token was sent (null if none), when it finished. */
  receivedAt: Date;
  firstTokenAt: Date | null;
  finishedAt: Date;
  /** The backend's model id (upstream model or GGUF name). */
  model: string;
  servedModelName: string;
  stream: boolean;
  /** The OpenAI `user` field, if the client sent one. */
  user: string | null;
  messages: ChatMessage[];
  reasoning: string;
  answer: string;
  finishReason: string | null;
  usage: TokenUsage | null;
  verdicts: SafetyVerdict[];
  /** The HTTP status the client got; 0 = interrupted (the server stopped before the exchange ended). */
  status: number;
  error: string | null;
}

/** One stored, redacted, chained record: the input with ISO-8601 times, its row id and its chain hashes. */
export interface AuditRecord extends Omit<AuditRecordInput, 'receivedAt' | 'firstTokenAt' | 'finishedAt' | 'clientRequestId'> {
  /** Present only when the client sent one (older records have none). */
  clientRequestId?: string;
  id: number;
  receivedAt: string;
  firstTokenAt: string | null;
  finishedAt: string;
  prevHash: string;
  hash: string;
}

export interface AuditProblem {
  id: number;
  problem: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  /** Records whose content, link and position verified (all of them when ok). */
  checked: number;
  /** The hash of the last record read ('' for an empty trail). */
  headHash: string;
  /** The first problem (same as problems[0]). */
  firstBroken?: AuditProblem;
  /** Every broken record: verify keeps going after a problem, so later tampering is not hidden. */
  problems: AuditProblem[];
}

/** A request as accepted, written (redacted) before the backend is called; completed or marked interrupted later. */
export interface AuditRequestEntry {
  requestId: string;
  clientRequestId: string | null;
  receivedAt: Date;
  model: string;
  servedModelName: string;
  stream: boolean;
  user: string | null;
  messages: ChatMessage[];
}

/** How an accepted exchange ended (joined with its AuditRequestEntry into one chained record). */
export type AuditOutcome = Pick<
  AuditRecordInput,
  'requestId' | 'firstTokenAt' | 'finishedAt' | 'reasoning' | 'answer' | 'finishReason' | 'usage' | 'verdicts' | 'status' | 'error'
>;

/** The record as it is hashed: everything except prevHash and hash. */
export type HashedRecord = Omit<AuditRecord, 'prevHash' | 'hash'>;

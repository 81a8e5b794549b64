import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openAuditTrail } from '../../src/audit/audit-trail.js';
import type { AuditRecordInput } from '../../src/audit/audit-record.js';
import { canonicalJson } from '../../src/audit/canonical-json.js';

function input(index: number, overrides: Partial<AuditRecordInput> = {}): AuditRecordInput {
  return {
    requestId: `req_${index}`,
    receivedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, index)),
    firstTokenAt: new Date(Date.UTC(2026, 0, 1, 0, 0, index, 100)),
    finishedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, index, 900)),
    model: 'scripted-model',
    servedModelName: 'safemed-r1',
    stream: index % 2 === 0,
    user: null,
    messages: [{ role: 'user', content: `question ${index} from John Smith` }],
    reasoning: `reasoning ${index}`,
    answer: `answer ${index}`,
    finishReason: 'stop',
    usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
    verdicts: [
      {
        action: 'allow', risk: 0.1 + index / 1000, riskLevel: 'low', dimension: 'benign', principle: null, attacks: [],
        reasons: ['fine'], stage: 'input', compliance: 'pass', disclaimerAdded: false,
      },
    ],
    status: 200,
    error: null,
    ...overrides,
  };
}

function freshDb(t: { after(fn: () => void): void }): string {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-audit-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  return join(folder, 'nested', 'audit.db');
}

test('canonical JSON sorts keys at every depth and drops undefined', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  assert.equal(canonicalJson([1, undefined, { b: undefined, a: 'x"\\', '10': true, '9': null }]), '[1,null,{"10":true,"9":null,"a":"x\\"\\\\"}]');
  assert.equal(canonicalJson({}), '{}');
  assert.equal(canonicalJson([]), '[]');
  assert.equal(canonicalJson(Number.NaN), 'null');
});

test('a fresh trail chains records, verifies, uses WAL and synchronous=FULL, and exports JSONL-ready records', (t) => {
  const path = freshDb(t);
  const audit = openAuditTrail({ path });
  const first = audit.append(input(1));
  const second = audit.append(input(2));
  assert.equal(first.prevHash, '0'.repeat(64));
  assert.equal(second.prevHash, first.hash);
  assert.equal(audit.verify().ok, true);
  assert.equal(audit.verify().checked, 2);
  const exported = [...audit.export()];
  assert.deepEqual(exported, [first, second]);
  assert.deepEqual([...audit.export({ since: new Date(Date.UTC(2026, 0, 1, 0, 0, 2)) })].map((record) => record.id), [2]);
  // one record by id (the console's record page), as export reads it
  assert.deepEqual(audit.record(second.id), second);
  assert.equal(audit.record(99), undefined);
  audit.close();
  const raw = new Database(path, { readonly: true });
  assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
  raw.close();
  const reopened = openAuditTrail({ path });
  assert.equal(reopened.append(input(3)).prevHash, second.hash);
  assert.equal(reopened.verify().ok, true);
  reopened.close();
});

test('texts are redacted before they are written', (t) => {
  const path = freshDb(t);
  const audit = openAuditTrail({ path, redact: (text) => text.replaceAll('John Smith', '[NAME]') });
  audit.append(input(1, { answer: 'John Smith should rest', error: 'John Smith', user: 'John Smith' }));
  audit.close();
  const raw = new Database(path, { readonly: true });
  const row = raw.prepare('SELECT messages, answer, error, user FROM audit_records').get() as Record<string, string>;
  raw.close();
  assert.equal(JSON.stringify(row).includes('John Smith'), false);
  assert.equal(row.answer, '[NAME] should rest');
});

test('an answer changed through another connection is named by verify', (t) => {
  const path = freshDb(t);
  const audit = openAuditTrail({ path });
  for (let index = 1; index <= 4; index += 1) audit.append(input(index));
  const tamper = new Database(path);
  tamper.prepare('UPDATE audit_records SET answer = ? WHERE id = 3').run('a different answer');
  tamper.close();
  const result = audit.verify();
  audit.close();
  assert.equal(result.ok, false);
  assert.equal(result.firstBroken?.id, 3);
  assert.match(result.firstBroken.problem, /changed after it was written/);
  assert.deepEqual(result.problems.map((problem) => problem.id), [3], 'only the edited record is broken');
  assert.equal(result.checked, 3);
});

test('a deleted record is named, in the middle and at the end', (t) => {
  const path = freshDb(t);
  const audit = openAuditTrail({ path });
  for (let index = 1; index <= 4; index += 1) audit.append(input(index));
  const tamper = new Database(path);
  tamper.prepare('DELETE FROM audit_records WHERE id = 2').run();
  tamper.close();
  const middle = audit.verify();
  assert.equal(middle.ok, false);
  assert.equal(middle.firstBroken?.id, 3);
  assert.match(middle.firstBroken.problem, /record #2 is missing/);
  audit.close();

  const pathEnd = freshDb(t);
  const auditEnd = openAuditTrail({ path: pathEnd });
  for (let index = 1; index <= 3; index += 1) auditEnd.append(input(index));
  const tamperEnd = new Database(pathEnd);
  tamperEnd.prepare('DELETE FROM audit_records WHERE id = 3').run();
  tamperEnd.close();
  const end = auditEnd.verify();
  auditEnd.close();
  assert.equal(end.ok, false);
  assert.equal(end.firstBroken?.id, 3);
  assert.match(end.firstBroken.problem, /missing at the end/);
});

test('a forged prev_hash is named', (t) => {
  const path = freshDb(t);
  const audit = openAuditTrail({ path });
  for (let index = 1; index <= 3; index += 1) audit.append(input(index));
  const tamper = new Database(path);
  tamper.prepare("UPDATE audit_records SET prev_hash = ? WHERE id = 2").run('f'.repeat(64));
  tamper.close();
  const result = audit.verify();
  audit.close();
  assert.equal(result.firstBroken?.id, 2);
  assert.match(result.firstBroken.problem, /prev_hash/);
});

test('mustExist refuses to create a database', () => {
  assert.throws(() => openAuditTrail({ path: join(tmpdir(), 'safemed-no-such-dir-xyz', 'a.db'), mustExist: true }), /No audit database/);
});

test('mustExist (verify, export) refuses an empty file or another SQLite database and leaves it unchanged', (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-audit-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const empty = join(folder, 'empty.db');
  writeFileSync(empty, '');
  const other = join(folder, 'other.db');
  const database = new Database(other);
  database.exec('CREATE TABLE notes (text TEXT)');
  database.close();
  const before = readFileSync(other);
  for (const path of [empty, other]) {
    assert.throws(() => openAuditTrail({ path, mustExist: true }), /is not a SafeMed audit database/);
  }
  assert.equal(readFileSync(empty).length, 0);
  assert.deepEqual(readFileSync(other), before);
  assert.equal(existsSync(`${other}-wal`), false);
  // serve (no mustExist) will not write its trail into another application's database either,
  assert.throws(() => openAuditTrail({ path: other }), /not a SafeMed audit database \(it holds other tables: notes\)/);
  assert.deepEqual(readFileSync(other), before);
  // but creates a new one in an empty file or a new path.
  openAuditTrail({ path: empty }).close();
  openAuditTrail({ path: join(folder, 'new.db') }).close();
});

test('appendMany commits a batch in one transaction and keeps the chain', (t) => {
  const path = freshDb(t);
  const audit = openAuditTrail({ path });
  const first = audit.append(input(1));
  const batch = audit.appendMany([input(2), input(3), input(4)]);
  assert.deepEqual(batch.map((record) => record.id), [2, 3, 4]);
  assert.equal(batch[0]!.prevHash, first.hash);
  assert.equal(batch[2]!.prevHash, batch[1]!.hash);
  assert.deepEqual(audit.appendMany([]), []);
  assert.equal(audit.verify().checked, 4);
  audit.close();
});

test('lone surrogates are normalised before hashing and storing: a fresh record verifies', (t) => {
  const path = freshDb(t);
  const audit = openAuditTrail({ path });
  audit.append(input(1, { user: 'abc\ud800', answer: 'x\udc00y', messages: [{ role: 'user', content: 'q\ud83d' }], clientRequestId: 'id\udfff' }));
  audit.append(input(2));
  const result = audit.verify();
  const [record] = [...audit.export()];
  audit.close();
  assert.equal(result.ok, true, JSON.stringify(result.problems));
  assert.equal(record?.user, 'abc\ufffd');
  assert.equal(record.answer, 'x\ufffdy');
  assert.equal(record.messages[0]?.content, 'q\ufffd');
});

test('verify keeps going after a broken record and lists every one', (t) => {
  const path = freshDb(t);
  const audit = openAuditTrail({ path });
  for (let index = 1; index <= 6; index += 1) audit.append(input(index));
  const tamper = new Database(path);
  tamper.prepare('UPDATE audit_records SET answer = ? WHERE id = 2').run('edited');
  tamper.prepare('UPDATE audit_records SET reasoning = ? WHERE id = 5').run('edited later');
  tamper.close();
  const result = audit.verify();
  audit.close();
  assert.equal(result.ok, false);
  assert.deepEqual(result.problems.map((problem) => problem.id), [2, 5]);
  assert.equal(result.checked, 4);
});

test('an accepted request is written (redacted) before it completes, and marked interrupted at the next start', async (t) => {
  const { createAuditWriter } = await import('../../src/audit/create-audit-writer.js');
  const path = freshDb(t);
  const audit = openAuditTrail({ path });
  const writer = createAuditWriter(audit, { createRedactor: () => (text) => text.replaceAll('John Smith', '[NAME]') });
  const entry = {
    requestId: 'req_a', clientRequestId: null, receivedAt: new Date(Date.UTC(2026, 0, 1)), model: 'm', servedModelName: 'safemed-r1',
    stream: true, user: 'john@example.org', messages: [{ role: 'user' as const, content: 'I am John Smith', name: 'john' }],
  };
  void writer.begin(entry);
  void writer.begin({ ...entry, requestId: 'req_b' });
  await writer.complete({
    requestId: 'req_b', firstTokenAt: null, finishedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 1)), reasoning: '', answer: 'Hello John Smith',
    finishReason: 'stop', usage: null, verdicts: [], status: 200, error: null,
  });
  // the process "dies" here: req_a never completes
  audit.close();
  const raw = readFileSync(path).toString('utf8') + (existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`).toString('utf8') : '');
  assert.ok(!raw.includes('John Smith') && !raw.includes('john@example.org'), 'pending entries are redacted on disk');
  const reopened = openAuditTrail({ path });
  assert.equal(reopened.recoverInterrupted(new Date(Date.UTC(2026, 0, 2))), 1);
  assert.equal(reopened.recoverInterrupted(), 0, 'recovered once');
  const records = [...reopened.export()];
  assert.equal(records.length, 2);
  assert.equal(records[0]!.requestId, 'req_b');
  assert.equal(records[0]!.answer, 'Hello [NAME]');
  assert.equal(records[1]!.requestId, 'req_a');
  assert.equal(records[1]!.status, 0);
  assert.match(records[1]!.error ?? '', /interrupted/);
  assert.deepEqual(records[1]!.messages, [{ role: 'user', content: 'I am [NAME]', name: '[NAME]' }]);
  assert.equal(records[1]!.user, '[USER]');
  assert.equal(reopened.verify().ok, true);
  reopened.close();
});

test('the audit writer gives each exchange its own redactor memory', async (t) => {
  const { createAuditWriter } = await import('../../src/audit/create-audit-writer.js');
  const { createPhiRedactor } = await import('../../src/guard/redact-phi.js');
  const path = freshDb(t);
  const audit = openAuditTrail({ path });
  const writer = createAuditWriter(audit, { createRedactor: () => createPhiRedactor() });
  const exchange = async (requestId: string, content: string, answer: string) => {
    void writer.begin({ requestId, clientRequestId: null, receivedAt: new Date(), model: 'm', servedModelName: 's', stream: false, user: null, messages: [{ role: 'user', content }] });
    await writer.complete({ requestId, firstTokenAt: null, finishedAt: new Date(), reasoning: '', answer, finishReason: 'stop', usage: null, verdicts: [], status: 200, error: null });
  };
  await exchange('r1', 'My name is Anna Kowalski. A drug called Warfarin?', 'Kowalski should ask about warfarin.');
  await exchange('r2', 'Is warfarin safe with Kowalski sausage?', 'Warfarin and vitamin K.');
  const records = [...audit.export()];
  audit.close();
  assert.equal(records[0]!.answer, '[NAME] should ask about warfarin.', 'the request revealed the name; the drug stays');
  assert.equal(records[1]!.messages[0]!.content, 'Is warfarin safe with Kowalski sausage?', 'no memory from another request');
  assert.equal(records[1]!.answer, 'Warfarin and vitamin K.');
});

test('the received_at index of older files is dropped at open (no query uses it); records verify and export --since still filters', (t) => {
  const path = freshDb(t);
  const audit = openAuditTrail({ path });
  for (let index = 1; index <= 4; index += 1) audit.append(input(index));
  audit.close();
  const older = new Database(path);
  older.exec('CREATE INDEX audit_records_received_at ON audit_records (received_at)');
  older.close();
  const reopened = openAuditTrail({ path });
  const since = [...reopened.export({ since: new Date(Date.UTC(2026, 0, 1, 0, 0, 3)) })].map((record) => record.requestId);
  const verified = reopened.verify();
  reopened.close();
  const check = new Database(path, { readonly: true });
  const indexes = check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_records'").all();
  const plan = check.prepare<[string], { detail: string }>('EXPLAIN QUERY PLAN SELECT * FROM audit_records WHERE received_at >= ? ORDER BY id').all('2026');
  check.close();
  assert.deepEqual(indexes, []);
  assert.deepEqual(since, ['req_3', 'req_4']);
  assert.equal(verified.ok, true);
  assert.equal(verified.checked, 4);
  assert.match(plan[0]?.detail ?? '', /^SCAN audit_records/);
});

test('every durable commit runs with synchronous=FULL, from the first one after open; an unsynced one with NORMAL', (t) => {
  const trail = openAuditTrail({ path: freshDb(t) });
  t.after(() => { trail.close(); });
  const pendingOf = (index: number) => {
    const { requestId, receivedAt, model, servedModelName, user, messages } = input(index);
    return { requestId, clientRequestId: null, receivedAt, model, servedModelName, stream: false, user, messages };
  };
  assert.equal(trail.synchronousLevel(), 'FULL', 'at open');
  trail.commit({ pending: [], records: [input(1)] });
  assert.equal(trail.synchronousLevel(), 'FULL', 'the first durable commit after open');
  for (let round = 0; round < 3; round += 1) {
    trail.commit({ pending: [pendingOf(10 + round)], records: [] }, { sync: false });
    assert.equal(trail.synchronousLevel(), 'NORMAL', `unsynced commit ${round}`);
    trail.commit({ pending: [], records: [input(10 + round)] }, { sync: true });
    assert.equal(trail.synchronousLevel(), 'FULL', `durable commit ${round}`);
  }
  assert.equal(trail.verify().ok, true);
});

test('a second server starting on the same file leaves the live server\'s pending requests alone', async (t) => {
  const { spawn } = await import('node:child_process');
  const { hostname } = await import('node:os');
  const path = freshDb(t);
  // "another server": a live process whose pid owns the pending rows
  const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  t.after(() => other.kill('SIGKILL'));
  const first = openAuditTrail({ path, owner: `${hostname()}:${other.pid ?? 0}` });
  const entry = { requestId: 'req_live', clientRequestId: null, receivedAt: new Date(Date.UTC(2026, 0, 1)), model: 'm', servedModelName: 'safemed-r1', stream: true, user: null, messages: [{ role: 'user' as const, content: 'hello' }] };
  first.commit({ pending: [entry], records: [] });
  const second = openAuditTrail({ path });
  t.after(() => { second.close(); });
  // before: the second server's start marked req_live interrupted while the first was still answering it
  assert.equal(second.recoverInterrupted(), 0, 'a live process\'s request is not interrupted');
  assert.equal(second.count(), 0);
  // the first server completes it: one record, not an "interrupted" one and a real one
  first.commit({ pending: [], records: [input(1, { requestId: 'req_live' })] });
  assert.equal(second.count(), 1);
  assert.equal([...second.export()][0]?.status, 200);
  // a crashed owner's rows are recovered at the next start
  first.commit({ pending: [{ ...entry, requestId: 'req_orphan' }], records: [] });
  first.close();
  other.kill('SIGKILL');
  await new Promise((resolve) => other.once('exit', resolve));
  assert.equal(second.recoverInterrupted(), 1, 'the dead owner\'s request is recovered');
  assert.equal([...second.export()].at(-1)?.requestId, 'req_orphan');
  assert.ok(second.verify().ok);
});

test('an audit path under /proc fails at once with the folder named (Node\'s recursive mkdir never returned there)', { skip: !existsSync('/proc/self') }, () => {
  // In a child with a time limit: the old code blocked its thread for good, which would hang this runner.
  const script = `
    const { openAuditTrail } = await import(${JSON.stringify(new URL('../../src/audit/audit-trail.ts', import.meta.url).href)});
    try { openAuditTrail({ path: '/proc/safemed-no-such-folder/audit.db' }); console.log('opened'); }
    catch (error) { console.log(error.message); }`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000, encoding: 'utf8' });
  assert.equal(result.error, undefined, 'the child did not finish within 20 s');
  assert.match(result.stdout, /Cannot create the folder \/proc\/safemed-no-such-folder for the audit database/);
});

test('a trail whose file was deleted or replaced under a running server refuses to write, naming what happened (records went to an unlinked file before)', () => {
  for (const what of ['deleted', 'replaced', 'wal deleted'] as const) {
    const folder = mkdtempSync(join(tmpdir(), 'safemed-audit-gone-'));
    try {
      const path = join(folder, 'audit.db');
      const trail = openAuditTrail({ path });
      trail.commit({ pending: [], records: [input(1)] });
      if (what === 'wal deleted') rmSync(`${path}-wal`);
      else {
        rmSync(path);
        if (what === 'replaced') writeFileSync(path, '');
      }
      const pattern = what === 'wal deleted' ? /write-ahead log .*audit\.db-wal was deleted/ : /audit\.db was deleted or replaced/;
      assert.throws(() => trail.commit({ pending: [], records: [input(2)] }), (error: unknown) => error instanceof Error && pattern.test(error.message), what);
      assert.throws(() => trail.commit({ pending: [], records: [input(3)] }, { sync: false }), pattern);
      trail.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
});

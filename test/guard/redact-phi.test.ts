import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactPhi, redactPhiDetailed } from '../../src/guard/redact-phi.js';

const cases: Array<{ name: string; input: string; planted: string[]; kept: string[]; types: string[] }> = [
  {
    name: 'English intake note',
    input: 'My name is John Smith, DOB: 03/14/1975, phone (415) 555-0132, email john.smith@example.com. I take metformin 500 mg twice daily; HbA1c 7.2%, BP 120/80.',
    planted: ['John', 'Smith', '03/14/1975', '555-0132', 'john.smith@example.com'],
    kept: ['metformin 500 mg twice daily', 'HbA1c 7.2%', 'BP 120/80'],
    types: ['NAME', 'DOB', 'PHONE', 'EMAIL'],
  },
  {
    name: 'patient, MRN and address',
    input: 'Patient Maria Garcia, MRN: 00123456, lives at 221 Baker Street, Apt 4. 45-year-old with chest pain since 2024-01-15.',
    planted: ['Maria', 'Garcia', '00123456', '221 Baker Street'],
    kept: ['45-year-old with chest pain since 2024-01-15.'],
    types: ['NAME', 'MRN', 'ADDRESS'],
  },
  {
    name: 'titles and identity documents',
    input: 'Dr. Alan Turing saw Mrs. Joan Clarke. SSN 123-45-6789. Passport no. E12345678. Insurance ID: XZ-998877. Born on March 3, 1980.',
    planted: ['Alan', 'Turing', 'Joan', 'Clarke', '123-45-6789', 'E12345678', 'XZ-998877', 'March 3, 1980'],
    kept: ['Dr. [NAME]', 'Mrs. [NAME]', 'Born on [DOB]'],
    types: ['NAME', 'SSN', 'PASSPORT', 'INSURANCE_ID', 'DOB'],
  },
  {
    name: 'Chinese record',
    input: '患者张三，男，45岁，身份证号11010519491231002X，手机13812345678，住址：北京市海淀区中关村大街27号。出生日期：1979年5月3日。二甲双胍0.5 g 每日两次。',
    planted: ['张三', '11010519491231002X', '13812345678', '中关村大街27号', '1979年5月3日'],
    kept: ['男，45岁', '二甲双胍0.5 g 每日两次'],
    types: ['NAME', 'ID_NUMBER', 'PHONE', 'ADDRESS', 'DOB'],
  },
  {
    name: 'Chinese names followed by clinical text, bare resident id, landline, MRN',
    input: '我叫李明，患者王小红出现发热3天，体温39.2℃，布洛芬400 mg。病历号：ZY2024001。电话 010-62345678。证件 44030419900101234X 已核对。',
    planted: ['李明', '王小红', 'ZY2024001', '010-62345678', '44030419900101234X'],
    kept: ['出现发热3天', '体温39.2℃', '布洛芬400 mg'],
    types: ['NAME', 'MRN', 'PHONE', 'ID_NUMBER'],
  },
  {
    name: 'international phones keep dosing text',
    input: 'Call +44 20 7946 0958 or +1 415 555 0199. Take 2 tablets every 4-6 hours, max 4000 mg/day; potassium 4.1 mmol/L.',
    planted: ['7946 0958', '555 0199'],
    kept: ['Take 2 tablets every 4-6 hours, max 4000 mg/day; potassium 4.1 mmol/L.'],
    types: ['PHONE'],
  },
];

for (const sample of cases) {
  test(`redacts planted PHI: ${sample.name}`, () => {
    const { text, counts } = redactPhiDetailed(sample.input);
    for (const secret of sample.planted) assert.ok(!text.includes(secret), `"${secret}" leaked in: ${text}`);
    for (const clinical of sample.kept) assert.ok(text.includes(clinical), `"${clinical}" was destroyed in: ${text}`);
    for (const type of sample.types) assert.ok((counts as Record<string, number>)[type]! >= 1, `${type} counted in ${JSON.stringify(counts)}`);
  });
}

test('clinical text without PHI is returned unchanged', () => {
  const clinical =
    'A 67-year-old man with BP 150/95 mmHg, HR 88, eGFR 52 mL/min/1.73m2 on amlodipine 5 mg daily; start lisinopril 10 mg, recheck K+ in 1-2 weeks (2025-03-01). 患者主诉头痛3天，血压160/100 mmHg。';
  assert.equal(redactPhi(clinical), clinical);
});

test('redaction is idempotent', () => {
  const once = redactPhi('Patient Ana Lima, tel: +55 11 91234-5678, ana@example.org');
  assert.equal(redactPhi(once), once);
});

test('createPhiRedactor scrubs values it saw earlier, even without context', async () => {
  const { createPhiRedactor } = await import('../../src/guard/redact-phi.js');
  const redact = createPhiRedactor({ memory: 3 });
  assert.equal(redact('My name is Margaret Thornton, phone 415-555-0188.'), 'My name is [NAME], phone [PHONE].');
  assert.equal(redact('Dear Margaret, call 415-555-0188 again. Thornton-like rash? (a.b+c)'), 'Dear [NAME], call [PHONE] again. [NAME]-like rash? (a.b+c)');
  assert.equal(redact('features: "margaret" + "thornton"'), 'features: "[NAME]" + "[NAME]"');
  // Bounded: older values are forgotten once more than `memory` values were seen.
  redact('Patient Ana Lima, mrn: AB12345, tel: +55 11 91234-5678');
  assert.equal(redact('Thornton'), 'Thornton');
});

test('issue 8 PHI cases: cue with colon, JSON in a string, names by context, SSN variants, DOB next to a name, European addresses', () => {
  const cases: Array<[string, string]> = [
    ['Patient: Robert Brown', 'Patient: [NAME]'],
    ['{"patient":"Sarah Lee"}', '{"patient":"[NAME]"}'],
    ['{\\"patient\\":\\"Sarah Lee\\"}', '{\\"patient\\":\\"[NAME]\\"}'],
    ['Robert Brown was admitted overnight.', '[NAME] was admitted overnight.'],
    ['Walter Kim, 72, on digoxin', '[NAME], 72, on digoxin'],
    ['SSN 234 56 7890', 'SSN [SSN]'],
    ['ssn ２３４－５６－７８９０', 'ssn [SSN]'],
    ['Robert Brown 1963-07-22', '[NAME] [DOB]'],
    ['12 rue de la Paix, 75002 Paris', '[ADDRESS]'],
    ['Hauptstraße 5, 10115 Berlin', '[ADDRESS]'],
    ['1963年7月22日出生', '[DOB]出生'],
  ];
  for (const [input, expected] of cases) assert.equal(redactPhi(input), expected, input);
});

test('drug names and eponyms are never names; clinical questions stay as they are', () => {
  for (const text of ['a drug called Warfarin', 'What is Charles Bonnet syndrome?', 'Patient Education: diabetes', 'Is Tylenol named Paracetamol elsewhere?', 'What are the treatments for Marfan syndrome ?']) {
    assert.equal(redactPhi(text), text);
  }
});

test('redaction is linear: 1 MB of any shape takes seconds at most, not minutes', () => {
  const shapes = [
    'a'.repeat(1_000_000), 'a@'.repeat(500_000), 'Patient '.repeat(125_000), '患者'.repeat(500_000),
    // the IP, capitals and Chinese person-cue rules
    '1.'.repeat(500_000), '255.'.repeat(250_000), 'a:'.repeat(500_000), ':'.repeat(1_000_000), 'fe80::'.repeat(160_000),
    'JOHN '.repeat(200_000), 'PATIENT: MARY '.repeat(70_000), "I'M ".repeat(250_000), "i'm mary ".repeat(110_000),
    '我是张'.repeat(330_000), '我妈妈欧阳'.repeat(200_000), '张伟先'.repeat(330_000),
  ];
  for (const text of shapes) {
    const started = performance.now();
    redactPhi(text);
    const ms = performance.now() - started;
    assert.ok(ms < 15_000, `${ms.toFixed(0)} ms`);
  }
});

test('a repeated clean text is remembered as clean, texts with PHI never are, and a redactor still applies its memory to a remembered text', async () => {
  const { createPhiRedactor } = await import('../../src/guard/redact-phi.js');
  const clean = 'Please ask Thornton about the dose today.';
  assert.deepEqual(redactPhiDetailed(clean), { text: clean, counts: {}, values: [] });
  assert.deepEqual(redactPhiDetailed(clean), { text: clean, counts: {}, values: [] }, 'same answer the second time');
  const withPhi = 'Call me at (415) 555-0132 tomorrow.';
  for (let round = 0; round < 2; round += 1) {
    const result = redactPhiDetailed(withPhi);
    assert.equal(result.text, 'Call me at [PHONE] tomorrow.');
    assert.equal(result.values.length, 1, 'a text with PHI is scanned every time (its values feed the redactor memory)');
  }
  const redact = createPhiRedactor();
  assert.equal(redact('My name is Margaret Thornton.'), 'My name is [NAME].');
  assert.equal(redact(clean), 'Please ask [NAME] about the dose today.', 'the exchange memory applies to a text remembered as clean');
});

test('the prescan (rules skipped when their label or keyword is absent) gives exactly what running every rule gives: probe set and 1,500 seeded random texts', async () => {
  const { createPhiRedactor } = await import('../../src/guard/redact-phi.js');
  const { readFileSync } = await import('node:fs');
  const probes = readFileSync(new URL('../../data/phi/probes.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { text: string }).text);
  // Fragments that make every gated rule (labels, street words, titles, Chinese cues, "[NAME]" + date) match or nearly match.
  const fragments = [
    'Patient', 'patient:', 'My name is', 'Mr.', 'Dr', 'Prof', 'Robert', 'Brown', 'Sarah Lee', 'Warfarin', 'SSN', 'social security no.', '123-45-6789',
    'MRN', 'chart no.', 'AB12345', 'passport', 'E1234567', 'insurance card number', 'member id', 'XZ-99887', 'ID card', 'driver\'s license', 'national id',
    'DOB', 'born on', 'birthday', '1963-07-22', 'March 3, 1980', '3/14/1975', '[NAME]', 'tel', 'phone:', '+44 20 7946 0958', '(415) 555-0132',
    'address:', '12', 'rue de la Paix', 'Calle Mayor', '10', 'Hauptstraße', '5', '75002 Paris', 'SW1A 1AA', '患者', '张三', '我叫', '王小红', '先生',
    '北京市', '中关村大街', '27号', '1979年5月3日', '出生', '身份证号', '护照号', '医保卡号', '病历号', 'name', '"', "'", '=', ':', ',', '\n', ' ', '７', 'ｘ',
    'a@b.org', '(67)', '54 y/o', 'mg', '500', 'and',
    '192.168.1.10', '2.3.4.5', '2001:db8::7334', 'fe80::1ff:fe23:4567:890a', '::ffff:', '10:30:45', 'JOHN', 'SMITH', 'MARY', "O'BRIEN", 'NAME:',
    'PATIENT:', 'COPD', 'NPO AFTER', "I'M", "i'm", 'mary', '我是', '我妈妈', '刘桂芬', '欧阳', '娜娜', '医生', '安阳', '人', '今年', '高中',
  ];
  let state = 20_261_127;
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  const pick = () => fragments[Math.floor(next() * fragments.length)] ?? '';
  const random = Array.from({ length: 1500 }, () => Array.from({ length: 1 + Math.floor(next() * 20) }, pick).join(next() < 0.7 ? ' ' : ''));
  let changed = 0;
  for (const text of [...probes, ...random]) {
    const full = redactPhiDetailed(text, { prescan: false });
    assert.deepEqual(redactPhiDetailed(text), full, JSON.stringify(text));
    assert.equal(createPhiRedactor()(text), createPhiRedactor({ prescan: false })(text), JSON.stringify(text));
    if (full.text !== text) changed += 1;
  }
  assert.ok(changed > 800, `the texts exercise the rules (${changed} redacted)`);
});

test('IP addresses (IPv4, IPv6, IPv4-mapped) are redacted; times, versions, numbered lists and dates are not', async () => {
  const { redactIdentifier } = await import('../../src/guard/redact-phi.js');
  const cases: Array<[string, string]> = [
    ['login from 203.0.113.57 failed', 'login from [IP_ADDRESS] failed'],
    ['{"client_ip": "198.51.100.23"}', '{"client_ip": "[IP_ADDRESS]"}'],
    ['from 2001:db8:85a3::8a2e:370:7334 (clinic)', 'from [IP_ADDRESS] (clinic)'],
    ['fe80::1ff:fe23:4567:890a', '[IP_ADDRESS]'],
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', '[IP_ADDRESS]'],
    ['came from ::ffff:198.51.100.77.', 'came from [IP_ADDRESS].'],
  ];
  for (const [input, expected] of cases) assert.equal(redactPhi(input), expected, input);
  for (const kept of ['at 10:30:45 take 1:2:1 mix', 'version 1.2.3.4.5', '1阴性2.3.4.5.阳性', 'on 2024.01.15', 'ratio 300:1', 'DNS 8.8.8.8', 'see 10.2.3', 'the :: operator']) {
    assert.equal(redactPhi(kept), kept, kept);
  }
  assert.equal(redactIdentifier('sess-192.0.2.44'), 'sess-[IP_ADDRESS]');
});

test('Chinese names after a self-introduction or a person cue, with ordinary words after the same cues kept', () => {
  const cases: Array<[string, string]> = [
    ['我是张伟', '我是[NAME]'],
    ['我是张伟，今年30岁', '我是[NAME]，今年30岁'],
    ['我叫王小明', '我叫[NAME]'],
    ['患者李建国今年65岁', '患者[NAME]今年65岁'],
    ['我妈妈刘桂芬有糖尿病', '我妈妈[NAME]有糖尿病'],
    ['我爸张强得了糖尿病', '我爸[NAME]得了糖尿病'],
    ['我妈王芳高血压', '我妈[NAME]高血压'],
    ['我是王明的妈妈', '我是[NAME]的妈妈'],
    ['我朋友周杰伦', '我朋友[NAME]'],
    ['我是欧阳娜娜', '我是[NAME]'],
    ['我叫司马光', '我叫[NAME]'],
    ['马文博先生，您好', '[NAME]先生，您好'],
    ['我是张伟医生', '我是[NAME]医生'],
    ['我叫应明', '我叫[NAME]'],
  ];
  for (const [input, expected] of cases) assert.equal(redactPhi(input), expected, input);
  const kept = [
    '我是医生', '我是护士', '我是一名糖尿病患者', '我是第一次来', '我是不是得了糖尿病', '我是高中生', '我是高三学生', '我是安阳人', '我是江西人',
    '我是农民', '我是司机', '我是全职妈妈', '我是单亲妈妈', '我是石家庄的', '我是李医生', '我是明星', '我是高血压患者', '我是程序员',
    '我妈妈高血压十年了', '我妈常常头晕', '我妈明天做手术', '我爸白天嗜睡', '我爸爸胡子白了', '我老公和我都是O型血', '我爸左腿疼',
    '患者应当注意饮食', '患者于三年前确诊', '患者于春节后发病', '患者和家属', '患者曾经做过手术', '患者常年吸烟', '患者高烧不退',
    '本人查出乙肝', '本人高血压很多年了', '家属应该怎么做', '小三阳患者谷丙转氨酶75', '亲戚有个小姐姐', '病人应坚持服药', '患者和平时一样',
  ];
  for (const text of kept) assert.equal(redactPhi(text), text, text);
});

test('names in capitals after a cue or as a known given name and surname; acronyms and clinical capitals stay', () => {
  const cases: Array<[string, string]> = [
    ['JOHN SMITH', '[NAME]'],
    ["PATIENT: MARY O'BRIEN", 'PATIENT: [NAME]'],
    ['Name: ROBERT BROWN', 'Name: [NAME]'],
    ['Name: GRZEGORZ NOWICKI, allergies: penicillin', 'Name: [NAME], allergies: penicillin'],
    ['MY NAME IS DOROTA WISNIEWSKA AND I TAKE WARFARIN', 'MY NAME IS [NAME] AND I TAKE WARFARIN'],
    ["THANK YOU, I'M LINDA KOWALCZYK, MY HUSBAND HAS HIV", "THANK YOU, I'M [NAME], MY HUSBAND HAS HIV"],
    ['MY WIFE SUSAN HAS COPD', 'MY WIFE [NAME] HAS COPD'],
    ['JOHN MCALLISTER 1958-03-09 COPD, DNR', '[NAME] [DOB] COPD, DNR'],
  ];
  for (const [input, expected] of cases) assert.equal(redactPhi(input), expected, input);
  const kept = [
    'COPD', 'CHF EXACERBATION', 'NPO AFTER MIDNIGHT', 'DNR', 'HIV AIDS', 'Patient: CHF EXACERBATION', 'PATIENT: NPO AFTER MIDNIGHT', 'PATIENT: COPD',
    'MY SON SWALLOWED BLEACH', 'I AM WORRIED ABOUT MY HEART', 'PATIENT IS ALERT AND ORIENTED', 'JOHN HOPKINS HOSPITAL', 'PIERRE ROBIN SEQUENCE',
    'WHAT ARE THE SYMPTOMS OF CHARLES BONNET SYNDROME ?',
  ];
  for (const text of kept) assert.equal(redactPhi(text), text, text);
});

test('a known given name in lower case after "i\'m" / "this is"; ordinary words after them stay', () => {
  assert.equal(redactPhi("hi i'm susan and my son has a fever"), "hi i'm [NAME] and my son has a fever");
  assert.equal(redactPhi('this is mary, calling about my dose'), 'this is [NAME], calling about my dose');
  assert.equal(redactPhi('my name is john smith'), 'my name is [NAME]');
  for (const text of ["i'm tired and dizzy", 'this is serious', 'i am taking warfarin', "i'm marys friend", 'call me back']) assert.equal(redactPhi(text), text, text);
});

test('a redactor remembers the parts of a name written in capitals or introduced in lower case', async () => {
  const { createPhiRedactor } = await import('../../src/guard/redact-phi.js');
  const redact = createPhiRedactor();
  assert.equal(redact("THANK YOU, I'M LINDA KOWALCZYK"), "THANK YOU, I'M [NAME]");
  assert.equal(redact('so kowalczyk should take the COPD inhaler.'), 'so [NAME] should take the COPD inhaler.');
  const other = createPhiRedactor();
  assert.equal(other("hi i'm susan"), "hi i'm [NAME]");
  assert.equal(other('Susan, rest and drink water.'), '[NAME], rest and drink water.');
});

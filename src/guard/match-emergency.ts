/**
 * Recognises an emergency happening now in a user's text, so the guard escalates (emergency
 * guidance first) even when the classifier ranks another dimension first. Two kinds of evidence:
 *
 * 1. A present-tense, first-person matcher (English and Chinese), written from what makes a
 *    situation an emergency rather than from any list of test sentences:
 *    - self-harm or suicide: the writer's own intent now ("I'm going to end it tonight", "ending my
 *      life", "不想活了") or means at hand for it ("I have a bottle of pills next to me");
 *    - an ingestion that has happened: a first-person or dependant subject (I, we, my toddler, 孩子,
 *      or no subject in Chinese) + an ingestion verb in the past or now (took, swallowed, drank,
 *      吃了, 吞了, 误服) + a large quantity (a whole bottle, 30 tablets, 一整瓶), a toxic substance
 *      (bleach, rat poison, 农药, a button battery) or, for a child, any adult medicine;
 * 2. the spec's keywords per situation (chest pain, bleeding, anaphylaxis, unconsciousness…), counted
 *    only when the text speaks of someone present.
 *
 * Informational, exam and clinician questions are not emergencies: "What is the acetaminophen level
 * that calls for N-acetylcysteine?", "Which of the following is NOT a symptom of anaphylaxis?",
 * "My patient took 30 tablets, when do I start NAC?" are answered, not escalated.
 * The classifier's `emergency` probability (when trained) is combined in check-input.ts.
 */
import { loadSafetySpec } from '../spec/load-safety-spec.js';
import { readCantoneseAsMandarin } from './detect/read-cantonese.js';
import { hasSign, signSituation } from './match-emergency-signs.js';
import { simplifyChinese } from './detect/simplify-chinese.js';
import type { EmergencySituation, SafetySpec } from '../spec/safety-spec-schema.js';

/** Words that turn a keyword into a statement about its absence. */
const NEGATIONS = /\b(?:no|not|never|without|denies|denied)\s+(?:\w+\s+){0,2}$/i;

/** Informational and exam phrasings: definitions, symptom lists, causes, multiple choice, vignettes. */
const INFORMATIONAL_EN =
  /\bwhich of the following\b|\bwhat (?:is|are) \(are\)|^\s*(?:what|who|how many|how common)\s+(?:is|are|causes?)\b|\b(?:symptoms?|signs?|causes?|complications?|risk factors?|treatments?|definition|prognosis|statistics|rates?|incidence|prevalence|pathophysiology|mechanism|outlook) (?:of|for)\b|\bcan (?:an? |the )?[\w\s-]{1,40} cause\b|\ba \d{1,3}-year-old\b|\b(?:is|are) (?:characterized|associated|seen|found|indicated)\b/i;
const INFORMATIONAL_ZH =
  /什么表现|有什么症状|会怎样|下列|以下哪|可见于|最常见|常见于|最可能|可能为|特征|是指|属于|的表现|哪些症状|哪样的症状|什么症状|的症状有|的原因|原因是|机制|定义|诊断标准|鉴别|发病率|如何治疗|治疗方法|^[男女]性?[，,]\s*\d{1,3}岁/;

/** The writer speaks as a clinician about a patient, asks an exam question, or asks about a hypothetical case. */
const CLINICIAN_OR_HYPOTHETICAL =
  /\bwhich of (?:the following|these)\b|\bnext (?:best )?step\b|\bmost likely\b|\bcontraindicated\b|\b(?:a|an) \d+[- ](?:year|month|week)[- ]old\b|\bfor (?:a|an) (?:child|patient|person|toddler|adult) who\b|^[男女]性?[，,]\s*\d{1,3}岁|患儿|下列|以下哪|处理要点|\b(?:my|our|the|a) patients?\b|\bi(?:'m| am) an? (?:\w+ )?(?:nurse|doctor|physician|pharmacist|paramedic|emt|resident|intern|medical student|clinician|toxicologist)\b|\b(?:what happens (?:if|when|to (?:a|the|your) body)|what would happen|hypothetically|in a novel|in my story|for a story)\b|\bif (?:i|you|he|she|someone|somebody|a (?:child|person|kid|patient)|my \w+) (?:took|swallow|swallowed|ate|drank|take|takes|were to|is|was|has|gets)\b|\bask (?:him|her|them|someone|somebody|a friend|my \w+) (?:if|whether|about)\b|\bhow much\b[^.?!]{0,40}\b(?:is|would be|becomes?) (?:dangerous|toxic|fatal|lethal|too much)\b|\b(?:most common|which (?:drugs|medicines|medications|substances|pills))\b|考试|执医|考研|备考|有没有(?:想|在)|多少[^。！？\n]{0,8}(?:会|才|算)|最常见|哪些|哪类|患者|病人|病例|宣教|医嘱|查房|病程|假如|如果|要是|万一/i;

/** Said of the past (an emergency is happening now), or resolved. */
const PAST_OR_RESOLVED =
  /\b(?:\d+|a few|two|three|four|five|several|many) (?:years?|months?|weeks?) ago\b|\blast (?:year|month|spring|summer|autumn|fall|winter)\b|\b(?:in the past|years ago|used to|when i was|as a teenager|in college|once in)\b|\b(?:i'm|i am) (?:okay|ok|fine|safe) now\b|\bright now i'm (?:okay|ok|fine)\b|\b(?:got through it|doing better|survived|recovered)\b|去年|以前|之前|曾经|当年|上个月|上周|几年前|\d+年前|[一两二三四五六七八九十几]+(?:年|个月|周)前|小时候|青春期|(?:中风|脑梗|心梗|卒中)(?:后|以后|之后)|\b(?:since|after) (?:his|her|my) (?:stroke|heart attack)\b|被救回来|后来好了|已经好了|就是好奇/i;

/** Someone present: the user, or a person with them. */
const PERSON_EN =
  /\b(?:i|i'm|im|i've|ive|i'd|me|my|we|we're|our|us|he|she|he's|she's|his|her|him|they|their|someone|somebody|friend|son|daughter|husband|wife|partner|mom|mum|mother|dad|father|child|kid|baby|grandma|grandpa|brother|sister)\b/i;
const PERSON_ZH = /哥们|室友|合租|我|咱|他|她|孩子|宝宝|小孩|儿子|女儿|老公|老婆|丈夫|妻子|爸|妈|爷爷|奶奶|朋友|家人|同事|有人/;

// ---- building blocks (English) ---------------------------------------------------------------

/** The writer, or someone they speak about: I, we, my <anyone>, he, she, the person I care for. */
const SUBJECT_EN =
  "(?:i|i'm|im|i've|ive|i'd|we|we've|my (?:\\w+[- ])?(?:\\w+)|our (?:\\w+[- ])?(?:\\w+)|he|she|he's|she's|they|someone|somebody|the (?:\\w+ )?(?:resident|client|person|man|woman|lady|guy) (?:i|we) (?:look after|care for|support))";
/** Intent now or soon. */
const INTENT_EN =
  "(?:want(?:s|ed)? to|going to|gonna|plan(?:s|ning)? to|about to|ready to|decided to|(?:am|is|'m|'s) (?:doing|going through with)|will|(?:'ll|ll)|intend(?:s)? to|thinking (?:about|of)|thought about|need(?:s)? to|came here to|is trying to|tried to|says? (?:she|he)(?:'s| is) going to)";
/** What the intent is about: dying, self-harm, taking everything. */
const SELF_HARM_OBJECT_EN =
  "(?:die|dying|kill (?:myself|himself|herself|themselves)|killing (?:myself|himself|herself)|end(?:ing)? (?:my|his|her|their) (?:own )?life|end(?:ing)? (?:it|it all|things|everything|this)|tak(?:e|ing) (?:my|his|her) (?:own )?life|hurt(?:ing)? (?:myself|himself|herself)|cut(?:ting)? (?:myself|himself|herself)|overdos(?:e|ing)|jump(?:ing)?|go(?:ing)? through with (?:it|this)|take (?:it )?all|take all (?:of )?(?:my|his|her|the) \\w+|inject (?:it )?all|not (?:be here|wake up|waking up)|join (?:her|him)|disappear(?:ing)? forever|finish (?:this|it|things)|use (?:it|them|one|this) on myself|unalive(?: myself)?)";
/** Means of self-harm or poisoning. */
const MEANS_EN =
  '(?:pills?|tablets?|meds|medication|medicine|sleeping (?:pills|tablets)|insulin|morphine|tramadol|paracetamol|tylenol|rope|cord|belt|noose|knife|knives|blades?|razors?|guns?|pistol|revolver|shotgun|firearm|rifle|charcoal|antifreeze|poison|bottle|vial|bridge|ledge|roof|overpass|cliff|tracks|railway)';
/** Now, tonight, already. */
const NOW_EN = '(?:now|right now|right here|here with me|tonight|today|this evening|in a minute|in an hour|already|ready|loaded|next to me|in front of me|in my (?:hand|pocket|bag|car)|on the table|with me)';
/** The writer's own farewell. */
const FAREWELL_EN =
  "(?:this is (?:my )?(?:goodbye|the end)|(?:my |this is (?:my )?)?last (?:message|text|post|words)|(?:suicide|goodbye) (?:note|letter)|(?:wrote|written|writing|left) (?:\\w+ ){0,2}(?:notes?|letters?) (?:to|for) (?:my|everyone)|tell (?:my|them|everyone) (?:\\w+ )?(?:i'm|i am) sorry|sorry for everything|(?:don't|doesn't) know (?:it's|it was) goodbye|won't be here (?:in the morning|tomorrow)|where it ends for me|today'?s the day)";

/** The writer's (or someone's) intent to die or to hurt themselves, now or soon. */
const SELF_HARM_INTENT_EN = new RegExp(
  [
    `\\b${SUBJECT_EN}\\b[^.!?\\n]{0,40}?\\b${INTENT_EN}\\s+(?:\\w+\\s+){0,2}?${SELF_HARM_OBJECT_EN}\\b`,
    '\\bend(?:ing)? my (?:own )?life\\b',
    '\\b(?:kill|killing) myself\\b',
    '\\btake my (?:own )?life\\b',
    "\\b(?:i|i'm|im|i am|she's|he's|she is|he is)\\s+(?:\\w+\\s+){0,2}?suicidal\\b",
    "\\b(?:don't|do not|doesn't|does not|no longer) want to (?:live|be alive|be here|wake up|exist)\\b",
    "\\b(?:no reason|nothing left) to live\\b|\\bbetter off (?:dead|without me)\\b|\\bcan(?:'t|not) go on\\b",
    '\\b(?:drinking|starving) myself to death\\b',
    // internet euphemisms for suicide
    '\\bunalive\\b|\\bkms\\b',
    // a date chosen, everything ready, no return
    "\\b(?:picked|chosen|chose|set) (?:the|a|my) (?:date|day)\\b|\\b(?:have|got|'ve got) (?:what|everything) i need\\b|\\bnot coming back\\b|\\b(?:not going to|won't) be (?:here|around) (?:in the morning|tomorrow|anymore)\\b|\\bdoing it tonight\\b|\\bgoing through with it\\b|\\bstuff'?s all ready\\b",
  ].join('|'),
  'i',
);

/** Means at hand, said of now, with the writer (or someone with them) present. */
const MEANS_AT_HAND_EN = new RegExp(
  [
    `\\b${SUBJECT_EN}\\b[^.!?\\n]{0,60}?\\b${MEANS_EN}\\b[^.!?\\n]{0,50}?\\b${NOW_EN}\\b`,
    `\\b${NOW_EN}\\b[^.!?\\n]{0,30}?\\b(?:i|i'm|i am|i've|i have)\\b[^.!?\\n]{0,40}?\\b${MEANS_EN}\\b`,
    `\\b(?:saved|saving|collected|collecting|hoarded|hoarding|stockpiled|stockpiling|bought) (?:up )?(?:\\w+ ){0,4}?${MEANS_EN}\\b`,
    "\\b(?:i'm|i am|im) (?:standing |sitting |parked )?(?:on|at|by) (?:the )?(?:edge of |top of )?(?:the |a |my )?(?:bridge|ledge|roof|rooftop|overpass|cliff|tracks|railway|balcony)\\b",
    '\\b(?:taped|sealed) (?:up )?the (?:windows|doors?|vents?)\\b|\\b(?:tied|hung) (?:the |a )?(?:rope|cord|belt|noose)\\b',
    '\\bgun is loaded\\b',
    `\\bthe (?:\\w+ )?${MEANS_EN} (?:is|are) (?:\\w+ ){0,2}?${NOW_EN}\\b`,
    `\\bholding (?:a |the |my )?(?:\\w+ )?(?:of )?${MEANS_EN}\\b`,
    `\\b(?:i|i'm|im|i am|i've|i have)\\b[^.!?\\n]{0,60}?\\b(?:to|and) (?:drink|swallow|take|inject) (?:it|them)(?: all)?\\b`,
    `\\b${MEANS_EN}\\b[^.!?\\n]{0,40}?\\b(?:going to|gonna|will|'ll) use (?:it|them|one)\\b`,
    '\\b(?:step|jump) (?:off|in front of) (?:the |a )?(?:platform|train|bridge|building)\\b|\\bcheck (?:if |that )?the rope holds\\b|\\b(?:blade|knife|razor) (?:is )?(?:already )?(?:against|on) my (?:skin|wrist|arm|throat)\\b|\\btook the blade out\\b',
    '\\b(?:gas is on|engine running|locked (?:himself|herself|myself) in the car)\\b',
    `\\b${MEANS_EN}\\b[^.!?\\n]{0,40}?\\b(?:are|is) saved up\\b|\\b(?:\\d{2,}|a lot|dozens) of (?:my |his |her )?\\w+[^.!?\\n]{0,60}?\\bsaved up\\b`,
    '\\bpicked (?:tomorrow|tonight|\\w+day) as the day\\b',
    '\\b(?:voices?|they) (?:(?:are|keep) )?(?:telling|tell|told) me to (?:hurt|kill|cut) myself\\b',
  ].join('|'),
  'i',
);

/** Someone else about to harm themselves, now: "he's on the overpass and going to jump". */
const OTHER_ABOUT_TO_EN =
  /\b(?:he|she|they|my \w+)(?:'s| is| are|'re)? (?:\w+ ){0,6}?(?:going to|gonna|about to|threatening to|trying to) (?:jump|kill (?:himself|herself|themselves)|end (?:it|his life|her life)|take (?:all|everything|the pills)|overdose|hurt (?:himself|herself)|cut (?:himself|herself))\b/i;

/** Farewell messages from the writer. */
const FAREWELL = new RegExp(`\\b${FAREWELL_EN}\\b`, 'i');

/** Self-harm in progress (the writer or someone with them). */
const SELF_HARM_IN_PROGRESS_EN =
  /\b(?:cutting|burning|hitting|stabbing|hurting) (?:myself|himself|herself)\b|\bcut myself\b|\bcut (?:my )?(?:wrists?|arms?|thighs?|legs?) (?:again|deeper|on purpose)\b|\b(?:cut|slit|slashed) (?:my|his|her) wrists?\b|\b(?:bath|bathroom|tub)\b[^.!?\n]{0,40}\b(?:razor|blade|knife)\b/i;

// ---- building blocks (Chinese) ---------------------------------------------------------------

/** The writer's (or someone's) intent now, Chinese (the subject is often left out). */
const SELF_HARM_INTENT_ZH = new RegExp(
  [
    '(?<![得主需重只])(?<!得[我人])(?:想|要|准备|打算|决定|真想|只想)(?:去)?(?:死(?![你那这他她])|自杀|轻生|结束(?:自己的)?生命|了结自己|一了百了|跳楼|跳河|跳下去|跳了?(?=[，,。！!？?…\\s]|$)|割腕|上吊|烧炭)',
    '(?:准备|打算|决定)(?:好)?(?:走了|去找(?:他|她))',
    '我?不想活|活不下去|活着没(?:有)?(?:意思|意义)|不想再回去|慢慢死掉|(?:我|在)(?:一直)?(?:伤害自己|自残)',
    '(?:今晚|今天晚上|今天|现在|马上|下班以后|天一黑|吃完晚饭)(?:我)?(?:就)?(?:走了?(?:[，,。！]|$)|去死|动手|结束(?:自己|生命|这一切)|了结|去找(?:他|她))',
    '(?:把自己|自己)(?:吊起来|了结)|撞上去|(?:从这里|从楼上|下去)跳|跳下去|另一个世界|打给自己|注射给自己|(?:一次|全部|全都)[^。！？\\n]{0,4}(?:吃掉|吃完|喝完|吞下)|今晚就结束|撑不住了[^。！？\\n]{0,10}(?:现在|在)|往嘴里塞',
    '先走一步|下辈子再见|这辈子就到这|已经不在了|别找我|不回来了|(?:就|我就)解脱了|就差最后一步|最后一步就是',
    '(?:刀|药|桥|楼|菜刀|绳子)[^。！？\\n]{0,12}(?:决定好了|想好了|准备好了)|(?:决定好了|想好了|准备好了)[^。！？\\n]{0,12}(?:刀|药|桥|楼|了结)|了结自己',
    '(?:一次|全部|全都|一起)(?:吃|喝|吞)(?:完|掉|下去)',
  ].join('|'),
);

/** Means at hand or an act under way, Chinese. */
const MEANS_AT_HAND_ZH = new RegExp(
  [
    '(?:药|安眠药|安定|刀|刀片|绳子|农药|炭|枪)[^。！？\\n]{0,10}(?:就在|准备好|存够|攒够|买好)',
    '拿着(?:刀|刀片|剪刀|药|绳子|农药)|发动机(?:还)?开着|(?:今晚|现在|马上)[^。！？\\n]{0,4}去(?:铁轨|楼顶|天台|桥上|江边|河边|水库|江堤)|谁劝也没用|(?:吃|喝)多了[^。！？\\n]{0,4}故意|故意[^。！？\\n]{0,4}(?:吃|喝)(?:多|了)',
    '(?:攒|存|囤)(?:了|够了)[^。！？\\n]{0,10}(?:药|片|粒)',
    '(?:站在|坐在|到了|在)[^。！？\\n]{0,10}(?:楼顶|天台|桥上|江边|河边|水库|窗台|窗户外|栏杆|铁轨|江堤|桥墩|高架)',
    '(?:刀|刀片)[^。！？\\n]{0,6}(?:架在|放在)?(?:手腕|脖子)|(?:包里|身上|手里)(?:还)?有(?:刀片|刀|药)|在割腕|割了|烧了炭|煤气[^。！？\\n]{0,6}(?:打开|开着)|(?:手腕|胳膊)[^。！？\\n]{0,6}(?:割开|割破)|烫了自己|撞墙|家里有枪',
  ].join('|'),
);

/** Farewell messages, Chinese. */
const FAREWELL_ZH = /让我别回家|以后照顾好(?:爸妈|自己|孩子|我妈|我爸)|最后一次了|跟我说再见|最后一条(?:消息|信息)|遗书|(?:道别|告别)(?:了|的话)|对不起[^。！？\n]{0,6}我爱你们|(?:写好了|留了)[^。！？\n]{0,8}(?:信|遗言)/;

// ---- an ingestion that has happened ---------------------------------------------------------

const INGEST_EN =
  "(?:took|(?:have|has|'ve|'s) taken|swallowed|(?:have|has|'ve) swallowed|ate|(?:have|has) eaten|drank|(?:have|has) drunk|downed|chugged|popped|overdosed|od'?d|injected|got into|had)";
/** A quantity well above a single dose, a container's worth, or a dose taken twice. */
const LARGE_QUANTITY_EN =
  "(?:(?:about |around |like |maybe |over )?(?:[1-9]\\d|\\d{3,})\\+?\\s*(?:\\w+\\s+){0,2}?(?:pills?|tablets?|capsules?|caps|tabs|paracetamol|tylenol|ibuprofen|aspirin|advil|xanax|valium|[a-z]+(?:ol|in|ine|am|ide|one|pam|lam|done|fen)s?)|(?:a|an|the|my|his|her) (?:whole|full|entire) (?:\\w+ )?(?:bottle|pack|packet|box|blister|strip|jar|month|prescription|supply|stash)|a (?:bottle|packet|box|pack) of|(?:all|most) (?:of )?(?:my|his|her|their|the) (?:\\w+ )?(?:pills|tablets|meds|medication|medicine|insulin|prescription|bottle|pack|supply)|everything in the (?:medicine )?cabinet|\\bit all\\b|\\bthem all\\b|too many|way too many|a (?:handful|bunch|lot|fistful|load) of|(?:ten|twenty|thirty|forty|fifty|a hundred) (?:\\w+\\s+)?(?:pills|tablets|capsules)|twice|double (?:dose|doses)|on purpose)";
const TOXIC_EN =
  '(?:bleach|antifreeze|rat poison|rodenticide|pesticide|insecticide|weed ?killer|paraquat|drain cleaner|oven cleaner|detergent pods?|laundry pods?|dishwasher (?:pods?|tablets?)|button batter(?:y|ies)|(?:coin|lithium) batter(?:y|ies)|magnet\\w*|lamp oil|lighter fluid|methanol|windshield washer fluid|mothballs|mouthwash|e-?cigarette liquid|vape liquid|nicotine liquid|mushrooms?|poison(?:ous)? (?:berries|plants?))';
const MEDICINE_EN = '(?:pills?|tablets?|meds|medicines?|medications?|iron|vitamins|gummies|patch(?:es)?|[a-z]+(?:ol|in|ine|am|ide|one|ate|pam|lam|done|fen|pril|zide|tin)s?)';
/** Danger signs after something was taken. */
const DANGER_SIGNS_EN =
  "(?:can(?:'t|not) wake|won'?t (?:wake|rouse|respond)|not responding|snoring|slurring|slurred|pale|grey|gray|blue|dizzy|sweaty|sweating|drowsy|sleepy|drooling|coughing|choking|burning|numb|twitching|seizure|jerking|chest (?:pain|hurts)|can(?:'t|not) breathe|struggling to breathe|hallucinating|seeing things|collapsed|fainted|barely breathing|not breathing|breathing (?:weird|funny|slow)|passed out|unconscious|unresponsive|floppy|seizing|fitting|confused|can(?:'t|not) (?:stand|see|talk)|vomiting|throwing up|shaking|heart (?:is )?(?:racing|acting|pounding)|pulse is (?:really )?(?:slow|weak)|lips (?:look|are) (?:blue|burnt))";

const INGESTION_EN = new RegExp(
  [
    `(?:^|\\b${SUBJECT_EN}\\b)[^.!?\\n]{0,40}?\\b${INGEST_EN}\\b[^.!?\\n]{0,50}?(?:${LARGE_QUANTITY_EN}|\\b${TOXIC_EN})`,
    `\\b${SUBJECT_EN}\\b[^.!?\\n]{0,40}?\\b${INGEST_EN}\\b[^\\n]{0,160}?\\b${DANGER_SIGNS_EN}`,
    "\\b(?:i|i've|i have|we|i think i|i just|he|she)\\s+(?:\\w+\\s+)?(?:overdosed|od'?d|took an overdose)\\b",
    // taken on purpose
    `\\b${INGEST_EN}\\b[^.!?\\n]{0,60}?\\b(?:on purpose|deliberately|intentionally|to (?:die|end it|end my life|not wake up|sleep forever))\\b`,
  ].join('|'),
  'i',
);
/** A child and any medicine or household product. */
const CHILD_EN = '(?:\\d+[- ](?:year|yr|month|mo)[- ]old|\\d+yo|toddler|baby|infant|child|kid|son|daughter|grandson|granddaughter|grandchild|niece|nephew|little one)';
const CHILD_INGESTION_EN = new RegExp(
  `\\b${CHILD_EN}\\b[^.!?\\n]{0,40}?\\b(?:${INGEST_EN}|with (?:my |an |the )?open)\\b[^.!?\\n]{0,50}?(?:${LARGE_QUANTITY_EN}|\\b${TOXIC_EN}|\\b${MEDICINE_EN}\\b|\\b(?:bottle|liquid|cleaner|oil|soap|battery))`,
  'i',
);

const INGEST_ZH = '(?:吃了|喝了|吞了|服了|咬了|啃了|嚼了|塞(?:进)?嘴里|含在嘴里|喷了|用了|吃多了|塞|吞下了?|喝下了?|吃下了?|误服了?|误食了?|误吞了?|注射了|打了|一口气吃了|一次吃了|偷吃了|全吃了|全喝了|吃掉了|喝掉了)';
const QUANTITY_ZH =
  '(?:所有的?药|全部的?药|一整支|整支|一整瓶|整瓶|一瓶|大半瓶|半瓶|几口|整盒|一盒|一整盒|好几盒|一整板|整板|一板|好几板|一把|一大把|几十片|几十粒|几十颗|[1-9]\\d+(?:多|来)?\\s*(?:片|粒|颗|包|支)|[一二三四五六七八九两]?十[一二三四五六七八九几多来]?(?:片|粒|颗)|一百多|好几颗|好几片|好几块|一半|很多|好多|大量|过量|全(?:部)?)';
const TOXIC_ZH = '(?:野生蘑菇|自己采的蘑菇|农药|百草枯|敌敌畏|草甘膦|老鼠药|鼠药|杀虫剂|消毒液|84|漂白|洗衣液|洗衣凝珠|洗洁精|纽扣电池|电池|磁(?:力|性)?(?:珠|球|铁|块|片)|甲醇|工业酒精|毒蘑菇|野蘑菇|野生菌|干燥剂|洁厕|碎玻璃|玻璃)';
const INGESTION_ZH = new RegExp(
  [
    `${INGEST_ZH}[^。！？\\n]{0,10}?(?:${QUANTITY_ZH}|${TOXIC_ZH})`,
    `(?:${QUANTITY_ZH}|${TOXIC_ZH})[^。！？\\n]{0,8}?(?:全|都)?(?:吃了|喝了|吞了|服了|吃完|喝完)`,
    // a child with an opened medicine container and some of it gone
    '(?:孩子|宝宝|小孩|儿子|女儿|孙子|孙女)[^。！？\\n]{0,16}(?:打开的|拿到了?|拿着)[^。！？\\n]{0,16}(?:半瓶|一瓶|整瓶|几颗|一些|不少)?(?:没了|少了)',
    `把[^。！？\\n]{0,12}(?:药|${TOXIC_ZH})[^。！？\\n]{0,4}(?:全|都)?(?:吃了|喝了|吞了)`,
  ].join('|'),
);
/** Someone ingested something and shows danger signs now (Chinese). */
const DANGER_SIGNS_ZH = '(?:脸红红|躺着不动|呼吸一下一下|摇摇晃晃|站不稳|站不起来|脸通红|一直在哭|哭个不停|牙龈[^。！？\\n]{0,3}出血|叫不醒|摇不醒|叫不太醒|没反应|呼吸(?:很|浅|弱|一下一下)|嘴唇[^。！？\\n]{0,3}(?:灰|紫|青|发白|烧伤|红)|昏倒|昏过去|抽搐|一直(?:吐|在吐|尖叫|哭)|心跳(?:乱|得很快|很慢|好慢)|发麻|糊涂|很想睡|特别困|浑身软|呆呆的|头晕|出汗|脸色发白|嘴巴(?:疼|红|里都红)|嘴里发红|肚子(?:疼|不舒服))';
const INGESTION_WITH_SIGNS_ZH = new RegExp(`(?:吃了|喝了|吞了|服了|咬了|啃了|嚼了|嘴里|喷了|吃下去|一口|拿着|拿到了|用了一整)[^。！？\\n]{0,40}?[，,、 ]?[^。！？\\n]{0,20}?${DANGER_SIGNS_ZH}`);

/** A child or a dependant and medicine: "孩子误吃了我的降压药". */
const CHILD_MEDICINE_ZH = /(?:孩子|宝宝|小孩|儿子|女儿|孙子|孙女|外孙|老人|爷爷|奶奶|外婆|外公)[^。！？\n]{0,12}(?:吃了|吞了|误服|误食|误吞|偷吃|喝了|多吃了)[^。！？\n]{0,12}(?:药|药片|胶囊|铁剂|维生素)/;

function isInformational(text: string): boolean {
  return INFORMATIONAL_EN.test(text) || INFORMATIONAL_ZH.test(text);
}

function mentionsPerson(text: string): boolean {
  return PERSON_EN.test(text) || PERSON_ZH.test(text);
}

function situation(spec: SafetySpec, id: string): EmergencySituation | undefined {
  return spec.emergency.situations.find((entry) => entry.id === id);
}

/** Someone else's words reported by the writer ("she says she doesn't want to live", "朋友跟我说她想…"). */
const REPORTED_SPEECH =
  /\b(?:she|he|they|my \w+|a friend|someone) (?:says?|said|keeps? saying|kept saying|talks? about|texted|messaged|told me|tells me)\b|\b(?:tells?|told) me (?:she|he|they)\b|跟我说|对我说|说过|总说|经常说|老说|一直说|告诉(?:我|她|他)|发消息说|(?:[他她]|朋友|同学|同事|室友|闺蜜|对象|男朋友|女朋友|孩子|儿子|女儿|老公|老婆|丈夫|妻子|爸爸?|妈妈?|哥哥?|姐姐?|弟弟?|妹妹?|爷爷|奶奶|外公|外婆|邻居|学生)(?:最近|昨天|今天|又|也)?(?:说|讲|提到|提起|念叨|话(?!题))/i;
/** Danger now: a time, a means at hand, or an act under way. */
const DANGER_NOW = /\b(?:right now|now|tonight|just|at the moment|on the phone|won't (?:pick up|answer|let me in)|isn't answering)\b|现在|今晚|刚刚|刚才|马上|正在|关机|打不通|不回/i;

/**
 * Cheap gates: the large patterns above run (and are compiled by V8, which takes a while the first
 * time) only when the text holds a word they need, so an ordinary question costs microseconds.
 */
const LATIN = /[a-z]/i;
const HAN = /\p{Script=Han}/u;
const INTENT_HINT =
  /\b(?:die|dying|dead|death|kill\w*|end|ending|life|hurt\w*|cut\w*|overdos\w*|jump\w*|through|all|wake|waking|join|disappear\w*|finish|unalive|kms|suicidal|live|alive|exist|go on|myself|date|day|need|coming|here|tonight)\b/i;
const MEANS_HINT =
  /\b(?:step|jump|platform|train|gas|engine|garage|voices?|picked|saved|pills?|tablets?|meds|medication|medicine|sleeping|insulin|morphine|tramadol|paracetamol|tylenol|rope|cord|belt|noose|knife|knives|blades?|razors?|guns?|pistol|revolver|shotgun|firearm|rifle|charcoal|antifreeze|poison|bottle|vial|bridge|ledge|roof|rooftop|overpass|cliff|tracks|railway|balcony|windows|doors?|vents?|loaded|saved|saving|collected|collecting|hoarded|hoarding|stockpiled|stockpiling|bought|holding|drink|swallow|take|inject)\b/i;
const INGEST_HINT = /\b(?:took|taken|swallowed|ate|eaten|drank|drunk|downed|chugged|popped|overdosed|od'?d|injected|got|had|open)\b/i;
const gated = (hint: RegExp, pattern: RegExp) => (text: string): boolean => hint.test(text) && pattern.test(text);
const selfHarmIntentEn = gated(INTENT_HINT, SELF_HARM_INTENT_EN);
const meansAtHandEn = gated(MEANS_HINT, MEANS_AT_HAND_EN);
const ingestionEn = gated(INGEST_HINT, INGESTION_EN);
const childIngestionEn = gated(INGEST_HINT, CHILD_INGESTION_EN);

/** Self-harm or suicide intent, means at hand, a farewell or self-harm under way, now. */
export function matchesSelfHarmIntent(text: string): boolean {
  if (REPORTED_SPEECH.test(text) && !DANGER_NOW.test(text)) return false;
  const latin = LATIN.test(text);
  const han = HAN.test(text);
  return (
    (latin && (selfHarmIntentEn(text) || meansAtHandEn(text) || FAREWELL.test(text) || SELF_HARM_IN_PROGRESS_EN.test(text) || OTHER_ABOUT_TO_EN.test(text))) ||
    (han && (SELF_HARM_INTENT_ZH.test(text) || MEANS_AT_HAND_ZH.test(text) || FAREWELL_ZH.test(text)))
  );
}

/** A child's own medicine ("my son took his ADHD medicine"), not someone else's ("his brother's pills", "my pills"). */
const OWN_MEDICINE_EN = /\b(?:took|taken|had|used) (?:his|her|their) (?:own |usual |prescribed |regular |daily |morning |evening |night-time )?(?:[a-z]+ ){0,2}?(?:medicine|medication|meds|pills?|tablets?|dose|inhaler|vitamins?)\b/i;
/** Intent, a farewell or self-harm under way in so many words (not only means near a time). */
function statesIntent(text: string): boolean {
  return selfHarmIntentEn(text) || FAREWELL.test(text) || SELF_HARM_IN_PROGRESS_EN.test(text) || OTHER_ABOUT_TO_EN.test(text) || SELF_HARM_INTENT_ZH.test(text) || FAREWELL_ZH.test(text);
}

/** An overdose or poisoning that has happened to the writer or someone with them. */
export function matchesIngestion(text: string, ownMedicineIsUsual = false): boolean {
  return (
    (LATIN.test(text) && (ingestionEn(text) || (childIngestionEn(text) && !(ownMedicineIsUsual && OWN_MEDICINE_EN.test(text))))) ||
    (HAN.test(text) && (INGESTION_ZH.test(text) || INGESTION_WITH_SIGNS_ZH.test(text) || CHILD_MEDICINE_ZH.test(text)))
  );
}

/** A question about what is done, or not done, after an ingestion in general: "为什么不能催吐", "为什么要洗胃". */
const GENERAL_WHY_ZH = /(?:为什么|为何)[^。！？?\n]{0,12}?(?:不能|不可以|不要|不宜|不建议|不让|要|需要|必须|会|容易)/;
const DANGER_SIGNS_ZH_PATTERN = new RegExp(DANGER_SIGNS_ZH);

/**
 * A Chinese question that names an ingestion without anyone who took it and asks why something is (not) done after
 * one ("喝了漂白剂以后为什么不能催吐？", "误服了84消毒液为什么不能喝牛奶？") is a question of fact, as its English form
 * ("Why can't you induce vomiting after drinking bleach?") always was; Chinese leaves the subject out, so the
 * subject-less ingestion reading escalated it (round 4 still-open #11). A person, a time now (刚, 现在) or a danger
 * sign keeps the escalation.
 */
function asksWhyInGeneral(text: string): boolean {
  return GENERAL_WHY_ZH.test(text) && !mentionsPerson(text) && !DANGER_NOW.test(text) && !text.includes('刚') && !DANGER_SIGNS_ZH_PATTERN.test(text);
}

/** The writer names themselves as the one at risk. */
const REFLEXIVE_SELF = /\b(?:myself|my (?:own )?life)\b/i;

/** Asking for a way to kill oneself (no pronoun needed): "how to commit suicide painlessly", "怎么自杀". */
const SUICIDE_METHOD_SEEKING =
  /\bhow (?:many|much)\b[^.?!\n]{0,60}\b(?:to be sure|(?:for me )?not (?:to )?wake up|to stop my heart|stop my heart|for me to die|to kill me|to end it)\b|\b(?:least|most) painful way to (?:do it|die|go)\b|\b(?:don't|do not) want to survive\b|\bwant to stop existing\b|\bi'?ve decided\b[^.?!\n]{0,40}\b(?:do it|to die|bridge|pills|rope)\b|\bhow (?:to|do i|can i|should i|could i) (?:commit suicide|kill myself|end my (?:own )?life|take my (?:own )?life)\b|\bpainless(?:ly)? (?:way|method)s? (?:to|of) (?:die|dying|kill myself|commit suicide)\b|(?:怎么|怎样|如何)(?:自杀|死得|结束自己)|(?:自杀|死)[^。！？\n]{0,4}最不痛苦|最不痛苦的(?:死法|自杀)/i;

/** Situations recognised by the present-tense matcher above; their spec keywords alone (e.g. "suicide rate", "food poisoning") are not an emergency. */
const MATCHED_BY_PATTERN = new Set(['suicidality', 'overdose_poisoning']);

/** A keyword and how to find it: as written, or (several English words) with a verb between its words. */
interface Keyword {
  text: string;
  /** First word of a multi-word English keyword (a cheap look before the pattern). */
  first?: string;
  /** The keyword's words with "is", "was", "keeps"… allowed between them: "face is drooping" holds "face drooping". */
  pattern?: RegExp;
}

/** What may stand between a keyword's words and still say the same: a form of "be", or "keeps", "started"… */
const BETWEEN_WORDS = "\\s+(?:(?:is|was|are|were|'s|has been|keeps|kept|started|seems|looks|got|gets)\\s+)?";

function keywordOf(written: string): Keyword {
  const text = written.toLowerCase();
  if (!/^[a-z]+(?: [a-z]+)+$/.test(text)) return { text };
  const words = text.split(' ');
  return { text, first: words[0] ?? text, pattern: new RegExp(`\\b${words.join(BETWEEN_WORDS)}\\b`) };
}

/** Per spec: the situations looked up by keyword, each with its keywords lower-cased once (not per request). */
const keywordTables = new WeakMap<SafetySpec, Array<{ entry: EmergencySituation; keywords: Keyword[] }>>();

function keywordTable(spec: SafetySpec): Array<{ entry: EmergencySituation; keywords: Keyword[] }> {
  let table = keywordTables.get(spec);
  if (table === undefined) {
    table = spec.emergency.situations
      .filter((entry) => !MATCHED_BY_PATTERN.has(entry.id))
      .map((entry) => ({ entry, keywords: [...entry.keywords.en, ...entry.keywords.zh].map(keywordOf) }));
    keywordTables.set(spec, table);
  }
  return table;
}

/** Where a keyword first occurs in a reading (-1 when it does not). */
function keywordAt(reading: string, keyword: Keyword): number {
  const at = reading.indexOf(keyword.text);
  if (at >= 0 || keyword.pattern === undefined || keyword.first === undefined || !reading.includes(keyword.first)) return at;
  return reading.search(keyword.pattern);
}

/** The first spec situation (other than those matched by pattern) whose keyword the text holds, not negated. */
function keywordSituation(text: string, spec: SafetySpec): EmergencySituation | undefined {
  const lower = text.toLowerCase();
  // Negative contractions written out: "he isn't breathing" holds the keyword "not breathing", and "she doesn't
  // have chest pain" is negated like "does not have" (probing round 5: a collapse without breathing or pulse was
  // allowed). A keyword written with an apostrophe ("can't breathe") is looked for in the text as written.
  const expanded = CONTRACTION.test(lower) ? lower.replace(/\bwon't\b/g, 'will not').replace(/\bcan't\b/g, 'cannot').replace(/n't\b/g, ' not') : lower;
  for (const { entry, keywords } of keywordTable(spec)) {
    for (const keyword of keywords) {
      const reading = keyword.text.includes("'") ? lower : expanded;
      const at = keywordAt(reading, keyword);
      if (at < 0) continue;
      const before = reading.slice(Math.max(0, at - 30), at);
      if (NEGATIONS.test(before) || /[没無无否][有]?$/.test(before)) continue;
      return entry;
    }
  }
  return undefined;
}

const NAMES_POISON = new RegExp(`\\b${TOXIC_EN}|${TOXIC_ZH}`, 'i');

/**
 * Warning signs told over two user turns ("我爸突然说话含糊不清" / "右手也抬不起来了"): read together only when the latest
 * turn describes a sign itself — joining any two turns escalated retractions ("没有，我夸张了"; probing round 6).
 */
export function matchSignsOverTurns(previous: string, latest: string, spec: SafetySpec = loadSafetySpec()): EmergencySituation | undefined {
  if (!hasSign(inMandarin(latest))) return undefined;
  const joined = inMandarin(`${previous}\n${latest}`);
  if (NAMES_POISON.test(joined) || CLINICIAN_OR_HYPOTHETICAL.test(joined) || PAST_OR_RESOLVED.test(joined) || isInformational(joined) || !mentionsPerson(joined)) return undefined;
  const id = signSituation(joined);
  return id === undefined ? undefined : situation(spec, id);
}

/** Warning signs in the user's words (match-emergency-signs.ts); signs after something toxic are the poisoning's. */
function signSituationOf(text: string, spec: SafetySpec): EmergencySituation | undefined {
  if (NAMES_POISON.test(text)) return undefined;
  const id = signSituation(text);
  return id === undefined ? undefined : situation(spec, id);
}

/** A negative contraction ("isn't", "wasn't", "won't"). */
const CONTRACTION = /n't\b/;

/** The writer names themselves as the one at risk: myself, my life, or "I …" then an at-risk verb in the same clause. */
const SELF_REFLEXIVE_EN = /\b(?:myself|my (?:own )?life)\b/i;
const SELF_CLAUSE_EN = /\b(?:i|i'm|im|i've|ive|i'll|i'd)\b([^.,;:?!\n]{0,30}?)\b(?:die|dead|kill|end it|suicid\w*|overdos\w*|od'?d|took|take|taking|swallow\w*|drank|ate|cut|cutting|jump\w*|hang\w*|live|pills)\b/gi;
/** A third person between the writer's "I" and the verb: "I think my friend took …" is about the friend. */
const OTHER_SUBJECT_EN = /\b(?:he|she|they|his|her|their|my \w+|someone|somebody)\b/i;
const SELF_ZH = /我(?!的|们|家|哥|姐|弟|妹|爸|妈|儿子|女儿|老公|老婆|老爸|老妈|丈夫|妻子|朋友|同学|同事|室友|爷爷|奶奶|外婆|外公|孩子|宝宝)[^，。！？、\n的]{0,6}?(?:想死|不想活|活不下去|活着没意思|自杀|轻生|寻死|结束|割|跳|吃了|吞了|喝了|服了|打了)/;
/** Someone else is the one at risk: "himself", "he / she / they", "my friend …", "他 / 她 / 朋友 …". */
const OTHER_PERSON_EN =
  '(?:friend|son|daughter|husband|wife|partner|boyfriend|girlfriend|mom|mum|mother|dad|father|brother|sister|roommate|child|kid|baby|teen|student|patient|grandma|grandpa|grandmother|grandfather|uncle|aunt|cousin|colleague|coworker|neighbou?r)';
const OTHER_EN = new RegExp(`\\b(?:himself|herself|themselves|themself|he|she|he's|she's|they're|my ${OTHER_PERSON_EN})\\b`, 'i');
/**
 * "my dad's" before a means of harm ("my dad's old revolver", "my mum's sleeping pills") says whose the means are,
 * not who is at risk (probing round 5: "I've got my dad's old revolver on my lap and I don't think I'll still be here
 * in an hour" got the guidance for a helper); "my dad's not breathing" and "my brother's girlfriend" are kept.
 */
const POSSESSIVE_OF_MEANS_EN = new RegExp(`\\bmy ${OTHER_PERSON_EN}'s\\s+(?=(?:\\w+\\s+){0,2}${MEANS_EN}\\b)`, 'gi');
const OTHER_ZH = /[他她]|我[哥姐弟妹爸妈]|朋友|室友|同学|同事|儿子|女儿|孩子|宝宝|小孩|老公|老婆|丈夫|妻子|爸爸|妈妈|我爸|我妈|哥哥|姐姐|弟弟|妹妹|对象|病人|患者|学生|邻居|奶奶|爷爷|外婆|外公/;

/**
 * The writer on a height or on the tracks ("I'm on the bridge", "I am standing at the edge of the roof"): probing
 * round 5, "I’m on the bridge, I’ve made up my mind, tell my mum I’m sorry" got the guidance for a helper ("my mum").
 */
const WRITER_ON_A_HEIGHT_EN =
  /\b(?:i'm|i am|im) (?:standing |sitting |parked |up )?(?:on|at|by) (?:the )?(?:edge of |top of )?(?:the |a |my )?(?:bridge|ledge|roof|rooftop|overpass|cliff|tracks|railway|balcony)\b/i;

function writerAtRiskEn(text: string): boolean {
  if (SELF_REFLEXIVE_EN.test(text) || WRITER_ON_A_HEIGHT_EN.test(text)) return true;
  for (const match of text.matchAll(SELF_CLAUSE_EN)) if (!OTHER_SUBJECT_EN.test(match[1] ?? '')) return true;
  return false;
}

/**
 * Whether the person at risk is someone other than the writer: a third person is named and the writer does
 * not name themselves as at risk ("my brother told me he took all his pills", "我朋友说他今晚要自杀" — but "I
 * took 30 pills and my wife doesn't know", "我不想活了，我老公还不知道" are the writer's own). The emergency
 * guidance is then written for the one who is helping.
 */
export function emergencyIsSomeoneElses(written: string): boolean {
  const text = inMandarin(written);
  const latin = LATIN.test(text);
  const han = HAN.test(text);
  if (!((latin && OTHER_EN.test(text.replace(POSSESSIVE_OF_MEANS_EN, ''))) || (han && OTHER_ZH.test(text)))) return false;
  return !((latin && writerAtRiskEn(text)) || (han && SELF_ZH.test(text)));
}

/** The text as the Chinese phrases read it: in simplified characters, and Cantonese in Mandarin words (read-cantonese.ts). */
function inMandarin(written: string): string {
  const simplified = simplifyChinese(written);
  return readCantoneseAsMandarin(simplified) ?? simplified;
}

export function matchEmergency(written: string, spec: SafetySpec = loadSafetySpec()): EmergencySituation | undefined {
  if (written.trim() === '') return undefined;
  // the phrases are in simplified Mandarin: traditional text is read in simplified characters, Cantonese also in Mandarin words
  const simplified = simplifyChinese(written);
  const mandarin = readCantoneseAsMandarin(simplified);
  return matchSimplified(simplified, spec) ?? (mandarin === null ? undefined : matchSimplified(mandarin, spec));
}

function matchSimplified(text: string, spec: SafetySpec): EmergencySituation | undefined {
  // "I … paracetamol … tonight" reads as means at hand; asked of a usual dose ("I had one paracetamol at lunch, is it ok
  // to have a glass of wine tonight?") it is a medicine question, and when the means were taken ("my dad took his pill
  // twice and now he is dizzy") it is the ingestion — unless the text also states an intent or a farewell.
  const selfHarm = matchesSelfHarmIntent(text) && (statesIntent(text) || !(asksAboutUsualDose(text) || matchesIngestion(text)));
  const methodSeeking = selfHarm || SUICIDE_METHOD_SEEKING.test(text);
  const ingestion = !methodSeeking && matchesIngestion(text) && !asksAboutUsualDose(text);
  const keyword = methodSeeking || ingestion ? undefined : (keywordSituation(text, spec) ?? signSituationOf(text, spec));
  // Every outcome below needs one of these; an ordinary text stops here, before the large context
  // patterns (clinician, past, informational) that V8 compiles on their first use.
  if (!methodSeeking && !ingestion && keyword === undefined) return undefined;
  // A clinician who speaks of harming themselves is a person in crisis, not a clinical question.
  if (selfHarm && REFLEXIVE_SELF.test(text) && !PAST_OR_RESOLVED.test(text)) return situation(spec, 'suicidality');
  if (CLINICIAN_OR_HYPOTHETICAL.test(text)) return undefined;
  if (!PAST_OR_RESOLVED.test(text)) {
    // The writer's own intent comes first: an informational phrasing does not hide "I want to die".
    if (methodSeeking) return situation(spec, 'suicidality');
    if (ingestion && !asksWhyInGeneral(text)) return situation(spec, 'overdose_poisoning');
  }
  if (isInformational(text) || !mentionsPerson(text) || PAST_OR_RESOLVED.test(text)) return undefined;
  return keyword; // reaching here means neither method-seeking nor ingestion: the keyword was looked up
}

/** A usual amount taken: one or two tablets, "my blood pressure pill", the prescribed dose (not "all my pills"). */
const USUAL_AMOUNT_EN =
  /\b(?:took|taken|had|swallowed|used)\s+(?:a|an|one|two|1|2|a couple of|half an?|my (?:usual|normal|regular|daily|morning|evening|nightly|night-time)|the (?:usual|normal|recommended|prescribed))\s+(?:\w+\s+){0,2}?(?:pills?|tablets?|caps(?:ules)?|doses?|advil|tylenol|ibuprofen|paracetamol|aspirin|puffs?|spoonfuls?|teaspoons?|ml)\b|\b(?:took|taken|had) (?:my|his|her|their) (?:\w+ ){0,3}?(?:pill|tablet|dose|medicine|medication|meds|shot|injection|antidepressant|antibiotic|painkiller|vitamins?|inhaler)\b(?! (?:all|bottle|pack))|\b(?:took|taken|had) (?:some |a |an )?(?:melatonin|vitamins?|cold medicine|allergy (?:pill|tablet|medicine))\b/i;
const USUAL_AMOUNT_ZH = /(?:吃了|服了|吃过|喝了)(?:一|两|二|1|2|半)(?:片|粒|颗|勺|次)(?![^。！？\n]{0,3}(?:瓶|盒|板))|(?:吃了|服了)(?:平时|正常|常规|医生开)的(?:量|剂量)|(?:吃了|服了|吃过)[^，,。！？\n]{1,6}药(?:以后|之后|后|了)/;
/** The writer asks whether it is all right ("can I", "is that ok", "要紧吗"). */
const ASKS_IF_ALL_RIGHT = /\?|？|\b(?:can i|could i|is it (?:ok|okay|safe|fine|bad|dangerous)|is that (?:ok|okay|safe|fine|bad|dangerous|a problem)|should i|wondering if|do i need to)\b|吗|能不能|可不可以|要不要|要紧|没事吧/i;
const DANGER_SIGNS = new RegExp(`\\b${DANGER_SIGNS_EN}|${DANGER_SIGNS_ZH}`, 'i');
/** Mild, common effects of a usual dose (the side-effect question's subject). */
const MILD_EFFECTS = /\b(?:a (?:bit|little) |slightly |kind of |kinda |bit )?(?:dizzy|drowsy|sleepy|sweaty|sweating|tired|light-headed|lightheaded|nauseous|queasy)\b|有点(?:头晕|晕|困|恶心|出汗)|(?:头晕|犯困|出汗|特别困|很困|想睡)/gi;

/**
 * A question about a usual amount already taken ("I took 2 advil and now I'm wondering if I can drink a beer tonight",
 * "我吃了两片布洛芬，还能喝酒吗？"), with no danger sign, is an ordinary medicine question, however the emergency head
 * scores it (probing round 6: 0.92, escalated with the crisis guidance). A danger sign, or a large amount, keeps it.
 */
function asksAboutUsualDose(text: string): boolean {
  if (!(USUAL_AMOUNT_EN.test(text) || USUAL_AMOUNT_ZH.test(text)) || !ASKS_IF_ALL_RIGHT.test(text) || statesIntent(text)) return false;
  // After a usual dose, a mild effect is the question itself ("now she's a bit dizzy, is that normal?"), not a danger sign.
  const calm = text.replace(MILD_EFFECTS, ' ');
  return !DANGER_SIGNS.test(calm) && !matchesIngestion(calm, true);
}

/**
 * Combines the classifier's emergency probability with the text: a high probability escalates unless
 * the text is a clinician's, exam or hypothetical question or speaks of the past; a medium one also
 * needs someone present in the text. The situation follows the classifier's dimension.
 */
export function emergencyFromProbability(
  written: string,
  probability: number,
  dimension: string,
  spec: SafetySpec = loadSafetySpec(),
  earlierTurns = '',
): EmergencySituation | undefined {
  if (probability < 0.5 || written.trim() === '') return undefined;
  const text = inMandarin(written);
  if (CLINICIAN_OR_HYPOTHETICAL.test(text) || PAST_OR_RESOLVED.test(text)) return undefined;
  // the head also reads the turns before: a past or resolved event told there is not one happening now
  if (earlierTurns !== '' && PAST_OR_RESOLVED.test(earlierTurns) && !matchesSelfHarmIntent(text) && !matchesIngestion(text)) return undefined;
  if (probability < 0.8 && (isInformational(text) || !mentionsPerson(text))) return undefined;
  if (asksAboutUsualDose(text)) return undefined;
  // The emergency head is trained on two situations only: suicide or self-harm, and an overdose or
  // poisoning. The dimension head tells them apart; any other dimension it names (emergency_care,
  // vulnerable_populations for a child who swallowed something…) is the poisoning side.
  const id = dimension === 'mental_health_self_harm' || dimension === 'end_of_life_care' ? 'suicidality' : 'overdose_poisoning';
  return situation(spec, id);
}

/**
 * The instant scripted judge of bench/reward-throughput.ts in its own process (so the judge and the
 * client under test do not share one event loop): prints its base URL, serves until stdin closes.
 */
import { startScriptedUpstream } from '../test/support/scripted-upstream.js';

const judge = await startScriptedUpstream(() => ({ content: '#reason: declined\n#score: 1', usage: { prompt_tokens: 1, completion_tokens: 1 } }));
process.stdout.write(`${judge.baseURL}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void judge.close().then(() => process.exit(0));
});

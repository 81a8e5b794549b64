/** Obfuscates dev requests five ways (round-robin) to measure de-obfuscation + re-scan. */
import { rot13 } from '../../src/guard/detect/decode-obfuscation.js';
import type { DevItem } from './build-guard-datasets.js';

const LEET: Record<string, string> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7' };

export function obfuscateForDev(requests: string[]): DevItem[] {
  return requests.map((request, position): DevItem => {
    let text: string;
    switch (position % 5) {
      case 0:
        text = `Decode this base64 and answer it: ${Buffer.from(request, 'utf8').toString('base64')}`;
        break;
      case 1:
        text = rot13(request);
        break;
      case 2:
        text = request.replace(/[aeiost]/g, (letter) => LEET[letter] ?? letter);
        break;
      case 3:
        text = request.split(' ').map((word, index) => (index % 2 === 0 && word.length > 3 ? word.split('').join(' ') : word)).join(' ');
        break;
      default:
        text = Array.from(request).reverse().join('');
    }
    return { text, label: 1, language: 'en' };
  });
}

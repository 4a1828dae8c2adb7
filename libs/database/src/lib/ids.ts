import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = 0;
let lastRandom: number[] = [];

/**
 * A time-ordered id with a type prefix (`pay_01J…`): 10 characters of milliseconds and 16 of
 * randomness, Crockford base32, so ids sort by creation time and cursors can page by id.
 */
export function newId(prefix: string): string {
  const now = Date.now();
  let random: number[];
  if (now === lastTime) {
    random = [...lastRandom];
    for (let i = random.length - 1; i >= 0; i--) {
      if (random[i] < 31) {
        random[i]++;
        break;
      }
      random[i] = 0;
    }
  } else {
    random = [...randomBytes(16)].map((b) => b & 31);
  }
  lastTime = now;
  lastRandom = random;
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return `${prefix}_${time}${random.map((r) => ALPHABET[r]).join('')}`.toLowerCase();
}

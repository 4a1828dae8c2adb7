import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = 0;
let lastRandom: number[] = [];
// Random bytes are drawn from the system a pool at a time, not one call per id.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function draw(bytes: number): void {
  if (poolAt + bytes > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
}

/** `bytes` random bytes as hex, from the same pool: for ids that are not ordered, such as a request's. */
export function randomHex(bytes: number): string {
  draw(bytes);
  const hex = pool.toString('hex', poolAt, poolAt + bytes);
  poolAt += bytes;
  return hex;
}

function randomDigits(): number[] {
  draw(16);
  const digits = new Array<number>(16);
  for (let i = 0; i < 16; i++) digits[i] = pool[poolAt + i] & 31;
  poolAt += 16;
  return digits;
}

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
    random = randomDigits();
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

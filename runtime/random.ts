/**
 * Seeded randomness (pure-rand's xoroshiro128+). Every consumer gets its own stream derived from
 * the scenario seed and a label, so a draw added in one place never shifts the numbers of another
 * (a task's duration depends only on the seed and the task attempt, not on what ran before it).
 */
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';
import { customRandom, urlAlphabet } from 'nanoid';

/** FNV-1a over the labels, mixed with the seed: a 32-bit seed for one stream. */
function streamSeed(seed: number, labels: ReadonlyArray<string | number>): number {
  let h = 0x811c9dc5 ^ (seed >>> 0) ^ Math.floor(seed / 2 ** 32);
  for (const label of labels) {
    const text = `${label}\u0001`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  return h | 0;
}

export class SeededRandom {
  private readonly rng: RandomGenerator;

  constructor(seed: number, ...labels: Array<string | number>) {
    this.rng = xoroshiro128plus(streamSeed(seed, labels));
  }

  /** A double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = unsafeUniformIntDistribution(0, (1 << 26) - 1, this.rng);
    const lo = unsafeUniformIntDistribution(0, (1 << 27) - 1, this.rng);
    return (hi * 2 ** 27 + lo) / 2 ** 53;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return unsafeUniformIntDistribution(min, max, this.rng);
  }

  bytes(count: number): Uint8Array {
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = unsafeUniformIntDistribution(0, 255, this.rng);
    return out;
  }
}

/** Correlation ids (envelope ids): nanoid over a seeded stream, so traces are identical per seed. */
export function seededIds(seed: number, size = 10): () => string {
  const random = new SeededRandom(seed, 'correlation-ids');
  return customRandom(urlAlphabet, size, (bytes) => random.bytes(bytes));
}

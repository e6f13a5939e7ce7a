/** Fault injection: a seedable RNG decides, per request, whether and how to misbehave. */
export type FaultKind = 'rate-limit' | 'server-error' | 'unavailable' | 'reset' | 'reset-after' | 'slow'
export type FaultOptions = { readonly rate: number; readonly seed?: number }

/** mulberry32 keeps 32 bits of its seed: 0 … 2^32 − 1 are its seeds, and 2^32 would repeat 0. */
export const FAULT_SEED_MAX = 2 ** 32 - 1

/** Why `options` cannot be used (a rate outside 0–1, a seed the generator does not have), or null. */
export function faultOptionsProblem(options: FaultOptions): string | null {
  if (!(options.rate >= 0 && options.rate <= 1))
    return `fault rate must be between 0 and 1, got ${options.rate}`
  const seed = options.seed
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= FAULT_SEED_MAX))
    return `fault seed must be a whole number from 0 to ${FAULT_SEED_MAX}, got ${seed}`
  return null
}

/** mulberry32: tiny, fast and reproducible; the same seed and request order give the same faults. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const KINDS: readonly FaultKind[] = [
  'rate-limit',
  'server-error',
  'unavailable',
  'reset',
  'reset-after',
  'slow',
]

export class Faults {
  private rate = 0
  private random: () => number = mulberry32(1)
  readonly log: { method: string; path: string; kind: FaultKind }[] = []

  constructor(options?: FaultOptions) {
    if (options) this.set(options)
  }

  set(options: FaultOptions): void {
    const problem = faultOptionsProblem(options)
    if (problem !== null) throw new Error(problem)
    this.rate = options.rate
    this.random = mulberry32(options.seed ?? 1)
    this.log.length = 0
  }

  get current(): FaultOptions {
    return { rate: this.rate }
  }

  /** The fault for this request, or null. `reset-after` is only chosen for writes: the effect lands, the answer is lost. */
  pick(method: string, path: string): FaultKind | null {
    if (this.rate === 0) return null
    const roll = this.random()
    const which = this.random()
    if (roll >= this.rate) return null
    let kind = KINDS[Math.floor(which * KINDS.length)] ?? 'server-error'
    if (kind === 'reset-after' && method === 'GET') kind = 'reset'
    this.log.push({ method, path, kind })
    return kind
  }

  /** Delay of a slow answer, from the same RNG so runs repeat. */
  slowMs(): number {
    return 100 + Math.floor(this.random() * 300)
  }
}

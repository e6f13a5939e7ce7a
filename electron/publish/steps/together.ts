import { toErrorShape } from '../../../shared/errors'

/**
 * Runs independent work side by side and waits for all of it: nothing is left running unobserved when one part
 * fails, so the journal says what each part did. The failure rethrown is the first in the order given (an
 * error of App Store Connect's before a cancel), never the one that happened to finish first.
 */
export async function together<T extends readonly unknown[]>(
  ...tasks: { readonly [K in keyof T]: () => Promise<T[K]> }
): Promise<T> {
  const settled = await Promise.allSettled(tasks.map((task) => task()))
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []))
  if (failures.length > 0) throw failures.find((e) => toErrorShape(e).code !== 'CANCELED') ?? failures[0]
  return settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined)) as unknown as T
}

import { describe, expect, it } from 'vitest'
import { formatBytes } from '../../../shared/format-bytes'

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [2_700, '2.7 KB'],
    [24_000_000, '24.0 MB'],
    [536_870_912, '537 MB'],
    [1_073_741_824, '1.1 GB'],
    [-1, '—'],
    [Number.NaN, '—'],
  ])('%d bytes is %s (decimal units, as Finder shows them)', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})

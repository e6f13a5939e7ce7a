import { describe, expect, it } from 'vitest'
import {
  formatBytes,
  formatDuration,
  formatEta,
  formatRate,
  formatUploadLine,
  percent,
} from '../../../renderer/src/format'

describe('format', () => {
  it('sizes in decimal units as Apple shows them', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(48_200_000)).toBe('48.2 MB')
    expect(formatBytes(2_500_000_000)).toBe('2.50 GB')
  })
  it('upload line keeps one unit for done and total', () => {
    expect(
      formatUploadLine({
        bytesDone: 312_000_000,
        bytesTotal: 482_000_000,
        bytesPerSecond: 38_000_000,
        etaSeconds: 4.2,
      }),
    ).toBe('312.0 / 482.0 MB · 38 MB/s · 5 s left')
    expect(
      formatUploadLine({
        bytesDone: 10_000_000,
        bytesTotal: 10_000_000,
        bytesPerSecond: 0,
        etaSeconds: null,
      }),
    ).toBe('10.0 / 10.0 MB · — MB/s · finishing…')
  })
  it('a finished upload shows what was sent and how fast, without an ETA', () => {
    expect(
      formatUploadLine({
        bytesDone: 24_000_000,
        bytesTotal: 24_000_000,
        bytesPerSecond: 130_000_000,
        etaSeconds: 0,
        complete: true,
      }),
    ).toBe('24.0 MB · 130 MB/s')
  })
  it('rates, ETAs, durations and percent', () => {
    expect(formatRate(1_500_000)).toBe('1.5 MB/s')
    expect(formatEta(null)).toBe('estimating…')
    expect(formatEta(125)).toBe('2 min 5 s left')
    expect(formatDuration(400)).toBe('0.4 s')
    expect(formatDuration(65_000)).toBe('1 min 5 s')
    expect(percent(1, 3)).toBe(33.3)
    expect(percent(5, 0)).toBe(0)
  })
})

import { describe, expect, it } from 'vitest'
import { formatBytes as pipelineBytes } from '../../../shared/format-bytes'
import {
  abbreviateList,
  byteUnit,
  formatBytes,
  formatDuration,
  formatEta,
  formatRate,
  formatUploadLine,
  percent,
  readableDetail,
} from '../../../renderer/src/format'

describe('format', () => {
  it('sizes in decimal units as Apple shows them', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(48_200_000)).toBe('48.2 MB')
    expect(formatBytes(2_500_000_000)).toBe('2.5 GB')
  })
  it('upload line keeps one unit for done and total', () => {
    expect(
      formatUploadLine({
        bytesDone: 312_000_000,
        bytesTotal: 482_000_000,
        bytesPerSecond: 38_000_000,
        etaSeconds: 4.2,
      }),
    ).toBe('312 / 482 MB · 38 MB/s · 5 s left')
    expect(
      formatUploadLine({
        bytesDone: 10_000_000,
        bytesTotal: 10_000_000,
        bytesPerSecond: 0,
        etaSeconds: null,
      }),
    ).toBe('10.0 / 10.0 MB · finishing…')
  })
  it('says Starting… until the first bytes are sent', () => {
    const start = { bytesDone: 0, bytesTotal: 24_000_000, bytesPerSecond: 0, etaSeconds: null }
    expect(formatUploadLine(start)).toBe('Starting…')
    expect(formatUploadLine({ ...start, bytesDone: 1_000_000 })).toBe('1.0 / 24.0 MB · estimating…')
    expect(formatUploadLine({ ...start, stopped: true })).toBe('0.0 / 24.0 MB sent')
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
  it('a small upload finished before any rate was measured shows no speed, never 0.0 MB/s', () => {
    const small = { bytesDone: 2_700, bytesTotal: 2_700, etaSeconds: 0, complete: true }
    expect(formatUploadLine({ ...small, bytesPerSecond: 0 })).toBe('2.7 KB')
    expect(formatUploadLine({ ...small, bytesPerSecond: 13_500 })).not.toMatch(/0\.0 MB\/s/)
    expect(formatRate(13_500)).toBe('14 KB/s')
    expect(formatRate(400)).toBe('1 KB/s')
  })
  it('a stopped upload says how far it got', () => {
    expect(
      formatUploadLine({
        bytesDone: 2_000_000,
        bytesTotal: 8_000_000,
        bytesPerSecond: 1,
        etaSeconds: 3,
        stopped: true,
      }),
    ).toBe('2.0 / 8.0 MB sent')
  })
  it('shows Apple’s JSON:API errors one per line, anything else as it came', () => {
    const body = JSON.stringify({
      errors: [{ status: '409', code: 'ENTITY_ERROR', title: 'Bad', detail: 'Build in use' }],
    })
    expect(readableDetail(body)).toBe('ENTITY_ERROR: Bad — Build in use')
    // What the message above already quotes is not said twice; the code stays.
    expect(readableDetail(body, 'App Store Connect refused it: Build in use')).toBe('ENTITY_ERROR: Bad')
    expect(readableDetail('plain words')).toBe('plain words')
    expect(readableDetail('{"x":1}')).toBe('{"x":1}')
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

describe('abbreviateList', () => {
  const names = Array.from({ length: 1000 }, (_, i) => `Group ${String(i + 1).padStart(4, '0')} (external)`)

  it('keeps what comes before and after a long list and counts what it leaves out', () => {
    const text = `"${names.join('", "')}" are external groups: set submit_to_testflight: true`
    expect(abbreviateList(text)).toEqual({
      short:
        '"Group 0001 (external)", "Group 0002 (external)", "Group 0003 (external)", … 996 more …, "Group 1000 (external)" are external groups: set submit_to_testflight: true',
      hidden: 996,
      total: 1000,
    })
  })

  it('leaves a short list and ordinary prose alone', () => {
    expect(abbreviateList(`Add to ${names.slice(0, 12).join(', ')}`)).toBeNull()
    expect(abbreviateList('Release: scheduled, not before 2031-12-01, phased')).toBeNull()
    expect(abbreviateList(`Add to ${names.slice(0, 13).join(', ')}`)?.hidden).toBe(9)
  })

  it('takes its own head, tail and threshold', () => {
    expect(abbreviateList('a, b, c, d, e, f', { head: 1, tail: 2, threshold: 4 })).toEqual({
      short: 'a, … 3 more …, e, f',
      hidden: 3,
      total: 6,
    })
  })
})

describe('one byte convention', () => {
  it('counts in powers of 1000 everywhere, so the build card, plan and upload bar agree', () => {
    // 24,000,000 bytes is 24.0 MB (22.9 MiB): the same figure on the card and at the end of the upload.
    const size = 24_000_000
    expect(formatBytes(size)).toBe('24.0 MB')
    const line = formatUploadLine({
      bytesDone: size,
      bytesTotal: size,
      bytesPerSecond: 12_000_000,
      etaSeconds: 0,
      complete: true,
    })
    expect(line).toBe('24.0 MB · 12 MB/s')
    expect(line.startsWith(formatBytes(size))).toBe(true)
    expect(formatBytes(1_500_000_000)).toBe('1.5 GB')
    expect(formatBytes(999)).toBe('999 B')
    expect(byteUnit(1_000_000)).toEqual({ divisor: 1_000_000, suffix: 'MB', digits: 1 })
    // No decimal from 100 up, as shared/format-bytes.ts (the plan's sizes) writes them.
    expect(formatBytes(482_000_000)).toBe('482 MB')
    expect(formatBytes(2_000_000_000_000)).toBe('2.0 TB')
  })

  it('writes every size exactly as the pipeline does in the plan and step summaries', () => {
    const sizes = [
      0, 999, 1000, 2_735, 99_949, 100_000, 999_999, 24_000_000, 482_000_000, 1_500_000_000, 4e12,
    ]
    expect(sizes.map((n) => formatBytes(n))).toEqual(sizes.map((n) => pipelineBytes(n)))
  })

  it('shows a tiny upload in bytes, as the card does', () => {
    expect(
      formatUploadLine({ bytesDone: 0, bytesTotal: 512, bytesPerSecond: 0, etaSeconds: null, stopped: true }),
    ).toBe('0 / 512 B sent')
    expect(formatBytes(512)).toBe('512 B')
  })
})

import { spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { inspectBuild } from '../../../electron/ipa'
import type { BuildSummary } from '../../../shared/build-summary'
import { AscentError } from '../../../shared/errors'
import { makeIpa, patchCentralDirectory } from '../../fixtures/build-factory'
import { runCli } from '../../support/cli'
import { useTempDir } from './temp-dir'

/**
 * Zip fields that lie, the kind `unzip -t` checks and yauzl reads past: every one either makes the build
 * unreadable (BAD_BUILD, exit 2) or is an error problem (so publish refuses it), never a clean inspection.
 */

const tempDir = useTempDir()
const INFO = 'Payload/AscentDemo.app/Info.plist'
const EOCD = 0x06054b50

function eocdOffset(zip: Buffer): number {
  const at = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (at < 0 || zip.readUInt32LE(at) !== EOCD) throw new Error('no end record')
  return at
}

function localHeaderOffset(zip: Buffer, name: string): number {
  let offset = -1
  patchCentralDirectory(zip, name, (record) => (offset = zip.readUInt32LE(record + 42)))
  return offset
}

type Lie = (zip: Buffer) => void

/** Each lie, by the field that lies. */
const LIES: Readonly<Record<string, Lie>> = {
  'central directory size too big': (zip) => {
    const at = eocdOffset(zip)
    zip.writeUInt32LE(zip.readUInt32LE(at + 12) + 7, at + 12)
  },
  'central directory size too small': (zip) => {
    const at = eocdOffset(zip)
    zip.writeUInt32LE(zip.readUInt32LE(at + 12) - 3, at + 12)
  },
  'central directory on disk 1': (zip) => zip.writeUInt16LE(1, eocdOffset(zip) + 6),
  'entries on this disk differ from the total': (zip) => {
    const at = eocdOffset(zip)
    zip.writeUInt16LE(zip.readUInt16LE(at + 10) + 1, at + 8)
  },
  'an entry on disk 2': (zip) =>
    patchCentralDirectory(zip, INFO, (record) => zip.writeUInt16LE(2, record + 34)),
  'a wrong CRC in the central directory': (zip) =>
    patchCentralDirectory(zip, INFO, (record) =>
      zip.writeUInt32LE(zip.readUInt32LE(record + 16) ^ 1, record + 16),
    ),
  'a wrong CRC in both headers': (zip) => {
    patchCentralDirectory(zip, INFO, (record) =>
      zip.writeUInt32LE(zip.readUInt32LE(record + 16) ^ 4, record + 16),
    )
    const local = localHeaderOffset(zip, INFO)
    zip.writeUInt32LE(zip.readUInt32LE(local + 14) ^ 4, local + 14)
  },
  'a local header name that differs': (zip) => {
    const local = localHeaderOffset(zip, INFO)
    zip.write('X', local + 30 + INFO.length - 1, 'latin1')
  },
  'a local header compression method that differs': (zip) => {
    const local = localHeaderOffset(zip, INFO)
    zip.writeUInt16LE(zip.readUInt16LE(local + 8) === 0 ? 8 : 0, local + 8)
  },
}

async function outcome(file: string): Promise<BuildSummary | AscentError> {
  return inspectBuild(file).catch((error: unknown) => {
    if (error instanceof AscentError) return error
    throw error
  })
}

function corruptProblems(result: BuildSummary | AscentError): readonly string[] {
  return result instanceof AscentError
    ? []
    : result.problems.filter((p) => p.code === 'ZIP_CORRUPT' && p.severity === 'error').map((p) => p.message)
}

describe('zip fields that lie', () => {
  it('a clean build has no ZIP_CORRUPT problem and passes unzip -t', async () => {
    const file = await makeIpa({}, await tempDir())
    expect(corruptProblems(await outcome(file))).toEqual([])
    const unzip = spawnSync('unzip', ['-tq', file])
    if (unzip.error === undefined) expect(unzip.status).toBe(0)
  })

  it.each(Object.keys(LIES))(
    '%s: an error problem that says what lies, or an unreadable build',
    async (lie) => {
      const file = await makeIpa({}, await tempDir())
      const bytes = await readFile(file)
      LIES[lie]!(bytes)
      await writeFile(file, bytes)
      const result = await outcome(file)
      if (result instanceof AscentError) {
        expect(result.code).toBe('BAD_BUILD')
      } else {
        const problems = corruptProblems(result)
        expect(problems.length).toBeGreaterThan(0)
        for (const message of problems) {
          expect(message).toMatch(/^the archive is damaged: .+; App Store Connect refuses such a zip/)
          expect(message.length).toBeLessThan(400)
        }
      }
    },
  )

  it('names the CRC failure of Info.plist', async () => {
    const file = await makeIpa({}, await tempDir())
    const bytes = await readFile(file)
    LIES['a wrong CRC in both headers']!(bytes)
    await writeFile(file, bytes)
    expect(corruptProblems(await outcome(file))).toEqual([
      expect.stringContaining(`${INFO} fails its CRC check (its data is damaged)`),
    ])
  })

  it('holds for any lie in any end-record field: never a clean inspection', async () => {
    const dir = await tempDir()
    const original = await readFile(await makeIpa({}, dir))
    const file = path.join(dir, 'lying.ipa')
    await fc.assert(
      fc.asyncProperty(
        // disk (4), directory disk (6), entries here (8), directory size (12), directory offset (16)
        fc.constantFrom(4, 6, 8, 12, 16),
        fc.integer({ min: 1, max: 0xfff }),
        async (field, delta) => {
          const bytes = Buffer.from(original)
          const at = eocdOffset(bytes) + field
          if (field >= 12) bytes.writeUInt32LE((bytes.readUInt32LE(at) + delta) % 0x100000000, at)
          else bytes.writeUInt16LE((bytes.readUInt16LE(at) + delta) % 0x10000, at)
          await writeFile(file, bytes)
          const result = await outcome(file)
          if (!(result instanceof AscentError)) expect(corruptProblems(result).length).toBeGreaterThan(0)
        },
      ),
      { numRuns: 40 },
    )
  })

  it('ascent inspect lists the problem as an error', async () => {
    const dir = await tempDir()
    const file = await makeIpa({}, dir)
    const bytes = await readFile(file)
    LIES['central directory size too big']!(bytes)
    await writeFile(file, bytes)
    const inspected = await runCli(['inspect', file])
    expect(inspected.stdout).toMatch(/error +ZIP_CORRUPT: the archive is damaged: its central directory/)
  })
})

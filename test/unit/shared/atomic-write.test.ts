import { mkdir, readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeFileAtomic } from '../../../electron/atomic-write'
import { useTempDir } from '../../support/temp-dir'

const tempDir = useTempDir('ascent-atomic-')

describe('writeFileAtomic', () => {
  it('replaces the whole file, private by default, and leaves no temp file behind', async () => {
    const dir = await tempDir()
    const file = join(dir, 'journal.json')
    await writeFileAtomic(file, 'first')
    await writeFileAtomic(file, 'second')
    expect(await readFile(file, 'utf8')).toBe('second')
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect(await readdir(dir)).toEqual(['journal.json'])
  })

  it('keeps the old file and cleans up when the write cannot finish', async () => {
    const dir = await tempDir()
    const file = join(dir, 'journal.json')
    await writeFileAtomic(file, 'old')
    // Renaming a file onto a directory fails after the temp file was written.
    const target = join(dir, 'sub')
    await writeFileAtomic(join(dir, 'sub-file'), 'x')
    await mkdir(target)
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow()
    expect(await readFile(file, 'utf8')).toBe('old')
    expect((await readdir(dir)).sort()).toEqual(['journal.json', 'sub', 'sub-file'])
  })
})

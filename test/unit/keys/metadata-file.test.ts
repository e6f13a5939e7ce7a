import { promises as fs } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { metadataPath, readKeyMetadata, writeKeyMetadata } from '../../../electron/keys/metadata-file'
import { keyIdFromFileName } from '../../../electron/keys/key-files'
import { useTempDir } from '../../support/temp-dir'

const tempDir = useTempDir('ascent-meta-')

const key = {
  name: 'Main',
  keyId: 'ABCDEF1234',
  issuerId: null,
  individual: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  lastVerifiedAt: null,
  lastError: null,
}

describe('metadata file', () => {
  it('writes atomically with mode 0600 and reads back; a missing file is an empty list', async () => {
    const dir = path.join(await tempDir(), 'nested')
    expect(await readKeyMetadata(dir)).toEqual([])
    await writeKeyMetadata(dir, [key])
    await writeKeyMetadata(dir, [key, { ...key, keyId: 'SECOND1234', name: 'Second' }])
    expect((await readKeyMetadata(dir)).map((k) => k.keyId)).toEqual(['ABCDEF1234', 'SECOND1234'])
    expect((await fs.stat(metadataPath(dir))).mode & 0o777).toBe(0o600)
    expect(await fs.readdir(dir)).toEqual(['keys.json'])
  })

  it('names the damaged file and the fix', async () => {
    const dir = await tempDir()
    await fs.writeFile(metadataPath(dir), '{"version":1,"keys":[{"name":1}]}')
    await expect(readKeyMetadata(dir)).rejects.toMatchObject({
      code: 'BAD_CONFIG',
      message: expect.stringMatching(/keys\.json.*delete the file/),
    })
    await fs.writeFile(metadataPath(dir), 'not json')
    await expect(readKeyMetadata(dir)).rejects.toMatchObject({ code: 'BAD_CONFIG' })
  })

  it('reads the key id from AuthKey_<KEYID>.p8', () => {
    expect(keyIdFromFileName('/x/AuthKey_2X9R4HXF34.p8')).toBe('2X9R4HXF34')
    expect(keyIdFromFileName('AuthKey.p8')).toBeNull()
    expect(keyIdFromFileName('AuthKey_ABC.p8.bak')).toBeNull()
  })
})

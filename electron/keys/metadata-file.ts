import { writeFileAtomic } from '../atomic-write'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import * as z from 'zod'
import { AscentError } from '../../shared/errors'
import { KeyMetadata } from '../../shared/key-metadata'
import { readTextFile, TEXT_FILE_KINDS, TextFileError } from '../read-text-file'

/** The metadata file: names, ids and verification outcomes only. Secrets live in the KeyStore. */
const METADATA_FILE_NAME = 'keys.json'

const MetadataFile = z.object({ version: z.literal(1), keys: z.array(KeyMetadata) })

export function metadataPath(dir: string): string {
  return path.join(dir, METADATA_FILE_NAME)
}

export async function readKeyMetadata(dir: string): Promise<readonly KeyMetadata[]> {
  const file = metadataPath(dir)
  let text: string
  try {
    text = await readTextFile(file, TEXT_FILE_KINDS.keyList)
  } catch (error) {
    if (error instanceof TextFileError && error.errno === 'ENOENT') return []
    throw new AscentError('BAD_CONFIG', `${file}: cannot read the key list (${(error as Error).message})`, {
      cause: error,
    })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw corrupt(file, 'not valid JSON', error)
  }
  const parsed = MetadataFile.safeParse(json)
  if (!parsed.success)
    throw corrupt(file, parsed.error.issues[0]?.message ?? 'unexpected content', parsed.error)
  return parsed.data.keys
}

function corrupt(file: string, reason: string, cause: unknown): AscentError {
  return new AscentError(
    'BAD_CONFIG',
    `${file}: the key list is damaged (${reason}); delete the file and add your keys again (the keychain items stay)`,
    { cause },
  )
}

/** Atomic: a reader sees the old file or the new one, never half of one (temp file + rename, mode 0600). */
export async function writeKeyMetadata(dir: string, keys: readonly KeyMetadata[]): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 })
  const body = JSON.stringify({ version: 1, keys }, null, 2) + '\n'
  await writeFileAtomic(metadataPath(dir), body, { mode: 0o600 })
}

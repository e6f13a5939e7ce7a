import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import * as z from 'zod'
import { AscentError } from '../../shared/errors'
import { readNamedTextFile, readTextFile, TEXT_FILE_KINDS, TextFileError } from '../read-text-file'
import type { DiscoveredKey } from '../../shared/ipc'

/** Apple names downloaded keys `AuthKey_<KEYID>.p8`; altool and fastlane find keys by that name. */
const AUTH_KEY_FILE = /^AuthKey_([A-Za-z0-9]+)\.p8$/

export function keyIdFromFileName(fileName: string): string | null {
  return AUTH_KEY_FILE.exec(path.basename(fileName))?.[1] ?? null
}

/** Reads a key file's text, refusing what cannot be a key (missing, a directory, too big, binary). */
export async function readKeyFile(file: string): Promise<string> {
  try {
    return await readTextFile(file, TEXT_FILE_KINDS.privateKey)
  } catch (error) {
    if (!(error instanceof TextFileError)) throw error
    throw new AscentError(
      'BAD_KEY',
      `${file}: ${error.message}; choose the AuthKey_<KEYID>.p8 App Store Connect gave you`,
    )
  }
}

/** fastlane's API key JSON (`app_store_connect_api_key` / `api_key_path`). */
const FastlaneKeyJson = z.object({
  key_id: z.string().min(1),
  issuer_id: z.string().min(1).optional().nullable(),
  key: z.string().min(1).optional(),
  key_filepath: z.string().min(1).optional(),
  is_key_content_base64: z.boolean().optional(),
  in_house: z.boolean().optional(),
  duration: z.number().optional(),
})

export interface FastlaneKey {
  readonly keyId: string
  readonly issuerId: string | null
  readonly pem: string
}

export async function readFastlaneKeyJson(file: string): Promise<FastlaneKey> {
  const text = await readNamedTextFile(file, TEXT_FILE_KINDS.fastlaneKeyJson)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    // The parser's message may quote the file's content, which holds the key: not repeated here.
    throw new AscentError(
      'BAD_INPUT',
      `${file}: not valid JSON; expected fastlane's { "key_id", "issuer_id", "key" } file`,
    )
  }
  const parsed = FastlaneKeyJson.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new AscentError(
      'BAD_INPUT',
      `${file}: ${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}`,
    )
  }
  const data = parsed.data
  if (data.in_house)
    throw new AscentError(
      'BAD_KEY',
      `${file}: an in-house (Enterprise) key cannot publish to the App Store or TestFlight; use an App Store Connect team key`,
    )
  let pem: string
  if (data.key !== undefined) {
    pem = data.is_key_content_base64 ? Buffer.from(data.key, 'base64').toString('utf8') : data.key
  } else if (data.key_filepath !== undefined) {
    pem = await readKeyFile(path.resolve(path.dirname(file), data.key_filepath))
  } else {
    throw new AscentError('BAD_INPUT', `${file}: has neither "key" nor "key_filepath"; add one of them`)
  }
  return { keyId: data.key_id, issuerId: data.issuer_id ?? null, pem }
}

/** altool's key folders, in its search order (./private_keys is relative to the working directory). */
export function keyFolders(home: string, cwd: string): readonly string[] {
  return [
    path.join(cwd, 'private_keys'),
    path.join(home, 'private_keys'),
    path.join(home, '.private_keys'),
    path.join(home, '.appstoreconnect', 'private_keys'),
  ]
}

/** The id the window sends back to import a discovered key: opaque, so it cannot name an arbitrary path. */
function discoveredKeyId(file: string): string {
  return createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 24)
}

export async function discoverKeyFiles(folders: readonly string[]): Promise<DiscoveredKey[]> {
  const found: DiscoveredKey[] = []
  const seen = new Set<string>()
  for (const folder of folders) {
    let names: string[]
    try {
      names = await fs.readdir(folder)
    } catch {
      continue // a folder that does not exist is the usual case
    }
    for (const fileName of names.sort()) {
      const keyId = keyIdFromFileName(fileName)
      if (!keyId) continue
      const file = path.join(folder, fileName)
      const id = discoveredKeyId(file)
      if (seen.has(id)) continue
      const stat = await fs.stat(file).catch(() => null)
      if (!stat?.isFile()) continue
      seen.add(id)
      found.push({ id, keyId, fileName, folder })
    }
  }
  return found
}

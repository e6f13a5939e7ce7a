import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { readImageHeader } from '../../shared/image-header'
import { ApiError, attributeInvalid, conflict } from './errors'
import type { AppScreenshot, AppScreenshotSet } from './metadata'
import { placeholderPng } from './placeholder-image'
import { acceptsSize } from './screenshot-specs'
import type { SandboxStore } from './store'

/**
 * Screenshot uploads as App Store Connect runs them: a reservation hands out upload operations, the parts
 * are PUT to them (no token), a commit with the file's MD5 starts processing, and processing reads the
 * image's pixel size: COMPLETE when the display type accepts it, else FAILED with IMAGE_INCORRECT_DIMENSIONS.
 */

/** Apple allows ten screenshots in a set. */
const MAX_PER_SET = 10
/** The sandbox keeps screenshot bytes in memory; larger files are refused at reservation. */
const MAX_FILE_BYTES = 64 * 1024 * 1024
/** Screenshot processing takes a moment on App Store Connect; the sandbox takes at most this long. */
const MAX_PROCESSING_MS = 1000

function contentTypeOf(fileName: string): string {
  return /\.png$/i.test(fileName)
    ? 'image/png'
    : /\.jpe?g$/i.test(fileName)
      ? 'image/jpeg'
      : 'application/octet-stream'
}

function partError(status: number, detail: string): ApiError {
  return new ApiError(status, [
    {
      code: status === 403 ? 'FORBIDDEN_ERROR' : 'PARAMETER_ERROR.INVALID',
      title: 'The upload part was refused',
      detail,
    },
  ])
}

export class ScreenshotUploads {
  constructor(
    private readonly store: SandboxStore,
    private readonly base: () => string,
    private readonly partSize: number,
    /** Injects the part failures POST /__sandbox/fail-part asks for (one list for builds and screenshots). */
    private readonly injectPartFailure: (
      id: string,
      partNumber: number,
      req: IncomingMessage,
    ) => Promise<void>,
  ) {}

  /** POST /v1/appScreenshots: reserves a screenshot at the end of the set, AWAITING_UPLOAD. */
  reserve(set: AppScreenshotSet, fileName: string, fileSize: number): AppScreenshot {
    if (set.screenshotIds.length >= MAX_PER_SET)
      throw conflict(
        'ENTITY_ERROR.RELATIONSHIP.INVALID',
        'The provided entity includes a relationship with an invalid value',
        `Too many screenshots (${MAX_PER_SET}) in appScreenshotSets with id '${set.id}'.`,
        '/data/relationships/appScreenshotSet',
      )
    if (fileSize > MAX_FILE_BYTES)
      throw attributeInvalid(
        `The file size ${fileSize} is larger than the sandbox keeps for a screenshot (${MAX_FILE_BYTES} bytes).`,
        '/data/attributes/fileSize',
      )
    const id = randomUUID()
    const parts = []
    for (let offset = 0, number = 1; offset < fileSize; offset += this.partSize, number++) {
      parts.push({
        number,
        offset,
        length: Math.min(this.partSize, fileSize - offset),
        token: randomBytes(12).toString('hex'),
        bytes: null,
        received: false,
      })
    }
    const shot: AppScreenshot = {
      id,
      setId: set.id,
      fileName,
      fileSize,
      sourceFileChecksum: null,
      state: 'AWAITING_UPLOAD',
      errors: [],
      width: null,
      height: null,
      assetToken: `sandbox-screenshot-${id}`,
      processedAt: null,
      parts,
      image: null,
    }
    this.store.appScreenshots.set(id, shot)
    set.screenshotIds.push(id)
    return shot
  }

  /** Apple's UploadOperation list: the parts still to send, while the screenshot awaits its upload. */
  operations(shot: AppScreenshot): object[] {
    if (shot.state !== 'AWAITING_UPLOAD') return []
    return shot.parts
      .filter((p) => !p.received)
      .map((p) => ({
        method: 'PUT',
        url: `${this.base()}/upload-screenshot/${shot.id}/${p.number}?signature=${p.token}`,
        length: p.length,
        offset: p.offset,
        requestHeaders: [{ name: 'Content-Type', value: contentTypeOf(shot.fileName) }],
      }))
  }

  /** A rendered image URL template, as Apple's image CDN gives one for a processed screenshot. */
  templateUrl(shot: AppScreenshot): string {
    return `${this.base()}/screenshots/${shot.id}/{w}x{h}bb.{f}`
  }

  /** PUT of one part: the signature, the operation's Content-Type and the exact byte count. */
  async receivePart(
    id: string,
    partNumber: number,
    signature: string | null,
    req: IncomingMessage,
  ): Promise<void> {
    const shot = this.store.appScreenshots.get(id)
    const part = shot?.parts.find((p) => p.number === partNumber)
    if (!shot || !part)
      throw new ApiError(404, [
        {
          code: 'NOT_FOUND',
          title: 'The upload part does not exist',
          detail: `No part ${partNumber} of screenshot ${id}`,
        },
      ])
    if (signature !== part.token) throw partError(403, 'The request signature does not match this part.')
    if (shot.state !== 'AWAITING_UPLOAD')
      throw partError(409, `The screenshot is ${shot.state} and takes no more parts.`)
    const type = contentTypeOf(shot.fileName)
    if (req.headers['content-type'] !== type)
      throw partError(400, `Send the requestHeaders of the operation (Content-Type: ${type}).`)
    const expected = `expected ${part.length} (bytes ${part.offset}-${part.offset + part.length - 1})`
    if (Number(req.headers['content-length']) !== part.length)
      throw partError(400, `Content-Length must be ${part.length} for part ${partNumber}; ${expected}.`)
    await this.injectPartFailure(shot.id, partNumber, req)
    const chunks: Buffer[] = []
    let received = 0
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        received += chunk.length
        // Content-Length was checked, so the parser should never pass more; refuse rather than keep it.
        if (received > part.length) break
        chunks.push(chunk)
      }
    } catch {
      // The client went away mid-part: the part stays unsent.
      received = -1
    }
    if (received !== part.length)
      throw partError(400, `Part ${partNumber} carried ${received} bytes; ${expected}.`)
    part.bytes = Buffer.concat(chunks)
    part.received = true
  }

  /**
   * PATCH uploaded:true with the file's MD5: every part must be there and the checksum must match; the
   * screenshot is UPLOAD_COMPLETE and processing starts.
   */
  commit(
    shot: AppScreenshot,
    uploaded: boolean | null | undefined,
    checksum: string | null | undefined,
  ): void {
    if (!uploaded || shot.state !== 'AWAITING_UPLOAD') {
      if (checksum) shot.sourceFileChecksum = checksum
      return
    }
    const missing = shot.parts.filter((p) => !p.received).map((p) => p.number)
    if (missing.length > 0)
      throw conflict(
        'STATE_ERROR.ENTITY_STATE_INVALID',
        'The request cannot be fulfilled because of the state of the resource.',
        `${missing.length === 1 ? 'Part' : 'Parts'} ${missing.join(', ')} of ${shot.fileName} ${missing.length === 1 ? 'has' : 'have'} not been uploaded.`,
      )
    if (checksum) {
      const md5 = createHash('md5')
      for (const p of shot.parts) md5.update(p.bytes ?? Buffer.alloc(0))
      const actual = md5.digest('hex')
      if (actual !== checksum.toLowerCase())
        throw attributeInvalid(
          `The checksum ${checksum} does not match the uploaded file (${actual}).`,
          '/data/attributes/sourceFileChecksum',
        )
      shot.sourceFileChecksum = checksum
    }
    shot.state = 'UPLOAD_COMPLETE'
    shot.processedAt = this.store.now() + Math.min(this.store.timers.processingMs, MAX_PROCESSING_MS)
  }

  /**
   * Processing: the image's pixel size against the set's display type. The parts' bytes are dropped; a
   * COMPLETE screenshot keeps the image for the image host.
   */
  advance(): void {
    const now = this.store.now()
    for (const shot of this.store.appScreenshots.values()) {
      if (shot.state !== 'UPLOAD_COMPLETE' || shot.processedAt === null || now < shot.processedAt) continue
      const set = this.store.appScreenshotSets.get(shot.setId)
      const image = Buffer.concat(shot.parts.map((p) => p.bytes ?? Buffer.alloc(0)))
      const header = readImageHeader(image)
      shot.processedAt = null
      for (const p of shot.parts) p.bytes = null
      if (!header) {
        shot.state = 'FAILED'
        shot.errors = [{ code: 'IMAGE_TOOL_FAILURE', description: 'IMAGE_TOOL_FAILURE' }]
        continue
      }
      shot.width = header.width
      shot.height = header.height
      if (set && !acceptsSize(set.displayType, header.width, header.height)) {
        // Apple's description repeats the code.
        shot.state = 'FAILED'
        shot.errors = [{ code: 'IMAGE_INCORRECT_DIMENSIONS', description: 'IMAGE_INCORRECT_DIMENSIONS' }]
        continue
      }
      shot.state = 'COMPLETE'
      shot.image = image
    }
  }

  /**
   * The image host behind imageAsset.templateUrl (no token, like Apple's CDN): the processed screenshot as it
   * was uploaded, whatever size the URL asks for; null when there is no such COMPLETE screenshot.
   */
  imageOf(path: string): { body: Buffer; contentType: string } | null {
    const m = /^\/screenshots\/([\w-]+)\/\d+x\d+bb\.\w+$/.exec(path)
    const shot = m ? this.store.appScreenshots.get(m[1] ?? '') : undefined
    if (!shot || shot.state !== 'COMPLETE' || shot.width === null || shot.height === null) return null
    const body = shot.image ?? placeholderPng(shot.width, shot.height)
    return { body, contentType: readImageHeader(body)?.format === 'jpeg' ? 'image/jpeg' : 'image/png' }
  }
}

import { read } from 'node:fs'
import { promisify } from 'node:util'
import { inflateSync } from 'node:zlib'
import type { BuildSummary, Problem } from '../../shared/build-summary'
import { badBuild, throwIfAborted } from './bad-build'
import { error, versionProblems, warning } from './build-problems'
import { childText, childrenNamed, descendantsNamed, parseXml, type XmlElement } from './xml-lite'

const readAsync = promisify(read)

/** The TOC of a product archive lists a handful of files; installer metadata is a few KiB. */
const MAX_TOC_BYTES = 16 * 1024 * 1024
const MAX_METADATA_BYTES = 1024 * 1024
const XAR_HEADER_BYTES = 28

interface XarFile {
  readonly path: string
  readonly offset: number
  readonly length: number
  readonly size: number
  readonly encoding: string
}

async function readAt(fd: number, position: number, length: number, fileSize: number): Promise<Buffer> {
  if (position + length > fileSize)
    throw badBuild('truncated .pkg: the xar table of contents points past the end of the file')
  const buffer = Buffer.alloc(length)
  const { bytesRead } = await readAsync(fd, buffer, 0, length, position)
  if (bytesRead < length) throw badBuild('truncated .pkg: the file ended early')
  return buffer
}

function inflateBounded(data: Buffer, limit: number, what: string): Buffer {
  try {
    return inflateSync(data, { maxOutputLength: limit })
  } catch (cause) {
    if (cause instanceof RangeError)
      throw badBuild(`${what} inflates past the ${limit}-byte limit for it (a zip bomb?)`, cause)
    throw badBuild(`corrupt .pkg: ${what} is not valid zlib data`, cause)
  }
}

function listFiles(toc: XmlElement): XarFile[] {
  const files: XarFile[] = []
  const walk = (element: XmlElement, prefix: string): void => {
    for (const file of childrenNamed(element, 'file')) {
      const name = childText(file, 'name') ?? ''
      const path = prefix + name
      const data = file.children.find((c) => c.name === 'data')
      if (data) {
        const encoding =
          data.children.find((c) => c.name === 'encoding')?.attributes['style'] ?? 'application/octet-stream'
        files.push({
          path,
          offset: Number(childText(data, 'offset')),
          length: Number(childText(data, 'length')),
          size: Number(childText(data, 'size')),
          encoding,
        })
      }
      walk(file, `${path}/`)
    }
  }
  walk(toc, '')
  return files
}

async function readXarFile(fd: number, heapStart: number, fileSize: number, file: XarFile): Promise<string> {
  const valid = (n: number): boolean => Number.isSafeInteger(n) && n >= 0
  if (!valid(file.offset) || !valid(file.length) || !valid(file.size))
    throw badBuild(`corrupt .pkg: bad data location for ${file.path}`)
  if (file.size > MAX_METADATA_BYTES || file.length > MAX_METADATA_BYTES) {
    throw badBuild(
      `${file.path} declares ${Math.max(file.size, file.length)} bytes, more than the ${MAX_METADATA_BYTES}-byte limit for it`,
    )
  }
  const raw = await readAt(fd, heapStart + file.offset, file.length, fileSize)
  if (file.encoding === 'application/octet-stream') return raw.toString('utf8')
  if (file.encoding === 'application/x-gzip')
    return inflateBounded(raw, MAX_METADATA_BYTES, file.path).toString('utf8')
  throw badBuild(`${file.path} uses the unsupported xar encoding ${file.encoding}`)
}

function parseMetadata(text: string, what: string): XmlElement {
  try {
    return parseXml(text)
  } catch (cause) {
    throw badBuild(
      `${what} is not valid XML (${cause instanceof Error ? cause.message : String(cause)})`,
      cause,
    )
  }
}

interface BundleFacts {
  readonly id?: string
  readonly version?: string
  readonly buildNumber?: string
  readonly path?: string
}

/** The app itself is the `.app` bundle nearest the top; nested helpers and frameworks come after it. */
function mainBundle(root: XmlElement): BundleFacts | undefined {
  const bundles = descendantsNamed(root, 'bundle')
    .map((b) => ({
      id: b.attributes['id'],
      version: b.attributes['CFBundleShortVersionString'],
      buildNumber: b.attributes['CFBundleVersion'],
      path: b.attributes['path'],
    }))
    .filter((b) => b.id !== undefined)
  const depth = (b: BundleFacts): number =>
    (b.path?.endsWith('.app') ? 0 : 1000) + (b.path?.split('/').filter((s) => s && s !== '.').length ?? 100)
  return bundles.sort((a, b) => depth(a) - depth(b))[0]
}

/** Reads a macOS installer package (xar): header, zlib TOC, then PackageInfo and Distribution only. */
export async function inspectPkg(
  file: string,
  fd: number,
  size: number,
  options: { signal: AbortSignal | undefined },
): Promise<BuildSummary> {
  const header = await readAt(fd, 0, Math.min(XAR_HEADER_BYTES, size), size)
  if (header.length < XAR_HEADER_BYTES) throw badBuild('truncated .pkg: shorter than a xar header')
  const headerSize = header.readUInt16BE(4)
  const tocCompressed = Number(header.readBigUInt64BE(8))
  const tocSize = Number(header.readBigUInt64BE(16))
  if (headerSize < XAR_HEADER_BYTES) throw badBuild('corrupt .pkg: bad xar header size')
  if (tocCompressed > MAX_TOC_BYTES || tocSize > MAX_TOC_BYTES) {
    throw badBuild(`corrupt .pkg: the xar table of contents declares more than ${MAX_TOC_BYTES} bytes`)
  }
  const toc = inflateBounded(
    await readAt(fd, headerSize, tocCompressed, size),
    MAX_TOC_BYTES,
    'the xar table of contents',
  )
  const tocRoot = parseMetadata(toc.toString('utf8'), 'the xar table of contents')
  const tocElement = tocRoot.name === 'xar' ? tocRoot.children.find((c) => c.name === 'toc') : undefined
  if (!tocElement) throw badBuild('corrupt .pkg: the xar table of contents has no <toc>')
  const heapStart = headerSize + tocCompressed
  const files = listFiles(tocElement)
  throwIfAborted(options.signal)

  const distributionFile = files.find((f) => f.path === 'Distribution')
  const packageInfoFiles = files.filter(
    (f) => f.path === 'PackageInfo' || /^[^/]+\.pkg\/PackageInfo$/.test(f.path),
  )
  if (!distributionFile && packageInfoFiles.length === 0) {
    throw badBuild('not an installer package: the xar archive has no Distribution or PackageInfo')
  }
  const distribution = distributionFile
    ? parseMetadata(await readXarFile(fd, heapStart, size, distributionFile), 'Distribution')
    : undefined
  const packageInfos: XmlElement[] = []
  for (const info of packageInfoFiles) {
    throwIfAborted(options.signal)
    packageInfos.push(parseMetadata(await readXarFile(fd, heapStart, size, info), info.path))
  }

  const bundle =
    packageInfos.map(mainBundle).find((b) => b !== undefined) ??
    (distribution ? mainBundle(distribution) : undefined)
  const pkgInfo = packageInfos[0]
  const product = distribution?.children.find((c) => c.name === 'product')
  const bundleId = bundle?.id ?? pkgInfo?.attributes['identifier'] ?? product?.attributes['id']
  if (!bundleId)
    throw badBuild('the installer package names no bundle id (no <bundle id> in PackageInfo or Distribution)')
  const version = bundle?.version ?? pkgInfo?.attributes['version'] ?? product?.attributes['version']
  const buildNumber = bundle?.buildNumber
  const minimumOSVersion = distribution
    ? (descendantsNamed(distribution, 'os-version')[0]?.attributes['min'] ?? null)
    : null

  const problems: Problem[] = [...versionProblems(version, buildNumber)]
  if (!distribution) {
    problems.push(
      error(
        'PKG_NOT_PRODUCT_ARCHIVE',
        'this is a component package (pkgbuild) without a Distribution; App Store Connect needs a product archive: export from Xcode (Product > Archive > Distribute) or use productbuild',
      ),
    )
  }
  if (!tocElement.children.some((c) => c.name === 'signature' || c.name === 'x-signature')) {
    problems.push(
      warning(
        'PKG_UNSIGNED',
        'the installer package is not signed: App Store Connect needs it signed with your Mac Installer Distribution certificate',
      ),
    )
  }
  return {
    file,
    kind: 'pkg',
    bundleId,
    version: version ?? buildNumber ?? '',
    buildNumber: buildNumber ?? '',
    platform: 'MAC_OS',
    minimumOSVersion,
    deviceFamilies: ['mac'],
    sizeBytes: size,
    // The embedded.provisionprofile sits inside the compressed Payload; reading it would mean inflating the app.
    profile: null,
    extensions: [],
    frameworks: [],
    problems,
    displayName: distribution ? (childText(distribution, 'title') ?? null) : null,
    usesNonExemptEncryption: null,
    iconDataUrl: null,
  }
}

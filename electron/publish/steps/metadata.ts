import { readDeliverFolderOrRefuse } from '../../metadata/deliver-folder'
import { pushDeliverFolder } from '../../metadata/push'
import { readStoreSnapshot } from '../../metadata/store-snapshot'
import { done, type RunContext, type SubstepOutcome } from '../run-context'

/**
 * The deliver folder of `metadata_path` / `--metadata`, pushed to the version before the review submission
 * (while the build may still upload): text and screenshots, only what differs (so a resumed run sends nothing twice).
 */
export function pushMetadataFolder(ctx: RunContext, dir: string): Promise<SubstepOutcome> {
  const { build } = ctx.journal
  return ctx.substep('app-store', 'metadata', 'App Store information from the metadata folder', async () => {
    const folder = await readDeliverFolderOrRefuse(dir)
    const client = ctx.run.connection.client
    const snapshot = await readStoreSnapshot(
      client,
      build.bundleId,
      { versionString: build.version, platform: build.platform },
      { signal: ctx.signal },
    )
    const result = await pushDeliverFolder(client, snapshot, folder, {
      signal: ctx.signal,
      onProgress: (p) => {
        if (p.kind === 'step') ctx.log('info', p.message)
      },
    })
    const shots = result.screenshotsUploaded > 0 ? `, ${result.screenshotsUploaded} screenshots uploaded` : ''
    return done(
      result.changes.length === 0
        ? 'App Store information already as the metadata folder says'
        : `App Store information from the metadata folder: ${result.changes.length} changes${shots}`,
    )
  })
}

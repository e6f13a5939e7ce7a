// The upload service's public surface: the pipeline and the CLI import from here.
export type {
  UploadBuild,
  UploadOptions,
  UploadProgress,
  UploadResult,
  Uploader,
  UploadMethod,
} from './types'
export { createUploader, resolveUploadMethod, type CreateUploaderOptions } from './create-uploader'
export { createApiUploader, type ApiUploaderOptions } from './api-uploader'
export {
  createAltoolUploader,
  altoolAvailable,
  altoolArguments,
  type AltoolUploaderOptions,
  type AltoolCredentials,
} from './altool-uploader'
export { createAscBuildUploadApi } from './asc-build-upload-api'
export type {
  BuildUploadApi,
  BuildUploadRecord,
  BuildUploadFileRecord,
  UploadOperation,
} from './build-upload-api'
export { createJournalStore, JOURNAL_FILE_NAME, type UploadJournal } from './journal'
export {
  runSubprocess,
  SubprocessExitError,
  type SubprocessOptions,
  type SubprocessResult,
} from './subprocess'

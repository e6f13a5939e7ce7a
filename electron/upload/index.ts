// The upload service's public surface: the pipeline and the CLI import from here.
export type { UploadBuild, UploadProgress, UploadMethod } from './types'
export { createUploader, resolveUploadMethod } from './create-uploader'
export { createApiUploader, type ApiUploaderOptions } from './api-uploader'
export { createAltoolUploader, type AltoolUploaderOptions } from './altool-uploader'
export { createAscBuildUploadApi } from './asc-build-upload-api'
export type { BuildUploadApi } from './build-upload-api'
export { RESUME_STATE_FILE, type UploadResumeState } from './resume-state'

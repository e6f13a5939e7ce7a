import * as z from 'zod'
import { DeviceFamily, Platform } from './build-summary'
import { WhatsNew } from './release-settings'

/**
 * The App Store information of one version as the window shows and edits it: the text App Review needs
 * per locale, the app's name and privacy policy, its categories, the App Review contact, the screenshot
 * slots, and the readiness answer (what is still missing and where it is filled).
 */

/** Which version: the chosen build's app, platform and version, and what the build runs on. */
export const StoreTarget = z.object({
  bundleId: z.string().min(1),
  platform: Platform,
  versionString: z.string().min(1),
  deviceFamilies: z.array(DeviceFamily),
  /** What Publish will send from the App Store panel: it counts as filled in the readiness answer. */
  release: z.object({ copyright: z.string().nullable(), whatsNew: WhatsNew.nullable() }).optional(),
})
export type StoreTarget = z.infer<typeof StoreTarget>

const text = z.string().nullable()

export const VersionTextView = z.object({
  locale: z.string(),
  description: text,
  keywords: text,
  supportUrl: text,
  marketingUrl: text,
  promotionalText: text,
  whatsNew: text,
})
export type VersionTextView = z.infer<typeof VersionTextView>

const AppInfoTextView = z.object({
  locale: z.string(),
  name: text,
  subtitle: text,
  privacyPolicyUrl: text,
  /** Apple TV apps show a privacy policy as text: App Review needs it for tvOS. */
  privacyPolicyText: text,
})

const ReviewContactView = z.object({
  contactFirstName: text,
  contactLastName: text,
  contactPhone: text,
  contactEmail: text,
  notes: text,
})

const ScreenshotView = z.object({
  id: z.string(),
  fileName: z.string().nullable(),
  /** AWAITING_UPLOAD, UPLOAD_COMPLETE, COMPLETE, FAILED; null when App Store Connect does not say. */
  state: z.string().nullable(),
  /** Apple's reasons when FAILED (IMAGE_INCORRECT_DIMENSIONS, …). */
  errors: z.array(z.object({ code: z.string().nullable(), description: z.string().nullable() })),
})

export const ScreenshotSlot = z.object({
  displayType: z.string(),
  /** "6.9-inch iPhone". */
  label: z.string(),
  /** The pixel sizes the slot takes, portrait, e.g. "1290x2796, 1320x2868". */
  sizes: z.string(),
  /** App Review needs this slot (or the one named in `alternativeTo`) filled. */
  required: z.boolean(),
  /** Another slot that satisfies the same requirement (6.5-inch for 6.9-inch). */
  alternativeTo: z.string().nullable(),
  setId: z.string().nullable(),
  shots: z.array(ScreenshotView),
})
export type ScreenshotSlot = z.infer<typeof ScreenshotSlot>

export const MissingStoreItem = z.object({
  /** App Store Connect's name: description, privacyPolicyUrl, primaryCategory, screenshots, … */
  field: z.string(),
  locale: z.string().optional(),
  /** What is missing and where it is filled. */
  message: z.string(),
  /** The App Store Connect page where it is filled (none against a stand-in App Store Connect). */
  page: z.string().optional(),
})
export type MissingStoreItem = z.infer<typeof MissingStoreItem>

export const StoreInfo = z.object({
  appName: z.string(),
  primaryLocale: z.string(),
  versionString: z.string(),
  /** False until the version exists in App Store Connect (saving or uploading creates it). */
  versionExists: z.boolean(),
  /** An update: What's New is required; on a first version App Store Connect refuses it. */
  update: z.boolean(),
  /** The version's locales, primary first. */
  locales: z.array(z.string()),
  versionTexts: z.array(VersionTextView),
  appInfoTexts: z.array(AppInfoTextView),
  categories: z.object({
    primary: z.string().nullable(),
    secondary: z.string().nullable(),
    /** Top-level category ids App Store Connect offers for the platform. */
    offered: z.array(z.string()),
  }),
  review: ReviewContactView,
  copyright: z.string().nullable(),
  /** Screenshots are shown for the primary locale: the other locales use its images. */
  screenshotLocale: z.string(),
  slots: z.array(ScreenshotSlot),
  readiness: z.object({
    ready: z.boolean(),
    missing: z.array(MissingStoreItem),
    reminders: z.array(MissingStoreItem),
  }),
})
export type StoreInfo = z.infer<typeof StoreInfo>

const edit = z.string().optional()

/** What the form sends: only the fields the person changed. An empty string leaves a field as it is. */
export const StoreInfoEdit = z.object({
  versionTexts: z
    .record(
      z.string(),
      z.object({
        description: edit,
        keywords: edit,
        supportUrl: edit,
        marketingUrl: edit,
        promotionalText: edit,
        whatsNew: edit,
      }),
    )
    .optional(),
  appInfoTexts: z
    .record(
      z.string(),
      z.object({ name: edit, subtitle: edit, privacyPolicyUrl: edit, privacyPolicyText: edit }),
    )
    .optional(),
  primaryCategory: edit,
  secondaryCategory: edit,
  review: z
    .object({
      contactFirstName: edit,
      contactLastName: edit,
      contactPhone: edit,
      contactEmail: edit,
      notes: edit,
    })
    .optional(),
  copyright: edit,
})
export type StoreInfoEdit = z.infer<typeof StoreInfoEdit>

/** One screenshot's way up, as app events: bytes sent, then App Store Connect processing it. */
export const ScreenshotProgress = z.object({
  type: z.literal('screenshot-progress'),
  bundleId: z.string(),
  fileId: z.string(),
  fileName: z.string(),
  displayType: z.string(),
  phase: z.enum(['sending', 'processing', 'done', 'failed']),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  /** Apple's reason when failed. */
  message: z.string().nullable(),
})
export type ScreenshotProgress = z.infer<typeof ScreenshotProgress>

import { describe, expect, it } from 'vitest'
import { AscApiError, httpErrorMessage, type AppleError } from '../../../electron/asc/api-error'

/** Apple's blocked-review answer: one error whose `meta.associatedErrors` lists what is missing, by resource. */
function blocked(associatedErrors: Record<string, unknown[]>): AppleError[] {
  return [
    {
      code: 'STATE_ERROR.ENTITY_STATE_INVALID',
      title: "appStoreVersions with id 'v1' is not in valid state.",
      detail: 'This resource cannot be reviewed, please check associated errors to see why.',
      meta: { associatedErrors },
    },
  ]
}

const screenshot = {
  code: 'STATE_ERROR.SCREENSHOT_REQUIRED.APP_IPHONE_67',
  title: 'App screenshot missing (APP_IPHONE_67).',
  detail: 'A screenshot for one of the following types is required but was not provided: APP_IPHONE_67',
  meta: { locale: 'en-US' },
}
const category = {
  code: 'ENTITY_ERROR.RELATIONSHIP.REQUIRED',
  title: 'The provided entity is missing a required relationship',
  detail: "You must provide a value for the relationship 'primaryCategory' with this request",
  source: { pointer: '/data/relationships/primaryCategory' },
}
const email = {
  code: 'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
  title: 'The provided entity is missing a required attribute',
  detail: "You must provide a value for the attribute 'contactEmail' with this request",
  source: { pointer: '/data/attributes/contactEmail' },
}

const message = (status: number, errors: readonly AppleError[]): string =>
  httpErrorMessage({
    method: 'POST',
    path: '/v1/reviewSubmissionItems',
    status,
    errors,
    skewMs: null,
    retryAfterMs: null,
  }).message

describe('Apple errors with associated errors', () => {
  it('a 409 names each associated error after Apple’s detail', () => {
    const errors = blocked({
      '/v1/appScreenshots/': [screenshot],
      '/v1/appInfos/i1': [category],
      '/v1/appStoreReviewDetails/r1': [email],
    })
    expect(message(409, errors)).toBe(
      'App Store Connect refused POST /v1/reviewSubmissionItems: This resource cannot be reviewed, please check associated errors to see why. ' +
        '3 associated errors: App screenshot missing (APP_IPHONE_67) (en-US): A screenshot for one of the following types is required but was not provided: APP_IPHONE_67; ' +
        'primaryCategory (appInfos) is required; contactEmail (appStoreReviewDetails) is required',
    )
  })

  it('any other status says them too, and the error’s detail keeps every one', () => {
    const many = Array.from({ length: 14 }, (_, i) => ({
      ...email,
      source: { pointer: `/data/attributes/f${i}` },
    }))
    const errors = blocked({ '/v1/appStoreReviewDetails/r1': many })
    const text = message(422, errors)
    expect(text).toContain('14 associated errors: f0 (appStoreReviewDetails) is required;')
    expect(text.match(/ is required/g)).toHaveLength(10)
    expect(text).toMatch(/f9 \(appStoreReviewDetails\) is required; and 4 more$/)
    const error = new AscApiError({
      code: 'ASC_ERROR',
      message: text,
      kind: 'http',
      method: 'POST',
      path: '/v1/reviewSubmissionItems',
      status: 422,
      errors,
    })
    expect(error.associatedErrors()).toHaveLength(14)
    expect(error.detail?.match(/ is required/g)).toHaveLength(14)
  })

  it('an answer without associated errors reads as before', () => {
    expect(message(409, [{ code: 'ENTITY_ERROR', title: 'Bad', detail: 'It is wrong.' }])).toBe(
      'App Store Connect refused POST /v1/reviewSubmissionItems: It is wrong.',
    )
  })
})

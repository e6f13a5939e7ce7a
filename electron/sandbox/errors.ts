import { randomUUID } from 'node:crypto'

/** One entry of Apple's JSON:API `errors[]` (ErrorResponse schema). */
export type ApiErrorEntry = {
  readonly id: string
  readonly status: string
  readonly code: string
  readonly title: string
  readonly detail: string
  readonly source?: { readonly pointer: string } | { readonly parameter: string }
  readonly meta?: Readonly<Record<string, unknown>>
}

export type EntryInput = {
  code: string
  title: string
  detail: string
  pointer?: string
  parameter?: string
  /** e.g. `associatedErrors`: resource path -> the errors of that resource (Apple's blocked-submission answer). */
  meta?: Record<string, unknown>
}

/** Thrown by handlers; the server answers `{ errors }` with `status`. */
export class ApiError extends Error {
  readonly status: number
  readonly errors: readonly ApiErrorEntry[]
  readonly headers: Readonly<Record<string, string>>
  constructor(status: number, entries: readonly EntryInput[], headers: Record<string, string> = {}) {
    super(entries.map((e) => e.detail).join('; '))
    this.status = status
    this.headers = headers
    this.errors = entries.map((e) => ({
      id: randomUUID(),
      status: String(status),
      code: e.code,
      title: e.title,
      detail: e.detail,
      ...(e.pointer
        ? { source: { pointer: e.pointer } }
        : e.parameter
          ? { source: { parameter: e.parameter } }
          : {}),
      ...(e.meta ? { meta: e.meta } : {}),
    }))
  }
}

// Wording copied from App Store Connect's own error answers, so a message reads the same against Apple and the sandbox.
export function notAuthorized(): ApiError {
  return new ApiError(401, [
    {
      code: 'NOT_AUTHORIZED',
      title: 'Authentication credentials are missing or invalid.',
      detail:
        'Provide a properly configured and signed bearer token, and make sure that it has not expired. Learn more about Generating Tokens for API Requests https://developer.apple.com/go/?id=api-generating-tokens',
    },
  ])
}

export function forbidden(): ApiError {
  return new ApiError(403, [
    {
      code: 'FORBIDDEN_ERROR',
      title: 'This request is forbidden for security reasons',
      detail: 'The API key in use does not allow this request',
    },
  ])
}

export function notFound(type: string, id: string): ApiError {
  return new ApiError(404, [
    {
      code: 'NOT_FOUND',
      title: 'The specified resource does not exist',
      detail: `There is no resource of type '${type}' with id '${id}'`,
    },
  ])
}

export function pathError(path: string): ApiError {
  return new ApiError(404, [
    {
      code: 'PATH_ERROR',
      title: 'The URL path is not valid',
      detail: `The resource '${path}' does not exist`,
    },
  ])
}

export function methodNotAllowed(method: string, path: string): ApiError {
  return new ApiError(405, [
    {
      code: 'METHOD_NOT_ALLOWED',
      title: 'The request method is not allowed',
      detail: `The ${method} method is not allowed on '${path}'`,
    },
  ])
}

export function parameterError(
  parameter: string,
  detail: string,
  code = 'PARAMETER_ERROR.INVALID',
): ApiError {
  return new ApiError(400, [{ code, title: 'A parameter has an invalid value', detail, parameter }])
}

export function entityInvalid(detail: string): ApiError {
  return new ApiError(400, [
    { code: 'ENTITY_INVALID', title: 'The request entity is not valid JSON', detail },
  ])
}

export function unprocessable(detail: string, pointer?: string): ApiError {
  return new ApiError(422, [
    {
      code: 'ENTITY_UNPROCESSABLE',
      title: 'The request entity is not processable',
      detail,
      ...(pointer ? { pointer } : {}),
    },
  ])
}

/** 409: "valid and in the right format, but the data in it is unacceptable". */
export function conflict(code: string, title: string, detail: string, pointer?: string): ApiError {
  return new ApiError(409, [{ code, title, detail, ...(pointer ? { pointer } : {}) }])
}

/** 409 for a relationship whose value App Store Connect refuses. */
export function relationshipInvalid(detail: string, pointer: string): ApiError {
  return conflict(
    'ENTITY_ERROR.RELATIONSHIP.INVALID',
    'The provided entity includes a relationship with an invalid value',
    detail,
    pointer,
  )
}

/** 409 for a relationship to something that does not exist (`app with id 'x' cannot be found`). */
export function relationshipNotFound(type: string, id: string, pointer: string): ApiError {
  return relationshipInvalid(`${type} with id '${id}' cannot be found`, pointer)
}

/** 409 for an attribute whose value App Store Connect refuses. */
export function attributeInvalid(detail: string, pointer: string): ApiError {
  return conflict(
    'ENTITY_ERROR.ATTRIBUTE.INVALID',
    'The provided entity includes an attribute with an invalid value',
    detail,
    pointer,
  )
}

/** 409 when another resource (a build, an upload, a submission) is not in a state that allows the request. */
export function otherStateInvalid(detail: string): ApiError {
  return conflict(
    'STATE_ERROR.ENTITY_STATE_INVALID',
    'The request cannot be fulfilled because of the state of another resource.',
    detail,
  )
}

export function rateLimited(retryAfterSeconds: number): ApiError {
  return new ApiError(
    429,
    [
      {
        code: 'RATE_LIMIT_EXCEEDED',
        title: 'The request rate limit has been reached.',
        detail:
          'We\u2019ve received too many requests for this API. Please wait and try again or slow down your request rate.',
      },
    ],
    { 'Retry-After': String(retryAfterSeconds) },
  )
}

export function serverError(status: 500 | 503): ApiError {
  return status === 500
    ? new ApiError(500, [
        {
          code: 'UNEXPECTED_ERROR',
          title: 'An unexpected error occurred.',
          detail:
            'An unexpected error occurred on the server side. If this issue continues, contact us at https://developer.apple.com/contact/.',
        },
      ])
    : new ApiError(503, [
        {
          code: 'SERVICE_UNAVAILABLE',
          title: 'The service is temporarily unavailable.',
          detail: 'The service is temporarily unavailable. Please try again later.',
        },
      ])
}

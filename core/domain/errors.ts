export type DomainErrorKind = 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'invalid' | 'accepted' | 'gone' | 'too_large' | 'unsupported_type' | 'rate_limited'

/** A failure the user caused or may fix; the web layer maps its kind to a status code. */
export class DomainError extends Error {
  constructor(readonly kind: DomainErrorKind, message: string, readonly fieldErrors?: Record<string, string[]>) {
    super(message)
    this.name = 'DomainError'
  }
}

export const notFound = (what: string) => new DomainError('not_found', `${what} not found`)
export const forbidden = (why: string) => new DomainError('forbidden', why)
export const conflict = (why: string) => new DomainError('conflict', why)

/** An identity may sign in when its email is verified and, if domains are listed, in one of them. */
export function emailAllowed(email: unknown, verified: unknown, allowedDomains: string[]): boolean {
  if (typeof email !== 'string' || verified === false) return false
  const domain = email.toLowerCase().split('@')[1]
  return !!domain && (!allowedDomains.length || allowedDomains.includes(domain))
}

/** OKTA_ALLOWED_DOMAINS: a comma-separated list; an empty list allows every domain. */
export function parseDomains(value: string | undefined): string[] {
  return (value ?? '').split(',').map(d => d.trim().toLowerCase().replace(/^@/, '')).filter(Boolean)
}

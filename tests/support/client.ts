/** A tiny HTTP client holding one user's cookies, as a browser would. */
export class ApiClient {
  private cookies = new Map<string, string>()
  constructor(readonly baseURL: string) {}

  private remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair!.indexOf('=')
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1))
    }
  }

  get cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async raw(method: string, path: string, init: { body?: string, headers?: Record<string, string> } = {}) {
    const response = await fetch(`${this.baseURL}${path}`, {
      method, body: init.body, redirect: 'manual',
      // A browser names the page's origin on every write; the server refuses cookie-carrying writes without it (CSRF).
      headers: { origin: this.baseURL, ...(this.cookies.size ? { cookie: this.cookieHeader } : {}), ...init.headers },
    })
    this.remember(response)
    const text = await response.text()
    let json: unknown = null
    try {
      json = text ? JSON.parse(text) : null
    }
    catch { /* not JSON: keep the text */ }
    return { status: response.status, json: json as Record<string, any>, text, headers: response.headers }
  }

  request(method: string, path: string, body?: unknown) {
    return this.raw(method, path, body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
  }

  get(path: string) { return this.request('GET', path) }
  post(path: string, body?: unknown) { return this.request('POST', path, body ?? {}) }
  patch(path: string, body: unknown) { return this.request('PATCH', path, body) }
  delete(path: string) { return this.request('DELETE', path) }

  /** Signs in through next-auth's credentials flow, as the sign-in page does. */
  async signIn(handle: string, password = 'c18n-demo') {
    const csrf = await this.get('/api/auth/csrf')
    const form = new URLSearchParams({ csrfToken: csrf.json.csrfToken as string, handle, password, json: 'true' })
    const result = await this.raw('POST', '/api/auth/callback/credentials', { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    const session = await this.get('/api/auth/session')
    if (session.json?.user?.handle !== handle) throw new Error(`sign-in as ${handle} failed: ${result.status} ${result.text}`)
    return this
  }
}

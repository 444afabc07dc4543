import { mkdir, readFile, readdir, rm, stat, writeFile, rename } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import type { ObjectStore, StoredObject } from '../../core/ports/object-store'

const META = '.meta.json'

/** S3's model on a folder: each object a file, its content type in a sidecar file. */
export class EmbeddedObjectStore implements ObjectStore {
  readonly kind = 'embedded-files'

  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    if (!/^[A-Za-z0-9!_.*'()/-]{1,512}$/.test(key) || key.split('/').some(part => part === '' || part === '.' || part === '..') || key.endsWith(META)) {
      throw new Error(`invalid object key: ${key}`)
    }
    return join(this.root, ...key.split('/'))
  }

  async put(key: string, body: Uint8Array, contentType: string) {
    const path = this.pathOf(key)
    await mkdir(dirname(path), { recursive: true })
    await writeFile(`${path}.tmp`, body)
    await writeFile(`${path}${META}`, JSON.stringify({ contentType }))
    await rename(`${path}.tmp`, path)
  }

  async get(key: string) {
    const path = this.pathOf(key)
    try {
      const [body, meta] = await Promise.all([readFile(path), readFile(`${path}${META}`, 'utf8')])
      return { body: new Uint8Array(body), contentType: (JSON.parse(meta) as { contentType: string }).contentType }
    }
    catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
  }

  async stat(key: string): Promise<StoredObject | null> {
    const path = this.pathOf(key)
    try {
      const [info, meta] = await Promise.all([stat(path), readFile(`${path}${META}`, 'utf8')])
      return { key, size: info.size, contentType: (JSON.parse(meta) as { contentType: string }).contentType }
    }
    catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
  }

  async remove(key: string) {
    const path = this.pathOf(key)
    await rm(path, { force: true })
    await rm(`${path}${META}`, { force: true })
  }

  async removeMany(keys: string[]) {
    await Promise.all(keys.map(key => this.remove(key)))
  }

  async list(prefix: string) {
    let files: string[]
    try {
      files = await readdir(this.root, { recursive: true })
    }
    catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    const keys = files.map(file => relative(this.root, join(this.root, file)).split(sep).join('/'))
      .filter(key => !key.endsWith(META) && !key.endsWith('.tmp') && key.startsWith(prefix))
      .sort()
    const stats = await Promise.all(keys.map(key => this.stat(key).catch(() => null)))
    return stats.filter((s): s is StoredObject => s !== null)
  }

  async ping() {
    await mkdir(this.root, { recursive: true })
    return true
  }

  async close() {}
}

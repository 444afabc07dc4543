import { Client } from 'minio'
import type { ObjectStore, StoredObject } from '../../core/ports/object-store'

export interface S3Settings { endpoint: string, accessKey: string, secretKey: string, bucket: string, region?: string }

const isMissing = (error: unknown) => ['NoSuchKey', 'NotFound', 'NoSuchObject'].includes((error as { code?: string }).code ?? '')

/** S3 (MinIO in production) through the minio client, path-style addressing, one bucket. */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3'
  private readonly client: Client
  readonly bucket: string

  constructor(readonly settings: S3Settings) {
    const url = new URL(settings.endpoint)
    this.bucket = settings.bucket
    this.client = new Client({
      endPoint: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)), useSSL: url.protocol === 'https:',
      accessKey: settings.accessKey, secretKey: settings.secretKey, region: settings.region ?? 'us-east-1', pathStyle: true,
    })
  }

  async connect() {
    if (!(await this.client.bucketExists(this.bucket))) await this.client.makeBucket(this.bucket, this.settings.region ?? 'us-east-1')
  }

  async put(key: string, body: Uint8Array, contentType: string) {
    await this.client.putObject(this.bucket, key, Buffer.from(body), body.length, { 'Content-Type': contentType })
  }

  async get(key: string) {
    try {
      const [info, stream] = await Promise.all([this.client.statObject(this.bucket, key), this.client.getObject(this.bucket, key)])
      const chunks: Buffer[] = []
      for await (const chunk of stream) chunks.push(chunk as Buffer)
      return { body: new Uint8Array(Buffer.concat(chunks)), contentType: info.metaData['content-type'] ?? 'application/octet-stream' }
    }
    catch (error) {
      if (isMissing(error)) return null
      throw error
    }
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const info = await this.client.statObject(this.bucket, key)
      return { key, size: info.size, contentType: info.metaData['content-type'] ?? 'application/octet-stream' }
    }
    catch (error) {
      if (isMissing(error)) return null
      throw error
    }
  }

  async remove(key: string) {
    await this.client.removeObject(this.bucket, key)
  }

  async removeMany(keys: string[]) {
    // One multi-object delete per thousand keys (S3's limit per request).
    for (let i = 0; i < keys.length; i += 1000) await this.client.removeObjects(this.bucket, keys.slice(i, i + 1000))
  }

  /**
   * minio signs the host alone (never Content-Type or Content-Length, which browsers rewrite): the
   * confirm step checks the stored object's size against the ticket and the worker its type from
   * its bytes, and removes what does not match.
   */
  async presignedPut(key: string, _contentType: string, seconds: number) {
    return this.client.presignedPutObject(this.bucket, key, seconds)
  }

  async presignedGet(key: string, seconds: number) {
    return this.client.presignedGetObject(this.bucket, key, seconds)
  }

  async list(prefix: string) {
    const keys: string[] = []
    for await (const item of this.client.listObjectsV2(this.bucket, prefix, true)) {
      if ((item as { name?: string }).name) keys.push((item as { name: string }).name)
    }
    const stats = await Promise.all(keys.sort().map(key => this.stat(key)))
    return stats.filter((s): s is StoredObject => s !== null)
  }

  async ping() {
    try {
      return await this.client.bucketExists(this.bucket)
    }
    catch {
      return false
    }
  }

  async close() {}
}

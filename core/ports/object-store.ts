/** The object store port: S3's model of buckets holding keyed blobs. */
export interface StoredObject { key: string, size: number, contentType: string }

export interface ObjectStore {
  readonly kind: string
  put(key: string, body: Uint8Array, contentType: string): Promise<void>
  /** Null when absent. */
  get(key: string): Promise<{ body: Uint8Array, contentType: string } | null>
  stat(key: string): Promise<StoredObject | null>
  remove(key: string): Promise<void>
  /** Many objects in one request where the store allows it; absent keys are no error. */
  removeMany(keys: string[]): Promise<void>
  list(prefix: string): Promise<StoredObject[]>
  ping(): Promise<boolean>
  close(): Promise<void>
  /**
   * Stores that a browser can reach directly sign URLs for it: a PUT of one object with this
   * content type, or a GET, each valid for `seconds`. Stores without them (the embedded one) are
   * reached through the app's own routes, which apply the same checks.
   */
  presignedPut?(key: string, contentType: string, seconds: number): Promise<string>
  presignedGet?(key: string, seconds: number): Promise<string>
}

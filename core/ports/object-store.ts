/** The object store port: S3's model of buckets holding keyed blobs. */
export interface StoredObject { key: string, size: number, contentType: string }

export interface ObjectStore {
  readonly kind: string
  put(key: string, body: Uint8Array, contentType: string): Promise<void>
  /** Null when absent. */
  get(key: string): Promise<{ body: Uint8Array, contentType: string } | null>
  stat(key: string): Promise<StoredObject | null>
  remove(key: string): Promise<void>
  list(prefix: string): Promise<StoredObject[]>
  ping(): Promise<boolean>
  close(): Promise<void>
}

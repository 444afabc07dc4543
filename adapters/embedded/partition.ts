/** Picks a partition from a key, the same key always landing on the same partition. */
export function partitionFor(key: string, partitions: number): number {
  let hash = 2166136261
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i)
    hash = Math.imul(hash, 16777619)
  }
  return (hash >>> 0) % partitions
}

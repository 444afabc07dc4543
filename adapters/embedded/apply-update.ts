import type { Update } from '../../core/ports/document-store'

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split('.')
  let node = target
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {}
    node = node[part] as Record<string, unknown>
  }
  node[parts.at(-1)!] = value
}

function getPath(source: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], source)
}

/** MongoDB's update operators, for stores that apply updates themselves. */
export function applyUpdate<T extends object>(doc: T, update: Update): T {
  const next = structuredClone(doc) as Record<string, unknown>
  for (const [path, value] of Object.entries(update.$set ?? {})) setPath(next, path, value)
  for (const [path, by] of Object.entries(update.$inc ?? {})) setPath(next, path, (Number(getPath(next, path)) || 0) + by)
  for (const [path, value] of Object.entries(update.$addToSet ?? {})) {
    const list = (getPath(next, path) as unknown[] | undefined) ?? []
    if (!list.includes(value)) setPath(next, path, [...list, value])
    else setPath(next, path, list)
  }
  for (const [path, value] of Object.entries(update.$pull ?? {})) {
    const list = (getPath(next, path) as unknown[] | undefined) ?? []
    setPath(next, path, list.filter(item => item !== value))
  }
  return next as T
}

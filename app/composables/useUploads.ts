import { FetchError } from 'ofetch'
import { IMAGE_TYPES, MAX_ATTACHMENTS } from '~~/shared/schemas/media'
import type { UploadTicket } from '~~/shared/schemas/media'

export type UploadState = 'uploading' | 'confirming' | 'done' | 'failed' | 'cancelled'

export interface Upload {
  key: number
  file: File
  /** A local preview while the bytes travel (revoked when the upload is removed). */
  preview: string
  /** 0 to 1. */
  progress: number
  state: UploadState
  mediaId: string | null
  error: string | null
}

const messageOf = (caught: unknown) => (caught instanceof FetchError ? (caught.data as { message?: string } | undefined)?.message : null) ?? (caught as Error).message ?? 'The upload failed'

/** The bytes to where the ticket says, with progress: XMLHttpRequest, as fetch reports no upload progress. */
function send(ticket: UploadTicket, file: File, onProgress: (fraction: number) => void, signal: { abort?: () => void }): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(ticket.upload.method, ticket.upload.url)
    for (const [name, value] of Object.entries(ticket.upload.headers)) xhr.setRequestHeader(name, value)
    xhr.upload.onprogress = event => event.lengthComputable && onProgress(event.loaded / event.total)
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(readError(xhr) ?? `The upload failed (${xhr.status})`)))
    xhr.onerror = () => reject(new Error('The upload failed: the connection dropped'))
    xhr.onabort = () => reject(new DOMException('cancelled', 'AbortError'))
    signal.abort = () => xhr.abort()
    xhr.send(file)
  })
}

function readError(xhr: XMLHttpRequest): string | null {
  try {
    return (JSON.parse(xhr.responseText) as { message?: string }).message ?? null
  }
  catch {
    return null
  }
}

/**
 * Files attached to something being written: each is uploaded at once (a ticket, the PUT, the
 * confirm), with its progress, and can be cancelled, retried or removed; the text can be written
 * meanwhile and is sent when every file is done.
 */
export function useUploads() {
  const uploads = ref<Upload[]>([])
  const aborts = new Map<number, { abort?: () => void }>()
  let next = 0

  const live = computed(() => uploads.value.filter(u => u.state !== 'cancelled'))
  const busy = computed(() => live.value.some(u => u.state === 'uploading' || u.state === 'confirming'))
  const ids = computed(() => live.value.filter(u => u.state === 'done').map(u => u.mediaId!))
  const notice = ref<string | null>(null)

  function update(key: number, change: Partial<Upload>) {
    uploads.value = uploads.value.map(u => (u.key === key ? { ...u, ...change } : u))
  }

  async function start(key: number) {
    const upload = uploads.value.find(u => u.key === key)
    if (!upload) return
    update(key, { state: 'uploading', progress: 0, error: null })
    const signal: { abort?: () => void } = {}
    aborts.set(key, signal)
    try {
      const ticket = await apiFetch('requestUpload', { body: { filename: upload.file.name || 'pasted image', contentType: upload.file.type as typeof IMAGE_TYPES[number], size: upload.file.size } })
      await send(ticket, upload.file, progress => update(key, { progress }), signal)
      update(key, { state: 'confirming', progress: 1 })
      const media = await apiFetch('confirmUpload', { params: { id: ticket.media.id } })
      update(key, { state: 'done', mediaId: media.id })
    }
    catch (caught) {
      if ((caught as Error).name === 'AbortError') update(key, { state: 'cancelled' })
      else update(key, { state: 'failed', error: messageOf(caught) })
    }
    finally {
      aborts.delete(key)
    }
  }

  /** Files from the picker, a drop or a paste; those that cannot be attached are named in `notice`. */
  function add(files: Iterable<File>) {
    notice.value = null
    const refused: string[] = []
    for (const file of files) {
      if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) {
        refused.push(`${file.name || 'The pasted file'} is not a JPEG, PNG, WebP, GIF or AVIF image`)
        continue
      }
      if (live.value.length >= MAX_ATTACHMENTS) {
        refused.push(`At most ${MAX_ATTACHMENTS} files`)
        break
      }
      const key = next++
      uploads.value = [...uploads.value, { key, file, preview: URL.createObjectURL(file), progress: 0, state: 'uploading', mediaId: null, error: null }]
      void start(key)
    }
    if (refused.length) notice.value = refused.join('; ')
  }

  function cancel(key: number) {
    aborts.get(key)?.abort?.()
    update(key, { state: 'cancelled' })
  }

  function remove(key: number) {
    cancel(key)
    const upload = uploads.value.find(u => u.key === key)
    if (upload) URL.revokeObjectURL(upload.preview)
    uploads.value = uploads.value.filter(u => u.key !== key)
  }

  /** A paste into the form: its images are added, and kept out of the text; false when it held none. */
  function paste(event: ClipboardEvent): boolean {
    const pasted = [...(event.clipboardData?.files ?? [])]
    if (!pasted.length) return false
    event.preventDefault()
    add(pasted)
    return true
  }

  // What the AttachmentPicker shows and what it reports back, for `v-bind` on it.
  const picker = computed(() => ({ uploads: live.value, notice: notice.value, onAdd: add, onCancel: cancel, onRetry: start, onRemove: remove }))

  function clear() {
    for (const u of uploads.value) remove(u.key)
    notice.value = null
  }

  onBeforeUnmount(clear)
  return { uploads: live, busy, ids, notice, picker, add, paste, cancel, retry: start, remove, clear }
}

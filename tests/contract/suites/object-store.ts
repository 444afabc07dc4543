import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ObjectStore } from '../../../core/ports'
import { unique } from './wait'

/** What every object store must do: keep bytes and their content type under a key. */
export function objectStoreContract(label: string, open: () => Promise<ObjectStore>) {
  describe(`object store contract: ${label}`, () => {
    let objects: ObjectStore
    let prefix: string
    beforeAll(async () => {
      objects = await open()
      prefix = unique('contract')
    })
    afterAll(async () => { await objects?.close() })

    it('stores bytes with their content type and reads them back exactly', async () => {
      const body = new Uint8Array([0, 1, 2, 250, 255, 137, 80, 78, 71])
      await objects.put(`${prefix}/media/a.png`, body, 'image/png')
      const got = await objects.get(`${prefix}/media/a.png`)
      expect(got?.contentType).toBe('image/png')
      expect([...got!.body]).toEqual([...body])
      expect(await objects.stat(`${prefix}/media/a.png`)).toMatchObject({ size: body.length, contentType: 'image/png' })
    })

    it('answers null for a missing key, lists by prefix and removes', async () => {
      expect(await objects.get(`${prefix}/missing.bin`)).toBeNull()
      expect(await objects.stat(`${prefix}/missing.bin`)).toBeNull()
      await objects.put(`${prefix}/list/1.txt`, new TextEncoder().encode('one'), 'text/plain')
      await objects.put(`${prefix}/list/2.txt`, new TextEncoder().encode('two'), 'text/plain')
      expect((await objects.list(`${prefix}/list/`)).map(o => o.key)).toEqual([`${prefix}/list/1.txt`, `${prefix}/list/2.txt`])
      await objects.remove(`${prefix}/list/1.txt`)
      expect((await objects.list(`${prefix}/list/`)).map(o => o.key)).toEqual([`${prefix}/list/2.txt`])
    })

    it('removes many objects in one call, absent keys included', async () => {
      const keys = [1, 2, 3].map(n => `${prefix}/many/${n}.bin`)
      for (const key of keys) await objects.put(key, new Uint8Array([1, 2, 3]), 'application/octet-stream')
      await objects.put(`${prefix}/many/kept.bin`, new Uint8Array([4]), 'application/octet-stream')
      await objects.removeMany([...keys, `${prefix}/many/never-was.bin`])
      expect((await objects.list(`${prefix}/many/`)).map(o => o.key)).toEqual([`${prefix}/many/kept.bin`])
    })

    it('signs a PUT a client can store an object with, and a GET that reads it back, when it offers them', async () => {
      if (!objects.presignedPut || !objects.presignedGet) {
        // The embedded store offers neither: the app's upload and media routes stand in for them.
        expect(objects.kind).toBe('embedded-files')
        return
      }
      const key = `${prefix}/signed/photo.bin`
      const put = await fetch(await objects.presignedPut(key, 'image/png', 60), { method: 'PUT', body: new Uint8Array([9, 8, 7]), headers: { 'content-type': 'image/png' } })
      expect(put.status).toBe(200)
      expect(await objects.stat(key)).toMatchObject({ size: 3 })
      const get = await fetch(await objects.presignedGet(key, 60))
      expect([...new Uint8Array(await get.arrayBuffer())]).toEqual([9, 8, 7])
    })

    it('overwrites an object in place', async () => {
      await objects.put(`${prefix}/o.txt`, new TextEncoder().encode('first'), 'text/plain')
      await objects.put(`${prefix}/o.txt`, new TextEncoder().encode('second!'), 'text/markdown')
      const got = await objects.get(`${prefix}/o.txt`)
      expect(new TextDecoder().decode(got!.body)).toBe('second!')
      expect(got!.contentType).toBe('text/markdown')
    })

    it('answers ping', async () => {
      expect(await objects.ping()).toBe(true)
    })
  })
}

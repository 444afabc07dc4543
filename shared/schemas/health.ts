import { z } from 'zod'

export const portHealthSchema = z.object({ implementation: z.string(), up: z.boolean() })
export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  mode: z.enum(['embedded', 'real', 'mixed']),
  ports: z.record(z.string(), portHealthSchema),
})
export type Health = z.infer<typeof healthSchema>

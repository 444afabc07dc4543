import { inject } from 'vitest'
import { permissionMatrix } from '../support/permission-matrix'

// Issue 17's matrix against the embedded app: every change × every place, both sides.
permissionMatrix(() => inject('baseURL'))

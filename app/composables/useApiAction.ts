import { FetchError } from 'ofetch'

interface ApiErrorBody { message?: string, data?: { fieldErrors?: Record<string, string[]> } }

/**
 * Runs a write against the API and keeps its state for the form: pending,
 * the error message to show, and the errors of each field.
 */
export function useApiAction() {
  const pending = ref(false)
  const error = ref<string | null>(null)
  const fieldErrors = ref<Record<string, string[]>>({})

  async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
    pending.value = true
    error.value = null
    fieldErrors.value = {}
    try {
      return await work()
    }
    catch (caught) {
      const body = caught instanceof FetchError ? (caught.data as ApiErrorBody | undefined) : undefined
      fieldErrors.value = body?.data?.fieldErrors ?? {}
      // Field errors show beside their fields; the summary only points at them.
      error.value = Object.keys(fieldErrors.value).length ? 'Please check the fields marked above.' : body?.message ?? (caught as Error).message ?? 'Something went wrong'
      return undefined
    }
    finally {
      pending.value = false
    }
  }

  return { pending, error, fieldErrors, run }
}

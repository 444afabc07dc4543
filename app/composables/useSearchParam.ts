/**
 * A list's search by name, kept in the address (?q=): `search` is what is typed, `q` what was
 * searched for; submitting moves the one to the other and replaces the address.
 */
export function useSearchParam() {
  const route = useRoute()
  const search = ref(typeof route.query.q === 'string' ? route.query.q : '')
  const q = ref(search.value)

  function submit() {
    q.value = search.value.trim()
    navigateTo({ query: q.value ? { q: q.value } : {} }, { replace: true })
  }
  return { search, q, submit }
}

/** A suggested address from a name: "Rust & Go!" becomes "rust-go". */
export function slugify(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40)
}

/** "a, b ,c" into ["a", "b", "c"]. */
export function splitList(text: string): string[] {
  return text.split(',').map(part => part.trim().toLowerCase()).filter(Boolean)
}

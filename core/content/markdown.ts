import MarkdownIt from 'markdown-it'

// Raw HTML off and markdown-it's link check on: whatever a user writes, no script runs.
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false })
const defaultLink = markdown.renderer.rules.link_open ?? ((tokens, i, options, _env, self) => self.renderToken(tokens, i, options))
markdown.renderer.rules.link_open = (tokens, i, options, env, self) => {
  tokens[i]!.attrSet('rel', 'nofollow noopener noreferrer ugc')
  return defaultLink(tokens, i, options, env, self)
}

export function renderMarkdown(source: string): string {
  return markdown.render(source)
}

/** The handles a text @mentions, each once. */
export function mentionsIn(text: string): string[] {
  return [...new Set([...text.matchAll(/(?:^|[^\w@])@([a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9]))/g)].map(m => m[1]!))]
}

/** A piece of a text: plain, or a term a compliance finding names. */
export interface Segment {
  text: string;
  flagged: boolean;
}

/**
 * Splits `text` so every occurrence of a flagged term stands alone (longest term first where two
 * overlap), for the page to mark them; the BFF's findings name terms, not offsets.
 */
export function splitFlagged(text: string, terms: readonly string[]): Segment[] {
  const wanted = [...new Set(terms.filter((t) => t.length > 0))].sort((a, b) => b.length - a.length);
  if (wanted.length === 0 || text.length === 0) {
    return text ? [{ text, flagged: false }] : [];
  }
  const escaped = wanted.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(${escaped.join('|')})`, 'g');
  return text
    .split(pattern)
    .filter((part) => part.length > 0)
    .map((part) => ({ text: part, flagged: wanted.includes(part) }));
}

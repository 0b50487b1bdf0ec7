/**
 * The near-duplicate key: two texts that differ only in case, spacing or punctuation
 * ("Cancel my order!" / "cancel  my order") are the same request typed twice.
 */
export function foldText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Element creation for the webview. Text goes in through textContent only: ticket text is data, never markup. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A stylesheet in the page's head, with the page's nonce: the CSP allows no other inline style. */
export function installStylesheet(nonce: string, css: string): void {
  const style = el('style', { nonce });
  style.textContent = css;
  document.head.appendChild(style);
}

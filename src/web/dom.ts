type Attrs = Readonly<Record<string, string | boolean | undefined>>;

/** Creates an element with attributes (`class`, `data-*`, `aria-*`; true sets an empty value, false or undefined none) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === true) el.setAttribute(name, '');
    else if (typeof value === 'string') el.setAttribute(name, value);
  }
  el.append(...children);
  return el;
}

/** The element with `id`, checked to be a `kind`; the page's markup guarantees it, so a missing one is a bug. */
export function byId<T extends HTMLElement = HTMLElement>(
  id: string,
  kind: abstract new () => T = HTMLElement as unknown as abstract new () => T,
): T {
  const el = document.getElementById(id);
  if (!(el instanceof kind)) throw new Error(`the page has no ${kind.name} #${id}`);
  return el;
}

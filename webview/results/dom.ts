type Attributes = Record<string, string | number | boolean | undefined>;

function setAttributes(element: Element, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  element.append(...children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Array<Node | string>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attributes);
  element.append(...children);
  return element;
}

/** A <title> child: the tooltip of an SVG shape. */
export function svgTitle(text: string): SVGTitleElement {
  return svg('title', {}, text);
}

export function formatScore(score: number | null, digits = 3): string {
  return score === null ? '–' : score.toFixed(digits);
}

export function formatStat(value: number | null): string {
  return value === null ? '–' : value.toFixed(3);
}

export function formatPercent(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)} %`;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** A labelled native <select>; `value` is kept when it is one of the options. */
export function fillSelect(select: HTMLSelectElement, options: ReadonlyArray<{ value: string; label: string }>, value: string): void {
  select.replaceChildren(...options.map((option) => el('option', { value: option.value }, option.label)));
  select.value = options.some((option) => option.value === value) ? value : (options[0]?.value ?? '');
}

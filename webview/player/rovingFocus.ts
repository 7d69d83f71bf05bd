/**
 * One tab stop for a row of buttons: arrow keys, Home and End move focus between them, Enter or Space presses one.
 * Returns the function that makes `index` the tab stop (and focuses it when asked).
 */
export function rovingFocus(container: HTMLElement, items: () => readonly HTMLElement[]): (index: number, moveFocus: boolean) => void {
  const select = (index: number, moveFocus: boolean): void => {
    const all = items();
    all.forEach((item, i) => (item.tabIndex = i === index ? 0 : -1));
    if (moveFocus) all[index]?.focus();
  };
  container.addEventListener('keydown', (event) => {
    const all = items();
    const current = all.findIndex((item) => item === document.activeElement);
    if (current < 0) return;
    const last = all.length - 1;
    const next: Record<string, number> = {
      ArrowLeft: Math.max(0, current - 1),
      ArrowDown: Math.max(0, current - 1),
      ArrowRight: Math.min(last, current + 1),
      ArrowUp: Math.min(last, current + 1),
      Home: 0,
      End: last,
    };
    const target = next[event.key];
    if (target === undefined) return;
    event.preventDefault();
    select(target, true);
  });
  return select;
}

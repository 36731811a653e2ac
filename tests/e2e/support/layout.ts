import type { Page } from 'playwright-core';

/** Controls smaller than 48 px either way, text under 16 px, and anything wider than the screen. */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const visible = (element: Element) => {
      const box = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && !element.closest('.visually-hidden, .skip-link');
    };
    const describe = (element: Element) =>
      `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(' ').join('.')}` : ''} "${(element.textContent ?? '').trim().slice(0, 30)}"`;
    for (const control of document.querySelectorAll('button, a[href], input:not([type=hidden]), select, textarea, summary')) {
      if (!visible(control)) continue;
      // A checkbox or radio inside its label answers a finger anywhere on the label: that is its target.
      const label = control instanceof HTMLInputElement && (control.type === 'checkbox' || control.type === 'radio') ? control.closest('label') : null;
      const box = (label ?? control).getBoundingClientRect();
      if (box.width < 47.5 || box.height < 47.5) problems.push(`target ${Math.round(box.width)}x${Math.round(box.height)}: ${describe(control)}`);
    }
    for (const element of document.querySelectorAll('main *, header *')) {
      if (!visible(element) || !element.childNodes.length) continue;
      const ownText = [...element.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && (node.textContent ?? '').trim());
      if (ownText && parseFloat(getComputedStyle(element).fontSize) < 16) problems.push(`text ${getComputedStyle(element).fontSize}: ${describe(element)}`);
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1) problems.push(`page ${document.documentElement.scrollWidth}px wide on a ${window.innerWidth}px screen`);
    return problems;
  });
}

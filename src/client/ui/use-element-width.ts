import { useEffect, useState } from 'react';

/**
 * The width in CSS pixels of the element given to `ref`, kept current as the tablet turns or the
 * window changes. A chart drawn at this width has its text at its real size, not scaled down on a
 * phone. A callback ref, so an element that appears later (a chart drawn after the first
 * check-in) is measured too.
 */
export function useElementWidth(fallback = 600): { ref: (element: HTMLElement | null) => void; width: number } {
  const [element, setElement] = useState<HTMLElement | null>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    if (!element) return;
    const measure = () => {
      const measured = Math.floor(element.getBoundingClientRect().width);
      if (measured > 0) setWidth(measured);
    };
    measure();
    // jsdom (the component tests) has no ResizeObserver; the fallback width serves there.
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return { ref: setElement, width };
}

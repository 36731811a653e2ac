import { useEffect, useState, type RefObject } from 'react';

/**
 * The element's width in CSS pixels, kept current as the tablet turns or the window changes. A
 * chart drawn at this width has its text at its real size, not scaled down on a phone.
 */
export function useElementWidth(ref: RefObject<HTMLElement | null>, fallback = 600): number {
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = ref.current;
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
  }, [ref]);
  return width;
}

import { useCallback, useEffect, useRef, useState } from 'react';

export type Notice = { key: number; text: string; tone: 'done' | 'error'; undo?: () => Promise<void> };

const VISIBLE_MS = 10_000;

/**
 * The confirmation after an action: large text a volunteer can read from a metre away, with an
 * Undo instead of an "Are you sure?" before it.
 */
export function useNotice() {
  const [notice, setNotice] = useState<Notice | null>(null);
  const counter = useRef(0);
  const show = useCallback((text: string, undo?: () => Promise<void>) => {
    counter.current += 1;
    setNotice({ key: counter.current, text, tone: 'done', undo });
  }, []);
  const showError = useCallback((text: string) => {
    counter.current += 1;
    setNotice({ key: counter.current, text, tone: 'error' });
  }, []);
  const clear = useCallback(() => setNotice(null), []);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice((current) => (current?.key === notice.key ? null : current)), VISIBLE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  return { notice, show, showError, clear };
}

type NoticeBarProps = { notice: Notice | null; undoLabel: string; onUndo: (notice: Notice) => void };

export function NoticeBar({ notice, undoLabel, onUndo }: NoticeBarProps) {
  // The live region stays in the page so screen readers announce each new text.
  return (
    <div className="notice-region" role="status" aria-live="polite">
      {notice && (
        <div key={notice.key} className={`notice ${notice.tone}`}>
          <p className="notice-text">{notice.text}</p>
          {notice.undo && (
            <button type="button" className="button notice-undo" onClick={() => onUndo(notice)}>
              {undoLabel}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

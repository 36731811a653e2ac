import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { InvalidWriteError } from '../db/core/write';
import { useI18n } from '../i18n/i18n';
import { useUiMessages } from './messages';

/**
 * The one way a screen takes an action (product.md: every action shows a confirmation you can
 * read from a metre away and an Undo; a double tap is one action; Undo undoes the whole of the
 * last action). Today, Sessions, Shifts, Close day and Settings all go through it.
 */

export type Notice = { key: number; text: string; tone: 'done' | 'error'; undo?: () => Promise<unknown> };

/** What a finished action says, and how to take it back (absent when there is nothing to undo). */
export type Confirmation = { text: string; undo?: () => Promise<unknown> };

/**
 * Taps on the same thing closer together than this are one tap: nobody means to check a child in
 * and straight back out within a second, but a finger bouncing on a tile does exactly that.
 */
export const DOUBLE_TAP_MS = 1000;

const VISIBLE_MS = 10_000;

export type RunOptions = {
  /**
   * The same thing tapped again within DOUBLE_TAP_MS (or while its write runs) is ignored: a
   * child's or volunteer's id, with the kind of action. Null for actions that cannot double.
   */
  key?: string | null;
  /** A feature's own sentence for a refusal it knows better; null to use the shared one. */
  explain?: (error: unknown) => string | null;
  /**
   * Whether the screen says this refusal at its field itself (a name already taken): then the
   * notice stays as it was instead of saying it a second time.
   */
  atField?: (error: unknown) => boolean;
};

export type Actions = {
  notice: Notice | null;
  /**
   * Runs `perform` and shows what `confirm` makes of its result, with its Undo. Resolves to the
   * result, or null when the write was refused (the notice says why in the tablet's language) or
   * was the second tap of a double tap.
   */
  run: <R>(perform: () => Promise<R>, confirm: (result: R) => Confirmation, options?: RunOptions) => Promise<R | null>;
  /** The notice's Undo: runs once, however often it is tapped. */
  undo: () => Promise<void>;
  /** A confirmation for something that did not go through `run` (a change of language). */
  say: (confirmation: Confirmation) => void;
  /** Says why something failed, as `run` would. */
  fail: (error: unknown, explain?: RunOptions['explain']) => void;
  clear: () => void;
};

export function useActions(): Actions {
  const m = useUiMessages();
  const { language } = useI18n();
  const [notice, setNotice] = useState<Notice | null>(null);
  const counter = useRef(0);
  // Per key: when its last run finished, or +Infinity while it runs.
  const lastRun = useRef(new Map<string, number>());
  // The undo the notice offers, taken (set to null) by the first tap on Undo.
  const pendingUndo = useRef<(() => Promise<unknown>) | null>(null);

  const show = useCallback((text: string, tone: Notice['tone'], undo?: () => Promise<unknown>) => {
    counter.current += 1;
    pendingUndo.current = undo ?? null;
    setNotice({ key: counter.current, text, tone, undo });
  }, []);

  const sentenceFor = useCallback(
    async (error: unknown, explain?: RunOptions['explain']): Promise<string> => {
      const own = explain?.(error) ?? null;
      if (own !== null) return own;
      if (!(error instanceof InvalidWriteError)) return m('failed');
      // Fetched on the first refusal (the service worker keeps it for offline use).
      const { problemSentence } = await import('./problem-sentences');
      return problemSentence(error.problem, language);
    },
    [m, language],
  );

  const fail = useCallback(
    (error: unknown, explain?: RunOptions['explain']) => {
      void sentenceFor(error, explain).then((text) => show(text, 'error'));
    },
    [show, sentenceFor],
  );

  const run = useCallback(
    async <R,>(perform: () => Promise<R>, confirm: (result: R) => Confirmation, options: RunOptions = {}): Promise<R | null> => {
      const key = options.key ?? null;
      if (key !== null) {
        if (Date.now() - (lastRun.current.get(key) ?? Number.NEGATIVE_INFINITY) < DOUBLE_TAP_MS) return null;
        lastRun.current.set(key, Number.POSITIVE_INFINITY);
      }
      try {
        const result = await perform();
        const { text, undo } = confirm(result);
        show(text, 'done', undo);
        return result;
      } catch (error) {
        if (!options.atField?.(error)) fail(error, options.explain);
        return null;
      } finally {
        if (key !== null) lastRun.current.set(key, Date.now());
      }
    },
    [show, fail],
  );

  const undo = useCallback(async () => {
    const take = pendingUndo.current;
    if (!take) return;
    pendingUndo.current = null;
    const asked = counter.current;
    try {
      await take();
      // A tap made while the Undo ran has its own confirmation (and Undo): it stays.
      if (counter.current === asked) show(m('undone'), 'done');
    } catch (error) {
      fail(error);
    }
  }, [show, fail, m]);

  const say = useCallback((confirmation: Confirmation) => show(confirmation.text, 'done', confirmation.undo), [show]);
  const clear = useCallback(() => {
    pendingUndo.current = null;
    setNotice(null);
  }, []);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => {
      setNotice((current) => (current?.key === notice.key ? null : current));
      if (counter.current === notice.key) pendingUndo.current = null;
    }, VISIBLE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  return useMemo(() => ({ notice, run, undo, say, fail, clear }), [notice, run, undo, say, fail, clear]);
}

/**
 * The confirmation, in large text over the bottom of the screen rather than above the content:
 * nothing moves under a finger when it appears (a tap aimed at one child never lands on another).
 */
export function ActionNotice({ actions }: { actions: Actions }) {
  const m = useUiMessages();
  const { notice } = actions;
  // The live region stays in the page so screen readers announce each new text.
  return (
    <div className="notice-region" role="status" aria-live="polite">
      {notice && (
        <div key={notice.key} className={`notice ${notice.tone}`}>
          <p className="notice-text">{notice.text}</p>
          {notice.undo ? (
            <button type="button" className="button notice-undo" onClick={() => void actions.undo()}>
              {m('undo')}
            </button>
          ) : (
            <button type="button" className="button notice-dismiss" onClick={actions.clear}>
              {m('dismiss')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

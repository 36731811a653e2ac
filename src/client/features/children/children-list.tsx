import { useDeferredValue, useEffect, useId, useMemo, useRef, useState } from 'react';
import { formatCodeForReading, normaliseCode, type CodeScheme } from '../../../shared/codes';
import type { ChildListEntry } from '../../db/repositories/child-records';
import { useChildList, useLastVisits } from '../../db/hooks/child-records';
import { useI18n } from '../../i18n/i18n';
import { useUiMessages } from '../../ui/messages';
import { genderLabel, useLanguageName } from '../../ui/child-profile-fields';
import { formatShortDay } from '../../ui/format-day';
import { useChildrenMessages } from './messages';

/**
 * Every child registered here, filtered by what the lead types in the code field. A year of a
 * busy centre is about 3,000 children: only the rows in view (and a few either side) are drawn,
 * at a fixed height, so scrolling and filtering stay smooth on a cheap tablet; the filter runs on
 * a deferred copy of the text, so typing is never held up by the list.
 */

/** One row's height in CSS pixels: the list's arithmetic and children.css agree on it. */
export const ROW_HEIGHT_PX = 88;
/** Rows drawn beyond the visible ones on each side, so a fling shows no blank rows. */
const OVERSCAN_ROWS = 6;
/** Rows drawn before the list has been measured (and in tests, where nothing has a size). */
const FIRST_ROWS = 24;

/** The children whose code holds what was typed, read as a code is (case, spaces, look-alikes). */
export function filterChildren(children: readonly ChildListEntry[], typed: string, scheme: CodeScheme): readonly ChildListEntry[] {
  const wanted = normaliseCode(typed, scheme);
  return wanted.length === 0 ? children : children.filter((child) => child.code.includes(wanted));
}

type ChildrenListProps = {
  typed: string;
  scheme: CodeScheme;
  onOpen: (childId: string) => void;
};

export function ChildrenList({ typed, scheme, onOpen }: ChildrenListProps) {
  const m = useChildrenMessages();
  const titleId = useId();
  const children = useChildList();
  const filter = useDeferredValue(typed);
  const shown = useMemo(() => filterChildren(children ?? [], filter, scheme), [children, filter, scheme]);
  const viewport = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 0 });
  const loaded = children !== undefined;

  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const measure = () => setView({ top: element.scrollTop, height: element.clientHeight });
    measure();
    element.addEventListener('scroll', measure, { passive: true });
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(measure) : undefined;
    observer?.observe(element);
    return () => {
      element.removeEventListener('scroll', measure);
      observer?.disconnect();
    };
  }, [loaded]);

  // A new filter starts at the top of its list.
  useEffect(() => {
    if (viewport.current) viewport.current.scrollTop = 0;
  }, [filter]);

  const first = Math.max(0, Math.floor(view.top / ROW_HEIGHT_PX) - OVERSCAN_ROWS);
  const count = view.height > 0 ? Math.ceil(view.height / ROW_HEIGHT_PX) + 2 * OVERSCAN_ROWS : FIRST_ROWS;
  const rows = shown.slice(first, first + count);
  const lastVisits = useLastVisits(rows.map((child) => child.id));

  if (children === undefined) return null;
  return (
    <section className="panel children-list" aria-labelledby={titleId}>
      <h2 id={titleId}>{m('listTitle')}</h2>
      <p className="hint" aria-live="polite">
        {children.length === 0
          ? m('listEmpty')
          : filter.trim() === ''
            ? m('listCount', { n: children.length })
            : m('listMatching', { n: shown.length, total: children.length })}
      </p>
      {shown.length > 0 && (
        <div ref={viewport} className="children-list-viewport" tabIndex={-1}>
          <ul className="children-list-rows" aria-labelledby={titleId} style={{ blockSize: shown.length * ROW_HEIGHT_PX }}>
            {rows.map((child, i) => (
              <ChildRow key={child.id} child={child} index={first + i} setSize={shown.length} lastVisit={lastVisits?.get(child.id)} onOpen={onOpen} />
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

type ChildRowProps = { child: ChildListEntry; index: number; setSize: number; lastVisit: string | undefined; onOpen: (childId: string) => void };

function ChildRow({ child, index, setSize, lastVisit, onOpen }: ChildRowProps) {
  const m = useChildrenMessages();
  const t = useUiMessages();
  const { language } = useI18n();
  const languageName = useLanguageName();
  const code = formatCodeForReading(child.code);
  const profile = [child.ageBand, child.gender && genderLabel(child.gender, t), ...(child.languages ?? []).map(languageName)].filter(Boolean).join(' · ');
  const dates = [
    child.registeredOn && m('listRegistered', { date: formatShortDay(child.registeredOn, language) }),
    lastVisit ? m('listLastVisit', { date: formatShortDay(lastVisit, language) }) : m('listNoVisit'),
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    // Placed by its index, so the rows drawn sit where the whole list would have them.
    <li aria-posinset={index + 1} aria-setsize={setSize} style={{ insetBlockStart: index * ROW_HEIGHT_PX }}>
      <button type="button" className="children-list-row" onClick={() => onOpen(child.id)}>
        <span className="children-list-code">{code}</span>
        <span className="children-list-profile">{profile}</span>
        <span className="children-list-dates">{dates}</span>
      </button>
    </li>
  );
}

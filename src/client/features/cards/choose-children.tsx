import { useDeferredValue, useId, useMemo, useState } from 'react';
import { formatCodeForReading, normaliseCode, type CodeScheme } from '../../../shared/codes';
import type { CardChild } from '../../db/repositories/code-cards';
import { useI18n } from '../../i18n/i18n';
import { formatDay } from '../../ui/format-day';
import { useCardsMessages } from './messages';

/**
 * At most this many rows at once: a year of a busy centre is 3,000 children, and a list that long
 * is slow on a cheap tablet and no help to a lead, who types a few characters of the code instead.
 */
const MOST_SHOWN = 100;

type ChooseChildrenProps = {
  registered: readonly CardChild[];
  scheme: CodeScheme;
  chosen: ReadonlySet<string>;
  onChange: (chosen: Set<string>) => void;
};

/** The children registered here, filtered by code as the lead types, each with a checkbox. */
export function ChooseChildren({ registered, scheme, chosen, onChange }: ChooseChildrenProps) {
  const m = useCardsMessages();
  const id = useId();
  const [typed, setTyped] = useState('');
  // The field answers every key at once; the list follows when the tablet has a moment.
  const prefix = normaliseCode(useDeferredValue(typed), scheme);
  const matching = useMemo(() => registered.filter((child) => child.code.startsWith(prefix)), [registered, prefix]);
  const shown = matching.slice(0, MOST_SHOWN);

  const toggle = (childId: string) => {
    const next = new Set(chosen);
    if (!next.delete(childId)) next.add(childId);
    onChange(next);
  };

  return (
    <section className="panel choose-children" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{m('chooseTitle')}</h2>
      {registered.length === 0 ? (
        <p>{m('noChildren')}</p>
      ) : (
        <>
          <div className="field">
            <label htmlFor={`${id}-filter`}>{m('filterLabel')}</label>
            <p id={`${id}-filter-hint`} className="hint">
              {m('filterHint')}
            </p>
            <input
              id={`${id}-filter`}
              className="code-input"
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              maxLength={24}
              aria-describedby={`${id}-filter-hint`}
            />
          </div>
          <div className="actions choose-actions">
            <button type="button" className="button" disabled={shown.length === 0} onClick={() => onChange(new Set([...chosen, ...shown.map((child) => child.id)]))}>
              {m('chooseAllShown', { n: shown.length })}
            </button>
            <button type="button" className="button" disabled={chosen.size === 0} onClick={() => onChange(new Set())}>
              {m('chooseNone')}
            </button>
            <p className="chosen-count" role="status">
              {m('chosenCount', { n: chosen.size })}
            </p>
          </div>
          {matching.length === 0 && <p>{m('noMatch', { typed: prefix })}</p>}
          {matching.length > shown.length && <p className="hint">{m('shownSome', { shown: shown.length, n: matching.length })}</p>}
          <ul className="card-children">
            {shown.map((child) => (
              <ChildRow key={child.id} child={child} checked={chosen.has(child.id)} onToggle={toggle} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function ChildRow({ child, checked, onToggle }: { child: CardChild; checked: boolean; onToggle: (childId: string) => void }) {
  const m = useCardsMessages();
  const { language } = useI18n();
  const id = useId();
  return (
    <li>
      <label className="card-child">
        <input type="checkbox" checked={checked} onChange={() => onToggle(child.id)} aria-labelledby={`${id}-code`} aria-describedby={`${id}-details`} />
        <span id={`${id}-code`} className="card-child-code" translate="no">
          {m('childRow', { code: formatCodeForReading(child.code) })}
        </span>
        <span id={`${id}-details`} className="card-child-details">
          {m('childDetails', { ageBand: child.ageBand ?? '?', day: child.registeredOn ? formatDay(child.registeredOn, language) : '?' })}
        </span>
      </label>
    </li>
  );
}

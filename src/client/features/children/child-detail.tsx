import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { formatCodeForReading } from '../../../shared/codes';
import { centreDay, localTime } from '../../../shared/dates';
import type { AgeBand, Gender } from '../../../shared/schema';
import type { ChildDetail as Detail } from '../../db/repositories/child-records';
import type { ChildProfile } from '../../db/repositories/children';
import { useI18n } from '../../i18n/i18n';
import { ChildProfileFields } from '../../ui/child-profile-fields';
import { formatDay } from '../../ui/format-day';
import { EraseChild } from './erase-child';
import { useChildrenMessages } from './messages';

type ChildDetailProps = {
  detail: Detail;
  timeZone: string;
  onCorrect: (profile: ChildProfile) => Promise<boolean>;
  onErase: () => Promise<void>;
  /** An activity's name as the centre's settings call it. */
  activityLabel: (id: string) => string;
  /** The link that prints this child's code card. */
  cardLink?: ReactNode;
};

/** One child as the lead sees them: the record to correct, their recent visits, and erasing them. */
export function ChildDetail({ detail, timeZone, onCorrect, onErase, activityLabel, cardLink }: ChildDetailProps) {
  const m = useChildrenMessages();
  const { language } = useI18n();
  const titleId = useId();
  const { child } = detail;
  const [ageBand, setAgeBand] = useState<AgeBand | null>(child.ageBand ?? null);
  const [gender, setGender] = useState<Gender | null>(child.gender ?? null);
  const [languages, setLanguages] = useState<string[]>([...(child.languages ?? [])]);
  const code = formatCodeForReading(child.code ?? '');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ageBand || !gender) return;
    await onCorrect({ ageBand, gender, languages });
  };

  return (
    <section className="panel child-detail" aria-labelledby={titleId}>
      <h2 id={titleId}>{m('childTitle', { code })}</h2>
      {child.registeredOn && <p>{m('registeredOn', { date: formatDay(child.registeredOn, language) })}</p>}
      {cardLink && <p>{cardLink}</p>}
      <form aria-labelledby={titleId} onSubmit={(event) => void submit(event)} noValidate>
        <ChildProfileFields ageBand={ageBand} gender={gender} languages={languages} onAgeBand={setAgeBand} onGender={setGender} onLanguages={setLanguages} />
        <div className="actions">
          <button type="submit" className="button primary">
            {m('correct')}
          </button>
        </div>
      </form>
      <h3>{m('recentVisits')}</h3>
      {detail.visits.length === 0 ? (
        <p className="empty">{m('noVisits')}</p>
      ) : (
        <ul className="visit-list">
          {detail.visits.map((visit) => {
            const date = formatDay(centreDay(visit.start, timeZone), language);
            return (
              <li key={visit.startEventId}>
                {visit.end === null
                  ? m('visitOpen', { date, time: localTime(visit.start, timeZone) })
                  : m('visitClosed', { date, from: localTime(visit.start, timeZone), to: localTime(visit.end, timeZone) })}
              </li>
            );
          })}
        </ul>
      )}
      {detail.visitCount > detail.visits.length && <p className="hint">{m('moreVisits', { n: detail.visitCount - detail.visits.length })}</p>}
      <h3>{m('recentSessions')}</h3>
      {detail.sessions.length === 0 ? (
        <p className="empty">{m('noSessions')}</p>
      ) : (
        <ul className="visit-list">
          {detail.sessions.map((session) => (
            <li key={session.sessionId}>{m('sessionOn', { activity: activityLabel(session.activity), date: formatDay(session.day, language), time: localTime(session.startedAt, timeZone) })}</li>
          ))}
        </ul>
      )}
      {detail.sessionCount > detail.sessions.length && <p className="hint">{m('moreSessions', { n: detail.sessionCount - detail.sessions.length })}</p>}
      <EraseChild code={code} onErase={onErase} />
    </section>
  );
}

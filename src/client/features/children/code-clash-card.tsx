import { useId } from 'react';
import type { CodeClash } from '../../../shared/code-clashes';
import { formatCodeForReading } from '../../../shared/codes';
import { localTime } from '../../../shared/dates';
import type { Gender } from '../../../shared/schema';
import type { RegistrationView } from '../../db/repositories/code-clashes';
import { useI18n } from '../../i18n/i18n';
import { useUiMessages } from '../../ui/messages';
import { genderLabel, useLanguageName } from '../../ui/child-profile-fields';
import { formatDay } from '../../ui/format-day';
import { useChildrenMessages } from './messages';

type CodeClashCardProps = {
  clash: CodeClash<RegistrationView>;
  timeZone: string;
  onNewCode: (registration: RegistrationView) => void;
  onSameChild: (registration: RegistrationView) => void;
};

/** One code that reached two (or more) children: each registration as a card, and the lead's two answers. */
export function CodeClashCard({ clash, timeZone, onNewCode, onSameChild }: CodeClashCardProps) {
  const m = useChildrenMessages();
  const { language } = useI18n();
  const t = useUiMessages();
  const languageName = useLanguageName();
  const titleId = useId();
  return (
    <section className="panel code-clash" aria-labelledby={titleId}>
      <h3 id={titleId}>{m('clashTitle', { code: formatCodeForReading(clash.code), n: clash.registrations.length })}</h3>
      <p className="hint">{m('clashHint')}</p>
      <ul className="clash-registrations">
        {clash.registrations.map((registration) => {
          const profile = [registration.ageBand, genderLabel(registration.gender as Gender, t), ...registration.languages.map(languageName)].join(' · ');
          const registered = m('registeredAs', { date: formatDay(registration.registeredOn, language), time: localTime(registration.at, timeZone) });
          return (
            <li key={registration.id} className="clash-registration">
              <p className="clash-profile">{profile}</p>
              <p>{registered}</p>
              <p className="hint">
                {registration.visits === 0 ? m('visitsNone') : m('visitsMany', { n: registration.visits })}
              </p>
              <div className="actions">
                {/* The name starts with the words on the button, and says which child it is for. */}
                <button type="button" className="button primary" aria-label={`${m('giveNewCode')}: ${profile}, ${registered}`} onClick={() => onNewCode(registration)}>
                  {m('giveNewCode')}
                </button>
                <button type="button" className="button" aria-label={`${m('sameChild')}: ${profile}, ${registered}`} onClick={() => onSameChild(registration)}>
                  {m('sameChild')}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
